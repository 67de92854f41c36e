"""A report written result by result, for a batch of any length: memory stays flat.

Text and GitHub annotations go out as each result arrives. JSON, SARIF and JUnit are one
document whose head carries the counts (JSON's summary, JUnit's totals): each result's part is
rendered as it arrives into a temporary file (on disk beyond a megabyte), and the document is
written whole at the end, so a run that stops on an input error prints no half document. The
bytes are exactly those of `render` (samlcheck._internal.render) on the whole report.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from samlcheck._internal.report import Result, Totals

_MARK = "samlcheck-items-e3b0c442"
"""Stands for the list of items in a document rendered once around it."""
SPOOL_BYTES = 1 << 20
"""A document's items stay in memory up to this size, then go to a temporary file."""


def write(
    results: Iterable[Result],
    fmt: str,
    out: TextIO,
    *,
    color: bool = False,
    verbose: bool = False,
    quiet: bool = False,
    title: str = "samlcheck",
) -> Totals:
    """Write the report of `results` in `fmt` (as `render`'s options) to `out` as they come;
    the totals (for the exit code)."""
    totals = Totals()
    if fmt in ("text", "github"):
        item, end = _lines(fmt, color=color, verbose=verbose, quiet=quiet)
        for result in results:
            totals.add(result)
            out.write(item(result))
            out.flush()
        out.write(end(totals))
        return totals
    document = _document(fmt, title)
    with tempfile.SpooledTemporaryFile(SPOOL_BYTES, "w+", encoding="utf-8") as spool:
        items = False
        for result in results:
            totals.add(result)
            for part in document.parts(result):
                spool.write(document.separator + part if items else part)
                items = True
        head, tail = document.frame(totals, items)
        spool.seek(0)
        out.write(head)
        shutil.copyfileobj(spool, out)
        out.write(tail)
    return totals


def _lines(
    fmt: str, *, color: bool, verbose: bool, quiet: bool
) -> tuple[Callable[[Result], str], Callable[[Totals], str]]:
    """(a result's lines, the closing lines) of a line format."""
    from samlcheck._internal.render.text import tally_line

    if fmt == "github":
        from samlcheck._internal.render.github import github_end, github_lines
        from samlcheck._internal.render.locations import LastFile

        xml = LastFile()
        return (lambda result: github_lines(result, xml)), (lambda t: github_end(t.tally()))
    from samlcheck._internal.render.text import text_block

    def block(result: Result) -> str:
        return text_block(result, color=color, verbose=verbose, quiet=quiet)

    return block, (lambda t: tally_line(t.tally()) + "\n")


class _Document:
    """A document around one list of items: `frame(totals, any items)` renders it whole with
    _MARK for the list, the head and tail split at it; `parts(result)` a result's items,
    indented as the list's place in the document wants them, joined by `separator`."""

    def __init__(
        self,
        frame: Callable[[Totals, bool], str],
        mark: str,
        parts: Callable[[Result, str], list[str]],
        separator: str,
    ) -> None:
        self.whole, self.mark = frame, mark
        head = frame(Totals(), True).partition(mark)[0]
        indent = head[head.rfind("\n") + 1 :]
        self.separator = separator + "\n" + indent
        self.parts: Callable[[Result], list[str]] = lambda result: parts(result, indent)

    def frame(self, totals: Totals, items: bool) -> tuple[str, str]:
        head, _, tail = self.whole(totals, items).partition(self.mark)
        return head, tail


def _document(fmt: str, title: str) -> _Document:
    if fmt == "junit":
        return _junit(title)

    if fmt == "sarif":
        from samlcheck._internal.render.locations import LastFile
        from samlcheck._internal.render.sarif import rule_index, sarif_frame, sarif_results

        index, xml = rule_index(), LastFile()

        def sarif(result: Result, indent: str) -> list[str]:
            return [_dumps(entry, indent) for entry in sarif_results(result, index, xml)]

        def sarif_whole(totals: Totals, items: bool) -> str:
            return _json(sarif_frame(totals.tally(), [_MARK] if items else []))

        return _Document(sarif_whole, json.dumps(_MARK), sarif, ",")
    from dataclasses import asdict

    from samlcheck import __version__
    from samlcheck._internal.render.json import result_dict

    def whole(totals: Totals, items: bool) -> str:
        document = {"samlcheck": __version__, "summary": asdict(totals.tally())}
        return _json({**document, "results": [_MARK] if items else []})

    def item(result: Result, indent: str) -> list[str]:
        return [_dumps(result_dict(result), indent)]

    return _Document(whole, json.dumps(_MARK), item, ",")


def _json(document: Any) -> str:
    """A JSON document as `render` writes it."""
    from samlcheck._internal.render.json import dumps
    from samlcheck._internal.render.safe import json_visible

    return json_visible(dumps(document))


def _dumps(item: Any, indent: str) -> str:
    """An item of a JSON document's list, each line after its first indented to its place."""
    return _json(item)[:-1].replace("\n", "\n" + indent)


def _junit(title: str) -> _Document:
    from lxml import etree

    from samlcheck._internal.render.junit import CaseCounts, empty_suite, junit_case, junit_document

    counts = CaseCounts()
    mark = f"<{_MARK}/>"

    def case(result: Result, indent: str) -> list[str]:
        element = junit_case(result.source, result)
        counts.add(element)
        etree.indent(element, level=indent.count("  "))
        return [etree.tostring(element, encoding="unicode")]

    def whole(totals: Totals, items: bool) -> str:
        suite = empty_suite(title, counts)
        if items:
            etree.SubElement(suite, _MARK)
        return junit_document([suite])

    return _Document(whole, mark, case, "")
