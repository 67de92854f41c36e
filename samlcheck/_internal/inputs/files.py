"""Reading the files the user names, in bounded memory.

A file's size on disk is no bound: /dev/zero, /dev/urandom, a FIFO or `<(command)` report size 0
and never end. Every reader reads at most `limit + 1` bytes and refuses what is longer.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from samlcheck._internal.errors import InputError

_CHUNK = 1024 * 1024
SMALL_FILE = 1024 * 1024
"""Default limit: keys, certificates and provider state are kilobytes."""


@dataclass(frozen=True)
class Upload:
    """A file given as bytes rather than a path (the web page's uploads): never on disk."""

    name: str
    data: bytes

    def __str__(self) -> str:
        return self.name


Source = Path | Upload
"""A file the user gave: a path to read, or the bytes of an upload."""


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


def read_file(path: Path | str | Upload, what: str, limit: int = SMALL_FILE) -> bytes:
    """The bytes of a file the user named ('-' is stdin) or uploaded, or one clear `InputError`."""
    if isinstance(path, Upload):
        if len(path.data) > limit:
            raise InputError(
                path.name,
                f"is {len(path.data):,} bytes, larger than the {limit:,}-byte {what} limit",
            )
        return path.data
    if str(path) == "-":
        return read_stream(sys.stdin.buffer, limit, "stdin", what)
    try:
        size = Path(path).stat().st_size
        if size > limit:  # refused unread; devices report 0 and are bounded by read_limited
            raise InputError(
                str(path), f"is {size:,} bytes, larger than the {limit:,}-byte {what} limit"
            )
        return read_limited(path, limit, what)
    except FileNotFoundError:
        raise InputError(
            str(path), f"cannot read the {what}: no such file", "Check the path."
        ) from None
    except IsADirectoryError:
        raise InputError(
            str(path), f"cannot read the {what}: it is a directory", "Name a file, not a directory."
        ) from None
    except OSError as error:
        raise InputError(str(path), f"cannot read the {what}: {error.strerror or error}") from None


def load_json(data: bytes, source: str, hint: str) -> Any:
    """The JSON document in `data` (AWS CLI output), or one clear `InputError` naming `source`."""
    try:
        document = json.loads(data)  # UTF-8, -16 or -32, BOM or not (PowerShell's > writes UTF-16)
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(source, f"not JSON ({error})", hint) from None
    except UnicodeEncodeError:  # a \ud800-style escape: no character, cannot be printed
        raise InputError(
            source, "the JSON escapes a lone surrogate (\\uD800 to \\uDFFF)", hint
        ) from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise InputError(source, "the JSON holds a number too long to read", hint) from None
    except RecursionError:
        raise InputError(
            source, "the JSON nests arrays or objects too deeply to read", hint
        ) from None
    return document
