"""The check instant reaches only the code that judges time, not every level between (issue 10).

The response check takes it once from its options (checks/response._Context); below, only the
rules that compare an instant with it take it: signature verification ignores certificate validity
(IAM does), so the signature stage takes no instant.
"""

from __future__ import annotations

import ast
from pathlib import Path

INTERNAL = Path(__file__).resolve().parent.parent / "samlcheck" / "_internal"

TAKES_THE_INSTANT = {
    # rules that judge time
    "rules/metadata.py": {"validity_findings", "certificate_findings", "_validity_finding"},
    "rules/response.py": {"time_findings", "_late"},
    "rules/signature.py": {"signature_findings", "_anchor_expiry"},
}


def _taking_at(path: Path) -> set[str]:
    return {
        node.name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef)
        and "at" in [a.arg for a in node.args.args + node.args.kwonlyargs]
    }


def test_only_the_code_that_judges_time_takes_the_check_instant() -> None:
    found = {
        str(path.relative_to(INTERNAL)): names
        for path in sorted(INTERNAL.glob("*/*.py"))
        if path.parent.name in ("rules", "stages") and (names := _taking_at(path))
    }
    assert found == TAKES_THE_INSTANT
