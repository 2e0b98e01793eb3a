"""Docs that drift from the code fail here."""

from __future__ import annotations

from cibwatch.cli_docs import render

from .conftest import ROOT


def test_cli_reference_is_generated_from_help() -> None:
    assert (ROOT / "docs" / "CLI.md").read_text() == render(), (
        "docs/CLI.md is stale: run .venv/bin/python -m cibwatch.cli_docs > docs/CLI.md")


def test_changelog_has_a_dated_entry_for_this_version() -> None:
    import re

    import cibwatch

    text = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"## \[{re.escape(cibwatch.__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}", text)
