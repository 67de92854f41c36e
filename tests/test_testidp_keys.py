"""The committed key store holds what the seeded search finds, and its check catches a change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import testidp

SMALL = "metadata-512/512"
"""The one stored key cheap enough to search for in every run (the rest: `testidp.py --check`)."""


def _copy_with(tmp_path: Path, names: list[str]) -> Path:
    stored = json.loads(testidp.KEY_STORE.read_text())
    store = tmp_path / "keys.json"
    store.write_text(json.dumps({n: stored[n] for n in names}))
    return store


def test_a_stored_key_is_what_the_seeded_search_finds(tmp_path: Path) -> None:
    assert testidp.stale_keys(_copy_with(tmp_path, [SMALL])) == []
    key = testidp.rsa_key("metadata-512", 512).private_numbers()
    assert (key.p, key.q) == testidp.seeded_primes("metadata-512", 512)


def test_the_check_names_a_stored_key_that_differs(tmp_path: Path) -> None:
    store = _copy_with(tmp_path, [SMALL])
    p, q = json.loads(store.read_text())[SMALL]
    store.write_text(json.dumps({SMALL: [q, p]}))
    assert testidp.stale_keys(store) == [SMALL]


def test_store_keys_adds_a_key_the_search_finds(tmp_path: Path) -> None:
    store = _copy_with(tmp_path, [SMALL])
    testidp.store_keys(["added/512"], store)
    assert set(json.loads(store.read_text())) == {SMALL, "added/512"}
    assert testidp.stale_keys(store) == []


def test_a_key_the_store_lacks_is_searched_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(testidp, "SEARCHED", [])
    key = testidp.rsa_key("not-in-the-store", 512).private_numbers()
    assert (key.p, key.q) == testidp.seeded_primes("not-in-the-store", 512)
    assert testidp.SEARCHED == ["not-in-the-store/512"]


def test_every_stored_key_has_its_named_size() -> None:
    for name, (p, q) in json.loads(testidp.KEY_STORE.read_text()).items():
        assert (int(p, 16) * int(q, 16)).bit_length() == int(name.rsplit("/", 1)[1]), name
