"""`samlcheck metadata FILE` and `samlcheck metadata diff OLD NEW`.

Both forms live in one Typer group: a first word that is not a subcommand is taken as the FILE of
the check form (`metadata FILE ...` runs `metadata check FILE ...`), so a file named like a
subcommand is still reachable as `./diff` or through `metadata check diff`.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from samlcheck.cli import app
from samlcheck.cli.common import DebugOption, FormatOption, OutputFormat, emit, guarded, instant
from samlcheck.errors import InputError
from samlcheck.files import read_file
from samlcheck.report import Report


class FileOrCommandGroup(TyperGroup):
    """A group whose unknown first word is the FILE argument of its `check` command."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # ctx: typer's click Context
        first = args[0] if args else None
        if (
            first is not None
            and first not in self.commands
            and (first == "-" or not first.startswith("-"))
        ):
            args = ["check", *args]
        return super().parse_args(ctx, args)


metadata_app = typer.Typer(
    cls=FileOrCommandGroup,
    no_args_is_help=True,
    help="Check IdP metadata before `aws iam create-saml-provider` / `update-saml-provider`: "
    "samlcheck metadata FILE (same as metadata check FILE), or samlcheck metadata diff OLD NEW.",
)
app.add_typer(metadata_app, name="metadata")

IssuerOption = Annotated[
    str | None,
    typer.Option(
        "--issuer", help="Issuer of the IdP's responses: reports which entity it selects."
    ),
]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="Judge validUntil and certificate validity at this instant (ISO 8601, default now).",
    ),
]


MAX_READ_BYTES = 64 * 1024 * 1024
"""Far above IAM's 10,000,000-character limit, so oversized metadata is still a finding."""


def _read(path: str) -> bytes:
    return read_file(path, "file", MAX_READ_BYTES)


def _same_file(out: Path, source: str) -> bool:
    """True when writing `out` would overwrite the input: the same path, a symlink or hard link
    to it, or the file stdin was redirected from."""
    try:
        target = out.stat()
        given = os.fstat(sys.stdin.fileno()) if source == "-" else os.stat(source)
    except (OSError, ValueError):  # OUT does not exist yet, or stdin has no file descriptor
        return False
    return (target.st_dev, target.st_ino) == (given.st_dev, given.st_ino)


def _write_fixed(data: bytes, source: str, out: Path, at: dt.datetime | None) -> None:
    from samlcheck.metadata_check import fix_encoding

    if str(out) == "-":
        raise InputError(
            "--write-fixed",
            "'-' is not a file",
            "Name the file to write; the report goes to stdout.",
        )
    if _same_file(out, source):
        raise InputError(str(out), "is the input file", "--write-fixed never modifies the input.")
    fix = fix_encoding(data, source, at=at)
    if fix.data is None:
        sys.stderr.write(f"samlcheck: {out} not written: {fix.reason}\n")
        return
    try:
        out.write_bytes(fix.data)
    except OSError as error:
        raise InputError(str(out), f"cannot write the fixed copy ({error.strerror})") from None
    sys.stderr.write(f"samlcheck: wrote {out}: {fix.reason}\n")


@metadata_app.command("check")
@guarded
def check(
    file: Annotated[str, typer.Argument(help="IdP metadata XML file ('-' for stdin).")],
    fmt: FormatOption = OutputFormat.text,
    write_fixed: Annotated[
        Path | None,
        typer.Option(
            "--write-fixed",
            help="Write a UTF-8, BOM-free copy to this path when the encoding is the only "
            "problem (the input is never modified).",
        ),
    ] = None,
    issuer: IssuerOption = None,
    cert: Annotated[
        Path | None,
        typer.Option("--cert", help="Certificate (PEM or DER) to verify the metadata signature."),
    ] = None,
    at: AtOption = None,
    debug: DebugOption = False,
) -> None:
    """Every reason IAM would refuse this metadata upload, with the fix."""
    from samlcheck.certs import load_certificate
    from samlcheck.metadata_check import check_metadata

    moment = instant(at)
    data = _read(file)
    anchor = load_certificate(_read(str(cert)), str(cert)) if cert is not None else None
    result = check_metadata(data, file, at=moment, cert=anchor, issuer=issuer)
    if write_fixed is not None:
        _write_fixed(data, file, write_fixed, moment)
    emit(Report((result,)), fmt)


@metadata_app.command("diff")
@guarded
def diff(
    old: Annotated[str, typer.Argument(help="The metadata uploaded to IAM.")],
    new: Annotated[str, typer.Argument(help="The IdP's current metadata.")],
    fmt: FormatOption = OutputFormat.text,
    issuer: IssuerOption = None,
    at: AtOption = None,
    debug: DebugOption = False,
) -> None:
    """What changed between the metadata IAM holds (OLD) and the IdP's current one (NEW)."""
    from samlcheck.metadata_check import compare

    result = compare(
        _read(old), _read(new), old_source=old, new_source=new, issuer=issuer, at=instant(at)
    )
    emit(Report((result,)), fmt)
