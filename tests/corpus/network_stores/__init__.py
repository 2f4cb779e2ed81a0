"""Stores that reach for the network, for tests/kit/test_network_guard.py: outward (refused) or on the machine.

Each exposes ``Store``. None of them sends anything off the machine when the
kit runs it: the kit's guard refuses the connection before a packet (or a DNS
query) leaves, which is what the tests check.
"""
