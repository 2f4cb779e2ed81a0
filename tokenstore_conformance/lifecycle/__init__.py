"""The lifecycle engine: a model of the contract, value strategies, the state machine and its runner.

Imports ``target``, ``records`` and the SDK import point, never the pytest
harness. This ``__init__`` imports nothing, so the plugin can read
``profiles`` while pytest parses options without loading Hypothesis's
stateful machinery.
"""
