"""What the commands share: reading --at."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import ROOT, RunCli

from samlcheck._internal.errors import InputError
from samlcheck._internal.instants import given_instant as instant

CAPTURE = ROOT / "fixtures" / "captures" / "response.xml"
METADATA = ROOT / "fixtures" / "idp" / "metadata.xml"
NOON_UTC = dt.datetime(2026, 1, 15, 12, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-15T12:00:00Z",
        "2026-01-15T12:00:00z",
        " 2026-01-15T12:00:00Z ",
        "2026-01-15T12:00:00",
        "2026-01-15T14:00:00+02:00",
        "2026-01-15T07:00:00-05:00",
    ],
)
def test_at_is_read_as_a_utc_instant(text: str) -> None:
    value = instant(text)
    assert value == NOON_UTC and value is not None and value.tzinfo is dt.timezone.utc


def test_no_at_means_now(run_cli: RunCli) -> None:
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    done = run_cli("check", str(CAPTURE), "--metadata", str(METADATA), "--format", "json")
    after = dt.datetime.now(dt.timezone.utc)
    summary = dict(
        (s["label"], s["value"]) for s in json.loads(done.stdout)["results"][0]["summary"]
    )
    checked = dt.datetime.fromisoformat(summary["check time"].replace("Z", "+00:00"))
    assert before <= checked <= after


@pytest.mark.parametrize("text", ["yesterday", "2026-01-15T12:00:00ZZ", ""])
def test_at_that_is_not_an_instant_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="not an ISO 8601 instant"):
        instant(text)
