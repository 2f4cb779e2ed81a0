"""The shell commands in CI files: fenced blocks of a Markdown page, and a workflow file's steps."""

from __future__ import annotations

import re


def fenced(text: str, language: str) -> list[str]:
    """The bodies of the page's fenced blocks in ``language``."""
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def commands(block: str) -> list[str]:
    """The shell commands of a CI file: GitHub's ``run:`` steps and the items of GitLab's ``script:``."""
    found, script_indent = [], None
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip())
        if script_indent is not None:
            item = re.match(r"^\s*- (.+)$", line)
            if item and indent > script_indent:
                found.append(item[1])
                continue
            script_indent = None
        if line.strip() == "script:":
            script_indent = indent
        run = re.match(r"^\s*(?:- )?run: (.+)$", line)
        if run:
            found.append(run[1])
    return found


def job(workflow: str, name: str) -> str:
    """The text of one job of a GitHub workflow: from ``  name:`` to the next job at the same indent."""
    found = re.search(rf"^  {re.escape(name)}:\n(.*?)(?=^  \S|\Z)", workflow, re.MULTILINE | re.DOTALL)
    assert found, f"no job {name!r} in the workflow"
    return found[1]
