"""Fuzz samlcheck: mutated fixtures of every kind through the public API and the CLI.

Run: python scripts/fuzz.py [--seed N] [--count N | --seconds S] [--cli-fraction F] [--out DIR]

Each input is a fixture (response, encrypted response, capture in every container, metadata,
private key, certificate) mutated by one to three mutations: byte flips, truncation, dangerous
tokens (DOCTYPE, deep nesting, control characters, huge numbers, year 9999, empty elements,
xsi:type="", an empty SignatureValue, a BOM, duplicated elements) and XML-aware edits (delete,
duplicate or move an element, change or drop an attribute, replace a text), and for responses
nasty claim values signed again by the test IdP so the rules behind the signature run on them.
Responses are also re-wrapped after mutation in a random capture container (base64, DEFLATE,
form, HAR, SAML-tracer, HTML form, SOAP), so the mutation reaches the checks behind the decoder.

An escape is an exception other than samlcheck's InputError from the API, or from the CLI an exit
code outside {0, 1, 2}, an uncaught exception, or stderr text that is not one 'samlcheck: ' line
(a traceback, a library message or warning). Slow inputs take over 2 s. Input number i
depends only on (seed, i), so `--seed S --only i` replays it. Each distinct escape (exception
type and place) is minimised and written to --out with its traceback. Exit 1 on any escape.
Slowness is judged on this process's CPU time (wall time on a shared machine says little), after
an untimed warm-up that pays for lazy imports and the schema.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import hashlib
import random
import re
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import samlcheck

if TYPE_CHECKING:
    import typer
    from cryptography import x509
    from typer.testing import CliRunner

    from samlcheck._internal.checks.capture import Checker

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import testidp  # noqa: E402
from lxml import etree  # noqa: E402
from testidp import FIXTURES, METADATA, SP_CERT, SP_KEY, VALID  # noqa: E402

AT = dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc)
SLOW_SECONDS = 2.0

KINDS: dict[str, tuple[str, ...]] = {
    "response": ("responses/*.xml", "responses/attacks/*", "encrypted/*.xml"),
    "capture": ("captures/*",),
    "metadata": ("metadata/*", "idp/metadata*.xml", "provider/metadata*.xml"),
    "key": ("keys/*", "idp/*.pem"),
    "cert": ("keys/*.crt", "keys/certificate.pem", "idp/signing-cert.pem"),
}
WEIGHTS = {"response": 4, "capture": 3, "metadata": 3, "key": 1, "cert": 1}


@cache
def fixtures(kind: str) -> tuple[tuple[str, bytes], ...]:
    files = sorted({p for pattern in KINDS[kind] for p in FIXTURES.glob(pattern) if p.is_file()})
    return tuple((str(p.relative_to(FIXTURES)), p.read_bytes()) for p in files)


# --- mutations -----------------------------------------------------------------------------------

NASTY_VALUES = (
    "",
    " ",
    "-1",
    "9" * 400,
    "1e999999",
    "NaN",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59.9999999+14:00",
    "0000-00-00T00:00:00Z",
    "0001-01-01T00:00:00-14:00",
    "P99999999999999999999Y",
    "#",
    "#_assert-0001",
    ",,,",
    "\x1b]0;title\x07\x1b[2J",
    "\u202e\U0001f600\ufffe",
    "MII" + "A" * 200,
    "http://www.w3.org/2000/09/xmldsig#sha1",
    "urn:oasis:names:tc:SAML:2.0:status:Success",
    "arn:aws:iam::123456789012:role/R,arn:aws:iam::123456789012:saml-provider/P",
)
TOKENS = (
    b'<!DOCTYPE r [<!ENTITY a "aaaaaaaa">]>',
    b"<!DOCTYPE html>",
    b"<a>" * 300 + b"</a>" * 300,
    b"<a>" * 255 + b"</a>" * 255,
    b"\x00",
    b"\x1b[2J\x07",
    b"\x0c\x0b",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xed\xa0\x80",
    b"9" * 400,
    b"9999-12-31T23:59:59Z",
    b"<saml:Assertion/>",
    b'<ds:SignatureValue xmlns:ds="http://www.w3.org/2000/09/xmldsig#"></ds:SignatureValue>',
    b' xsi:type="" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    b"<![CDATA[]]>",
    b"<?pi x?>",
    b"<!-- -->",
    b"&amp;&#0;&#x110000;",
    b"]]>",
    b"=",
    b"%",
    b'"',
)
_SPOTS = re.compile(rb'="[^"<]*"|>[^<]+<')
_ELEMENT = re.compile(  # an empty element, or one holding only text
    rb"<(?:[A-Za-z][\w.-]*:)?[A-Za-z][\w.-]*[^<>]*/>"
    rb"|<([A-Za-z][\w.-]*:)?([A-Za-z][\w.-]*)[^<>]*>[^<]*</\1?\2>"
)


def flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randint(0, len(data))]


def insert_token(rng: random.Random, data: bytes) -> bytes:
    token = rng.choice(TOKENS)
    tags = [m.end() for m in re.finditer(rb">", data)]
    at = rng.choice(tags) if tags and rng.random() < 0.7 else rng.randint(0, len(data))
    return data[:at] + token + data[at:]


def splice(rng: random.Random, data: bytes) -> bytes:
    """Delete, duplicate or overwrite a slice."""
    start = rng.randint(0, len(data))
    end = min(len(data), start + rng.randint(1, 256))
    choice = rng.randrange(3)
    if choice == 0:
        return data[:start] + data[end:]
    if choice == 1:
        return data[:end] + data[start:end] + data[end:]
    return data[:start] + rng.randbytes(end - start) + data[end:]


def swap_value(rng: random.Random, data: bytes) -> bytes:
    """An attribute value or text node swapped for a nasty one (stays well-formed)."""
    spots = list(_SPOTS.finditer(data))
    if not spots:
        return splice(rng, data)
    spot = rng.choice(spots)
    value = rng.choice(NASTY_VALUES).encode()
    value = b'="' + value + b'"' if spot.group().startswith(b"=") else b">" + value + b"<"
    return data[: spot.start()] + value + data[spot.end() :]


def duplicate_element(rng: random.Random, data: bytes) -> bytes:
    """A leaf element written twice, textually (keeps the original bytes elsewhere)."""
    found = list(_ELEMENT.finditer(data))
    if not found:
        return splice(rng, data)
    match = rng.choice(found)
    return data[: match.end()] + match.group() * rng.choice((1, 2, 50)) + data[match.end() :]


def empty_signature_value(rng: random.Random, data: bytes) -> bytes:
    out, count = re.subn(rb"(<(?:\w+:)?SignatureValue[^>]*>)[^<]*", rb"\1", data, count=1)
    return out if count else insert_token(rng, data)


def add_bom(rng: random.Random, data: bytes) -> bytes:
    return rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) + data


def _tree(data: bytes) -> etree._Element | None:
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
        return etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def xml_edit(rng: random.Random, data: bytes) -> bytes:
    """Delete, duplicate or move an element, change or drop an attribute, replace a text."""
    root = _tree(data)
    if root is None:
        return swap_value(rng, data)
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    target = rng.choice(elements)
    parent = target.getparent()
    action = rng.randrange(7)
    if action == 0 and parent is not None:
        parent.remove(target)
    elif action == 1 and parent is not None:
        target.addnext(copy.deepcopy(target))
    elif action == 2 and parent is not None:
        destination = rng.choice(elements)
        if destination is not target and target not in destination.iterancestors():
            destination.insert(rng.randint(0, len(destination)), target)
    elif action == 3 and target.attrib:
        name = rng.choice(list(target.attrib))
        if rng.random() < 0.3:
            del target.attrib[name]
        else:
            target.set(name, _printable(rng.choice(NASTY_VALUES)))
    elif action == 4:
        target.set("{http://www.w3.org/2001/XMLSchema-instance}type", rng.choice(("", "x:y", ":")))
    elif action == 5:
        target.text = _printable(rng.choice(NASTY_VALUES))
    else:
        for child in list(target):
            target.remove(child)
        target.text = None
    declaration = data.lstrip().startswith(b"<?xml")
    return etree.tostring(root, xml_declaration=declaration, encoding="UTF-8")


def _printable(value: str) -> str:
    """lxml refuses control characters in attribute values and texts: drop them."""
    return "".join(c for c in value if c.isprintable() and c != "\ufffe")


_INSTANT = re.compile(rb'="(\d{4}-\d\d-\d\dT[^"]*)"')
NASTY_INSTANTS = tuple(v.encode() for v in NASTY_VALUES if v[:4].isdigit() and "-" in v)


def resign(rng: random.Random, data: bytes) -> bytes:
    """Nasty values in the Assertion, then signed again by the test IdP (the fixture metadata
    trusts it), so the claims are read and the rules behind the signature check run on them."""
    instants = list(_INSTANT.finditer(data))
    if instants and rng.random() < 0.5:  # times are where overflows hide: aim at one
        spot = rng.choice(instants)
        data = data[: spot.start(1)] + rng.choice(NASTY_INSTANTS) + data[spot.end(1) :]
    root = _tree(swap_value(rng, data))
    if root is None:
        return data
    for signature in list(root.iter(f"{{{testidp.DS}}}Signature")):
        signature.getparent().remove(signature)  # type: ignore[union-attr]
    assertion = root.find(f"{{{testidp.SAML}}}Assertion")
    if assertion is None or not assertion.get("ID"):
        return etree.tostring(root)
    try:
        signed = testidp.sign(copy.deepcopy(assertion), testidp.idp())
    except Exception:  # an ID or a namespace signxml refuses: keep it unsigned
        return etree.tostring(root)
    assertion.getparent().replace(assertion, signed)  # type: ignore[union-attr]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


Mutation = Callable[[random.Random, bytes], bytes]
MUTATIONS: dict[str, Mutation] = {
    "flip": flip,
    "truncate": truncate,
    "token": insert_token,
    "splice": splice,
    "value": swap_value,
    "duplicate": duplicate_element,
    "empty-signature-value": empty_signature_value,
    "bom": add_bom,
    "xml": xml_edit,
    "resign": resign,
}
XML_WEIGHTED = (
    "xml",
    "xml",
    "xml",
    "value",
    "value",
    "duplicate",
    "token",
    "empty-signature-value",
)


def wrap(rng: random.Random, xml: bytes) -> tuple[bytes, str]:
    """`xml` carried in a random capture container, as the test IdP writes them."""
    name = rng.choice(("xml", "base64", "deflate", "form", "har", "tracer", "html", "soap"))
    wrappers: dict[str, Callable[[bytes], bytes]] = {
        "xml": lambda x: x,
        "base64": lambda x: testidp.as_base64(x, urlsafe=rng.random() < 0.3, wrap=76),
        "deflate": testidp.as_deflate_base64,
        "form": testidp.as_form_body,
        "har": lambda x: testidp.as_har([testidp.HarPost(x)], rng.choice(("chrome", "firefox"))),
        "tracer": lambda x: testidp.as_saml_tracer([x], masked=False),
        "html": testidp.as_html_form,
        "soap": testidp.as_soap,
    }
    try:
        return wrappers[name](xml), name
    except (IndexError, ValueError):  # mutated bytes the encoder cannot take (tracer needs text)
        return xml, "xml"


@dataclass(frozen=True)
class Input:
    number: int
    kind: str
    fixture: str
    steps: tuple[str, ...]
    data: bytes


def make_input(seed: int, number: int) -> Input:
    """Input `number` of the run with `seed`: the same pair always gives the same bytes."""
    rng = random.Random(hashlib.sha256(f"{seed}/{number}".encode()).digest())
    kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    name, data = rng.choice(fixtures(kind))
    steps: list[str] = []
    xmlish = kind in ("response", "metadata") and data.lstrip()[:1] in (b"<", b"\xef")
    for _ in range(rng.choice((1, 1, 2, 3))):
        mutation = rng.choice(XML_WEIGHTED if xmlish and rng.random() < 0.6 else list(MUTATIONS))
        if mutation == "resign" and kind != "response":
            mutation = "value"
        data = MUTATIONS[mutation](rng, data)
        steps.append(mutation)
    if kind == "response" and rng.random() < 0.4:
        data, container = wrap(rng, data)
        kind = "capture"
        steps.append(f"wrap:{container}")
    return Input(number, kind, name, tuple(steps), data)


# --- running through the API and the CLI ---------------------------------------------------------


@cache
def _checker() -> Checker:
    from samlcheck._internal.checks.capture import Checker

    return Checker(samlcheck.CheckOptions(metadata=(METADATA,), at=AT, sp_keys=(SP_KEY,)))


@cache
def _sp_cert() -> x509.Certificate:
    from samlcheck._internal.trust.certs import load_certificate

    return load_certificate(SP_CERT.read_bytes(), str(SP_CERT))


def _check_all(messages: Sequence[samlcheck.Message]) -> None:
    for message in messages[:3]:
        _checker().check_message(message)


def api_call(kind: str, data: bytes) -> None:
    """Feed `data` to the public API the way the CLI would for this kind of input."""
    from samlcheck._internal.checks.capture import responses

    if kind == "response":
        _check_all([samlcheck.Message("fuzz.xml", data)])
    elif kind == "capture":
        _check_all(responses(samlcheck.decode_capture(data, "fuzz")))
    elif kind == "metadata":
        samlcheck.check_metadata(data, "fuzz.xml", at=AT)
        samlcheck.check_metadata(data, "fuzz.xml", at=AT, cert=_sp_cert(), issuer=testidp.ENTITY_ID)
    elif kind == "key":
        samlcheck.check_keys([("fuzz.pem", data)], cert=_sp_cert())
    elif kind == "cert":
        from samlcheck._internal.trust.certs import load_certificate

        cert = load_certificate(data, "fuzz.crt")
        samlcheck.check_keys([(str(SP_KEY), SP_KEY.read_bytes())], cert=cert)
        samlcheck.check_metadata(METADATA.read_bytes(), str(METADATA), at=AT, cert=cert)
    else:
        raise ValueError(kind)


def cli_args(kind: str, path: str, rng: random.Random) -> list[str]:
    at = ["--at", testidp.CHECK_AT]
    fmt = ["--format", rng.choice(("text", "json"))]
    if kind == "response":
        return ["check", path, "--metadata", str(METADATA), "--sp-key", str(SP_KEY), *at, *fmt]
    if kind == "capture":
        if rng.random() < 0.3:
            return ["decode", path, *fmt]
        return ["check", path, "--metadata", str(METADATA), *at, *fmt]
    if kind == "metadata":
        return ["metadata", path, *at, *fmt]
    if kind == "key":
        return ["keys", path, "--cert", str(SP_CERT), *fmt]
    return ["check", str(VALID), "--cert", path, *at, *fmt]


class Hang(Exception):
    """Raised by the alarm when one input runs past --hang seconds."""


@contextmanager
def alarm(seconds: float) -> Iterator[None]:
    def ring(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Escape:
    how: str
    """'api' or 'cli'."""
    key: str
    """What makes two escapes the same bug: the exception type and where it was raised."""
    summary: str
    """One line: exception type, message and place (or the CLI's exit code and stderr)."""
    detail: str
    """The full traceback or stderr."""


def _place(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/samlcheck/" in f.filename] or frames
    frame = ours[-1] if ours else None
    return f"{Path(frame.filename).name}:{frame.lineno}" if frame else "?"


def run_api(kind: str, data: bytes, hang: float) -> Escape | None:
    from samlcheck._internal.errors import InputError

    try:
        with warnings.catch_warnings(record=True) as shown, alarm(hang):
            api_call(kind, data)
        if shown:  # a library warning the user's stderr would show
            first = shown[0]
            place = f"{Path(first.filename).name}:{first.lineno}"
            name = first.category.__name__
            summary = f"{name}: {str(first.message)[:160]!r} at {place}"
            return Escape("api", f"{name}@{place}", summary, summary)
    except InputError as error:
        if "\n" in error.line or not error.line:
            lines = len(error.line.splitlines())
            return Escape("api", "InputError:lines", f"InputError of {lines} lines", error.line)
    except Hang:
        raise
    except Exception as error:
        place = _place(error)
        summary = f"{type(error).__name__}: {str(error)[:160]!r} at {place}"
        detail = "".join(traceback.format_exception(error))
        return Escape("api", f"{type(error).__name__}@{place}", summary, detail)
    return None


def _stderr_escape(stderr: str) -> bool:
    lines = [line for line in stderr.splitlines() if line.strip()]
    return len(lines) > 1 or any(not line.startswith("samlcheck: ") for line in lines)


@cache
def _runner() -> tuple[CliRunner, typer.Typer]:
    from typer.testing import CliRunner

    from samlcheck.cli import _register, app

    _register()
    return CliRunner(), app


def run_cli(
    kind: str, data: bytes, rng: random.Random, hang: float, subprocess_mode: bool
) -> Escape | None:
    with tempfile.TemporaryDirectory(prefix="samlcheck-fuzz-") as folder:
        path = Path(folder) / {"key": "fuzz.pem", "cert": "fuzz.crt"}.get(kind, "fuzz.xml")
        path.write_bytes(data)
        args = cli_args(kind, str(path), rng)
        if subprocess_mode:
            import subprocess

            try:
                done = subprocess.run(
                    [sys.executable, "-m", "samlcheck", *args],
                    capture_output=True,
                    timeout=hang,
                    cwd=ROOT,
                )
            except subprocess.TimeoutExpired as timeout:
                raise Hang(f"still running after {hang:g} s") from timeout
            code, stderr = done.returncode, done.stderr.decode("utf-8", "replace")
            error: BaseException | None = None
        else:
            runner, app = _runner()
            with alarm(hang):
                result = runner.invoke(app, args)
            code, stderr = result.exit_code, result.stderr
            error = result.exception if not isinstance(result.exception, SystemExit) else None
            if isinstance(error, Hang):
                raise error
    if error is None and code in (0, 1, 2) and not _stderr_escape(stderr):
        return None
    command = " ".join(a if a != str(path) else "FILE" for a in args[:1])
    if error is not None:
        place = _place(error)
        summary = f"{command}: {type(error).__name__}: {str(error)[:160]!r} at {place}"
        detail = "".join(traceback.format_exception(error))
        return Escape("cli", f"{command}:{type(error).__name__}@{place}", summary, detail)
    last = next((line for line in reversed(stderr.splitlines()) if line.strip()), "")
    summary = f"{command}: exit {code}, stderr {last[:160]!r}"
    return Escape("cli", f"{command}:exit{code}:{last.split(':')[0][:40]}", summary, stderr)


# --- minimising and reporting ---------------------------------------------------------------------


def minimise(data: bytes, still: Callable[[bytes], bool], budget: float = 20.0) -> bytes:
    """Delta debugging by chunk deletion: drop ever smaller chunks while `still` holds."""
    deadline = time.monotonic() + budget
    chunk = max(1, len(data) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        start, changed = 0, False
        while start < len(data) and time.monotonic() < deadline:
            candidate = data[:start] + data[start + chunk :]
            if candidate != data and still(candidate):
                data, changed = candidate, True
            else:
                start += chunk
        if not changed:
            chunk //= 2
    return data


@dataclass
class Tally:
    inputs: int = 0
    cli_inputs: int = 0
    escapes: list[tuple[Input, Escape]] = field(default_factory=list)
    slow: list[tuple[Input, str, float, float]] = field(default_factory=list)
    """(input, 'api' or 'cli', wall seconds, CPU seconds of this process)."""

    def distinct(self) -> dict[str, list[tuple[Input, Escape]]]:
        groups: dict[str, list[tuple[Input, Escape]]] = {}
        for found in self.escapes:
            groups.setdefault(found[1].key, []).append(found)
        return groups


def fuzz_one(item: Input, tally: Tally, cli: bool, hang: float, subprocess_mode: bool) -> None:
    """Run one input through the API (and the CLI when `cli`), recording escapes and slowness."""
    rng = random.Random(item.number)
    runs: list[tuple[str, Callable[[], Escape | None]]] = [
        ("api", lambda: run_api(item.kind, item.data, hang))
    ]
    if cli:
        tally.cli_inputs += 1
        runs.append(("cli", lambda: run_cli(item.kind, item.data, rng, hang, subprocess_mode)))
    tally.inputs += 1
    for how, action in runs:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            escape = action()
        except Hang:
            escape = None
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        # CPU time judges slowness on a shared machine; a CLI subprocess only has wall time
        if (seconds if how == "cli" and subprocess_mode else cpu) > SLOW_SECONDS:
            tally.slow.append((item, how, seconds, cpu))
        if escape is not None:
            tally.escapes.append((item, escape))


def warm_up() -> None:
    """Load what the first input would otherwise pay for (lazy imports, the schema): untimed."""
    for kind in KINDS:
        run_api(kind, fixtures(kind)[0][1], 60.0)


def run(
    seed: int,
    count: int | None,
    seconds: float | None = None,
    cli_fraction: float = 0.02,
    hang: float = 30.0,
    subprocess_mode: bool = False,
    only: list[int] | None = None,
) -> Tally:
    """Fuzz inputs 0..count-1 (or until `seconds` pass); `cli_fraction` of them also via the CLI."""
    tally = Tally()
    warm_up()
    deadline = time.monotonic() + seconds if seconds else None
    numbers: Iterator[int] = iter(only) if only else iter(range(count if count else 10**12))
    for number in numbers:
        if deadline is not None and time.monotonic() > deadline:
            break
        item = make_input(seed, number)
        cli = random.Random(f"cli/{seed}/{number}").random() < cli_fraction
        fuzz_one(item, tally, cli, hang, subprocess_mode)
    return tally


def write_reproducers(tally: Tally, out: Path, subprocess_mode: bool) -> list[str]:
    """One minimised reproducer per distinct escape: INPUT plus INPUT.txt with the traceback."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for key, found in tally.distinct().items():
        item, escape = found[0]

        def still(data: bytes, item: Input = item, escape: Escape = escape) -> bool:
            try:
                if escape.how == "api":
                    again = run_api(item.kind, data, 5.0)
                else:
                    rng = random.Random(item.number)
                    again = run_cli(item.kind, data, rng, 5.0, subprocess_mode)
            except Hang:
                return False
            return again is not None and again.key == escape.key

        small = minimise(item.data, still)
        name = re.sub(r"[^A-Za-z0-9_.@-]+", "_", key)[:80]
        path = out / f"{name}.{item.kind}"
        path.write_bytes(small)
        path.with_name(path.name + ".txt").write_text(
            f"{escape.summary}\nkind {item.kind}, from fixtures/{item.fixture}, mutations "
            f"{' '.join(item.steps)}, input #{item.number}, {len(found)} inputs with this escape, "
            f"minimised {len(item.data):,} -> {len(small):,} bytes\n\n{escape.detail}\n"
        )
        written.append(str(path))
    return written


def report(tally: Tally, seed: int, elapsed: float) -> str:
    lines = [
        f"seed {seed}: {tally.inputs:,} inputs ({tally.cli_inputs:,} also through the CLI) in "
        f"{elapsed:.1f} s; {len(tally.escapes)} escapes ({len(tally.distinct())} distinct), "
        f"{len(tally.slow)} slow (> {SLOW_SECONDS:g} s)"
    ]
    for found in tally.distinct().values():
        item, escape = found[0]
        numbers = ",".join(str(i.number) for i, _ in found[:5])
        lines.append(
            f"  ESCAPE {escape.how} x{len(found)} [{item.kind} {item.fixture} "
            f"{'+'.join(item.steps)}; --only {numbers}] {escape.summary}"
        )
    for item, how, seconds, cpu in tally.slow[:20]:
        lines.append(
            f"  SLOW {how} {seconds:.1f} s wall, {cpu:.1f} s CPU [{item.kind} {item.fixture} "
            f"{'+'.join(item.steps)}; --only {item.number}]"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, help="inputs to run (default 1000 unless --seconds)")
    parser.add_argument("--seconds", type=float, help="stop after this many seconds")
    parser.add_argument("--cli-fraction", type=float, default=0.02, help="share through the CLI")
    parser.add_argument("--subprocess", action="store_true", help="CLI in a fresh process")
    parser.add_argument("--hang", type=float, default=30.0, help="give up on one input after S")
    parser.add_argument("--only", type=int, action="append", help="replay input number N")
    parser.add_argument("--out", type=Path, help="folder for minimised reproducers")
    options = parser.parse_args()
    count = options.count if options.count or options.seconds else 1000
    started = time.perf_counter()
    tally = run(
        options.seed,
        count,
        options.seconds,
        options.cli_fraction,
        options.hang,
        options.subprocess,
        options.only,
    )
    print(report(tally, options.seed, time.perf_counter() - started))
    if options.out and tally.escapes:
        for path in write_reproducers(tally, options.out, options.subprocess):
            print(f"  wrote {path}")
    return 1 if tally.escapes else 0


if __name__ == "__main__":
    sys.exit(main())
