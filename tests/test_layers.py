"""Dependencies point one way: the command layer uses the internals, never the reverse."""

from __future__ import annotations

from pathlib import Path

INTERNAL = Path(__file__).resolve().parent.parent / "samlcheck" / "_internal"


def test_no_internal_module_imports_the_command_layer() -> None:
    offenders = [
        str(path.relative_to(INTERNAL))
        for path in sorted(INTERNAL.rglob("*.py"))
        if "samlcheck.cli" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
