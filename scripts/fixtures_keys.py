"""Deterministic fixtures for the encryption area: key files, encrypted responses, provider states.

Run `python scripts/fixtures_keys.py` (or the lead's make_fixtures.py) to write them under
fixtures/keys/, fixtures/encrypted/ and fixtures/provider/; the same run gives the same bytes.
Formats whose writers use random salts (encrypted PKCS#8, legacy encrypted PEM, PKCS#12, OpenSSH)
are assembled here from fixed salts and IVs, so they too are byte-identical on every run.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import sys
from pathlib import Path

import testidp
import testidp_xenc as xenc
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from lxml import etree

PASSPHRASE = b"samlcheck-test"
"""The passphrase of the encrypted key fixtures."""
KEY_ID_1 = "AKPSAMLKEY00000000000001"
KEY_ID_2 = "AKPSAMLKEY00000000000002"
"""Key IDs in the provider-state fixtures: 24 characters of [A-Z0-9], as the API allows. The
format of real IAM Key IDs is not documented beyond that pattern."""


# --- DER ---------------------------------------------------------------------------------------


def tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    body = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(body)]) + body + content


def seq(*parts: bytes) -> bytes:
    return tlv(0x30, b"".join(parts))


def integer(value: int) -> bytes:
    body = value.to_bytes(value.bit_length() // 8 + 1, "big", signed=False)
    while len(body) > 1 and body[0] == 0 and body[1] < 0x80:
        body = body[1:]
    return tlv(0x02, body)


def oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    body = bytes([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(reversed(chunk))
    return tlv(0x06, body)


def octets(data: bytes) -> bytes:
    return tlv(0x04, data)


def explicit0(content: bytes) -> bytes:
    return tlv(0xA0, content)


def pem_block(label: str, der: bytes, headers: str = "") -> bytes:
    body = base64.encodebytes(der).decode().replace("\n", "")
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {label}-----\n{headers}{lines}\n-----END {label}-----\n".encode()


# --- key files ---------------------------------------------------------------------------------


def _pkcs8_der(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _pkcs1_der(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def _cbc(key: bytes, iv: bytes, data: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def encrypted_pkcs8(key: rsa.RSAPrivateKey) -> bytes:
    """ENCRYPTED PRIVATE KEY: PBES2, PBKDF2-HMAC-SHA256 (fixed salt), AES-256-CBC (fixed IV)."""
    salt, iv, rounds = b"saltsalt", b"\x01" * 16, 2048
    derived = PBKDF2HMAC(hashes.SHA256(), 32, salt, rounds).derive(PASSPHRASE)
    params = seq(
        seq(
            oid("1.2.840.113549.1.5.12"),
            seq(octets(salt), integer(rounds), seq(oid("1.2.840.113549.2.9"), b"\x05\x00")),
        ),
        seq(oid("2.16.840.1.101.3.4.1.42"), octets(iv)),
    )
    der = seq(
        seq(oid("1.2.840.113549.1.5.13"), params),
        octets(_cbc(derived, iv, _pkcs8_der(key))),
    )
    return pem_block("ENCRYPTED PRIVATE KEY", der)


def encrypted_legacy(key: rsa.RSAPrivateKey) -> bytes:
    """RSA PRIVATE KEY with Proc-Type: 4,ENCRYPTED and DEK-Info AES-128-CBC (OpenSSL's KDF)."""
    iv = bytes(range(16))
    derived = hashlib.md5(PASSPHRASE + iv[:8]).digest()  # EVP_BytesToKey, MD5, one round
    headers = f"Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{iv.hex().upper()}\n\n"
    return pem_block("RSA PRIVATE KEY", _cbc(derived, iv, _pkcs1_der(key)), headers)


def pkcs12(key: rsa.RSAPrivateKey) -> bytes:
    """A PFX with one unencrypted keyBag and no MAC (allowed by RFC 7292; deterministic)."""
    bag = seq(oid("1.2.840.113549.1.12.10.1.1"), explicit0(_pkcs8_der(key)))
    safe = seq(oid("1.2.840.113549.1.7.1"), explicit0(octets(seq(bag))))
    return seq(integer(3), seq(oid("1.2.840.113549.1.7.1"), explicit0(octets(seq(safe)))))


def openssh(key: rsa.RSAPrivateKey) -> bytes:
    """The OpenSSH private-key format with its two random check integers fixed."""
    text = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    ).decode()
    body = base64.b64decode("".join(text.splitlines()[1:-1]))
    offset = len(b"openssh-key-v1\0")
    for _ in range(3):  # ciphername, kdfname, kdfoptions
        (size,) = struct.unpack(">I", body[offset : offset + 4])
        offset += 4 + size
    offset += 4  # number of keys
    (size,) = struct.unpack(">I", body[offset : offset + 4])
    offset += 4 + size  # public key
    offset += 4  # length of the private section; the check integers follow
    body = body[:offset] + b"\x5a\x5a\x5a\x5a" * 2 + body[offset + 8 :]
    encoded = base64.b64encode(body).decode()
    lines = "\n".join(encoded[i : i + 70] for i in range(0, len(encoded), 70))
    label = "OPENSSH PRIVATE KEY"
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n".encode()


def inconsistent(key: rsa.RSAPrivateKey) -> bytes:
    """PKCS#1 PEM whose iqmp is wrong (the rest consistent): OpenSSL refuses it as written."""
    n = key.private_numbers()
    values = (0, n.public_numbers.n, n.public_numbers.e, n.d, n.p, n.q, n.dmp1, n.dmq1)
    wrong_iqmp = (n.iqmp + 1) % n.p
    return pem_block("RSA PRIVATE KEY", seq(*(integer(v) for v in (*values, wrong_iqmp))))


def key_files() -> dict[str, bytes]:
    sp, nxt = xenc.sp(), xenc.sp_next()
    key = sp.key
    ec_key = ec.derive_private_key(
        int.from_bytes(hashlib.sha256(b"ec-key").digest(), "big") % (2**255), ec.SECP256R1()
    )
    chain = b"".join(
        testidp.pem(testidp.certificate(key, f"chain-{i}.example.test")) for i in range(16)
    )
    return {
        "keys/sp-encryption.pem": testidp.pem(key),
        "keys/sp-encryption.crt": testidp.pem(sp.cert),
        "keys/sp-encryption-next.pem": testidp.pem(nxt.key),
        "keys/sp-encryption-next.crt": testidp.pem(nxt.cert),
        "keys/rsa-pkcs1.pem": key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ),
        "keys/rsa-1024.pem": testidp.pem(testidp.rsa_key("sp-small", 1024)),
        "keys/encrypted-pkcs8.pem": encrypted_pkcs8(key),
        "keys/encrypted-legacy.pem": encrypted_legacy(key),
        "keys/rsa-pkcs8.der": _pkcs8_der(key),
        "keys/bundle.p12": pkcs12(key),
        "keys/openssh.key": openssh(key),
        "keys/certificate.pem": testidp.pem(sp.cert),
        "keys/public.pem": key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "keys/empty.pem": b"",
        "keys/ec-p256.pem": ec_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        "keys/with-bom.pem": b"\xef\xbb\xbf" + testidp.pem(key),
        "keys/key-and-chain.pem": testidp.pem(key) + chain,
        "keys/inconsistent-crt.pem": inconsistent(key),
    }


# --- encrypted responses -----------------------------------------------------------------------


def combination_name(algorithm: str, transport: xenc.Transport, placement: str) -> str:
    return f"encrypted/{algorithm}_{transport.label}_{placement}.xml"


def _cipher_value_end(data: bytes) -> int:
    return data.rindex(b"</xenc:CipherValue>")


PLACEMENTS = ("keyinfo", "retrieval")


def combinations() -> list[tuple[str, xenc.Transport, str]]:
    """Every data algorithm with every key-transport algorithm, in both EncryptedKey placements;
    the OAEP parameter variants (digest, MGF, OAEPparams) with AES-256-GCM."""
    base = [t for t in xenc.TRANSPORT_VARIANTS if t.digest is None and t.mgf is None]
    variants = [t for t in xenc.TRANSPORT_VARIANTS if t not in base]
    grid = [(a, t, p) for a in xenc.DATA_ALGORITHMS for t in base for p in PLACEMENTS]
    return grid + [("aes256-gcm", t, p) for t in variants for p in PLACEMENTS]


def encrypted_files() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    signed_assertion_only = testidp.ResponseSpec(recipient=xenc.SP_ACS, sign_response=False)
    for algorithm, transport, placement in combinations():
        files[combination_name(algorithm, transport, placement)] = xenc.encrypted_response_xml(
            signed_assertion_only,
            algorithm=algorithm,
            transport=transport,
            placement=placement,
            label=f"{algorithm}-{transport.label}-{placement}",
        )
    spec = testidp.ResponseSpec(recipient=xenc.SP_ACS, sign_response=False)
    files["encrypted/for-next-key.xml"] = xenc.encrypted_response_xml(
        spec,
        recipient_key=xenc.sp_next().key.public_key(),
        label="next",
        recipient_cert=xenc.sp_next().cert,
    )
    gcm = xenc.encrypted_response_xml(spec, algorithm="aes256-gcm", label="corrupt-gcm")
    end = _cipher_value_end(gcm)
    files["encrypted/corrupted-gcm.xml"] = (
        gcm[: end - 10] + (b"A" if gcm[end - 10 : end - 9] != b"A" else b"B") + gcm[end - 9 :]
    )
    cbc = xenc.encrypted_response_xml(spec, algorithm="aes128-cbc", label="corrupt-cbc")
    end = _cipher_value_end(cbc)
    files["encrypted/corrupted-cbc.xml"] = (
        cbc[: end - 30] + (b"A" if cbc[end - 30 : end - 29] != b"A" else b"B") + cbc[end - 29 :]
    )
    plain_cbc = xenc.encrypted_response_xml(spec, algorithm="aes256-cbc", label="unsupported")
    files["encrypted/tripledes.xml"] = plain_cbc.replace(
        b"http://www.w3.org/2001/04/xmlenc#aes256-cbc",
        b"http://www.w3.org/2001/04/xmlenc#tripledes-cbc",
    )
    root = etree.fromstring(xenc.encrypted_response_xml(spec, placement="keyinfo", label="no-key"))
    for encrypted_key in root.iter(f"{{{xenc.XENC}}}EncryptedKey"):
        encrypted_key.getparent().remove(encrypted_key)  # type: ignore[union-attr]
    files["encrypted/no-encrypted-key.xml"] = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8"
    )
    files["encrypted/not-an-assertion.xml"] = _response_around(
        b'<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">x</saml:Issuer>',
        "not-assertion",
    )
    assertion = etree.tostring(testidp.build_assertion(spec))
    relying = assertion.replace(b' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"', b"", 1)
    files["encrypted/prefix-from-container.xml"] = _response_around(relying, "prefix")
    files["encrypted/plaintext-acs.xml"] = testidp.response_xml(
        testidp.ResponseSpec(recipient=xenc.SP_ACS)
    )
    return files


def _response_around(plain: bytes, label: str) -> bytes:
    """An unsigned Response whose EncryptedAssertion holds exactly `plain` (RSA-OAEP, AES-GCM);
    the EncryptedAssertion declares saml: itself, the Response uses samlp: only."""
    container = xenc.encrypt_assertion(plain, xenc.sp().key.public_key(), label=label)
    spec = testidp.ResponseSpec(recipient=xenc.SP_ACS)
    response = testidp.build_response(spec, container)
    return etree.tostring(response, xml_declaration=True, encoding="UTF-8")


# --- provider states ---------------------------------------------------------------------------


def _state(mode: str | None, keys: list[str]) -> bytes:
    metadata = testidp.metadata(testidp.idp()).decode()
    document: dict[str, object] = {
        "SAMLProviderUUID": "a1b2c3d4-0000-4000-8000-000000000001",
        "SAMLMetadataDocument": metadata,
        "CreateDate": "2025-06-01T10:00:00+00:00",
        "ValidUntil": "2125-06-01T10:00:00+00:00",
        "Tags": [],
        "PrivateKeyList": [
            {"KeyId": key_id, "Timestamp": f"2025-06-0{number}T10:00:00+00:00"}
            for number, key_id in enumerate(keys, start=1)
        ],
    }
    if mode is not None:
        document["AssertionEncryptionMode"] = mode
    return (json.dumps(document, indent=4) + "\n").encode()


def provider_files() -> dict[str, bytes]:
    metadata = testidp.metadata(testidp.idp())
    return {
        "provider/required-one-key.json": _state("Required", [KEY_ID_1]),
        "provider/allowed-one-key.json": _state("Allowed", [KEY_ID_1]),
        "provider/required-two-keys.json": _state("Required", [KEY_ID_1, KEY_ID_2]),
        "provider/allowed-no-keys.json": _state("Allowed", []),
        "provider/no-mode.json": _state(None, []),
        "provider/metadata.xml": metadata,
        "provider/metadata-bom.xml": b"\xef\xbb\xbf" + metadata,
    }


def fixtures() -> dict[str, bytes]:
    """Every fixture of the encryption area, by path relative to fixtures/."""
    return {**key_files(), **encrypted_files(), **provider_files()}


def main(target: Path) -> None:
    for relative, data in sorted(fixtures().items()):
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main(
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parent.parent / "fixtures"
    )
