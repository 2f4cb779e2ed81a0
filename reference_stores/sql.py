"""Deprecated: use ``tokenstore_conformance.reference_stores.sql``."""

from reference_stores import alias

alias(__name__)
