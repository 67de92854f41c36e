"""samlcheck: predict the exact error AWS returns for a SAML sign-in, metadata upload or key.

The public API (every name below, nothing else; loaded on first use, so that importing
samlcheck and starting the CLI stay light):

- `check_capture(path_or_bytes, CheckOptions(...))` -> `Report`: what `samlcheck check` does for
  one capture (every SAMLResponse in it; AuthnRequests beside them are left out)
- `read_capture(path, text=None)` / `decode_capture(data, source)` -> `Capture` of `Message`s
- `check_response(message, CheckOptions(...))` -> `Result` (kind "response")
- `check_metadata(data, source, at=None, cert=None, issuer=None)` -> `Result` (kind "metadata")
- `compare_metadata(old, new, ...)` -> `Result` (what changed between two metadata versions)
- `check_keys([(source, pem_bytes), ...], cert=None)` -> `tuple[Result, ...]` (kind "key")
- `plan_provider(current, ProviderChange(...))` -> `Result` (kind "provider"); `current` is a
  `ProviderState` (of `PrivateKeyEntry`s) from `load_provider_state(data, source)`, or None
- the report model: `Report` of `Result`s, each with its `Finding`s (of a `Rule`, a `Severity`
  and maybe an `AwsError`), its `Verdict`, `Claims` (of `RoleClaim`s) and `SignatureSummary`
- `InputError`: input samlcheck cannot read (which input, what is wrong, what to do)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "check_capture": ("samlcheck._internal.checks.capture", "check_capture"),
    "read_capture": ("samlcheck._internal.inputs.capture", "read_capture"),
    "decode_capture": ("samlcheck._internal.inputs.capture", "decode_capture"),
    "Capture": ("samlcheck._internal.inputs.capture", "Capture"),
    "Message": ("samlcheck._internal.inputs.capture", "Message"),
    "check_response": ("samlcheck._internal.checks.response", "check_response"),
    "CheckOptions": ("samlcheck._internal.options", "CheckOptions"),
    "check_metadata": ("samlcheck._internal.checks.metadata", "check_metadata"),
    "compare_metadata": ("samlcheck._internal.checks.metadata", "compare"),
    "check_keys": ("samlcheck._internal.checks.keys", "check_keys"),
    "plan_provider": ("samlcheck._internal.checks.provider", "plan"),
    "load_provider_state": ("samlcheck._internal.trust.provider", "load_state"),
    "ProviderState": ("samlcheck._internal.trust.provider", "ProviderState"),
    "ProviderChange": ("samlcheck._internal.trust.provider", "ProviderChange"),
    "PrivateKeyEntry": ("samlcheck._internal.trust.provider", "PrivateKeyEntry"),
    "Report": ("samlcheck._internal.report", "Report"),
    "Result": ("samlcheck._internal.report", "Result"),
    "Verdict": ("samlcheck._internal.report", "Verdict"),
    "Claims": ("samlcheck._internal.report", "Claims"),
    "RoleClaim": ("samlcheck._internal.report", "RoleClaim"),
    "SignatureSummary": ("samlcheck._internal.report", "SignatureSummary"),
    "Finding": ("samlcheck._internal.findings", "Finding"),
    "Rule": ("samlcheck._internal.findings", "Rule"),
    "Severity": ("samlcheck._internal.findings", "Severity"),
    "AwsError": ("samlcheck._internal.aws", "AwsError"),
    "InputError": ("samlcheck._internal.errors", "InputError"),
}

__all__ = [
    "AwsError",
    "Capture",
    "CheckOptions",
    "Claims",
    "Finding",
    "InputError",
    "Message",
    "PrivateKeyEntry",
    "ProviderChange",
    "ProviderState",
    "Report",
    "Result",
    "RoleClaim",
    "Rule",
    "Severity",
    "SignatureSummary",
    "Verdict",
    "__version__",
    "check_capture",
    "check_keys",
    "check_metadata",
    "check_response",
    "compare_metadata",
    "decode_capture",
    "load_provider_state",
    "plan_provider",
    "read_capture",
]

if TYPE_CHECKING:
    from samlcheck._internal.aws import AwsError
    from samlcheck._internal.checks.capture import check_capture
    from samlcheck._internal.checks.keys import check_keys
    from samlcheck._internal.checks.metadata import check_metadata
    from samlcheck._internal.checks.metadata import compare as compare_metadata
    from samlcheck._internal.checks.provider import plan as plan_provider
    from samlcheck._internal.checks.response import check_response
    from samlcheck._internal.errors import InputError
    from samlcheck._internal.findings import Finding, Rule, Severity
    from samlcheck._internal.inputs.capture import Capture, Message, decode_capture, read_capture
    from samlcheck._internal.options import CheckOptions
    from samlcheck._internal.report import (
        Claims,
        Report,
        Result,
        RoleClaim,
        SignatureSummary,
        Verdict,
    )
    from samlcheck._internal.trust.provider import PrivateKeyEntry, ProviderChange, ProviderState
    from samlcheck._internal.trust.provider import load_state as load_provider_state


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'samlcheck' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    return getattr(importlib.import_module(module), attribute)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
