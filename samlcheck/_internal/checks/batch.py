"""`samlcheck check` over many inputs: a folder of captures, in parallel, with rules selected.

Each input gives its results in input order. An input that holds no SAML message (a README, a
metadata file) or cannot be read is a result of its own (kind 'input') and the batch goes on.
`--select` / `--ignore` keep or drop findings by rule ID or prefix (SC-SIG); their defaults come
from `[tool.samlcheck]` in pyproject.toml or from samlcheck.toml in the working directory.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from samlcheck._internal.errors import InputError
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.report import INPUT_KIND, Result


class Input(NamedTuple):
    """A file or '-' (path), or a literal --text value (text)."""

    path: str | None = None
    text: str | None = None
    in_folder: bool = False
    """Found in a folder: unreadable, it is a result of its own; named, it stops the run."""


_PATTERN = re.compile(r"SC(-[A-Z]+(-[0-9]{3})?)?")


@dataclass(frozen=True)
class Selection:
    """Which rules' findings a result keeps: those `select` names (all when empty), minus those
    `ignore` names. Each entry is a rule ID or a prefix of whole parts (SC-SIG, SC)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def keeps(self, rule_id: str) -> bool:
        chosen = not self.select or any(_names(p, rule_id) for p in self.select)
        return chosen and not any(_names(p, rule_id) for p in self.ignore)

    def apply(self, result: Result) -> Result:
        """`result` without the findings left out, and a summary line naming them (an error
        among them no longer decides the verdict)."""
        if result.unreadable or not (self.select or self.ignore):
            return result
        kept = tuple(f for f in result.findings if self.keeps(f.rule.id))
        if len(kept) == len(result.findings):
            return result
        dropped = [f for f in result.findings if f not in kept]
        decisive = result.verdict.finding
        names = ", ".join(dict.fromkeys(f.rule.id for f in dropped))
        line = f"{names} (--select/--ignore)"
        if decisive is not None and decisive in dropped:
            line += f"; {decisive.rule.id} would otherwise decide the verdict"
        summary = (*result.summary, ("left out", line))
        return dataclasses.replace(result, findings=kept, summary=summary)


def _names(pattern: str, rule_id: str) -> bool:
    return rule_id == pattern or rule_id.startswith(pattern + "-")


def patterns(values: Iterable[str], option: str) -> tuple[str, ...]:
    """Rule IDs and prefixes from option values ('SC-SIG,SC-TIME-001', repeatable); InputError
    for one that names no rule."""
    found = tuple(filter(None, (p.strip().upper() for v in values for p in v.split(","))))
    if not found:
        return ()  # no rule to look up: every rule module need not be loaded
    from samlcheck._internal.rules import all_rules

    ids = [r.id for r in all_rules()]
    for part in found:
        if not _PATTERN.fullmatch(part) or not any(_names(part, i) for i in ids):
            raise InputError(
                option,
                f"{part!r} names no rule",
                "Give rule IDs or prefixes such as SC-SIG or SC-SIG-001 "
                "(samlcheck explain --list shows them).",
            )
    return found


# --- defaults from the working directory ----------------------------------------------------


CONFIG_KEYS = ("select", "ignore")
"""What samlcheck.toml or [tool.samlcheck] may set: the defaults of --select and --ignore."""


def load_defaults(folder: Path) -> tuple[str, dict[str, list[str]]]:
    """(file, settings) from samlcheck.toml, else pyproject.toml's [tool.samlcheck], in `folder`;
    ('', {}) when neither has any. InputError for TOML that does not parse or an unknown key."""
    for name, table in (("samlcheck.toml", ()), ("pyproject.toml", ("tool", "samlcheck"))):
        path = folder / name
        if not path.is_file():
            continue
        settings: Any = read_toml(path)
        for key in table:
            settings = settings.get(key, {}) if isinstance(settings, dict) else {}
        if settings or not table:
            return name, _settings(name, settings)
    return "", {}


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file; InputError naming it when it does not parse."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - the conditional dependency on 3.10
        import tomli as tomllib
    try:
        document: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError(str(path), f"cannot be read as TOML ({error})", "Fix the file.") from None
    return document


def _settings(name: str, table: Any) -> dict[str, list[str]]:
    where = name if name == "samlcheck.toml" else f"{name} [tool.samlcheck]"
    if not isinstance(table, dict):
        raise InputError(where, "is not a table", "Write key = value lines under it.")
    settings: dict[str, list[str]] = {}
    for key, value in table.items():
        if key not in CONFIG_KEYS:
            raise InputError(where, f"unknown key {key!r}", f"Keys: {', '.join(CONFIG_KEYS)}.")
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputError(where, f"{key} must be a string or a list of strings", "")
        settings[key] = values
    return settings


def expand(captures: list[str]) -> list[Input]:
    """The capture paths, each folder replaced by its files (recursive, sorted, no dot-files)."""
    inputs: list[Input] = []
    for capture in captures:
        folder = Path(capture)
        if capture != "-" and folder.is_dir():
            files = sorted(
                str(p)
                for p in folder.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(folder).parts)
            )
            if not files:
                raise InputError(capture, "is an empty folder", "Put the captures to check in it.")
            inputs += [Input(path, in_folder=True) for path in files]
        else:
            inputs.append(Input(capture))
    return inputs


# --- running ---------------------------------------------------------------------------------


_WORKER: Any = None
"""The Checker of a worker process (a forked one inherits the parent's; else _start builds it)."""


def check_input(checker: Any, item: Input) -> list[Result]:
    """The results of one input: one per message, or, for a file of a folder that holds none,
    one 'input' result saying why (InputError for an input named on its own)."""
    from samlcheck._internal.inputs.capture import read_capture

    try:
        capture = read_capture(item.path, text=item.text)
    except InputError as error:
        if not item.in_folder:
            raise
        from samlcheck._internal.rules.input import unreadable

        return [Result(str(item.path), INPUT_KIND, (unreadable(error.problem, error.hint),))]
    return list(checker.check(capture).results)


def _start(options: CheckOptions) -> None:
    from samlcheck._internal.checks.capture import Checker

    global _WORKER
    if _WORKER is None:  # a forked worker has the parent's, warmed by its first input
        _WORKER = Checker(options)


def _in_worker(items: list[Input]) -> list[list[Result]]:
    return [check_input(_WORKER, item) for item in items]


def run(
    options: CheckOptions,
    inputs: list[Input],
    selection: Selection = Selection(),
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    blame: Callable[[str], AbstractContextManager[object]] = nullcontext,
) -> Iterator[Result]:
    """Every result of `inputs`, in input order, checked in `jobs` processes. The options'
    files are read first (InputError when they cannot be); `progress(done, total)` after each
    input; `blame(source)` is entered while an input is checked (to name it if samlcheck fails)."""
    from samlcheck._internal.checks.capture import Checker

    checker = Checker(options)  # unreadable metadata or keys stop the run before any work
    parallel = jobs > 1 and len(inputs) > 1 and all(i.path not in (None, "-") for i in inputs)
    if parallel:
        per_input = _parallel(checker, inputs, jobs)
    else:
        per_input = (check_input(checker, item) for item in inputs)
    for done, item in enumerate(inputs, 1):
        with blame(item.path or "--text"):
            results = next(per_input)
        if progress is not None:
            progress(done, len(inputs))
        yield from (selection.apply(r) for r in results)


CHUNK = 16
"""Inputs sent to a worker process at once: one at a time, the hand-over cost as much as the
check of a small capture."""


def _chunks(inputs: list[Input], jobs: int) -> Iterator[list[Input]]:
    """The inputs in chunks of CHUNK, smaller towards the end (down to one input) so that the
    processes finish together rather than one waiting for the other's last chunk."""
    start = 0
    while start < len(inputs):
        size = max(1, min(CHUNK, (len(inputs) - start) // (jobs * 4)))
        yield inputs[start : start + size]
        start += size


def _parallel(checker: Any, inputs: list[Input], jobs: int) -> Iterator[list[Result]]:
    """The inputs' results from a process pool, in input order, a few chunks in flight per
    process (memory stays flat however long the batch). The first is checked here: what a
    check loads once (modules, trust) is then loaded before the workers fork, not in each."""
    import gc
    from concurrent.futures import Future, ProcessPoolExecutor

    global _WORKER
    yield check_input(checker, inputs[0])
    _WORKER = checker
    gc.freeze()  # a forked worker's collections then leave the parent's objects, and pages, alone
    try:
        with ProcessPoolExecutor(jobs, initializer=_start, initargs=(checker.options,)) as pool:
            pending: list[Future[list[list[Result]]]] = []
            for chunk in _chunks(inputs[1:], jobs):
                pending.append(pool.submit(_in_worker, chunk))
                if len(pending) >= jobs * 2:
                    yield from pending.pop(0).result()
            for future in pending:
                yield from future.result()
    finally:
        gc.unfreeze()
        _WORKER = None
