"""The store under test, without pytest: loading a SPEC, building stores, time limits, cleanup.

Imports only ``records`` and the SDK import point, so the engines, the
command line and child processes can build stores exactly as the plugin does.
"""
