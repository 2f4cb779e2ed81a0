"""Deprecated: use ``tokenstore_conformance.reference_stores.memory_store``."""

from reference_stores import alias

alias(__name__)
