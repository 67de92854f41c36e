"""Words for people that rules and stages share: how close two IDs are, how long a span is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

_FOLDS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("by surrounding whitespace", str.strip),
    ("by a trailing slash", lambda value: value.rstrip("/")),
    ("in letter case", str.lower),
    ("in whitespace, a trailing slash and letter case", lambda v: v.strip().rstrip("/").lower()),
)


def near_miss(value: str, known: Iterable[str]) -> tuple[str, str] | None:
    """(the known ID, how `value` differs from it) when `value` equals a known ID but for
    surrounding whitespace, a trailing slash or letter case; None when it is no near miss.
    AWS compares entity IDs exactly: the hint only says why an ID that looks right is not."""
    candidates = tuple(known)
    for how, fold in _FOLDS:
        folded = fold(value)
        match = next((k for k in candidates if fold(k) == folded), None)
        if match is not None:
            return match, how
    return None


def span(delta: dt.timedelta) -> str:
    """A duration for people: '90 s', '12 min', '5 h', '3 days' (rounded down)."""
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"
