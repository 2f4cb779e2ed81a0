"""Reading the JSON reports of child runs, each validated against the schema the installed kit ships."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema


def schema() -> dict:
    """The schema as installed: the file the package ships, not this checkout's copy."""
    return json.loads((resources.files("tokenstore_conformance.harness") / "report.schema.json").read_text())


def valid_report(path: Path) -> dict:
    """The report at ``path``; fails the test (jsonschema.ValidationError) if the schema rejects it."""
    document = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(document, schema(), cls=jsonschema.Draft202012Validator)
    return document


def store_of(document: dict, spec: str) -> dict:
    return next(store for store in document["stores"] if store["spec"] == spec)


def clause_verdicts(store: dict) -> dict[str, str]:
    return {clause["id"]: clause["verdict"] for clause in store["clauses"]}
