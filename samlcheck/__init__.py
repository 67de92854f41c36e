"""samlcheck: predict the exact error AWS returns for a SAML sign-in, metadata upload or key.

The public API, loaded on first use so that importing samlcheck (and starting the CLI) stays
light:

- `read_capture(path, text=None)` / `decode_capture(data, source)` -> `Capture` of `Message`s
- `check_response(message, CheckOptions(...))` -> `Result` (kind "response")
- `check_metadata(data, source, at=None, cert=None, issuer=None)` -> `Result` (kind "metadata")
- `compare_metadata(old, new, ...)` -> `Result` (what changed between two metadata versions)
- `check_keys([(source, pem_bytes), ...], cert=None)` -> `tuple[Result, ...]` (kind "key")
- `plan_provider(current_state, change)` -> `Result` (kind "provider")
- the models: `Report`, `Result`, `Finding`, `Rule`, `Severity`, `CheckOptions`
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "read_capture": ("samlcheck.capture", "read_capture"),
    "decode_capture": ("samlcheck.capture", "decode_capture"),
    "Capture": ("samlcheck.capture", "Capture"),
    "Message": ("samlcheck.capture", "Message"),
    "check_response": ("samlcheck.response", "check_response"),
    "CheckOptions": ("samlcheck.options", "CheckOptions"),
    "check_metadata": ("samlcheck.metadata_check", "check_metadata"),
    "compare_metadata": ("samlcheck.metadata_check", "compare"),
    "check_keys": ("samlcheck.key_check", "check_keys"),
    "plan_provider": ("samlcheck.plan", "plan"),
    "Report": ("samlcheck.report", "Report"),
    "Result": ("samlcheck.report", "Result"),
    "Finding": ("samlcheck.findings", "Finding"),
    "Rule": ("samlcheck.findings", "Rule"),
    "Severity": ("samlcheck.findings", "Severity"),
}

__all__ = [
    "Capture",
    "CheckOptions",
    "Finding",
    "Message",
    "Report",
    "Result",
    "Rule",
    "Severity",
    "__version__",
    "check_keys",
    "check_metadata",
    "check_response",
    "compare_metadata",
    "decode_capture",
    "plan_provider",
    "read_capture",
]

if TYPE_CHECKING:
    from samlcheck.capture import Capture, Message, decode_capture, read_capture
    from samlcheck.findings import Finding, Rule, Severity
    from samlcheck.key_check import check_keys
    from samlcheck.metadata_check import check_metadata
    from samlcheck.metadata_check import compare as compare_metadata
    from samlcheck.options import CheckOptions
    from samlcheck.plan import plan as plan_provider
    from samlcheck.report import Report, Result
    from samlcheck.response import check_response


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'samlcheck' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    return getattr(importlib.import_module(module), attribute)
