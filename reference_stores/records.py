"""Deprecated: use ``tokenstore_conformance.reference_stores.records``."""

from reference_stores import alias

alias(__name__)
