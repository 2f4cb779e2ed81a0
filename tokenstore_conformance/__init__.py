"""A conformance kit for the TokenStore interface of the Zoho CRM Python SDK."""

__version__ = "0.1.0.dev0"
