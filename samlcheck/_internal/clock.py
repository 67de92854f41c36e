"""When a message is judged: the --at instant, now, the moment it was captured, or its issue time.

`--at capture` takes the timestamp of the HAR entry or SAML-tracer request that carried the
message; a capture without one (a bare base64 value, an XML file) falls back to `--at issued`.
`--at issued` takes the message's own IssueInstant plus one second; a message without a readable
IssueInstant falls back to now. A fallback is said in the result (`CheckTime.note`).
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from samlcheck._internal.inputs.capture import Message
from samlcheck._internal.instants import parse_instant
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.report import CheckTime

ISSUED_DELAY = dt.timedelta(seconds=1)
"""`--at issued` judges a message this long after its IssueInstant (a browser's round trip)."""


def check_time(options: CheckOptions, message: Message, root: etree._Element | None) -> CheckTime:
    """The instant `message` is judged at under `options.at`, and where it comes from."""
    if isinstance(options.at, dt.datetime):
        return CheckTime(options.at, "option")
    if options.at == "capture":
        stamp = message.posted_at or message.timestamp
        captured = parse_instant(stamp) if stamp else None
        if captured is not None:
            return CheckTime(captured, "capture")
        return _issued(
            root,
            "the capture holds no timestamp for this message (only HAR and SAML-tracer exports do)",
        )
    if options.at == "issued":
        return _issued(root, "")
    return CheckTime(dt.datetime.now(dt.timezone.utc), "now")


def _issued(root: etree._Element | None, why: str) -> CheckTime:
    """IssueInstant + 1 s of the message's root element (unsigned on a Response: it is only the
    time to judge at, never a claim); now when there is none."""
    text = root.get("IssueInstant") if root is not None else None
    issued = parse_instant(text) if text else None
    if issued is not None:
        note = f"--at capture: {why}; judged at its IssueInstant + 1 s" if why else ""
        return CheckTime(issued + ISSUED_DELAY, "issued", note)
    lead = f"--at capture: {why}, and the" if why else "--at issued: the"
    return CheckTime(
        dt.datetime.now(dt.timezone.utc),
        "now",
        f"{lead} message has no readable IssueInstant: judged at the current time",
    )
