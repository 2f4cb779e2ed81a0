"""Deprecated: use ``tokenstore_conformance.reference_stores.redis_scripts``."""

from reference_stores import alias

alias(__name__)
