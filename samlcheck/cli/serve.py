"""`samlcheck serve`: the same checks in a page on this machine; nothing leaves it."""

from __future__ import annotations

import ipaddress
import sys
from typing import Annotated

import typer

from samlcheck._internal.errors import InputError
from samlcheck.cli import app
from samlcheck.cli.common import DebugOption, guarded

LOOPBACK = "127.0.0.1"


@app.command()
@guarded
def serve(
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on (default: a free one).")
    ] = 0,
    bind: Annotated[
        str,
        typer.Option(
            "--bind",
            help="Address to listen on. Anything but 127.0.0.1 lets other machines reach "
            "the page and the captures pasted into it.",
        ),
    ] = LOOPBACK,
    debug: DebugOption = False,
) -> None:
    """Open a local web page that checks pasted captures, metadata and keys (Ctrl-C stops it)."""
    from samlcheck._internal.serve.server import Server, serve

    try:
        ipaddress.ip_address(bind)
    except ValueError:
        raise InputError(
            "--bind", f"{bind!r} is not an IP address", "Use e.g. 127.0.0.1."
        ) from None
    if not 0 <= port <= 65535:
        raise InputError("--port", f"{port} is outside 0..65535", "Use 0 for a free port.")
    if bind != LOOPBACK:
        sys.stderr.write(
            f"samlcheck: warning: listening on {bind}, not 127.0.0.1: anyone who can reach this "
            "address and learns the URL can read what is pasted into the page.\n"
        )

    def ready(server: Server) -> None:
        sys.stdout.write(f"samlcheck serve: open {server.url}\n(Ctrl-C stops it)\n")
        sys.stdout.flush()

    try:
        serve(bind, port, ready)
    except OSError as error:
        raise InputError(f"{bind}:{port}", f"cannot listen ({error.strerror or error})") from None
