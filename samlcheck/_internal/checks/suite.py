"""Regression suites: cases of captures, each with what AWS must answer (`samlcheck test`).

A suite file is TOML: `[defaults]` and `[[case]]` tables. A case has a `name`, a `capture`, an
`expect` ("accepted", or a substring of AWS's answer) and optionally the deciding `rule`; every
other key is a `check` option with `_` for `-` (lists where the option repeats), and a case's
keys override `[defaults]`. Paths are relative to the suite file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Any

from samlcheck._internal.checks.batch import Selection, patterns, read_toml
from samlcheck._internal.errors import InputError
from samlcheck._internal.options import AT_MODES, CheckOptions
from samlcheck._internal.report import Result

ACCEPTED = "accepted"


@dataclass(frozen=True)
class Case:
    """One expectation: what AWS answers to the responses of one capture."""

    suite: Path
    name: str
    capture: Path
    expect: str
    rule: str | None
    options: CheckOptions
    selection: Selection
    line: int | None = None
    """The line of the case's `[[case]]` header in the suite file, when known."""


@dataclass(frozen=True)
class Outcome:
    """A case checked: AWS's predicted answer, and whether it is the one expected."""

    case: Case
    answer: str
    """'accepted', or the AWS error text of the first response AWS rejects."""
    rule: str | None
    """The rule that decides that rejection."""
    source: str = ""
    results: tuple[Result, ...] = ()
    """Every result of the capture, as judged (after the case's --select/--ignore)."""

    @property
    def passed(self) -> bool:
        if self.case.rule is not None and self.case.rule != self.rule:
            return False
        if self.case.expect == ACCEPTED:
            return self.answer == ACCEPTED
        return self.answer != ACCEPTED and self.case.expect in self.answer

    def explained(self) -> str:
        """'expected X (rule R); AWS would answer Y (rule S) to SOURCE'."""
        wanted = f"expected {self.case.expect!r}"
        wanted += f" (rule {self.case.rule})" if self.case.rule else ""
        said = (
            "AWS would accept it"
            if self.answer == ACCEPTED
            else f"AWS would answer {self.answer!r}"
        )
        said += f" (rule {self.rule})" if self.rule else ""
        return f"{wanted}; {said}" + (f", for {self.source}" if self.source else "")


# --- reading a suite ----------------------------------------------------------------------------


def _paths(value: Any, base: Path) -> tuple[Path, ...]:
    values = [value] if isinstance(value, str | PurePath) else value
    if not isinstance(values, list | tuple) or not all(
        isinstance(v, str | PurePath) for v in values
    ):
        raise ValueError("must be a path or a list of paths")
    return tuple(base / v for v in values)


def _path(value: Any, base: Path) -> Path:
    if not isinstance(value, str | PurePath):
        raise ValueError("must be a path")
    return base / value


def _text(value: Any, base: Path) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _integer(value: Any, base: Path) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("must be a whole number")
    return value


def _at(value: Any, base: Path) -> dt.datetime | str:
    from samlcheck._internal.instants import parse_instant

    if isinstance(value, dt.datetime):  # a TOML date-time
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, str) and value.lower() in AT_MODES:
        return value.lower()
    instant = parse_instant(value) if isinstance(value, str) else None
    if instant is None:
        raise ValueError("must be 'capture', 'issued' or an ISO 8601 instant")
    return instant


def _mode(value: Any, base: Path) -> str:
    from samlcheck._internal.aws import EncryptionMode

    modes = {m.value.lower(): m.value for m in EncryptionMode}
    if not isinstance(value, str) or value.lower() not in modes:
        raise ValueError(f"must be one of {', '.join(modes.values())}")
    return modes[value.lower()]


def _rule_list(value: Any, base: Path) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError("must be a rule ID or prefix, or a list of them")
    try:
        return patterns(values, "")
    except InputError as error:
        raise ValueError(error.problem) from None


OPTIONS: dict[str, tuple[str, Callable[[Any, Path], Any]]] = {
    "metadata": ("metadata", _paths),
    "cert": ("certs", _paths),
    "at": ("at", _at),
    "role_arn": ("role_arn", _text),
    "provider_arn": ("provider_arn", _text),
    "duration_seconds": ("duration_seconds", _integer),
    "max_session_duration": ("max_session_duration", _integer),
    "sp_key": ("sp_keys", _paths),
    "encryption_mode": ("encryption_mode", _mode),
    "idp_metadata": ("idp_metadata", _paths),
    "role": ("roles", _paths),
    "trust_policy": ("trust_policy", _path),
    "provider": ("provider_files", _paths),
    "providers": ("provider_list", _path),
    "select": ("select", _rule_list),
    "ignore": ("ignore", _rule_list),
}
"""Suite key -> (CheckOptions or Selection field, reader): the `check` options a case may set;
provider_files and provider_list are read into the options by `trust.account.resolve`."""

CASE_KEYS = ("name", "capture", "expect", "rule")


def load_suite(path: Path) -> list[Case]:
    """The cases of a suite file; InputError naming the file, the case and the key when it is
    not a suite samlcheck can run."""
    document = read_toml(path)
    unknown = set(document) - {"defaults", "case"}
    if unknown:
        raise InputError(str(path), f"unknown table or key {sorted(unknown)[0]!r}", _SHAPE)
    defaults = document.get("defaults", {})
    cases = document.get("case", [])
    if not isinstance(defaults, dict) or not isinstance(cases, list) or not cases:
        raise InputError(str(path), "has no [[case]] tables (or a malformed [defaults])", _SHAPE)
    base = path.parent
    settings = read_settings(defaults, base, f"{path}: [defaults]", allowed=())
    loaded = [_case(path, index, table, settings) for index, table in enumerate(cases, 1)]
    lines = case_lines(path)
    if len(lines) == len(loaded):  # [[case]] headers, not an inline array of tables
        loaded = [replace(case, line=line) for case, line in zip(loaded, lines, strict=True)]
    names = [c.name for c in loaded]
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice is not None:
        raise InputError(f"{path}: case {twice!r}", "two cases have this name", "Rename one.")
    return loaded


_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*case[ \t]*\]\]", re.MULTILINE)


def case_lines(path: Path) -> list[int]:
    """The line of each `[[case]]` header in the suite file (for CI annotations)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return [text.count("\n", 0, match.start()) + 1 for match in _HEADER.finditer(text)]


_SHAPE = "A suite has [defaults] and [[case]] tables (see the README, 'Regression suites in CI')"


def read_settings(
    table: Any, base: Path, where: str, allowed: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The `check` options of a table (keys as in a suite, paths relative to `base`), keyed by
    CheckOptions/Selection field; InputError naming `where` and the key for a bad one."""
    settings: dict[str, Any] = {}
    for key, value in table.items():
        if key in allowed:
            continue
        if key not in OPTIONS:
            known = ", ".join([*allowed, *OPTIONS])
            raise InputError(f"{where}: {key}", "unknown key", f"Keys: {known}.")
        field, reader = OPTIONS[key]
        try:
            settings[field] = reader(value, base)
        except ValueError as error:
            raise InputError(f"{where}: {key}", f"{value!r} {error}", "") from None
    return settings


def is_rule_id(value: Any) -> bool:
    from samlcheck._internal.rules import all_rules

    return isinstance(value, str) and any(r.id == value for r in all_rules())


def _case(path: Path, index: int, table: Any, defaults: dict[str, Any]) -> Case:
    if not isinstance(table, dict):
        raise InputError(f"{path}: case {index}", "is not a table", _SHAPE)
    name = table.get("name")
    where = f"{path}: case {name!r}" if isinstance(name, str) and name else f"{path}: case {index}"
    for key in ("name", "capture", "expect"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise InputError(f"{where}: {key}", "is missing (a non-empty string)", _SHAPE)
    rule = table.get("rule")
    if rule is not None and not is_rule_id(rule):
        raise InputError(f"{where}: rule", f"{rule!r} is not a rule ID", "e.g. SC-ATTR-001")
    capture = path.parent / table["capture"]
    if not capture.is_file():
        raise InputError(f"{where}: capture", f"{capture} is not a file", "Fix the path.")
    settings = defaults | read_settings(table, path.parent, where, allowed=CASE_KEYS)
    return make_case(path, table["name"], capture, table["expect"], rule, settings)


def make_case(
    suite: Path, name: str, capture: Path, expect: str, rule: str | None, settings: dict[str, Any]
) -> Case:
    """A case from settings `read_settings` gave; InputError naming the case when its account
    files cannot be read or disagree with its options."""
    from samlcheck._internal.trust.account import resolve

    files = ("select", "ignore", "provider_files", "provider_list")
    options = {k: v for k, v in settings.items() if k not in files}
    selection = Selection(settings.get("select", ()), settings.get("ignore", ()))
    try:
        resolved = resolve(
            CheckOptions(**options),
            settings.get("provider_files", ()),
            settings.get("provider_list"),
        )
    except InputError as error:
        where = f"{suite}: case {name!r}: {error.source}"
        raise InputError(where, error.problem, error.hint) from None
    return Case(suite, name, capture, expect, rule, resolved, selection)


# --- running a case -------------------------------------------------------------------------------


def run_case(case: Case) -> Outcome:
    """Check the case's capture; InputError (naming the case) when it cannot be read."""
    from samlcheck._internal.checks.capture import Checker
    from samlcheck._internal.inputs.capture import read_capture

    where = f"{case.suite}: case {case.name!r}"
    try:
        results = Checker(case.options).check(read_capture(str(case.capture))).results
    except InputError as error:
        raise InputError(f"{where}: capture", error.line, "") from None
    return outcome(case, [case.selection.apply(r) for r in results])


def outcome(case: Case, results: list[Result]) -> Outcome:
    """The case's answer: the first rejected response's, else accepted."""
    for result in results:
        verdict = result.verdict
        if not verdict.accepted:
            text = verdict.aws_error.text if verdict.aws_error else "a rejection with no message"
            rule = verdict.finding.rule.id if verdict.finding else None
            return Outcome(case, text, rule, result.source, tuple(results))
    return Outcome(case, ACCEPTED, None, results=tuple(results))
