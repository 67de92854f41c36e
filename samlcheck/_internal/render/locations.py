"""Where a finding sits in its input file, for the CI formats (SARIF regions, GitHub annotations).

A Result names its input for people, file first ('trace.har entry 3 (POST ...)', 'response.xml
(SOAP Body)'); a finding names its element by path ('/Response/Assertion[1]/Subject'), by line
('line 2, /md:EntityDescriptor') or by byte ('byte 1905'). For an XML input the renderer reads the
file again and finds the element's line there: the stages keep no line numbers.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.files import read_limited
from samlcheck._internal.inputs.xml import (
    MAX_XML_BYTES,
    XmlRefused,
    local_name,
    parse,
    sniff_encoding,
)

_NOT_FILES = {"-", "stdin", "--text", "bytes"}
_LINE = re.compile(r"line (\d+)")
_BYTE = re.compile(r"byte (\d+)")
_STEP = re.compile(r"(?:[\w.-]+:)?([\w.-]+)(?:\[(\d+)\])?")


def input_file(source: str) -> Path | None:
    """The input file a Result's `source` starts with: its longest leading part (up to a space)
    that is a regular file; None for stdin, --text or a planned provider."""
    ends = [i for i, c in enumerate(source) if c == " "] + [len(source)]
    for end in reversed(ends):
        name = source[:end]
        if name and name not in _NOT_FILES and Path(name).is_file():
            return Path(name)
    return None


def uri(path: Path) -> str:
    """`path` as a SARIF artifact URI: relative to the working directory when inside it."""
    absolute = path.resolve()
    try:
        return quote(absolute.relative_to(Path.cwd().resolve()).as_posix())
    except ValueError:
        return absolute.as_uri()


def display_path(path: Path) -> str:
    """`path` relative to the working directory when inside it (GitHub annotations' file=)."""
    relative = os.path.relpath(path.resolve(), Path.cwd().resolve())
    return str(path) if relative.startswith("..") else Path(relative).as_posix()


class XmlLines:
    """The lines of finding locations in one input file (none when it is not an XML document)."""

    def __init__(self, path: Path) -> None:
        try:
            self.data = read_limited(path, MAX_XML_BYTES)
            self.root: etree._Element | None = parse(self.data).root
        except (OSError, InputError, XmlRefused):
            self.root = None

    def line(self, location: str) -> int | None:
        """The line of the element `location` names: the deepest element of its path found in
        the file (the finding is inside it); None when the path is not this document's."""
        if self.root is None:
            return None
        numbered = _LINE.match(location)
        if numbered:
            return int(numbered.group(1))
        offset = _BYTE.match(location)
        if offset:
            newline = "\n".encode(sniff_encoding(self.data).codec)
            return self.data[: int(offset.group(1))].count(newline) + 1
        return _resolve(self.root, location) if location.startswith("/") else None


class LastFile:
    """The XmlLines of the file asked for last: a batch's results of one file come together, so
    a renderer keeps one parsed file, not every file of the batch."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.lines: XmlLines | None = None

    def __call__(self, path: Path | None) -> XmlLines | None:
        if path is not None and path != self.path:
            self.path, self.lines = path, XmlLines(path)
        return self.lines if path is not None else None


def _resolve(root: etree._Element, path: str) -> int | None:
    steps = path.split("/")[1:]
    first = _STEP.fullmatch(steps[0]) if steps else None
    if first is None:
        return None
    node = root if local_name(root) == first.group(1) else _only(root, first.group(1))
    if node is None:
        return None
    anywhere = False
    for step in steps[1:]:
        if not step:  # '//': the next step is a descendant, not a child
            anywhere = True
            continue
        match = _STEP.fullmatch(step)
        if match is None:  # '@Attribute' or anything else: the element so far is the one
            break
        name, index = match.group(1), int(match.group(2) or 1)
        nodes = node.iterdescendants() if anywhere else node.iterchildren()
        named = [n for n in nodes if isinstance(n.tag, str) and local_name(n) == name]
        if len(named) < index:
            break
        node, anywhere = named[index - 1], False
    line = node.sourceline
    return line if isinstance(line, int) else None


def _only(root: etree._Element, name: str) -> etree._Element | None:
    """The one element called `name` inside `root` (a Response in a SOAP envelope), if one."""
    found = [e for e in root.iter(f"{{*}}{name}", name)]
    return found[0] if len(found) == 1 else None
