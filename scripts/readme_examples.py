"""Re-run the console examples in README.md and write their real output under each command.

Each ```console block whose first line is `$ samlcheck ...` is one example: the command runs
from the project root with `python -m samlcheck`, and the block becomes the command followed by
what it printed (stdout, then stderr). `--check` compares instead of writing (tests use it).

Run: python scripts/readme_examples.py [--check]
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"```console\n\$ (samlcheck [^\n]*)\n(.*?)```", re.DOTALL)


def run(command: str) -> str:
    """What `command` prints, run from the project root without a terminal."""
    argv = [sys.executable, "-m", "samlcheck", *shlex.split(command)[1:]]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout + done.stderr


def refreshed(text: str) -> str:
    """The README with every example's output replaced by what the command prints now."""
    return BLOCK.sub(lambda m: f"```console\n$ {m.group(1)}\n{run(m.group(1))}```", text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    current = README.read_text(encoding="utf-8")
    if args.check:
        stale = [m.group(1) for m in BLOCK.finditer(current) if run(m.group(1)) != m.group(2)]
        for command in stale:
            print(f"README output differs: $ {command}")
        return 1 if stale else 0
    fresh = refreshed(current)
    README.write_text(fresh, encoding="utf-8")
    print(f"{len(BLOCK.findall(fresh))} examples refreshed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
