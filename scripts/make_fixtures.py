"""Write fixtures/ from the test IdP, deterministically; `--check` compares instead of writing.

Every scripts/fixtures_<area>.py module exposes fixtures() -> {relative path: bytes}.
Run: python scripts/make_fixtures.py [--check] [--out DIR]
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def collect() -> dict[str, bytes]:
    """Every fixture file of every area, by path relative to fixtures/."""
    files: dict[str, bytes] = {}
    for module_path in sorted(HERE.glob("fixtures_*.py")):
        module = importlib.import_module(module_path.stem)
        for path, data in module.fixtures().items():
            if path in files:
                raise SystemExit(f"{module_path.name}: {path} is already written by another area")
            files[path] = data
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "fixtures")
    parser.add_argument("--check", action="store_true", help="compare with --out, write nothing")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    files = collect()
    stale = [p for p, data in files.items() if not _same(args.out / p, data)]
    if args.check:
        for path in stale:
            print(f"differs or missing: fixtures/{path}")
        print(f"{len(files)} fixture files, {len(stale)} out of date")
        return 1 if stale else 0
    for path in stale:
        target = args.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[path])
    print(f"{len(files)} fixture files, {len(stale)} written to {args.out}")
    return 0


def _same(path: Path, data: bytes) -> bool:
    return path.is_file() and path.read_bytes() == data


if __name__ == "__main__":
    raise SystemExit(main())
