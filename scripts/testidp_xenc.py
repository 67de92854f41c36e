"""The test IdP's encryption side: deterministic XML Encryption of SAML assertions.

Session keys, IVs and the RSA padding randomness are all derived from a label, and the RSA
padding (OAEP per RFC 8017 section 7.1.1, PKCS#1 v1.5 type 2 per section 7.2.1) is computed here
and applied with raw `pow`, so the same call always gives the same bytes. Tests cross-check the
result against `cryptography`'s own RSA decryption.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass

import testidp
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from lxml import etree

XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
DS = testidp.DS
SAML = testidp.SAML

DATA_ALGORITHMS = {
    "aes128-cbc": (XENC + "aes128-cbc", 16),
    "aes192-cbc": (XENC + "aes192-cbc", 24),
    "aes256-cbc": (XENC + "aes256-cbc", 32),
    "aes128-gcm": (XENC11 + "aes128-gcm", 16),
    "aes192-gcm": (XENC11 + "aes192-gcm", 24),
    "aes256-gcm": (XENC11 + "aes256-gcm", 32),
}
TRANSPORTS = {
    "rsa-1_5": XENC + "rsa-1_5",
    "rsa-oaep-mgf1p": XENC + "rsa-oaep-mgf1p",
    "rsa-oaep": XENC11 + "rsa-oaep",
}
DIGESTS = {
    "sha1": ("http://www.w3.org/2000/09/xmldsig#sha1", "sha1"),
    "sha224": ("http://www.w3.org/2001/04/xmldsig-more#sha224", "sha224"),
    "sha256": ("http://www.w3.org/2001/04/xmlenc#sha256", "sha256"),
    "sha384": ("http://www.w3.org/2001/04/xmldsig-more#sha384", "sha384"),
    "sha512": ("http://www.w3.org/2001/04/xmlenc#sha512", "sha512"),
}
SP_ACS = "https://signin.aws.amazon.com/saml/acs/SAMLSPD0EXAMPLE1234567"
"""A provider's own endpoint, as IAM shows it once encryption is configured."""


@dataclass(frozen=True)
class Transport:
    """How the session key travels: algorithm name plus OAEP parameters."""

    algorithm: str = "rsa-oaep-mgf1p"
    digest: str | None = None
    """OAEP DigestMethod (None: omitted, SHA-1 implied)."""
    mgf: str | None = None
    """xenc11#rsa-oaep only: MGF1 hash (None: omitted, SHA-1 implied)."""
    oaep_params: bytes | None = None

    @property
    def label(self) -> str:
        parts = [self.algorithm]
        if self.digest:
            parts.append(self.digest)
        if self.mgf:
            parts.append("mgf1" + self.mgf)
        if self.oaep_params:
            parts.append("params")
        return "-".join(parts)


TRANSPORT_VARIANTS = (
    Transport("rsa-1_5"),
    Transport("rsa-oaep-mgf1p"),
    Transport("rsa-oaep-mgf1p", digest="sha256", oaep_params=b"samlcheck"),
    Transport("rsa-oaep"),
    Transport("rsa-oaep", digest="sha256", mgf="sha256", oaep_params=b"samlcheck"),
    Transport("rsa-oaep", digest="sha512", mgf="sha384"),
)
"""Every key-transport variant the round-trip tests cover."""


def _rng(label: str) -> random.Random:
    return random.Random(hashlib.sha256(f"xenc/{label}".encode()).digest())


def _bytes(rng: random.Random, count: int) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(count))


def _mgf1(seed: bytes, length: int, hash_name: str) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.new(hash_name, seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def oaep_pad(
    message: bytes, k: int, rng: random.Random, digest: str, mgf: str, label: bytes
) -> bytes:
    """EME-OAEP encoding (RFC 8017, 7.1.1 step 2) of `message` for a k-byte modulus."""
    h_len = hashlib.new(digest).digest_size
    if len(message) > k - 2 * h_len - 2:
        raise ValueError("message too long for OAEP")
    l_hash = hashlib.new(digest, label).digest()
    db = l_hash + b"\x00" * (k - len(message) - 2 * h_len - 2) + b"\x01" + message
    seed = _bytes(rng, h_len)
    masked_db = _xor(db, _mgf1(seed, k - h_len - 1, mgf))
    masked_seed = _xor(seed, _mgf1(masked_db, h_len, mgf))
    return b"\x00" + masked_seed + masked_db


def pkcs1_v15_pad(message: bytes, k: int, rng: random.Random) -> bytes:
    """EME-PKCS1-v1_5 encoding (RFC 8017, 7.2.1 step 2): 00 02 PS 00 M, PS non-zero."""
    if len(message) > k - 11:
        raise ValueError("message too long for PKCS#1 v1.5")
    ps = bytes(rng.randrange(1, 256) for _ in range(k - len(message) - 3))
    return b"\x00\x02" + ps + b"\x00" + message


def rsa_encrypt(public: rsa.RSAPublicKey, encoded: bytes) -> bytes:
    """Raw RSA (RSAEP) of an already padded message."""
    numbers = public.public_numbers()
    k = (public.key_size + 7) // 8
    return pow(int.from_bytes(encoded, "big"), numbers.e, numbers.n).to_bytes(k, "big")


def wrap_key(public: rsa.RSAPublicKey, session: bytes, transport: Transport, label: str) -> bytes:
    """The EncryptedKey ciphertext of `session`, deterministic for `label`."""
    rng = _rng(f"{label}/wrap")
    k = (public.key_size + 7) // 8
    if transport.algorithm == "rsa-1_5":
        return rsa_encrypt(public, pkcs1_v15_pad(session, k, rng))
    digest = DIGESTS[transport.digest or "sha1"][1]
    mgf = (transport.mgf or "sha1") if transport.algorithm == "rsa-oaep" else "sha1"
    padded = oaep_pad(session, k, rng, digest, mgf, transport.oaep_params or b"")
    return rsa_encrypt(public, padded)


def encrypt_data(algorithm: str, session: bytes, plain: bytes, label: str) -> bytes:
    """IV || ciphertext (|| tag for GCM), with XML Encryption padding for CBC."""
    rng = _rng(f"{label}/iv")
    if algorithm.endswith("gcm"):
        iv = _bytes(rng, 12)
        return iv + AESGCM(session).encrypt(iv, plain, None)
    iv = _bytes(rng, 16)
    pad = 16 - len(plain) % 16
    padded = plain + _bytes(rng, pad - 1) + bytes([pad])
    encryptor = Cipher(algorithms.AES(session), modes.CBC(iv)).encryptor()
    return iv + encryptor.update(padded) + encryptor.finalize()


def session_key(algorithm: str, label: str) -> bytes:
    return _bytes(_rng(f"{label}/session"), DATA_ALGORITHMS[algorithm][1])


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _encrypted_key(
    public: rsa.RSAPublicKey,
    session: bytes,
    transport: Transport,
    label: str,
    key_id: str | None,
    recipient_cert: x509.Certificate | None = None,
) -> etree._Element:
    x, d = f"{{{XENC}}}", f"{{{DS}}}"
    element = etree.Element(x + "EncryptedKey", nsmap={"xenc": XENC, "ds": DS})
    if key_id:
        element.set("Id", key_id)
    method = etree.SubElement(element, x + "EncryptionMethod")
    method.set("Algorithm", TRANSPORTS[transport.algorithm])
    if transport.digest:
        etree.SubElement(method, d + "DigestMethod", Algorithm=DIGESTS[transport.digest][0])
    if transport.mgf:
        mgf = etree.SubElement(method, f"{{{XENC11}}}MGF", nsmap={"xenc11": XENC11})
        mgf.set("Algorithm", f"{XENC11}mgf1{transport.mgf}")
    if transport.oaep_params:
        etree.SubElement(method, x + "OAEPparams").text = _b64(transport.oaep_params)
    if recipient_cert is not None:
        x509_data = etree.SubElement(etree.SubElement(element, d + "KeyInfo"), d + "X509Data")
        etree.SubElement(x509_data, d + "X509Certificate").text = testidp.cert_base64(
            recipient_cert
        )
    cipher_data = etree.SubElement(element, x + "CipherData")
    etree.SubElement(cipher_data, x + "CipherValue").text = _b64(
        wrap_key(public, session, transport, label)
    )
    return element


def encrypt_assertion(
    assertion: etree._Element | bytes,
    public: rsa.RSAPublicKey,
    *,
    algorithm: str = "aes256-gcm",
    transport: Transport = Transport(),
    placement: str = "keyinfo",
    label: str = "assertion",
    recipient_cert: x509.Certificate | None = None,
) -> etree._Element:
    """A saml:EncryptedAssertion around `assertion` (element or exact bytes) for `public`.

    placement: "keyinfo" puts the EncryptedKey in the EncryptedData's KeyInfo; "retrieval" puts
    it beside the EncryptedData and names it with a ds:RetrievalMethod (Okta's layout).
    `recipient_cert` is named in the EncryptedKey's KeyInfo, as many IdPs do.
    """
    plain = assertion if isinstance(assertion, bytes) else etree.tostring(assertion)
    session = session_key(algorithm, label)
    x, d = f"{{{XENC}}}", f"{{{DS}}}"
    container = etree.Element(f"{{{SAML}}}EncryptedAssertion", nsmap={"saml": SAML})
    data = etree.SubElement(container, x + "EncryptedData", nsmap={"xenc": XENC, "ds": DS})
    data.set("Id", f"_ed-{label}")
    data.set("Type", XENC + "Element")
    etree.SubElement(data, x + "EncryptionMethod", Algorithm=DATA_ALGORITHMS[algorithm][0])
    key_info = etree.SubElement(data, d + "KeyInfo")
    if placement == "keyinfo":
        key_info.append(_encrypted_key(public, session, transport, label, None, recipient_cert))
    elif placement == "retrieval":
        key_id = f"_ek-{label}"
        method = etree.SubElement(key_info, d + "RetrievalMethod", URI=f"#{key_id}")
        method.set("Type", XENC + "EncryptedKey")
        encrypted_key = _encrypted_key(public, session, transport, label, key_id, recipient_cert)
        reference_list = etree.SubElement(encrypted_key, x + "ReferenceList")
        etree.SubElement(reference_list, x + "DataReference", URI=f"#_ed-{label}")
        container.append(encrypted_key)
    else:
        raise ValueError(f"unknown placement {placement!r}")
    cipher_data = etree.SubElement(data, x + "CipherData")
    etree.SubElement(cipher_data, x + "CipherValue").text = _b64(
        encrypt_data(algorithm, session, plain, label)
    )
    return container


def sp() -> testidp.IdP:
    """The SP encryption identity: the key uploaded to the IAM provider and its certificate."""
    return testidp.idp("sp-encryption", entity_id="urn:amazon:webservices")


def sp_next() -> testidp.IdP:
    """The second SP key (the new one during a rotation)."""
    return testidp.idp("sp-encryption-next", entity_id="urn:amazon:webservices")


def encrypted_response_xml(
    spec: testidp.ResponseSpec | None = None,
    provider: testidp.IdP | None = None,
    recipient_key: rsa.RSAPublicKey | None = None,
    **options: object,
) -> bytes:
    """A SAMLResponse whose signed Assertion is encrypted; the Response is signed over it.

    `options` go to `encrypt_assertion` (algorithm, transport, placement, label).
    """
    spec = spec or testidp.ResponseSpec(recipient=SP_ACS)

    def encrypted(assertion: etree._Element) -> etree._Element:
        public = recipient_key or sp().key.public_key()
        return encrypt_assertion(assertion, public, **options)  # type: ignore[arg-type]

    response = testidp.response_element(spec, provider or testidp.idp(), encrypted)
    return etree.tostring(response, xml_declaration=True, encoding="UTF-8")
