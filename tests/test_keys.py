"""Private keys as IAM's AddPrivateKey sees them: what the file is, and each key rule."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import testidp
from conftest import ROOT, RunCli
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from samlcheck._internal.checks.keys import check_keys
from samlcheck._internal.errors import InputError
from samlcheck._internal.rules import keys as rules
from samlcheck._internal.trust.certs import load_certificate
from samlcheck._internal.trust.keys import (
    MAX_KEY_CHARACTERS,
    KeyFacts,
    inspect_key,
    load_rsa_private_key,
    matches_certificate,
    pem_blocks,
)

KEYS = ROOT / "fixtures" / "keys"
GOOD = KEYS / "sp-encryption.pem"


def _facts(name: str) -> KeyFacts:
    return inspect_key((KEYS / name).read_bytes(), name)


def _rules_for(name: str, cert: str | None = None) -> list[str]:
    certificate = load_certificate((KEYS / cert).read_bytes(), cert) if cert else None
    return [f.rule.id for f in rules.key_findings(_facts(name), certificate)]


@pytest.mark.parametrize(
    ("name", "kind", "words"),
    [
        ("sp-encryption.pem", "private-key", "RSA 2048 private key (PKCS#8 PEM)"),
        ("rsa-pkcs1.pem", "private-key", "RSA 2048 private key (PKCS#1 PEM)"),
        ("rsa-pkcs8.der", "der-private-key", "PKCS#8 DER, binary"),
        ("bundle.p12", "pkcs12", "PKCS#12"),
        ("openssh.key", "openssh", "OpenSSH"),
        ("certificate.pem", "certificate", "certificate"),
        ("public.pem", "public-key", "public key"),
        ("empty.pem", "empty", "empty"),
        ("encrypted-pkcs8.pem", "encrypted-private-key", "ENCRYPTED PRIVATE KEY"),
        (
            "encrypted-legacy.pem",
            "encrypted-private-key",
            "(PKCS#1 PEM, legacy Proc-Type: 4,ENCRYPTED header, cipher AES-128-CBC)",
        ),
        ("ec-p256.pem", "private-key", "EC secp256r1"),
    ],
)
def test_key_file_is_described_as_what_it_really_is(name: str, kind: str, words: str) -> None:
    facts = _facts(name)
    assert facts.kind == kind
    assert words in facts.described


def test_fixture_formats_are_genuine() -> None:
    """The hand-assembled fixtures really are what they claim (cryptography reads them)."""
    password = b"samlcheck-test"
    for name in ("encrypted-pkcs8.pem", "encrypted-legacy.pem"):
        key = serialization.load_pem_private_key((KEYS / name).read_bytes(), password)
        assert isinstance(key, rsa.RSAPrivateKey)
        assert (
            key.public_key().public_numbers()
            == testidp.rsa_key("sp-encryption").public_key().public_numbers()
        )
    assert pkcs12.load_key_and_certificates((KEYS / "bundle.p12").read_bytes(), None)[0]
    assert serialization.load_ssh_private_key((KEYS / "openssh.key").read_bytes(), None)


def test_pkcs1_and_pkcs8_containers_are_told_apart() -> None:
    assert _facts("rsa-pkcs1.pem").container == "PKCS#1"
    assert _facts("sp-encryption.pem").container == "PKCS#8"
    assert _facts("rsa-pkcs8.der").container == "PKCS#8"
    assert _facts("sp-encryption.pem").bits == 2048


# --- each rule: a fixture that triggers it and one that passes ----------------------------------


def test_good_keys_pass_every_rule() -> None:
    assert _rules_for("sp-encryption.pem", "sp-encryption.crt") == []
    assert _rules_for("rsa-pkcs1.pem", "sp-encryption.crt") == []


@pytest.mark.parametrize(
    "name",
    ["rsa-pkcs8.der", "bundle.p12", "openssh.key", "certificate.pem", "public.pem", "empty.pem"],
)
def test_non_pem_key_is_invalid_format(name: str) -> None:
    found = rules.key_findings(_facts(name))
    assert [f.rule for f in found] == [rules.NOT_PEM]
    error = found[0].aws_error
    assert error is not None
    assert error.text == (
        "Invalid private key. Key format is not recognized. Private key file must be a .pem file."
    )


@pytest.mark.parametrize("name", ["encrypted-pkcs8.pem", "encrypted-legacy.pem"])
def test_encrypted_key_is_rejected_in_both_pem_styles(name: str) -> None:
    found = rules.key_findings(_facts(name))
    assert [f.rule for f in found] == [rules.ENCRYPTED]
    assert found[0].aws_error is not None
    assert found[0].aws_error.text == "Invalid private key. Key is encrypted."
    expected = "openssl rsa" if "legacy" in name else "openssl pkey"
    assert expected in found[0].fix


def test_non_rsa_key_is_rejected() -> None:
    assert _rules_for("ec-p256.pem") == [rules.NOT_RSA.id]


def test_key_over_16384_characters_is_rejected() -> None:
    facts = _facts("key-and-chain.pem")
    assert facts.characters is not None and facts.characters > MAX_KEY_CHARACTERS
    ids = _rules_for("key-and-chain.pem")
    assert rules.TOO_LONG.id in ids
    assert rules.EXTRA_BLOCKS.id in ids
    assert rules.TOO_LONG.id not in _rules_for("sp-encryption.pem")


def test_character_outside_the_allowed_range_is_rejected() -> None:
    found = rules.key_findings(_facts("with-bom.pem"))
    assert [f.rule for f in found] == [rules.BAD_CHARACTERS]
    assert "'\\ufeff' at character 1" in found[0].message


def test_latin1_range_characters_are_allowed() -> None:
    text = "# clé de test\n" + GOOD.read_text()
    assert rules.key_findings(inspect_key(text.encode(), "latin.pem")) == []


def test_key_that_does_not_match_the_certificate_is_flagged() -> None:
    assert _rules_for("sp-encryption.pem", "sp-encryption-next.crt") == [rules.CERT_MISMATCH.id]
    assert (
        matches_certificate(
            _facts("sp-encryption-next.pem"),
            load_certificate((KEYS / "sp-encryption-next.crt").read_bytes(), "next"),
        )
        is True
    )


def test_small_rsa_key_is_a_warning() -> None:
    assert _rules_for("rsa-1024.pem") == [rules.SMALL_RSA.id]
    (small,) = rules.key_findings(_facts("rsa-1024.pem"))
    assert small.message == "rsa-1024.pem is a 1024-bit RSA key."


def test_key_with_wrong_crt_value_is_repaired_and_flagged() -> None:
    facts = _facts("inconsistent-crt.pem")
    assert facts.usable_rsa is not None
    assert "iqmp" in (facts.problem or "")
    assert _rules_for("inconsistent-crt.pem", "sp-encryption.crt") == [rules.REPAIRED.id]


# --- check_keys and the command -----------------------------------------------------------------


def _loaded(*names: str) -> list[tuple[str, bytes]]:
    return [(name, (KEYS / name).read_bytes()) for name in names]


def test_check_keys_gives_one_result_per_key() -> None:
    results = check_keys(_loaded("sp-encryption.pem", "sp-encryption-next.pem"))
    assert [r.kind for r in results] == ["key", "key"]
    assert all(r.verdict.accepted for r in results)
    rows = dict(results[0].summary)
    assert rows["Is"] == "an unencrypted RSA 2048 private key (PKCS#8 PEM)"
    assert not {"Key", "Container"} & rows.keys(), "the key and container are said once, in 'Is'"


def test_third_key_reaches_the_private_key_limit() -> None:
    results = check_keys(_loaded("sp-encryption.pem", "sp-encryption-next.pem", "rsa-pkcs1.pem"))
    assert [r.verdict.accepted for r in results] == [True, True, False]
    error = results[2].verdict.aws_error
    assert error is not None and error.message == "Private key limit of 2 is reached."


def test_keys_command_exits_0_for_a_good_key_and_1_for_a_bad_one(run_cli: RunCli) -> None:
    good = run_cli("keys", str(GOOD), "--cert", str(KEYS / "sp-encryption.crt"))
    assert good.exit_code == 0, good.output
    assert "Matches certificate" in good.output and "yes" in good.output
    bad = run_cli("keys", str(KEYS / "encrypted-pkcs8.pem"), "--format", "json")
    assert bad.exit_code == 1
    document = json.loads(bad.stdout)
    assert "Key is encrypted." in json.dumps(document)
    import jsonschema

    schema = json.loads((ROOT / "samlcheck" / "schemas" / "report.schema.json").read_text())
    jsonschema.validate(document, schema)


def test_keys_command_missing_file_exits_2(run_cli: RunCli) -> None:
    done = run_cli("keys", str(KEYS / "nope.pem"))
    assert done.exit_code == 2
    assert "no such file" in done.stderr


def test_load_rsa_private_key_refuses_non_rsa_keys(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="RSA"):
        load_rsa_private_key(KEYS / "ec-p256.pem")
    assert load_rsa_private_key(KEYS / "rsa-pkcs1.pem").key_size == 2048


# --- hostile key files: bounded work (issue 9) ---------------------------------------------------


def test_unmatched_begin_lines_are_reported() -> None:
    """256 KB of BEGIN lines without END (each BEGIN used to be searched to the end: quadratic;
    scripts/resources.py measures the time)."""
    facts = inspect_key(b"-----BEGIN A-----\n" * (256 * 1024 // 18), "hostile.pem")
    assert facts.kind == "unknown"
    assert "BEGIN/END lines do not match" in facts.described


def test_key_after_many_unmatched_begin_lines_is_still_found() -> None:
    hostile = b"-----BEGIN RSA PRIVATE KEY-----\n" * 20_000 + GOOD.read_bytes()
    facts = inspect_key(hostile, "hostile.pem")
    assert facts.usable_rsa is not None
    assert facts.container == "PKCS#8"


def test_pem_blocks_pair_each_begin_with_the_first_end_of_its_label() -> None:
    text = "-----BEGIN A-----x-----BEGIN B-----y-----END A-----z-----END B-----\n"
    assert pem_blocks(text) == [("A", "x-----BEGIN B-----y")]
    text = "-----BEGIN A-----\n-----BEGIN B-----\nb\n-----END B-----\n"
    assert pem_blocks(text) == [("B", "\nb\n")]


def test_many_blocks_are_counted_not_listed() -> None:
    facts = inspect_key(b"-----BEGIN A-----\nx\n-----END A-----\n" * 10_000, "many.pem")
    assert facts.described == "PEM text with A x10,000 block(s), no private key"


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    length = bytes([size]) if size < 128 else bytes([0x80 | ((size.bit_length() + 7) // 8)])
    if size >= 128:
        length += size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + body


def _integers(*values: int) -> bytes:
    return _der(0x30, b"".join(_der(2, v.to_bytes(v.bit_length() // 8 + 1, "big")) for v in values))


def _pem(label: str, der: bytes) -> bytes:
    body = base64.encodebytes(der).decode()
    return f"-----BEGIN {label}-----\n{body}-----END {label}-----\n".encode()


def test_rsa_key_over_the_size_limit_is_reported_without_loading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An RSA-16384 key took 33 s to load (OpenSSL's primality checks); its size is read first."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an oversized key must not be loaded")

    monkeypatch.setattr(serialization, "load_pem_private_key", refuse)
    modulus = (1 << 16383) | 1
    facts = inspect_key(_pem("RSA PRIVATE KEY", _integers(0, modulus, *[3] * 7)), "big.pem")
    assert (facts.algorithm, facts.bits, facts.key) == ("RSA", 16384, None)
    (found,) = rules.key_findings(facts)
    assert found.rule is rules.LARGE_RSA
    assert check_keys([("big.pem", _pem("RSA PRIVATE KEY", _integers(0, modulus, *[3] * 7)))])[
        0
    ].verdict.unjudged


@pytest.mark.parametrize(
    ("der", "problem"),
    [
        (_integers(0, 15, 3, 1, 1, 15, 1, 1, 1), "its values do not form an RSA key"),
        (_integers(*[0] * 9), "its values do not form an RSA key"),
        (b"\x30\x05\x02\x01\x00", "its DER structure is damaged"),
    ],
)
def test_undecodable_rsa_key_is_a_finding_in_our_words(der: bytes, problem: str) -> None:
    facts = inspect_key(_pem("RSA PRIVATE KEY", der), "broken.pem")
    (found,) = rules.key_findings(facts)
    assert found.rule is rules.NOT_PEM
    assert problem in found.message
    assert "ParseError" not in found.message and "deserialize" not in found.message


def test_pkcs8_key_of_an_unknown_algorithm_is_not_rsa() -> None:
    oid = _der(6, bytes([0x2A, 3, 4, 5]))
    info = _der(0x30, _der(2, b"\x00") + _der(0x30, oid) + _der(4, b"\x30\x00"))
    for data, first in ((_pem("PRIVATE KEY", info), rules.NOT_RSA), (info, rules.NOT_PEM)):
        facts = inspect_key(data, "odd.key")
        assert "unknown algorithm (OID 1.2.3.4.5)" in facts.described
        assert rules.key_findings(facts)[0].rule is first


def test_sp_key_over_the_size_limit_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "big.pem"
    path.write_bytes(_pem("RSA PRIVATE KEY", _integers(0, (1 << 16383) | 1, *[3] * 7)))
    with pytest.raises(InputError, match="at most 8,192 bits"):
        load_rsa_private_key(path)


def test_keys_strict_exits_1_for_a_key_that_does_not_match_the_certificate(run_cli: RunCli) -> None:
    args = ("keys", str(GOOD), "--cert", str(KEYS / "sp-encryption-next.crt"))
    plain = run_cli(*args)
    assert plain.exit_code == 0
    body = plain.stdout.split("\n", 2)[2]
    assert body.startswith("  Matches certificate  NO: assertions encrypted for this certificate")
    assert run_cli(*args, "--strict").exit_code == 1
    assert (
        run_cli("keys", str(GOOD), "--cert", str(KEYS / "sp-encryption.crt"), "--strict").exit_code
        == 0
    )
