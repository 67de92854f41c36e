"""The pytest plugin (entry point `pytest11`): samlcheck suite files collected as tests.

Set the file patterns in the pytest configuration, e.g. in pyproject.toml:

    [tool.pytest.ini_options]
    samlcheck_suites = ["*.samlsuite.toml"]

Each case of a matching suite file is one test item, named by the case; a case whose capture
gets another answer from AWS fails with what was expected and what AWS would answer. Without
the setting the plugin collects nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from samlcheck._internal.checks.suite import Case

INI = "samlcheck_suites"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        INI, "samlcheck suite files to collect as tests (glob patterns)", type="args", default=[]
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> SuiteFile | None:
    patterns: list[str] = parent.config.getini(INI)
    if any(file_path.match(pattern) for pattern in patterns):
        suite: SuiteFile = SuiteFile.from_parent(parent, path=file_path)
        return suite
    return None


class CaseFailed(AssertionError):
    """A case's capture got another answer from AWS than the one expected."""


class SuiteFile(pytest.File):
    """A suite file: one item per case."""

    def collect(self) -> Iterator[CaseItem]:
        from samlcheck._internal.checks.suite import load_suite
        from samlcheck._internal.errors import InputError

        try:
            cases = load_suite(self.path)
        except InputError as error:
            raise self.CollectError(error.line) from None
        for case in cases:
            yield CaseItem.from_parent(self, name=case.name, case=case)


class CaseItem(pytest.Item):
    """One case of a suite."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from samlcheck._internal.checks.suite import run_case

        outcome = run_case(self.case)
        if not outcome.passed:
            raise CaseFailed(outcome.explained())

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        from samlcheck._internal.errors import InputError

        if isinstance(excinfo.value, CaseFailed | InputError):
            return f"samlcheck case {self.name!r} failed: {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"samlcheck case: {self.name}"
