"""`samlcheck decode`: list the SAML messages in a capture and print one of them."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from samlcheck._internal.errors import InputError
from samlcheck.cli import app
from samlcheck.cli.common import (
    EXIT_CODES,
    DataFormat,
    DataFormatOption,
    DebugOption,
    fail,
    guarded,
)

CaptureArgument = Annotated[
    str | None,
    typer.Argument(
        help="Capture file: base64, form body, XML, HAR, SAML-tracer JSON, HTML form, SOAP; "
        "'-' for stdin.",
        show_default=False,
    ),
]
TextOption = Annotated[
    str | None, typer.Option("--text", help="Decode this literal value instead of a file.")
]


@app.command(epilog=EXIT_CODES)
@guarded
def decode(
    capture: CaptureArgument = None,
    text: TextOption = None,
    index: Annotated[
        int | None, typer.Option("--index", "-n", help="Print message N (from the list).")
    ] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Print the exact decoded bytes.")] = False,
    fmt: DataFormatOption = DataFormat.text,
    debug: DebugOption = False,
) -> None:
    """Find every SAML message in a capture; list them, or print one."""
    from samlcheck._internal.inputs.capture import read_capture
    from samlcheck._internal.inputs.outline import outline
    from samlcheck._internal.render.decode import listing_json, listing_text, pretty_xml
    from samlcheck._internal.render.safe import json_visible

    if capture is None and text is None:
        raise InputError("decode", "no capture given", "Pass a file, '-' for stdin, or --text.")
    found = read_capture(capture, text=text)
    outlines = [outline(m) for m in found.messages]
    if index is not None:
        if not 0 <= index < len(found.messages):
            last = len(found.messages) - 1
            raise InputError(found.source, f"has no message {index} (indexes run 0..{last})")
        message = found.messages[index]
        if raw:
            sys.stdout.buffer.write(message.data)
            return
        if outlines[index].problem:
            raise InputError(message.source, outlines[index].problem or "")
        sys.stdout.write(pretty_xml(message.data))
        return
    if fmt is DataFormat.json:
        sys.stdout.write(json_visible(json.dumps(listing_json(found, outlines), indent=2)) + "\n")
    else:
        sys.stdout.write(listing_text(found, outlines))
        if len(found.messages) == 1 and not outlines[0].problem:
            sys.stdout.write("\n" + pretty_xml(found.messages[0].data))
    problems = [o.problem for o in outlines if o.problem]
    if problems:
        fail(InputError(found.source, problems[0]))
