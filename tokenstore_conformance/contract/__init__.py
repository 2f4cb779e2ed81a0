"""The contract tests that ``pytest --tokenstore=SPEC`` collects from the installed kit."""
