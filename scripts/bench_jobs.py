"""Benchmark `check --jobs 2` against `--jobs 1` on a folder of generated signed responses.

Run: python scripts/bench_jobs.py [--count 1000] [--runs 5] [--memory]
Writes COUNT responses of the test IdP (each with its own session name) to a temporary folder,
then runs `samlcheck check FOLDER --metadata ... --format json` with one and two processes,
alternately, RUNS times each; prints the median wall time and CPU time (the process and its
workers) of each and the speed-up of the medians (and of the best runs: on a shared machine the
least disturbed), and checks that both print the same JSON.
--memory: the peak RSS (the largest process: the command or one of its workers) of a batch of
COUNT and of 4 x COUNT responses, for each format, with --jobs 1 and 2: a report that streams
stays flat as the batch grows. A benchmark, not a test: the speed-up depends on the cores free.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import testidp  # noqa: E402

FORMATS = ("text", "json", "junit", "sarif", "github")
MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=sys.stdout, check=False)
wall = time.perf_counter() - started
used = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.write(f"{wall} {used.ru_utime + used.ru_stime} {used.ru_maxrss}\\n")
"""
"""Run a command; on stderr its wall seconds, CPU seconds and peak RSS (KiB), workers included."""


class Run:
    """One measured command: wall and CPU seconds, peak RSS in KiB, what it printed."""

    def __init__(self, folder: Path, jobs: int, fmt: str = "json") -> None:
        argv = [sys.executable, "-m", "samlcheck", "check", str(folder), "--jobs", str(jobs)]
        argv += ["--metadata", str(ROOT / "fixtures" / "idp" / "metadata.xml")]
        argv += ["--at", "2026-01-15T12:00:10Z", "--format", fmt]
        done = subprocess.run([sys.executable, "-c", MEASURE, *argv], capture_output=True)
        wall, cpu, rss = done.stderr.decode().split()[-3:]
        self.wall, self.cpu, self.rss = float(wall), float(cpu), int(rss)
        self.stdout = done.stdout


def generate(folder: Path, count: int) -> Path:
    """`count` signed responses in `folder` (response-00000.xml ...)."""
    folder.mkdir(exist_ok=True)
    for index in range(count):
        spec = testidp.ResponseSpec(role_session_name=f"user{index}@example.test")
        (folder / f"response-{index:05d}.xml").write_bytes(testidp.response_xml(spec))
    return folder


def alternate(folder: Path, runs: int) -> dict[int, list[Run]]:
    """`runs` runs each of --jobs 1 and --jobs 2, alternating (so both meet the same load)."""
    measured: dict[int, list[Run]] = {1: [], 2: []}
    for _ in range(runs):
        for jobs, done in measured.items():
            done.append(Run(folder, jobs))
    return measured


def speed(folder: Path, count: int, runs: int) -> int:
    """Alternate --jobs 1 and 2; the medians, the speed-up; 1 when their JSON differs."""
    measured = alternate(folder, runs)
    wall = {j: statistics.median(r.wall for r in runs_) for j, runs_ in measured.items()}
    best = {j: min(r.wall for r in runs_) for j, runs_ in measured.items()}
    cpu = {j: statistics.median(r.cpu for r in runs_) for j, runs_ in measured.items()}
    for jobs in measured:
        times = f"{wall[jobs]:.2f} s wall (best {best[jobs]:.2f} s), {cpu[jobs]:.2f} s CPU"
        print(f"{count} responses, --jobs {jobs}: {times}")
    outputs = {r.stdout for runs_ in measured.values() for r in runs_}
    same = "same JSON" if len(outputs) == 1 else "DIFFERENT JSON"
    ratios = f"{wall[1] / wall[2]:.2f}x (median of {runs} runs each; best {best[1] / best[2]:.2f}x)"
    print(f"speed-up {ratios}, {same}")
    return 0 if len(outputs) == 1 else 1


def memory(folder: Path, count: int) -> int:
    """Peak RSS of a batch of `count` and of 4 x `count` responses, per format and --jobs."""
    small = generate(folder / "small", count)
    large = generate(folder / "large", 4 * count)
    print(f"peak RSS (MiB) for {count:,} -> {4 * count:,} responses, and the growth per response")
    for fmt in FORMATS:
        for jobs in (1, 2):
            before, after = Run(small, jobs, fmt).rss, Run(large, jobs, fmt).rss
            per = (after - before) * 1024 / (3 * count)
            sizes = f"{before / 1024:6.1f} -> {after / 1024:6.1f}"
            print(f"  {fmt:<6} --jobs {jobs}: {sizes}  ({per:+,.0f} B)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="responses to generate")
    parser.add_argument("--runs", type=int, default=5, help="runs of each --jobs (median)")
    parser.add_argument("--memory", action="store_true", help="peak RSS as the batch grows")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="samlcheck-bench-") as name:
        if args.memory:
            return memory(Path(name), args.count)
        return speed(generate(Path(name) / "responses", args.count), args.count, args.runs)


if __name__ == "__main__":
    raise SystemExit(main())
