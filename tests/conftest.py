"""Shared test helpers: the test IdP, the CLI runner and the third-party corpus location."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import pytest
import testidp
from typer.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "python3-saml"


@pytest.fixture(scope="session")
def signed_response() -> bytes:
    """A response AWS accepts, signed by the default test IdP."""
    return testidp.response_xml()


class RunCli(Protocol):
    """The `run_cli` fixture: samlcheck's arguments (and stdin) in, click's Result out."""

    def __call__(self, *args: str, input: bytes | str | None = None) -> Result: ...


@pytest.fixture()
def run_cli() -> RunCli:
    """Run the samlcheck CLI in-process; returns the click Result (exit_code, stdout, stderr)."""
    from samlcheck.cli import _register, app

    _register()
    runner = CliRunner()

    def run(*args: str, input: bytes | str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input)

    return run


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The python3-saml corpus; tests that need it skip when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"third-party corpus not found at {CORPUS}")
    return CORPUS


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A pytest-xdist worker hands the keys it searched for to the controller."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["searched"] = list(testidp.SEARCHED)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """The controller collects what each pytest-xdist worker searched for."""
    testidp.SEARCHED.extend(getattr(node, "workeroutput", {}).get("searched", []))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name the test keys that took the slow seeded search because the key store lacks them."""
    if testidp.SEARCHED:
        names = " ".join(testidp.SEARCHED)
        terminalreporter.write_line(
            f"test keys not in {testidp.KEY_STORE.name} took the slow seeded search; "
            f"store them: python scripts/testidp.py {names}",
            yellow=True,
        )
