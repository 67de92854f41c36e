"""The README tells the truth: every example shows what its command prints today."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

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


def _architecture_block() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```\n", 2)[1].splitlines()


def _named_paths() -> set[Path]:
    """Every path the architecture tree names: nesting by indentation, two spaces a level."""
    named: set[Path] = set()
    parents: list[str] = []
    for line in _architecture_block():
        indent = len(line) - len(line.lstrip())
        name = line.split()[0] if line.strip() else ""
        if not name or indent % 2 or indent // 2 > len(parents) or name.startswith("("):
            continue  # a continuation of the line above
        del parents[indent // 2 :]
        named.add(ROOT.joinpath(*parents, name))
        if name.endswith("/"):
            parents.append(name)
    return named


def test_every_path_in_the_readme_architecture_exists() -> None:
    named = _named_paths()
    assert ROOT / "samlcheck" / "_internal" / "checks" / "metadata.py" in named  # parsed nesting
    assert [str(p.relative_to(ROOT)) for p in sorted(named) if not p.exists()] == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture\n", 1)[1].split("\n## ", 1)[0]
    table = section.split("| --- | --- |\n", 1)[1]  # the rows: step, where it lives
    internal = ROOT / "samlcheck" / "_internal"
    cited = set(re.findall(r"`([\w/]+(?:\.py|/))`", table))
    assert cited and [p for p in sorted(cited) if not (internal / p).exists()] == []


def test_the_readme_architecture_names_every_module() -> None:
    """The tree matches the package: each module is named, or the folder that holds it is named
    with none of its modules (rules/, render/, cli/)."""
    named = _named_paths()

    def shown(path: Path) -> bool:
        folder = path.parent
        return path in named or (folder in named and not any(p.parent == folder for p in named))

    package = ROOT / "samlcheck"
    modules = [p for p in package.rglob("*.py") if p.name != "__init__.py" or p.parent == package]
    assert [str(p.relative_to(ROOT)) for p in sorted(modules) if not shown(p)] == []
