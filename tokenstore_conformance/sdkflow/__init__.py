"""The SDK flow engine: a fake Zoho on loopback and a driver that runs the genuine SDK against a store.

Imports ``records`` and the SDK import point, never the pytest harness.
"""
