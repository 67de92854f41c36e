"""What `samlcheck check` needs besides the capture: trust anchors, the time and the AWS request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from samlcheck._internal.inputs.files import Source

AT_MODES = ("capture", "issued")
"""The `at` values that judge each message at its own instant (clock.check_time)."""


@dataclass(frozen=True)
class CheckOptions:
    """Everything that shapes the check of one SAMLResponse (the CLI builds it from its options)."""

    metadata: tuple[Source, ...] = ()
    """IdP metadata as uploaded to the IAM provider (entity IDs, signing certificates); every
    file here is a path or an `Upload` of bytes (the web page's)."""
    certs: tuple[Source, ...] = ()
    """Bare signing certificates (PEM or DER) trusted in addition to the metadata."""
    at: dt.datetime | str | None = None
    """When AWS receives the response: an instant (timezone-aware), "capture" (each message at
    the moment it was captured), "issued" (at its IssueInstant + 1 s) or None (now)."""
    role_arn: str | None = None
    """The role asked for (AssumeRoleWithSAML RoleArn); must be listed in the Role attribute."""
    provider_arn: str | None = None
    """The IAM SAML provider the caller names (PrincipalArn)."""
    duration_seconds: int | None = None
    """The DurationSeconds of the AssumeRoleWithSAML call (900..43200)."""
    max_session_duration: int | None = None
    """The role's MaxSessionDuration setting (3600..43200)."""
    sp_keys: tuple[Source, ...] = ()
    """SAML encryption private keys of the IAM provider, to decrypt EncryptedAssertion."""
    encryption_mode: str | None = None
    """The IAM provider's assertion encryption mode: Required or Allowed (None: not given)."""
    idp_metadata: tuple[Source, ...] = ()
    """The IdP's current metadata, to tell a certificate rotation from a foreign key."""
    roles: tuple[Source, ...] = ()
    """`aws iam get-role` JSON files (an `Upload` for what --aws fetched): the roles that
    exist, with their trust policies."""
    trust_policy: Path | None = None
    """A bare trust policy for the role of role_arn (or the only role of the Role attribute)."""
    provider_keys: tuple[str, ...] | None = None
    """The Key IDs of the provider's PrivateKeyList (get-saml-provider); None: not known."""
    providers_listed: tuple[str, ...] | None = None
    """The SAML provider ARNs the account holds (list-saml-providers); None: not known."""

    def __post_init__(self) -> None:
        if isinstance(self.at, str) and self.at not in AT_MODES:
            raise ValueError(f"at={self.at!r}: give a datetime, None, or one of {AT_MODES}")

    def instant(self) -> dt.datetime:
        """The check time of a fixed `at`, or now (UTC); see clock.check_time for the others."""
        return self.at if isinstance(self.at, dt.datetime) else dt.datetime.now(dt.timezone.utc)
