"""The metadata schema: built at most once per run, cached across runs, robust cache fallback."""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
import testidp

from samlcheck._internal.inputs import xml
from samlcheck._internal.trust import schema


@pytest.fixture()
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache home and a fresh per-run memo; the memo is reset afterwards too."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    schema.metadata_schema.cache_clear()
    yield tmp_path / "samlcheck"
    schema.metadata_schema.cache_clear()


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = schema.build

    def counting() -> object:
        calls.append(1)
        return real()

    monkeypatch.setattr(schema, "build", counting)
    return calls


def test_schema_is_built_once_per_run(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = _count_builds(monkeypatch)
    first = schema.metadata_schema()
    assert schema.metadata_schema() is first
    assert builds == [1]


def test_second_run_loads_the_cached_schema(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = _count_builds(monkeypatch)
    schema.metadata_schema()
    cached = list(cache_home.glob("metadata-schema-*.pickle"))
    assert len(cached) == 1 and cached[0].name == schema.cache_key()
    assert oct(cache_home.stat().st_mode & 0o777) == "0o700"
    schema.metadata_schema.cache_clear()  # a new run
    reloaded = schema.metadata_schema()
    assert builds == [1]
    assert reloaded.built


def test_corrupt_cache_falls_back_to_a_fresh_build(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_home.mkdir()
    (cache_home / schema.cache_key()).write_bytes(b"\x80\x05not a pickle")
    builds = _count_builds(monkeypatch)
    assert schema.metadata_schema().built
    assert builds == [1]
    assert pickle.loads((cache_home / schema.cache_key()).read_bytes()).built  # repaired


def test_foreign_object_in_cache_is_ignored(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_home.mkdir()
    (cache_home / schema.cache_key()).write_bytes(pickle.dumps({"not": "a schema"}))
    builds = _count_builds(monkeypatch)
    schema.metadata_schema()
    assert builds == [1]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a read-only directory")
def test_unwritable_cache_still_validates(cache_home: Path) -> None:
    cache_home.mkdir(mode=0o500)
    try:
        doc = xml.parse(testidp.metadata(testidp.idp()))
        assert schema.validate(doc.root) == ()
        assert list(cache_home.iterdir()) == []
    finally:
        cache_home.chmod(0o700)


def test_cache_home_that_is_a_file_still_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    schema.metadata_schema.cache_clear()
    try:
        doc = xml.parse(testidp.metadata(testidp.idp()))
        assert schema.validate(doc.root) == ()
    finally:
        schema.metadata_schema.cache_clear()


def test_cache_key_changes_with_the_vendored_xsds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before = schema.cache_key()
    copy = tmp_path / "xsd"
    copy.mkdir()
    for path in schema.XSD_DIR.glob("*.xsd"):
        (copy / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(schema, "XSD_DIR", copy)
    assert schema.cache_key() == before
    (copy / "saml-schema-metadata-2.0.xsd").write_bytes(b"<!-- changed -->")
    assert schema.cache_key() != before


def test_validation_reports_line_and_path() -> None:
    data = testidp.metadata(testidp.idp()).replace(
        b"<md:NameIDFormat", b"<md:Bogus/>\n<md:NameIDFormat"
    )
    (error,) = schema.validate(xml.parse(data).root)
    assert error.line == 2
    assert error.path == "/md:EntityDescriptor/md:IDPSSODescriptor"
    assert "md:Bogus" in error.reason


def test_validation_stops_at_the_limit() -> None:
    bogus = b"<md:Bogus/>" * 10
    data = testidp.metadata(testidp.idp()).replace(
        b"</md:EntityDescriptor>", bogus + b"</md:EntityDescriptor>"
    )
    root = xml.parse(data).root
    assert len(schema.validate(root)) > 3, "the fixture must have more errors than the limit"
    assert len(schema.validate(root, limit=3)) == 3


def test_schema_imports_resolve_locally() -> None:
    assert schema._uri_mapper((schema.XSD_DIR / "xml.xsd").as_uri()).endswith("/XML/xml.xsd")
    assert schema._uri_mapper("https://example.test/xml.xsd") == "https://example.test/xml.xsd"


def test_schema_location_hints_in_the_document_are_not_followed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import urllib.request

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the validator tried to fetch a URL")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    hint = (
        b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation='
        b'"urn:example:ext https://schemas.invalid/ext.xsd"'
    )
    data = testidp.metadata(testidp.idp()).replace(
        b"<md:EntityDescriptor", b"<md:EntityDescriptor" + hint, 1
    )
    assert schema.validate(xml.parse(data).root) == ()


def test_stale_cache_files_are_removed_when_a_new_one_is_written(cache_home: Path) -> None:
    cache_home.mkdir()
    stale = cache_home / "metadata-schema-00000000000000000000000000000000.pickle"
    stale.write_bytes(b"old")
    unrelated = cache_home / "other.txt"
    unrelated.write_text("kept")
    schema.metadata_schema()
    assert not stale.exists()
    assert unrelated.exists()
    assert (cache_home / schema.cache_key()).exists()


class _Touch:
    """A pickle that creates a file when loaded: stands for code run by unpickling."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return (Path.touch, (self.marker,))


def _plant(cache_home: Path, marker: Path, dir_mode: int, file_mode: int) -> None:
    cache_home.mkdir(mode=0o700)
    planted = cache_home / schema.cache_key()
    planted.write_bytes(pickle.dumps(_Touch(marker)))
    planted.chmod(file_mode)
    cache_home.chmod(dir_mode)


def _planted_pickle_ran(monkeypatch: pytest.MonkeyPatch, marker: Path) -> bool:
    """Load the schema, asserting it is built once, and say whether the planted pickle ran."""
    builds = _count_builds(monkeypatch)
    assert schema.metadata_schema().built
    assert builds == [1]
    return marker.exists()


def test_a_private_cache_file_is_unpickled(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control for the next tests: a planted pickle does run when the cache is private."""
    marker = cache_home.parent / "ran"
    _plant(cache_home, marker, 0o700, 0o600)
    assert _planted_pickle_ran(monkeypatch, marker)


@pytest.mark.parametrize(
    ("dir_mode", "file_mode"), [(0o700, 0o666), (0o700, 0o620), (0o777, 0o600)]
)
def test_cache_writable_by_others_is_never_unpickled(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, dir_mode: int, file_mode: int
) -> None:
    marker = cache_home.parent / "ran"
    _plant(cache_home, marker, dir_mode, file_mode)
    assert not _planted_pickle_ran(monkeypatch, marker)


def test_cache_owned_by_another_user_is_never_unpickled(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = cache_home.parent / "ran"
    _plant(cache_home, marker, 0o700, 0o600)
    monkeypatch.setattr(os, "getuid", lambda: os.geteuid() + 1)
    assert not _planted_pickle_ran(monkeypatch, marker)


def test_cache_file_that_is_a_symlink_is_never_unpickled(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = cache_home.parent / "ran"
    elsewhere = cache_home.parent / "elsewhere.pickle"
    elsewhere.write_bytes(pickle.dumps(_Touch(marker)))
    cache_home.mkdir(mode=0o700)
    (cache_home / schema.cache_key()).symlink_to(elsewhere)
    assert schema.metadata_schema().built
    assert not marker.exists()


def test_the_suite_caches_the_schema_in_a_temporary_folder(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = schema.cache_dir()
    assert folder.is_relative_to(tmp_path_factory.getbasetemp())
    assert not folder.is_relative_to(Path.home() / ".cache")
    schema.metadata_schema.cache_clear()
    schema.metadata_schema()
    assert (folder / schema.cache_key()).is_file()
