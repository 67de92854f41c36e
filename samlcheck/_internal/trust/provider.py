"""The provider-plan model: an IAM SAML provider's current state and a requested change.

The current state is read from `aws iam get-saml-provider` output (JSON: SAMLMetadataDocument,
AssertionEncryptionMode, PrivateKeyList of {KeyId, Timestamp}, ...); no state means the change
creates the provider (CreateSAMLProvider), else it updates it (UpdateSAMLProvider). This module
only describes: what would change, the `aws iam` command that sends it and, for a key rotation,
the steps in order. Whether IAM accepts the change is decided by samlcheck._internal.rules.provider;
samlcheck._internal.checks.provider puts the two together.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace
from typing import Any

from samlcheck._internal.aws import ENCRYPTION_MODES, MAX_PRIVATE_KEYS, EncryptionMode
from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.files import load_json

_HINT = "Save the output of: aws iam get-saml-provider --saml-provider-arn ARN > current.json"


@dataclass(frozen=True)
class PrivateKeyEntry:
    """One key on the provider, as get-saml-provider lists it."""

    key_id: str
    timestamp: str | None = None


@dataclass(frozen=True)
class ProviderState:
    """What the provider is now (from get-saml-provider)."""

    source: str
    metadata: str | None
    encryption_mode: str | None
    """Required or Allowed; None when the output has no AssertionEncryptionMode (IAM then
    behaves as Allowed: inferred, since providers created before encryption support have none)."""
    keys: tuple[PrivateKeyEntry, ...] = ()
    uuid: str | None = None
    valid_until: str | None = None
    arn: str | None = None
    """The provider's ARN when the answer carries one (an `Arn` key; get-saml-provider has none)."""

    @property
    def mode(self) -> str:
        """The encryption mode IAM applies: Allowed when the output names none."""
        return self.encryption_mode or EncryptionMode.Allowed.value

    def has_key(self, key_id: str) -> bool:
        """True when the provider holds a private key with this Key ID."""
        return any(entry.key_id == key_id for entry in self.keys)


@dataclass(frozen=True)
class ProviderChange:
    """The request: each field None when the option was not given."""

    name: str | None = None
    metadata: tuple[str, bytes] | None = None
    """(source, bytes) of the new metadata document."""
    add_key: tuple[str, bytes] | None = None
    """(source, bytes) of the private key to add."""
    remove_key_id: str | None = None
    encryption_mode: str | None = None

    @property
    def empty(self) -> bool:
        """True when the request sets nothing UpdateSAMLProvider can update."""
        return (
            self.metadata is None
            and self.add_key is None
            and self.remove_key_id is None
            and self.encryption_mode is None
        )


def load_state(data: bytes, source: str) -> ProviderState:
    """The provider state from get-saml-provider JSON; `InputError` when it is not that."""
    return provider_from_dict(load_json(data, source, _HINT), source)


def provider_from_dict(document: Any, source: str) -> ProviderState:
    """The provider state from a parsed get-saml-provider answer (file JSON or boto3's dict;
    boto3's datetimes are kept as their text)."""
    if not isinstance(document, dict):
        raise InputError(source, "the JSON is not an object", _HINT)
    known = {
        "SAMLMetadataDocument",
        "AssertionEncryptionMode",
        "PrivateKeyList",
        "SAMLProviderUUID",
    }
    if not known & document.keys():
        raise InputError(
            source,
            "has none of SAMLMetadataDocument, AssertionEncryptionMode, PrivateKeyList",
            _HINT,
        )
    mode = document.get("AssertionEncryptionMode")
    if mode is not None and mode not in ENCRYPTION_MODES:
        raise InputError(source, f"AssertionEncryptionMode is {mode!r}, not Required or Allowed")
    raw_keys = document.get("PrivateKeyList") or []
    if not isinstance(raw_keys, list):
        raise InputError(source, "PrivateKeyList is not a list", _HINT)
    keys: list[PrivateKeyEntry] = []
    for number, entry in enumerate(raw_keys, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("KeyId"), str):
            raise InputError(source, f"PrivateKeyList entry {number} has no KeyId", _HINT)
        stamp = entry.get("Timestamp")
        keys.append(PrivateKeyEntry(entry["KeyId"], str(stamp) if stamp is not None else None))
    metadata = document.get("SAMLMetadataDocument")
    return ProviderState(
        source=source,
        metadata=metadata if isinstance(metadata, str) else None,
        encryption_mode=mode,
        keys=tuple(keys),
        uuid=uuid if isinstance(uuid := document.get("SAMLProviderUUID"), str) else None,
        valid_until=str(document["ValidUntil"]) if document.get("ValidUntil") else None,
        arn=arn if isinstance(arn := document.get("Arn"), str) else None,
    )


def operation(current: ProviderState | None) -> str:
    return "CreateSAMLProvider" if current is None else "UpdateSAMLProvider"


def resulting_keys(current: ProviderState | None, change: ProviderChange) -> tuple[str, ...]:
    """Key labels after the change: existing Key IDs, plus the added file (its ID is IAM's)."""
    keys = [entry.key_id for entry in current.keys] if current else []
    if change.remove_key_id is not None and change.remove_key_id in keys:
        keys.remove(change.remove_key_id)
    if change.add_key is not None:
        keys.append(f"{change.add_key[0]} (new; IAM assigns its Key ID)")
    return tuple(keys)


def resulting_mode(current: ProviderState | None, change: ProviderChange) -> str:
    if change.encryption_mode is not None:
        return change.encryption_mode
    return current.mode if current is not None else EncryptionMode.Allowed.value


def changes(current: ProviderState | None, change: ProviderChange) -> tuple[str, ...]:
    """What the request would change, one line each, for people."""
    lines: list[str] = []
    if current is None:
        lines.append(f"create the SAML provider {change.name or '(no name given)'}")
    if change.metadata is not None:
        lines.append(
            f"{'set' if current is None else 'replace'} the metadata with {change.metadata[0]}"
        )
    if change.encryption_mode is not None:
        before = current.mode if current is not None else None
        if before == change.encryption_mode:
            lines.append(f"keep the assertion encryption mode {before} (already set)")
        else:
            lines.append(
                f"set the assertion encryption mode to {change.encryption_mode}"
                + (f" (now {before})" if before else "")
            )
    if change.add_key is not None:
        lines.append(f"add the private key {change.add_key[0]}")
    if change.remove_key_id is not None:
        lines.append(f"remove the private key {change.remove_key_id}")
    return tuple(lines)


def is_rotation(current: ProviderState | None, change: ProviderChange) -> bool:
    """The change adds a key beside an existing one, or removes one of two, or both at once."""
    if current is None:
        return False
    if change.add_key is not None and change.remove_key_id is not None:
        return True
    if change.add_key is not None and current.keys:
        return True
    return change.remove_key_id is not None and len(current.keys) == MAX_PRIVATE_KEYS


def _file(path: str) -> str:
    return shlex.quote(f"file://{path}")


def command(current: ProviderState | None, change: ProviderChange, arn: str) -> str:
    """The `aws iam` command that sends `change` (create-saml-provider without `current`).

    Options are the kebab-case of the API parameters; paths are shell-quoted as given."""
    if current is None:
        words = ["aws iam create-saml-provider", "--name", shlex.quote(change.name or "NAME")]
    else:
        words = ["aws iam update-saml-provider", "--saml-provider-arn", shlex.quote(arn)]
    if change.metadata is not None:
        words += ["--saml-metadata-document", _file(change.metadata[0])]
    if change.encryption_mode is not None:
        words += ["--assertion-encryption-mode", change.encryption_mode]
    if change.add_key is not None:
        words += ["--add-private-key", _file(change.add_key[0])]
    if change.remove_key_id is not None:
        words += ["--remove-private-key", shlex.quote(change.remove_key_id)]
    return " ".join(words)


@dataclass(frozen=True)
class Step:
    """One step of a rotation: what to do, and the command that does (or checks) it."""

    action: str
    command: str


def rotation_steps(current: ProviderState, change: ProviderChange, arn: str) -> tuple[Step, ...]:
    """The rotation in order: each key change in its own UpdateSAMLProvider request; the step
    with the request's own key change also carries its metadata and encryption mode."""
    new = change.add_key[0] if change.add_key else "NEW-KEY.pem"
    if change.remove_key_id is not None:
        old = change.remove_key_id
    else:
        old = current.keys[0].key_id if current.keys else "OLD-KEY-ID"
    steps: list[Step] = []
    if change.add_key is not None and len(current.keys) >= MAX_PRIVATE_KEYS:
        spare = next((k.key_id for k in current.keys if k.key_id != old), current.keys[-1].key_id)
        steps.append(
            Step(
                "Make room: remove the key the IdP no longer uses",
                command(current, ProviderChange(remove_key_id=spare), arn),
            )
        )
    if change.add_key is not None or change.remove_key_id is None:
        steps.append(
            Step("Add the new key", command(current, replace(change, remove_key_id=None), arn))
        )
        steps.append(
            Step(
                "Switch the IdP to encrypt with the certificate of the new key, then check a "
                "sign-in",
                f"samlcheck check TRACE --sp-key {shlex.quote(new)}",
            )
        )
        removal = ProviderChange(remove_key_id=old)
    else:
        steps.append(
            Step(
                "Make sure the IdP already encrypts with the certificate of the key you keep",
                "samlcheck check TRACE --sp-key KEPT-KEY.pem",
            )
        )
        removal = change
    steps.append(Step("Remove the old key in a separate request", command(current, removal, arn)))
    return tuple(steps)
