"""Provider plans: IAM's predicted answer to CreateSAMLProvider / UpdateSAMLProvider, in advance.

The API behind `samlcheck provider plan`: it checks that the request can be planned at all, asks
the provider, key and metadata rules for their findings, and describes what would change (with
the rotation steps) and, when IAM would accept it, the commands to run. The model is
samlcheck._internal.trust.provider; the decisions are samlcheck._internal.rules.
"""

from __future__ import annotations

from samlcheck._internal.errors import InputError
from samlcheck._internal.findings import Finding
from samlcheck._internal.inputs.xml import XmlRefused, parse
from samlcheck._internal.report import Result, verdict_of
from samlcheck._internal.rules.keys import key_findings
from samlcheck._internal.rules.provider import dropped_signing_findings, request_findings
from samlcheck._internal.trust import provider as model
from samlcheck._internal.trust.keys import inspect_key
from samlcheck._internal.trust.metadata import IdpEntity, diff, idp_entities, select
from samlcheck._internal.trust.provider import ProviderChange, ProviderState


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
    from samlcheck._internal.checks.metadata import check_metadata

    source, data = change.metadata
    return list(check_metadata(data, source).findings)


def _idps(data: bytes) -> tuple[IdpEntity, ...]:
    """The IdPs of a metadata document; none when it cannot be read (its own checks say why)."""
    try:
        return idp_entities(parse(data))
    except XmlRefused:
        return ()


def _signing_today(
    current: ProviderState | None, idp_metadata: tuple[str, bytes] | None
) -> tuple[str, tuple[IdpEntity, ...]] | None:
    """(description, IdPs) of the metadata that says what the IdP signs with today: the IdP's
    own (--idp-metadata), else the provider's; None when neither is known."""
    if idp_metadata is not None:
        source, data = idp_metadata
        entities = _idps(data)
        if not entities:
            raise InputError(
                source, "holds no readable IdP metadata", "Give the IdP's current metadata file."
            )
        return f"the IdP's metadata {source}", entities
    if current is not None and current.metadata is not None:
        described = f"the provider's metadata in {current.source}"
        return described, _idps(current.metadata.encode("utf-8"))
    return None


def _dropped_findings(
    current: ProviderState | None,
    change: ProviderChange,
    idp_metadata: tuple[str, bytes] | None,
) -> list[Finding]:
    """Signing certificates the IdP uses today that the new metadata lacks (the comparison of
    `samlcheck metadata diff`), for the IdP the new metadata describes."""
    today = _signing_today(current, idp_metadata)
    if change.metadata is None or today is None:
        return []
    described, before = today
    after = _idps(change.metadata[1])
    if len(after) != 1:  # unreadable or several IdPs: the metadata checks report it
        return []
    old = select(before, after[0].entity_id) or (before[0] if len(before) == 1 else None)
    if old is None:
        if idp_metadata is None:
            return []
        raise InputError(
            idp_metadata[0],
            f"holds {len(before)} IdPs, none with the new metadata's entityID "
            f"{after[0].entity_id!r}",
            "Give the metadata of the IdP that the new metadata describes.",
        )
    return dropped_signing_findings(diff(old, after[0]).removed, described)


def check_change(
    current: ProviderState | None,
    change: ProviderChange,
    idp_metadata: tuple[str, bytes] | None = None,
) -> list[Finding]:
    """Every finding about the request, in IAM's assumed order of checks: the request itself,
    then the key to add, then the metadata (and what it drops of the IdP's signing keys)."""
    _require_plannable(current, change)
    if idp_metadata is not None and change.metadata is None:
        raise InputError(
            "--idp-metadata",
            "compares the IdP's metadata with new metadata, but no --metadata was given",
            "Add --metadata NEW.xml, or leave out --idp-metadata.",
        )
    found = request_findings(current, change)
    if change.add_key is not None:
        source, data = change.add_key
        found.extend(key_findings(inspect_key(data, source)))
    found.extend(_metadata_findings(change))
    found.extend(_dropped_findings(current, change, idp_metadata))
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
            rows.append((f"Rotation step {number}", f"{step.action}: {step.command}"))
    return tuple(rows)


def commands(current: ProviderState | None, change: ProviderChange) -> tuple[str, ...]:
    """The commands that carry out the request: one per rotation step, in order, else the one
    `aws iam` command that sends it."""
    arn = _arn(change.name)
    if current is not None and model.is_rotation(current, change):
        return tuple(step.command for step in model.rotation_steps(current, change, arn))
    return (model.command(current, change, arn),)


def plan(
    current: ProviderState | None,
    change: ProviderChange,
    idp_metadata: tuple[str, bytes] | None = None,
) -> Result:
    """IAM's predicted answer to the request (kind "provider"), with what would change and, when
    IAM would accept it, the commands to run.

    `current` is the provider now (`trust.provider.load_state`), None to plan a create;
    `idp_metadata` (source, bytes) is the IdP's current metadata, to warn when the new metadata
    drops a certificate it signs with (default: the provider's metadata). `InputError` when the
    request cannot be planned (a create without name or metadata).
    """
    source = current.source if current is not None else f"new provider {change.name}"
    findings = tuple(check_change(current, change, idp_metadata))
    run = commands(current, change) if verdict_of(findings).accepted else ()
    summary = _summary(current, change)
    if len(run) == 1:  # a rotation's commands stand in its steps
        summary += (("Command", run[0]),)
    return Result(source, "provider", findings, summary=summary, commands=run)
