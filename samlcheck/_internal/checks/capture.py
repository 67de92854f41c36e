"""`check_capture`: what `samlcheck check` does for one input, as a library call.

A capture may hold AuthnRequests beside the SAMLResponse (a HAR of the whole sign-in): only the
responses are what AWS checks. `Checker` reads the files a `CheckOptions` names once, for
checking many captures (the CLI's folders); `check_capture` is one capture with a fresh one.
"""

from __future__ import annotations

from pathlib import Path

from samlcheck._internal.inputs.capture import Capture, Message
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.report import Report, Result


def check_capture(capture: Path | bytes, options: CheckOptions) -> Report:
    """Predict AWS STS's answer to every SAMLResponse in one capture: one Result each.

    `capture` is a file (any format `read_capture` reads) or the bytes of one; the trust
    anchors, keys and AWS request come from `options` alone. Raises `InputError` when the
    capture or a file `options` names cannot be read.
    """
    return Checker(options).check(_read(capture))


def responses(capture: Capture) -> tuple[Message, ...]:
    """The messages AWS checks: the SAMLResponses, or every message when there is none (a
    capture of an AuthnRequest alone is checked, and answered, as what it is)."""
    found = tuple(m for m in capture.messages if m.parameter != "SAMLRequest")
    return found or capture.messages


class Checker:
    """One `CheckOptions` with its files read once: the SP keys (checked readable before any
    work), the trust anchors and the IdP's current metadata."""

    def __init__(self, options: CheckOptions) -> None:
        from samlcheck._internal.inputs.files import read_file
        from samlcheck._internal.trust import anchors as trust

        for key in options.sp_keys:  # unreadable, a folder, /dev/zero: say so before any work
            read_file(key, "private key")
        self.options = options
        self.trust = trust.load_trust(options.metadata, options.certs)
        self.current = trust.load_trust(options.idp_metadata, ()) if options.idp_metadata else None

    def check(self, capture: Capture) -> Report:
        """Every response of a decoded capture, checked against these options."""
        return Report(tuple(self.check_message(message) for message in responses(capture)))

    def check_message(self, message: Message) -> Result:
        """One message, checked against these options."""
        from samlcheck._internal.checks import response

        return response.check_loaded(message, self.options, self.trust, self.current)


def _read(capture: Path | bytes) -> Capture:
    from samlcheck._internal.inputs.capture import decode_capture, read_capture

    if isinstance(capture, Path):
        return read_capture(str(capture))
    if isinstance(capture, bytes):
        return decode_capture(capture, "bytes")
    raise TypeError(  # a str could be a path or a pasted value: the caller says which
        f"check_capture takes a Path or bytes, not {type(capture).__name__}: "
        "pass Path(name) for a file, or text.encode() for a pasted value"
    )
