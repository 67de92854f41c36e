"""What the commands share: reading --at."""

from __future__ import annotations

import datetime as dt

import pytest

from samlcheck.cli.common import instant
from samlcheck.errors import InputError

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


def test_no_at_means_now() -> None:
    assert instant(None) is None


@pytest.mark.parametrize("text", ["yesterday", "2026-01-15T12:00:00ZZ", ""])
def test_at_that_is_not_an_instant_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="not an ISO 8601 instant"):
        instant(text)
