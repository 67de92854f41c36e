"""xs:dateTime parsing shared by the response and metadata rules."""

from __future__ import annotations

import datetime as dt

import pytest

from samlcheck._internal.instants import parse_instant

UTC = dt.timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-15T12:00:00Z", dt.datetime(2026, 1, 15, 12, tzinfo=UTC)),
        ("2026-01-15T12:00:00", dt.datetime(2026, 1, 15, 12, tzinfo=UTC)),
        ("2026-01-15T14:30:00+02:30", dt.datetime(2026, 1, 15, 12, tzinfo=UTC)),
        ("2026-01-15T10:00:00-02:00", dt.datetime(2026, 1, 15, 12, tzinfo=UTC)),
        (" 2026-01-15T12:00:00Z\n", dt.datetime(2026, 1, 15, 12, tzinfo=UTC)),
        ("2026-01-15T12:00:00.910Z", dt.datetime(2026, 1, 15, 12, 0, 0, 910_000, tzinfo=UTC)),
        ("2026-01-15T12:00:00.0157Z", dt.datetime(2026, 1, 15, 12, 0, 0, 15_700, tzinfo=UTC)),
        ("2026-01-15T12:00:00.1234569Z", dt.datetime(2026, 1, 15, 12, 0, 0, 123_456, tzinfo=UTC)),
    ],
)
def test_xs_datetime_is_read_as_utc_with_fractional_seconds(
    text: str, expected: dt.datetime
) -> None:
    value = parse_instant(text)
    assert value == expected and value is not None and value.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30T00:00:00Z",
        "2026-01-15",
        "2026-01-15 12:00:00",
        "2026-01-15T12:00:00z",
        "2026-01-15T12:00:00.Z",
        "tomorrow",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
    ],
)
def test_what_is_not_an_xs_datetime_in_years_1_to_9999_is_none(text: str) -> None:
    assert parse_instant(text) is None
