"""Reading the files the user names, in bounded memory.

A file's size on disk is no bound: /dev/zero, /dev/urandom, a FIFO or `<(command)` report size 0
and never end. Every reader reads at most `limit + 1` bytes and refuses what is longer.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from samlcheck.errors import InputError

_CHUNK = 1024 * 1024


def read_limited(path: Path | str, limit: int, what: str = "file") -> bytes:
    """The bytes of `path`; `InputError` when it holds more than `limit` bytes.

    OSError (missing file, directory, permission) is left to the caller, who knows the hint.
    """
    with open(path, "rb") as stream:
        return read_stream(stream, limit, str(path), what)


def read_stream(stream: BinaryIO, limit: int, source: str, what: str = "file") -> bytes:
    """At most `limit` bytes from an open stream (stdin); `InputError` when there are more."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:  # in chunks: read(limit + 1) would reserve the whole limit up front
        chunk = stream.read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise InputError(
            source,
            f"holds more than {limit:,} bytes (the {what} limit)",
            "Check that the path names the intended file (a device such as /dev/zero never ends).",
        )
    return b"".join(chunks)
