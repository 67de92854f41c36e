"""pre-commit's entry for commands that take one file (`.pre-commit-hooks.yaml`):
`python -m samlcheck.precommit metadata check FILE...` runs `samlcheck metadata check FILE` on
each staged file and exits with the worst code (2 unreadable, 1 IAM would refuse, 0 all pass)."""

from __future__ import annotations

import subprocess
import sys


def main(argv: list[str]) -> int:
    """Run the samlcheck command `argv[:2]` once per file in `argv[2:]`; the worst exit code."""
    command, files = argv[:2], argv[2:]
    codes = [subprocess.call([sys.executable, "-m", "samlcheck", *command, f]) for f in files]
    return max(codes, default=0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
