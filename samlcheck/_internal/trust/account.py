"""What the AWS account says, folded into a check's options: each `get-saml-provider` answer's
metadata becomes a trust anchor (exactly like --metadata), its AssertionEncryptionMode the
encryption mode, its PrivateKeyList the keys IAM holds and its Arn the provider; a role's
MaxSessionDuration the duration limit; `list-saml-providers` the providers that exist.

A flag that says otherwise than a file is an `InputError` (exit 2): samlcheck does not guess which
of the two describes the account. Live mode (--aws) passes boto3's answers, read by the same
`*_from_dict` readers, to `apply_providers`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.files import Upload, read_file
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.trust.provider import ProviderState, load_state
from samlcheck._internal.trust.role import read_providers, read_role

_DROP = "Drop the flag (the file says it) or pass the account's current JSON."


def resolve(
    options: CheckOptions, providers: Sequence[Path] = (), provider_list: Path | None = None
) -> CheckOptions:
    """`options` with what its --role files and the --provider / --providers files say."""
    states = [load_state(read_file(p, "provider"), str(p)) for p in providers]
    listed = read_providers(provider_list) if provider_list is not None else None
    return apply_providers(with_role_duration(options), states, listed)


def with_role_duration(options: CheckOptions) -> CheckOptions:
    """The MaxSessionDuration of the --role file(s) that apply (the one of role_arn, else all)
    as max_session_duration; a flag that disagrees with a file is an `InputError`."""
    held = [read_role(path) for path in options.roles]
    durations = {
        r.source: r.max_session_duration
        for r in held
        if r.max_session_duration is not None
        and (options.role_arn is None or r.arn == options.role_arn)
    }
    flag = options.max_session_duration
    for source, duration in durations.items():
        if flag is not None and duration != flag:
            raise InputError(
                "--max-session-duration",
                f"{flag} disagrees with MaxSessionDuration {duration} in {source}",
                "Drop the flag (the --role file says it) or pass the role's current JSON.",
            )
    found = set(durations.values())
    if flag is not None or len(found) != 1:
        return options
    return dataclasses.replace(options, max_session_duration=found.pop())


def apply_providers(
    options: CheckOptions, states: Sequence[ProviderState], listed: tuple[str, ...] | None = None
) -> CheckOptions:
    """`options` with, from the provider the request names, its metadata as the trust anchors, its
    ARN, encryption mode and key list (the other providers are never trusted); `listed`: the
    provider ARNs in the account."""
    if listed is not None:
        unlisted = [s for s in states if s.arn is not None and s.arn not in listed]
        if unlisted:
            raise InputError(
                "--providers",
                f"does not list {unlisted[0].arn}, which {unlisted[0].source} describes",
                "Save both files from the same account, at the same time.",
            )
        options = dataclasses.replace(options, providers_listed=listed)
    if not states:
        return options
    chosen = _chosen(states, options.provider_arn)
    arn = options.provider_arn or chosen.arn
    mode = chosen.mode
    if options.encryption_mode is not None and chosen.encryption_mode not in (
        None,
        options.encryption_mode,
    ):
        raise InputError(
            "--encryption-mode",
            f"{options.encryption_mode} disagrees with AssertionEncryptionMode {mode} in "
            f"{chosen.source}",
            _DROP,
        )
    return dataclasses.replace(  # only the named provider's metadata: AWS verifies with it alone
        options,
        metadata=(*options.metadata, _metadata(chosen)),
        provider_arn=arn,
        encryption_mode=options.encryption_mode or mode,
        provider_keys=tuple(key.key_id for key in chosen.keys),
    )


def _chosen(states: Sequence[ProviderState], provider_arn: str | None) -> ProviderState:
    """The provider the request names: the one whose Arn is --provider-arn, or the only one."""
    if provider_arn is not None:
        named = [s for s in states if s.arn == provider_arn]
        unnamed = [s for s in states if s.arn is None]
        if named or len(unnamed) == 1:
            return (named or unnamed)[0]
        arns = ", ".join(s.arn or s.source for s in states)
        raise InputError(
            "--provider-arn",
            f"{provider_arn} names none of the --provider files ({arns})",
            "Pass that provider's get-saml-provider JSON, or correct --provider-arn.",
        )
    if len(states) == 1:
        return states[0]
    raise InputError(
        "--provider",
        f"{len(states)} provider files, and nothing says which one the request uses",
        "Name it with --provider-arn; a file names its provider in its Arn key.",
    )


def _metadata(state: ProviderState) -> Upload:
    """The provider's SAMLMetadataDocument, read as a --metadata file is."""
    if state.metadata is None:
        raise InputError(
            state.source,
            "has no SAMLMetadataDocument",
            "Save the whole output of: aws iam get-saml-provider --saml-provider-arn ARN",
        )
    return Upload(f"{state.source} (SAMLMetadataDocument)", state.metadata.encode("utf-8"))
