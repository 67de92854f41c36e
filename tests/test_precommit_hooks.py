"""The pre-commit hooks (.pre-commit-hooks.yaml), run as pre-commit runs them: each hook's `files`
pattern picks the staged paths (relative to the repository root), then `entry` and those paths run
in a subprocess; a file IAM or AWS would refuse fails the hook."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

HOOKS: dict[str, dict[str, Any]] = {
    hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
}
SUITE = "examples/suite/aws.samlsuite.toml"


def run_hook(hook_id: str, staged: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The hook on the staged paths its `files` pattern selects, with the test's Python first on
    PATH (pre-commit's hook environment has samlcheck installed the same way)."""
    hook = HOOKS[hook_id]
    assert hook["language"] == "python"
    selected = [path for path in staged if re.search(hook["files"], path)]
    assert selected == staged, f"{hook_id} would not see {set(staged) - set(selected)}"
    env = os.environ | {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    command = [*shlex.split(hook["entry"]), *selected]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_every_hook_is_declared_for_pre_commit() -> None:
    assert set(HOOKS) == {"samlcheck-metadata", "samlcheck-keys", "samlcheck-suite"}
    for hook in HOOKS.values():
        assert {"id", "name", "entry", "language", "files"} <= set(hook)


@pytest.mark.parametrize(
    ("hook_id", "good", "bad", "named"),
    [
        (
            "samlcheck-metadata",
            ["fixtures/idp/metadata.xml", "fixtures/metadata/passing.xml"],
            "fixtures/metadata/key-512.xml",
            "SC-MD-",
        ),
        ("samlcheck-keys", ["fixtures/keys/rsa-pkcs1.pem"], "fixtures/keys/ec-p256.pem", "SC-KEY-"),
    ],
)
def test_a_file_iam_would_refuse_fails_the_hook(
    hook_id: str, good: list[str], bad: str, named: str
) -> None:
    passed = run_hook(hook_id, good)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    failed = run_hook(hook_id, [*good, bad])
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert bad in failed.stdout and named in failed.stdout


def test_the_suite_hook_passes_the_example_and_names_a_broken_case(tmp_path: Path) -> None:
    passed = run_hook("samlcheck-suite", [SUITE])
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert passed.stdout.endswith("12 cases: 12 passed, 0 failed\n")
    text = (ROOT / SUITE).read_text().replace("../../fixtures", str(ROOT / "fixtures"))
    broken = tmp_path / "broken.samlsuite.toml"
    broken.write_text(text.replace('"Response signature invalid"', '"accepted"'))
    failed = run_hook("samlcheck-suite", [broken.name], cwd=tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "FAIL  a response changed after signing is refused\n" in failed.stdout


def test_an_unreadable_metadata_file_fails_the_hook_with_exit_2() -> None:
    failed = run_hook("samlcheck-metadata", ["fixtures/idp/metadata.xml", "missing-metadata.xml"])
    assert failed.returncode == 2 and "missing-metadata.xml" in failed.stderr
