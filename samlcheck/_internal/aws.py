"""The AWS error catalogue and the AWS constants samlcheck checks against.

Every AWS message samlcheck can predict is spelled here and nowhere else. `heading` is the text of
the troubleshooting guide (../shared/seed/saml-troubleshooting.md), `message` the form the API
prints where users have reported it. `code_source` says how the error code is known (an
Evidence), or is None where no code is documented (`code` is None; "unknown" in JSON).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Evidence(str, enum.Enum):
    """How a fact about AWS is known: for a catalogue error its code, for a rule what it claims."""

    DOCUMENTED = "documented"
    """AWS documentation (or, for a rule that claims nothing about AWS, the standard it cites)."""
    REPORTED = "reported"
    """Seen in real AWS answers, reported by users; not in AWS documentation."""
    INFERRED = "inferred"
    """samlcheck's reading, not confirmed by AWS."""


SEED = "AWS IAM User Guide, 'Troubleshoot SAML federation with IAM'"
STS = "AWS STS (AssumeRoleWithSAML)"
IAM = "AWS IAM (CreateSAMLProvider / UpdateSAMLProvider)"
SIGNIN = "AWS sign-in page (https://signin.aws.amazon.com/saml)"


@dataclass(frozen=True)
class AwsError:
    """One error AWS returns, as data."""

    key: str
    message: str
    """What AWS prints: the wire form when known, else the documented text."""
    heading: str
    """The troubleshooting guide's heading for this error (used by `explain`)."""
    code: str | None
    http_status: int | None
    service: str
    source: str
    """Where it is documented: the seed section, or how it is known."""
    code_source: Evidence | None
    """How `code` is known; None when AWS documents no code."""
    causes: str
    remediation: str
    detail: str | None = None
    """Extra detail AWS appends to the message (IAM's private-key errors)."""
    aliases: tuple[str, ...] = ()
    """Other spellings the guide uses for the same error (for `explain`)."""

    def __post_init__(self) -> None:
        if (self.code is None) != (self.code_source is None):
            raise ValueError(f"{self.key}: a code needs its code_source, and no code none")

    @property
    def text(self) -> str:
        """The full message as AWS shows it, detail included."""
        return f"{self.message} {self.detail}" if self.detail else self.message


_SAML_HELP = (
    "Fix the IdP's attribute mapping for AWS, then capture a new SAMLResponse and check it again."
)

_ERRORS = (
    AwsError(
        key="invalid-saml-response",
        message="Your request included an invalid SAML response. To logout, click here.",
        heading="Error: Your request included an invalid SAML response. To logout, click here.",
        code=None,
        http_status=None,
        service=SIGNIN,
        source=SEED,
        code_source=None,
        causes="The Role attribute (https://aws.amazon.com/SAML/Attributes/Role) is missing, has "
        "no AttributeValue, or a value is not a comma-separated pair of a role ARN and a SAML "
        "provider ARN; or a value has leading or trailing whitespace or invalid characters.",
        remediation="Send the Role attribute with one value per role, each exactly "
        "'arn:aws:iam::ACCOUNT:role/NAME,arn:aws:iam::ACCOUNT:saml-provider/NAME' with no spaces. "
        + _SAML_HELP,
    ),
    AwsError(
        key="role-session-name-required",
        message="RoleSessionName is required in AuthnResponse",
        heading="Error: RoleSessionName is required in AuthnResponse (service: "
        "AWSSecurityTokenService; status code: 400; error code: InvalidIdentityToken)",
        code="InvalidIdentityToken",
        http_status=400,
        service=STS,
        source=SEED,
        code_source=Evidence.DOCUMENTED,
        causes="The assertion has no attribute named "
        "https://aws.amazon.com/SAML/Attributes/RoleSessionName.",
        remediation="Map a user identifier (user ID or email) to the RoleSessionName attribute. "
        + _SAML_HELP,
    ),
    AwsError(
        key="not-authorized",
        message="Not authorized to perform sts:AssumeRoleWithSAML",
        heading="Error: Not authorized to perform sts:AssumeRoleWithSAML (service: "
        "AWSSecurityTokenService; status code: 403; error code: AccessDenied)",
        code="AccessDenied",
        http_status=403,
        service=STS,
        source=SEED,
        code_source=Evidence.DOCUMENTED,
        causes="The role is misspelled or does not exist (names are case sensitive); the trust "
        "policy lacks sts:AssumeRoleWithSAML (or sts:TagSession with PrincipalTag attributes, or "
        "sts:SetSourceIdentity with SourceIdentity), does not name the SAML provider as Principal, "
        "or its conditions are not met; or the Subject has no NameID.",
        remediation="Check the role name and its trust policy: Principal is the SAML provider "
        "ARN, Action includes sts:AssumeRoleWithSAML (plus sts:TagSession / "
        "sts:SetSourceIdentity when those attributes are sent); make the IdP send a NameID.",
    ),
    AwsError(
        key="role-session-name-pattern",
        message="RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}",
        heading="Error: RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64} "
        "(service: AWSSecurityTokenService; status code: 400; error code: InvalidIdentityToken)",
        code="InvalidIdentityToken",
        http_status=400,
        service=STS,
        source=SEED,
        code_source=Evidence.DOCUMENTED,
        causes="The RoleSessionName value is shorter than 2 or longer than 64 characters, or "
        "contains characters outside [a-zA-Z_0-9+=,.@-].",
        remediation="Map RoleSessionName to a value of 2 to 64 characters from "
        "[a-zA-Z_0-9+=,.@-] (an email address or user name usually fits; a display name with "
        "spaces does not). " + _SAML_HELP,
    ),
    AwsError(
        key="source-identity-pattern",
        message='Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"',
        heading="Error: Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "
        '"aws:" (service: AWSSecurityTokenService; status code: 400; error code: '
        "InvalidIdentityToken)",
        code="InvalidIdentityToken",
        http_status=400,
        service=STS,
        source=SEED,
        code_source=Evidence.DOCUMENTED,
        causes="The SourceIdentity value is too short or too long, contains characters outside "
        "[a-zA-Z_0-9+=,.@-], or begins with 'aws:'.",
        remediation="Map SourceIdentity to a value of 2 to 64 characters from [a-zA-Z_0-9+=,.@-] "
        "that does not begin with 'aws:'. " + _SAML_HELP,
        aliases=('Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws :"',),
    ),
    AwsError(
        key="signature-invalid",
        message="Response signature invalid",
        heading="Error: Response signature invalid (service: AWSSecurityTokenService; status "
        "code: 400; error code: InvalidIdentityToken)",
        code="InvalidIdentityToken",
        http_status=400,
        service=STS,
        source=SEED,
        code_source=Evidence.DOCUMENTED,
        causes="The IdP signs with a certificate that is not in the metadata uploaded to IAM "
        "(typically after a certificate rotation). Inferred, not in the guide: the signed content "
        "was changed after signing, or the response is not signed.",
        remediation="Download the IdP's current metadata and update the IAM provider: "
        "aws iam update-saml-provider --saml-provider-arn ARN --saml-metadata-document "
        "file://metadata.xml (or Update-IAMSAMLProvider).",
    ),
    AwsError(
        key="invalid-private-key",
        message="Invalid private key.",
        heading="Error: Invalid private key.",
        code=None,
        http_status=None,
        service=IAM,
        source=SEED,
        code_source=None,
        causes="The private key file is not formatted properly.",
        remediation="Upload an unencrypted RSA private key as PEM text.",
    ),
    AwsError(
        key="invalid-private-key-encrypted",
        message="Invalid private key.",
        detail="Key is encrypted.",
        heading="Error: Invalid private key.",
        code=None,
        http_status=None,
        service=IAM,
        source=SEED,
        code_source=None,
        causes="The PEM private key is protected by a passphrase.",
        remediation="Remove the passphrase: openssl pkey -in key.pem -out key-plain.pem "
        "(keep the plain key safe and delete it after the upload).",
    ),
    AwsError(
        key="invalid-private-key-format",
        message="Invalid private key.",
        detail="Key format is not recognized. Private key file must be a .pem file.",
        heading="Error: Invalid private key.",
        code=None,
        http_status=None,
        service=IAM,
        source=SEED,
        code_source=None,
        causes="The file is not a PEM private key (DER, PKCS#12, OpenSSH, a certificate, a "
        "public key, or empty).",
        remediation="Convert the key to PEM: openssl pkey -in key.der -inform DER -out key.pem "
        "(or openssl pkcs12 -in bundle.p12 -nocerts -nodes for PKCS#12).",
    ),
    AwsError(
        key="remove-key-failed",
        message="Failed to remove private key.",
        heading="Error: Failed to remove private key.",
        code=None,
        http_status=None,
        service=IAM,
        source=SEED,
        code_source=None,
        causes="SAML encryption is Required and the request would remove the only private key.",
        remediation="Add the new key first, switch the IdP to it, then remove the old key; or set "
        "the encryption mode to Allowed before removing the last key.",
    ),
    AwsError(
        key="remove-key-id-mismatch",
        message="Failed to remove private key because the Key ID does not match a private key.",
        heading="Error: Failed to remove private key because the Key ID does not match a "
        "private key.",
        code=None,
        http_status=None,
        service=IAM,
        source=SEED,
        code_source=None,
        causes="The RemovePrivateKey value is not the Key ID of a key attached to the provider.",
        remediation="Read the Key IDs with aws iam get-saml-provider and pass one of them.",
    ),
    AwsError(
        key="issuer-not-in-provider",
        message="Issuer not present in specified provider (Service: AWSOpenIdDiscoveryService; "
        "Status Code: 400; Error Code: AuthSamlInvalidSamlResponseException)",
        heading="Error: Failed to assume role: Issuer not present in specified provider "
        "(service: AWSOpenIdDiscoveryService; status code: 400; error code: "
        "AuthSamlInvalidSamlResponseException)",
        code="InvalidIdentityToken",
        http_status=400,
        service=STS,
        source=SEED,
        code_source=Evidence.REPORTED,
        causes="The Issuer of the SAML response does not match the entityID of the metadata "
        "uploaded to the IAM provider.",
        remediation="Make the IdP's Issuer equal the metadata entityID, or upload the metadata of "
        "the IdP that actually issues the response.",
    ),
    AwsError(
        key="metadata-unparseable",
        message="Could not parse metadata.",
        heading="Error: Could not parse metadata.",
        code=None,
        http_status=None,
        service=IAM,
        source=SEED,
        code_source=None,
        causes="The metadata is not UTF-8 without a byte order mark, is not well-formed SAML "
        "metadata, or a certificate has an RSA key under 1024 bits or a repeated X.509 extension "
        "(the guide also calls this 'Unable to parse metadata').",
        remediation="Save the metadata as UTF-8 without BOM; make sure every certificate has a "
        "key of at least 1024 bits and no repeated extension.",
        aliases=("Unable to parse metadata",),
    ),
    AwsError(
        key="metadata-too-short",
        message="1 validation error detected: Value at 'sAMLMetadataDocument' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1000",
        heading="ValidationError: SAMLMetadataDocument shorter than 1000 characters",
        code="ValidationError",
        http_status=400,
        service=IAM,
        source="IAM API Reference, CreateSAMLProvider: SAMLMetadataDocument length constraints "
        "1000 to 10000000; the message follows AWS's usual validation-error form",
        code_source=Evidence.INFERRED,
        causes="The metadata document has fewer than 1,000 characters: usually a truncated "
        "download or an error page. The AWS CLI and SDKs (botocore) refuse it before sending: "
        "'Invalid length for parameter SAMLMetadataDocument ... valid min length: 1000'.",
        remediation="Download the complete metadata from the IdP again.",
    ),
    AwsError(
        key="metadata-too-long",
        message="1 validation error detected: Value at 'sAMLMetadataDocument' failed to satisfy "
        "constraint: Member must have length less than or equal to 10000000",
        heading="ValidationError: SAMLMetadataDocument longer than 10000000 characters",
        code="ValidationError",
        http_status=400,
        service=IAM,
        source="IAM API Reference, CreateSAMLProvider: SAMLMetadataDocument length constraints "
        "1000 to 10000000; the message follows AWS's usual validation-error form",
        code_source=Evidence.INFERRED,
        causes="The metadata document has more than 10,000,000 characters: usually a federation "
        "aggregate with thousands of entities instead of the one IdP's EntityDescriptor.",
        remediation="Upload only your IdP's EntityDescriptor, not a federation aggregate.",
    ),
    AwsError(
        key="provider-name-invalid",
        message="1 validation error detected: Value at 'name' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w._-]+",
        heading="ValidationError: SAML provider Name outside [\\w._-]+ or 1 to 128 characters",
        code="ValidationError",
        http_status=400,
        service=IAM,
        source="IAM API Reference, CreateSAMLProvider: Name pattern [\\w._-]+, length 1 to 128; "
        "the message follows AWS's usual validation-error form",
        code_source=Evidence.INFERRED,
        causes="The provider name has a character outside letters, digits, '_', '.' and '-', or "
        "is longer than 128 characters (the length form of the message then ends 'Member must "
        "have length less than or equal to 128').",
        remediation="Name the provider with 1 to 128 letters, digits, '_', '.' or '-'.",
    ),
    AwsError(
        key="key-id-invalid",
        message="1 validation error detected: Value at 'removePrivateKey' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [A-Z0-9]+",
        heading="ValidationError: RemovePrivateKey outside [A-Z0-9]+ or 22 to 64 characters",
        code="ValidationError",
        http_status=400,
        service=IAM,
        source="IAM API Reference, UpdateSAMLProvider: RemovePrivateKey pattern [A-Z0-9]+, length "
        "22 to 64; the message follows AWS's usual validation-error form",
        code_source=Evidence.INFERRED,
        causes="The Key ID to remove is not 22 to 64 upper-case letters and digits (often a "
        "lower-cased copy, a file name or a truncated ID).",
        remediation="Copy the KeyId exactly from aws iam get-saml-provider (PrivateKeyList).",
    ),
    AwsError(
        key="update-no-changes",
        message="Unable to update identity provider. No updates are defined for metadata or "
        "encryption assertion.",
        heading="Error: Unable to update identity provider. No updates are defined for metadata "
        "or encryption assertion.",
        code=None,
        http_status=None,
        service=IAM,
        source=SEED,
        code_source=None,
        causes="UpdateSAMLProvider was called without a value to update.",
        remediation="Pass new metadata, an encryption mode, or a key to add or remove.",
    ),
    AwsError(
        key="required-without-key",
        message="Unable to set assertion encryption mode to Required because no private key is "
        "provided.",
        heading="Error: Unable to set assertion encryption mode to Required because no private "
        "key is provided.",
        code=None,
        http_status=None,
        service=IAM,
        source=SEED,
        code_source=None,
        causes="The provider has no private key and the request adds none.",
        remediation="Include --add-private-key in the same request, or add a key first.",
    ),
    AwsError(
        key="add-and-remove-keys",
        message="Unable to add and remove private keys in the same request. Set a value for only "
        "one of the two parameters.",
        heading="Error: Unable to add and remove private keys in the same request. Set a value "
        "for only one of the two parameters.",
        code=None,
        http_status=None,
        service=IAM,
        source=SEED,
        code_source=None,
        causes="The request both adds and removes a private key.",
        remediation="Rotate in separate requests: add the new key, switch the IdP, then remove "
        "the old key.",
    ),
    AwsError(
        key="provider-not-found",
        message="Specified provider doesn't exist (Service: AWSOpenIdDiscoveryService; Status "
        "Code: 400; Error Code: AuthSamlManifestNotFoundException)",
        heading="Error: Specified provider doesn't exist.",
        code="InvalidIdentityToken",
        http_status=400,
        service=STS,
        source=SEED,
        code_source=Evidence.REPORTED,
        causes="The SAML provider ARN in the Role attribute does not name the IAM provider.",
        remediation="Correct the provider ARN in the Role attribute value to the ARN of the IAM "
        "SAML provider (aws iam list-saml-providers).",
    ),
    AwsError(
        key="duration-exceeds-max",
        message="The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        heading="Error: Requested DurationSeconds exceeds MaxSessionDuration set for this role.",
        code="ValidationError",
        http_status=400,
        service=STS,
        source=SEED,
        code_source=Evidence.REPORTED,
        causes="DurationSeconds is higher than the role's maximum session duration. CLI tools that "
        "copy the SessionDuration attribute into DurationSeconds meet it when the attribute "
        "exceeds that maximum (reported by their users).",
        remediation="Request at most the role's MaxSessionDuration, or raise it: "
        "aws iam update-role --role-name NAME --max-session-duration SECONDS.",
    ),
    AwsError(
        key="private-key-limit",
        message="Private key limit of 2 is reached.",
        heading="Error: Private key limit of 2 is reached.",
        code=None,
        http_status=None,
        service=IAM,
        source=SEED,
        code_source=None,
        causes="The provider already holds two private keys and the request adds another.",
        remediation="Remove an expired key in one request, then add the new one in another.",
    ),
    AwsError(
        key="audience-missing",
        message="Response does not contain the required audience.",
        heading="Error: Response does not contain the required audience.",
        code="InvalidIdentityToken",
        http_status=400,
        service=STS,
        source=SEED,
        code_source=Evidence.INFERRED,
        causes="No AudienceRestriction names the AWS service provider (urn:amazon:webservices, "
        "its partition variant, or the sign-in endpoint URL), or one of several names only other "
        "SPs (SAML requires every AudienceRestriction to hold; that AWS checks each is inferred).",
        remediation="Set the IdP's audience (SP entity ID) to urn:amazon:webservices "
        "(urn:amazon:webservices:govcloud or urn:amazon:webservices:cn-north-1 in those "
        "partitions).",
    ),
    AwsError(
        key="response-expired",
        message="Response has expired",
        heading="ExpiredTokenException: Response has expired",
        code="ExpiredTokenException",
        http_status=400,
        service=STS,
        source="reported by users; not in the troubleshooting guide",
        code_source=Evidence.REPORTED,
        causes="The assertion's NotOnOrAfter (Conditions or SubjectConfirmationData) is in the "
        "past at the time STS receives it (inferred: also a NotBefore in the future).",
        remediation="Post the response to AWS as soon as it is issued; check the IdP's clock "
        "(NTP) and its assertion lifetime.",
    ),
    AwsError(
        key="redeem-window",
        message="Token must be redeemed within 5 minutes of issuance",
        heading="Token must be redeemed within 5 minutes of issuance",
        code=None,
        http_status=None,
        service=STS,
        source="reported by users; not in the troubleshooting guide",
        code_source=None,
        causes="The response's IssueInstant is more than five minutes before STS receives it.",
        remediation="Use the response immediately; for CLI tools, fetch a fresh response for each "
        "AssumeRoleWithSAML call; check the IdP's clock.",
    ),
)

ERRORS: dict[str, AwsError] = {e.key: e for e in _ERRORS}
"""Every AWS error samlcheck knows, by key."""

SEED_SECTIONS = (
    "From 'Troubleshoot IAM roles'",
    "Why can't I assume a role with a 12-hour session? (AWS CLI, AWS API)",
    "Troubleshoot SAML federation with IAM",
    *dict.fromkeys(e.heading for e in _ERRORS if e.source == SEED),
)
"""The headings of the seed excerpt (../shared/seed/saml-troubleshooting.md, not shipped); a rule's
`seed_section` is one of them. The error sections are the headings of the catalogue errors the
guide documents (tests/test_rule_evidence.py checks each against the seed)."""

_DOCS = "https://docs.aws.amazon.com/"
TROUBLESHOOT_SAML_URL = _DOCS + "IAM/latest/UserGuide/troubleshoot_saml.html"
TROUBLESHOOT_ROLES_URL = _DOCS + "IAM/latest/UserGuide/troubleshoot_roles.html"
SAML_ASSERTIONS_URL = _DOCS + "IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html"
SESSION_TAGS_URL = _DOCS + "IAM/latest/UserGuide/id_session-tags.html"
ASSUME_ROLE_WITH_SAML_URL = _DOCS + "STS/latest/APIReference/API_AssumeRoleWithSAML.html"
CREATE_SAML_PROVIDER_URL = _DOCS + "IAM/latest/APIReference/API_CreateSAMLProvider.html"
UPDATE_SAML_PROVIDER_URL = _DOCS + "IAM/latest/APIReference/API_UpdateSAMLProvider.html"
"""The AWS documentation pages rules link to (their `url`): the troubleshooting pages of the seed,
the SAML assertion and session tag pages of the IAM user guide, and the API references."""

EVALUATION_ORDER = (
    "input",
    "signature",
    "issuer",
    "audience",
    "time",
    "subject",
    "attributes",
    "policy",
    "duration",
)
"""The order in which samlcheck assumes STS evaluates a SAMLResponse; the first error wins.

AWS does not document this order. It is inferred: a response must be readable before its signature
can be checked, and nothing in it is trusted before the signature and the issuer (which selects the
provider's keys) are. Audience, recipient and time come next (they decide whether the response is
meant for AWS now), then the subject and the AWS attributes, and last the requested duration, which
depends on the chosen role. Where two errors fall in one stage, the order of the findings decides.

What each stage holds for a SAMLResponse (rules.response / signature / attributes):
input: not a SAML 2.0 Response, a non-Success status, no assertion; signature: unsigned, changed,
foreign key, profile and wrapping violations; issuer: Response and Assertion Issuer against the
metadata entity ID; audience: AudienceRestriction and the bearer Recipient; time: NotBefore,
NotOnOrAfter and the 5-minute redeem window; subject: NameID and the bearer SubjectConfirmation;
attributes: Role, RoleSessionName, SourceIdentity, session tags, --role-arn / --provider-arn;
policy: the chosen role's trust policy (rules.policy: a missing role, an action not allowed, a
Principal or a condition not met, an explicit Deny; inferred after the attributes, which name
the role); duration: the SessionDuration attribute's range, and DurationSeconds against
MaxSessionDuration (the attribute itself is not compared with MaxSessionDuration: see
samlcheck._internal.rules.attributes.duration_findings).
"""

SESSION_NAME_PATTERN = re.compile(r"[a-zA-Z_0-9+=,.@-]{2,64}")
"""RoleSessionName and SourceIdentity (fullmatch)."""

ATTR = "https://aws.amazon.com/SAML/Attributes/"
ROLE_ATTRIBUTE = ATTR + "Role"
ROLE_SESSION_NAME_ATTRIBUTE = ATTR + "RoleSessionName"
SOURCE_IDENTITY_ATTRIBUTE = ATTR + "SourceIdentity"
SESSION_DURATION_ATTRIBUTE = ATTR + "SessionDuration"
PRINCIPAL_TAG_PREFIX = ATTR + "PrincipalTag:"
TRANSITIVE_TAG_KEYS_ATTRIBUTE = ATTR + "TransitiveTagKeys"

AUDIENCES = (
    "urn:amazon:webservices",
    "urn:amazon:webservices:govcloud",
    "urn:amazon:webservices:cn-north-1",
)
"""The AWS service provider's entity IDs, per partition."""

_REGION = r"(?:(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)\.)?"
SIGNIN_ENDPOINT = re.compile(
    rf"https://{_REGION}signin\."
    r"(?:(?:aws\.amazon\.com|amazonaws\.cn)/(?:static/)?saml"
    r"|amazonaws-us-gov\.com/saml)"
    r"(?:/acs/(?P<provider_id>[A-Za-z0-9]+))?"
)
"""An AWS sign-in SAML endpoint, the Recipient AWS accepts. Documented (IAM user guide,
"Configure SAML assertions for the authentication response", and its China edition):
`https://[REGION.]signin.aws.amazon.com/saml`, `https://signin.aws.amazon.com/static/saml`, the
same on `signin.amazonaws.cn`, `https://signin.amazonaws-us-gov.com/saml`, and with encryption
`https://REGION.signin.aws.amazon.com/saml/acs/PROVIDER-ID`. Inferred: the regional `static/saml`
form (the guide gives regional `static/saml/...` metadata URLs) and regional GovCloud hosts."""

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
"""The partitions whose IAM ARNs samlcheck knows."""
_IAM = rf"arn:(?:{'|'.join(PARTITIONS)}):iam::\d{{12}}:"
ROLE_ARN = re.compile(_IAM + r"role/(?:[\x21-\x2e\x30-\x7e]+/)*[\w+=,.@-]{1,64}", re.ASCII)
"""An IAM role ARN (fullmatch), path included."""
PROVIDER_ARN = re.compile(_IAM + r"saml-provider/[\w.-]{1,128}", re.ASCII)
"""An IAM SAML provider ARN (fullmatch)."""

SESSION_DURATION_RANGE = (900, 43200)
"""Seconds the SessionDuration attribute and DurationSeconds may ask for (inclusive)."""
MAX_SESSION_DURATION_RANGE = (3600, 43200)
"""Seconds a role's MaxSessionDuration setting may hold (inclusive)."""


class EncryptionMode(str, enum.Enum):
    """IAM's SAML provider AssertionEncryptionMode. A provider whose state has none behaves as
    Allowed (inferred: providers created before encryption support have none)."""

    Required = "Required"
    Allowed = "Allowed"


ENCRYPTION_MODES = tuple(mode.value for mode in EncryptionMode)
"""The AssertionEncryptionMode values as IAM spells them: Required, Allowed."""
MAX_PRIVATE_KEYS = 2
"""Private keys one IAM SAML provider holds ("Private key limit of 2 is reached.")."""
PROVIDER_NAME_PATTERN = re.compile(r"[\w._-]+")
"""CreateSAMLProvider Name (fullmatch), 1 to PROVIDER_NAME_MAX characters (IAM API Reference)."""
PROVIDER_NAME_MAX = 128
KEY_ID_PATTERN = re.compile(r"[A-Z0-9]+")
"""RemovePrivateKey / SAMLPrivateKey.KeyId (fullmatch), KEY_ID_LENGTH characters (IAM API
Reference). How IAM derives a Key ID from a key is not documented: samlcheck cannot predict a new
key's ID."""
KEY_ID_LENGTH = (22, 64)
