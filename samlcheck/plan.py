"""Provider plans: IAM's predicted answer to CreateSAMLProvider / UpdateSAMLProvider, in advance.

The API behind `samlcheck provider plan`: it checks that the request can be planned at all, asks
the provider, key and metadata rules for their findings, and describes what would change (with
the rotation steps). The model is samlcheck.provider; the decisions are samlcheck.rules.
"""

from __future__ import annotations

from samlcheck import provider as model
from samlcheck.errors import InputError
from samlcheck.findings import Finding
from samlcheck.keys import inspect_key
from samlcheck.provider import ProviderChange, ProviderState
from samlcheck.report import Result
from samlcheck.rules.keys import key_findings
from samlcheck.rules.provider import request_findings


def _arn(name: str | None) -> str:
    return f"arn:aws:iam::ACCOUNT-ID:saml-provider/{name}" if name else "PROVIDER-ARN"


def _require_plannable(current: ProviderState | None, change: ProviderChange) -> None:
    """`InputError` for a request that names no operation IAM has."""
    if current is not None:
        return
    if change.remove_key_id is not None:
        raise InputError(
            "--remove-key",
            "CreateSAMLProvider has no RemovePrivateKey parameter",
            "Give the provider's current state with --current current.json to plan an update.",
        )
    if change.name is None or change.metadata is None:
        raise InputError(
            "provider plan",
            "a new provider (no --current) needs --name and --metadata",
            "Or pass --current current.json (aws iam get-saml-provider output) for an update.",
        )


def _metadata_findings(change: ProviderChange) -> list[Finding]:
    if change.metadata is None:
        return []
    from samlcheck.metadata_check import check_metadata

    source, data = change.metadata
    return list(check_metadata(data, source).findings)


def check_change(current: ProviderState | None, change: ProviderChange) -> list[Finding]:
    """Every finding about the request, in IAM's assumed order of checks: the request itself,
    then the key to add, then the metadata."""
    _require_plannable(current, change)
    found = request_findings(current, change)
    if change.add_key is not None:
        source, data = change.add_key
        found.extend(key_findings(inspect_key(data, source)))
    found.extend(_metadata_findings(change))
    return found


def _summary(current: ProviderState | None, change: ProviderChange) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = [("Operation", model.operation(current))]
    if change.name:
        rows.append(("Provider", change.name))
    if current is not None:
        keys = ", ".join(entry.key_id for entry in current.keys) or "none"
        rows.append(("Current state", f"{current.source}: mode {current.mode}, keys: {keys}"))
    for line in model.changes(current, change):
        rows.append(("Change", line))
    before_mode = current.mode if current is not None else None
    after_mode = model.resulting_mode(current, change)
    rows.append(
        (
            "Encryption mode",
            after_mode if before_mode in (None, after_mode) else f"{before_mode} -> {after_mode}",
        )
    )
    after_keys = model.resulting_keys(current, change)
    rows.append(("Private keys after", ", ".join(after_keys) or "none"))
    if current is not None and model.is_rotation(current, change):
        for number, step in enumerate(
            model.rotation_steps(current, change, _arn(change.name)), start=1
        ):
            rows.append((f"Rotation step {number}", step))
    return tuple(rows)


def plan(current: ProviderState | None, change: ProviderChange) -> Result:
    """IAM's predicted answer to the request (kind "provider"), with what would change.

    `current` is the provider now (`samlcheck.provider.load_state`), None to plan a create;
    `InputError` when the request cannot be planned (a create without name or metadata).
    """
    source = current.source if current is not None else f"new provider {change.name}"
    return Result(
        source=source,
        kind="provider",
        findings=tuple(check_change(current, change)),
        summary=_summary(current, change),
    )
