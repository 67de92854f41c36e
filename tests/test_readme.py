"""The README tells the truth: every example shows what its command prints today."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_every_readme_example_prints_what_the_readme_shows() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme_examples.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, (
        done.stdout + done.stderr + ("\nRefresh with: python scripts/readme_examples.py")
    )


def test_readme_set_up_commands_are_the_ones_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    setup = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]' && .venv/bin/pytest"
    assert setup in readme
    for command in setup.split(" && "):  # in CI's own venv, never the developer's .venv
        assert command.replace(".venv", ".ci/venv") in ci, command
    assert ".venv" not in ci.replace(".ci/venv", "")


def test_ci_type_checks_the_tests_and_scripts_too() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".ci/venv/bin/mypy samlcheck tests scripts\n" in ci
