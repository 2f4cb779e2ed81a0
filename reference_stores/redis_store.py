"""Deprecated: use ``tokenstore_conformance.reference_stores.redis_store``."""

from reference_stores import alias

alias(__name__)
