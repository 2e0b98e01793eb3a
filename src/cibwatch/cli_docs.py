"""Generate docs/CLI.md from the commands' own ``--help`` (docs never retype help text).

    python -m cibwatch.cli_docs > docs/CLI.md

``tests/test_docs.py`` fails when docs/CLI.md is not what this prints.
"""

from __future__ import annotations

import os

from typer.testing import CliRunner

from .cli import app

__all__ = ["COMMANDS", "render"]

#: The commands documented, in order.
COMMANDS: tuple[tuple[str, ...], ...] = (
    (),
    ("ingest",),
    ("detect",),
    ("expand",),
    ("evidence",),
    ("indicators", "import"),
    ("export", "canonical"),
    ("export", "stix"),
    ("report", "threat"),
    ("report", "period"),
    ("simulate",),
    ("evaluate",),
    ("formats",),
    ("demo",),
    ("serve",),
    ("user", "add"),
    ("user", "list"),
    ("audit", "verify"),
    ("case",),
    ("case", "open"),
    ("case", "export"),
    ("case", "figures"),
)


def render() -> str:
    env = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    runner = CliRunner()
    parts = ["# Command-line reference", "",
             "Generated from `--help` by `python -m cibwatch.cli_docs`; do not edit by hand.", ""]
    for cmd in COMMANDS:
        title = " ".join(("cibwatch", *cmd))
        result = runner.invoke(app, [*cmd, "--help"], env=env, prog_name="cibwatch")
        text = "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())
        parts += [f"## `{title}`", "", "```text", text, "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("COLUMNS", "100")
    print(render(), end="")
