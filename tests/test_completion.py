"""Shell completion (Typer's): `--show-completion SHELL` prints a script, and the completion it
installs answers with samlcheck's commands and options."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SAMLCHECK = str(Path(sys.executable).parent / "samlcheck")


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = os.environ | env
    return subprocess.run(
        [SAMLCHECK, *args], env=environment, capture_output=True, text=True, timeout=60
    )


def test_show_completion_prints_a_bash_script() -> None:
    done = _run("--show-completion", "bash")
    assert done.returncode == 0, done.stderr
    assert "_SAMLCHECK_COMPLETE=complete_bash" in done.stdout
    assert done.stdout.rstrip().endswith("complete -o default -F _samlcheck_completion samlcheck")


def test_the_completion_names_commands_and_options() -> None:
    commands = _run(_SAMLCHECK_COMPLETE="complete_bash", COMP_WORDS="samlcheck te", COMP_CWORD="1")
    assert commands.stdout.split() == ["test"]
    words = "samlcheck test --fo"
    options = _run(_SAMLCHECK_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD="2")
    assert options.stdout.split() == ["--format"]
