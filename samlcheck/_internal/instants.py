"""xs:dateTime values (IssueInstant, NotOnOrAfter, validUntil ...) as aware UTC datetimes."""

from __future__ import annotations

import datetime as dt
import re

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
