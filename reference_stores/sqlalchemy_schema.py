"""Deprecated: use ``tokenstore_conformance.reference_stores.sqlalchemy_schema``."""

from reference_stores import alias

alias(__name__)
