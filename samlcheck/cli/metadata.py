"""`samlcheck metadata FILE` and `samlcheck metadata diff OLD NEW`.

Both forms live in one Typer group: a first word that is not a subcommand is taken as the FILE of
the check form (`metadata FILE ...` runs `metadata check FILE ...`), so a file named like a
subcommand is still reachable as `./diff` or through `metadata check diff`.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.files import read_file
from samlcheck._internal.instants import given_instant as instant
from samlcheck.cli import app
from samlcheck.cli.common import DebugOption, FormatOption, OutputFormat, emit, guarded


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


def _read(path: str) -> bytes:
    from samlcheck._internal.checks.metadata import MAX_READ_BYTES

    return read_file(path, "file", MAX_READ_BYTES)


def _identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of an input path, or of stdin for '-'; None when it has none."""
    try:
        status = os.fstat(sys.stdin.fileno()) if path == "-" else os.stat(path)
    except (OSError, ValueError):  # gone, or stdin without a file descriptor
        return None
    return status.st_dev, status.st_ino


def _refuse_out(out: Path, inputs: tuple[str, ...], force: bool) -> None:
    """InputError unless `out` may be written: never an input, a symbolic link, or (without
    --force) an existing file."""
    if str(out) == "-":
        raise InputError(
            "--write-fixed",
            "'-' is not a file",
            "Name the file to write; the report goes to stdout.",
        )
    try:
        status = os.lstat(out)
    except OSError:
        return  # does not exist yet: created exclusively by _write
    if stat.S_ISLNK(status.st_mode):
        raise InputError(str(out), "is a symbolic link", "--write-fixed never writes through one.")
    if (status.st_dev, status.st_ino) in {_identity(path) for path in inputs}:
        raise InputError(str(out), "is an input file", "--write-fixed never modifies an input.")
    if not force:
        raise InputError(str(out), "already exists", "Add --force to replace it.")
    if not stat.S_ISREG(status.st_mode):
        raise InputError(str(out), "is not a regular file", "Name a new file to write.")


def _write(out: Path, data: bytes, inputs: tuple[str, ...], force: bool) -> None:
    """Write `data` to `out`: created exclusively, or (--force) an existing regular file that is
    no input, checked again on the opened file; never through a symbolic link."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(out, flags | (0 if force else os.O_EXCL), 0o644)
    except OSError as error:
        raise InputError(str(out), f"cannot write the fixed copy ({error.strerror})") from None
    with os.fdopen(handle, "wb") as stream:
        status = os.fstat(handle)  # the file opened, not a name swapped since the checks
        if (status.st_dev, status.st_ino) in {_identity(path) for path in inputs}:
            raise InputError(str(out), "is an input file", "--write-fixed never modifies an input.")
        stream.truncate(0)
        stream.write(data)


def _write_fixed(
    data: bytes, inputs: tuple[str, ...], out: Path, at: dt.datetime | None, force: bool
) -> None:
    from samlcheck._internal.checks.metadata_repair import fix_encoding

    fix = fix_encoding(data, inputs[0], at=at)
    if fix.data is None:
        sys.stderr.write(f"samlcheck: {out} not written: {fix.reason}\n")
        return
    _refuse_out(out, inputs, force)  # again: the file system may have changed meanwhile
    _write(out, fix.data, inputs, force)
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
            "problem (never an input file or through a symbolic link).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Let --write-fixed replace an existing file.")
    ] = False,
    issuer: IssuerOption = None,
    cert: Annotated[
        Path | None,
        typer.Option("--cert", help="Certificate (PEM or DER) to verify the metadata signature."),
    ] = None,
    at: AtOption = None,
    debug: DebugOption = False,
) -> None:
    """Every reason IAM would refuse this metadata upload, with the fix."""
    from samlcheck._internal.checks.metadata import check_metadata
    from samlcheck._internal.report import Report
    from samlcheck._internal.trust.certs import load_certificate

    moment = instant(at)
    inputs = (file, *((str(cert),) if cert is not None else ()))
    if write_fixed is not None:
        _refuse_out(write_fixed, inputs, force)
    data = _read(file)
    anchor = load_certificate(_read(str(cert)), str(cert)) if cert is not None else None
    result = check_metadata(data, file, at=moment, cert=anchor, issuer=issuer)
    if write_fixed is not None:
        _write_fixed(data, inputs, write_fixed, moment, force)
    emit(Report((result,)), fmt, command="samlcheck metadata check")


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
    from samlcheck._internal.checks.metadata import compare
    from samlcheck._internal.report import Report

    result = compare(
        _read(old), _read(new), old_source=old, new_source=new, issuer=issuer, at=instant(at)
    )
    emit(Report((result,)), fmt, command="samlcheck metadata diff")
