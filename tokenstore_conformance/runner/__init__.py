"""The subcommands of ``python -m tokenstore_conformance``: check, certify and report (an entry-point layer)."""
