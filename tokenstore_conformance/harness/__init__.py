"""The pytest glue: settings, session start, fixtures, collection, the clause registry and the report.

Imports the engines (``lifecycle``, ``sdkflow``), ``target`` and ``records``;
nothing below imports it. ``options`` imports nothing heavy, because the
plugin reads it in every pytest run.
"""
