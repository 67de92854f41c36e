"""scripts/bench.py's optional references really verify: the bench response passes, a tampered
one fails. Skipped where python-xmlsec or python3-saml is missing (`pip install -e '.[bench]'`)."""

from __future__ import annotations

from collections.abc import Callable

import bench
import pytest
import testidp

GENUINE = testidp.response_xml()
TAMPERED = GENUINE.replace(b">alice@example.test</", b">mallory@example.test</", 1)


def reference(build: Callable[[bytes], Callable[[], object]], data: bytes) -> Callable[[], object]:
    """The reference for `data`, or a skip when its package is missing or cannot load."""
    try:
        return build(data)
    except ImportError as error:
        pytest.skip(f"{build.__name__}: {bench.skipped(error)}")


def xmlsec_reference(data: bytes) -> Callable[[], object]:
    return bench.xmlsec_reference(data, testidp.pem(testidp.idp().cert))


def test_tampered_differs() -> None:
    assert TAMPERED != GENUINE


def test_python_xmlsec_verifies_both_signatures() -> None:
    reference(xmlsec_reference, GENUINE)()
    tampered = reference(xmlsec_reference, TAMPERED)
    with pytest.raises(Exception, match="Signature is invalid"):
        tampered()


def test_python3_saml_is_valid_at_the_bench_instant() -> None:
    is_valid = reference(bench.python3_saml_reference, GENUINE)
    with bench.frozen_saml_clock():
        assert is_valid() is True
        with pytest.raises(Exception, match="Signature validation failed"):
            reference(bench.python3_saml_reference, TAMPERED)()
    with pytest.raises(Exception, match="expired"):
        is_valid()
