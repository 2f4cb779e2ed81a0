"""The benchmark engine: what one call of each TokenStore method costs as the store grows.

``python -m tokenstore_conformance bench SPEC ...`` fills each store to each
size and times single calls, so the figures are what an application pays per
request (p50) and in its slow moments (p99). Nothing here imports pytest; the
pytest plugin and the command line both sit on top of it.
"""
