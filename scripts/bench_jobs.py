"""Benchmark `check --jobs 2` against `--jobs 1` on a folder of generated signed responses.

Run: python scripts/bench_jobs.py [--count 1000]
Writes COUNT responses of the test IdP (each with its own session name) to a temporary folder,
then times `samlcheck check FOLDER --metadata ... --format json` with one and two processes and
checks that both print the same JSON. A benchmark, not a test: the speed-up depends on the cores.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import testidp  # noqa: E402


def run(folder: Path, jobs: int) -> tuple[float, bytes]:
    """Seconds `check --jobs N` took on `folder`, and what it printed."""
    argv = [sys.executable, "-m", "samlcheck", "check", str(folder), "--jobs", str(jobs)]
    argv += ["--metadata", str(ROOT / "fixtures" / "idp" / "metadata.xml")]
    argv += ["--at", "2026-01-15T12:00:10Z", "--format", "json"]
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, check=False)
    return time.perf_counter() - started, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="responses to generate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="samlcheck-bench-") as name:
        folder = Path(name)
        for index in range(args.count):
            spec = testidp.ResponseSpec(role_session_name=f"user{index}@example.test")
            data = testidp.response_xml(spec)
            (folder / f"response-{index:05d}.xml").write_bytes(data)
        one, out_one = run(folder, 1)
        two, out_two = run(folder, 2)
    same = "same JSON" if out_one == out_two else "DIFFERENT JSON"
    print(f"{args.count} responses: --jobs 1 {one:.1f} s, --jobs 2 {two:.1f} s")
    print(f"speed-up {one / two:.2f}x, {same}")
    return 0 if out_one == out_two else 1


if __name__ == "__main__":
    raise SystemExit(main())
