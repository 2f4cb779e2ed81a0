"""Deprecated: use ``tokenstore_conformance.reference_stores.list_store``."""

from reference_stores import alias

alias(__name__)
