"""xs:dateTime values (IssueInstant, NotOnOrAfter, validUntil ...) as aware UTC datetimes, and
xs:duration values (cacheDuration) read for their sign."""

from __future__ import annotations

import datetime as dt
import re

from samlcheck._internal.errors import InputError

_INSTANT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?"
)


def parse_instant(text: str) -> dt.datetime | None:
    """An xs:dateTime as an aware UTC datetime; None when it is not one.

    No zone means UTC (SAML 2.0 core, section 1.3.3). Fractional seconds are kept to the
    microsecond (further digits are cut, not rounded).
    """
    match = _INSTANT.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        value = dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            int(fraction[:6].ljust(6, "0")) if fraction else 0,
            tzinfo=dt.timezone.utc,
        )
        if zone and zone != "Z":
            sign = 1 if zone[0] == "+" else -1
            value -= sign * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    except (ValueError, OverflowError):  # no such date, or beyond year 1..9999 once in UTC
        return None
    return value


def given_instant(value: str | None) -> dt.datetime | None:
    """An instant the user gave (--at): ISO 8601, 'Z' or 'z' for UTC, no zone meaning UTC; in
    UTC, or None if absent. Raises InputError in samlcheck's words."""
    if value is None:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.timezone.utc)
        return parsed.astimezone(dt.timezone.utc)
    except ValueError:
        problem = "is not an ISO 8601 instant"
    except OverflowError:  # 0001-01-01T00:00:00+14:00 is before year 1 in UTC
        problem = "falls outside years 1 to 9999 once in UTC"
    raise InputError("--at", f"{value!r} {problem}", "Use e.g. 2026-01-15T12:01:00Z.")


_DURATION = re.compile(
    r"^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def parse_duration(value: str) -> tuple[bool, bool] | None:
    """(negative, zero) for an xs:duration; None when malformed."""
    text = value.strip()
    match = _DURATION.match(text)
    if not match or text.endswith(("P", "T")) or not any(match.groups()[1:]):
        return None
    zero = all(float(g) == 0 for g in match.groups()[1:] if g)
    return bool(match.group(1)), zero
