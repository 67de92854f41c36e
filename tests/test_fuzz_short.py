"""A short, bounded run of scripts/fuzz.py (issue 9 section 3), and checks of its machinery.

The long runs (`python scripts/fuzz.py --count 100000`) are for people; this one keeps the same
mutation families in the suite: 300 fixed inputs through the API, a sample through the CLI.
"""

from __future__ import annotations

import random

import fuzz
import pytest

from samlcheck._internal.errors import InputError


def test_a_short_fuzz_run_has_no_escapes() -> None:
    tally = fuzz.run(seed=9, count=300, cli_fraction=0.05, hang=10.0)
    assert tally.inputs == 300
    assert tally.cli_inputs > 0
    assert not tally.escapes, fuzz.report(tally, 9, 0.0)


def test_inputs_depend_only_on_seed_and_number_and_cover_every_kind() -> None:
    first = [fuzz.make_input(9, n) for n in range(200)]
    assert first == [fuzz.make_input(9, n) for n in range(200)]
    assert fuzz.make_input(9, 5) != fuzz.make_input(10, 5)
    assert {i.kind for i in first} == {"response", "capture", "metadata", "key", "cert"}
    steps = {s.split(":")[0] for i in first for s in i.steps}
    assert set(fuzz.MUTATIONS) | {"wrap"} <= steps


def test_an_exception_from_the_api_is_an_escape_and_an_input_error_is_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def crash(kind: str, data: bytes) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(fuzz, "api_call", crash)
    escape = fuzz.run_api("response", b"<x/>", 5.0)
    assert escape is not None and escape.key.startswith("RuntimeError@")

    def refuse(kind: str, data: bytes) -> None:
        raise InputError("fuzz", "cannot be read", "Give another.")

    monkeypatch.setattr(fuzz, "api_call", refuse)
    assert fuzz.run_api("response", b"<x/>", 5.0) is None


def test_a_cli_traceback_or_unknown_exit_code_is_an_escape() -> None:
    assert fuzz._stderr_escape("Traceback (most recent call last):\n  ...\nKeyError: 'x'\n")
    assert fuzz._stderr_escape("CryptographyDeprecationWarning: serial\n")
    assert not fuzz._stderr_escape("samlcheck: fuzz.xml: is not XML. Give a capture.\n")
    assert not fuzz._stderr_escape("")


def test_a_readable_but_broken_input_through_the_cli_is_not_an_escape() -> None:
    rng = random.Random(0)
    assert fuzz.run_cli("response", b"not xml at all", rng, 10.0, False) is None
    assert fuzz.run_cli("key", b"-----BEGIN A-----\n", rng, 10.0, False) is None


def test_the_minimiser_keeps_only_what_the_escape_needs() -> None:
    data = b"<a>" + b"x" * 500 + b"<!DOCTYPE>" + b"y" * 500 + b"</a>"
    assert fuzz.minimise(data, lambda d: b"<!DOCTYPE>" in d) == b"<!DOCTYPE>"
