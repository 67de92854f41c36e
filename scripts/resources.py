"""Benchmark: hostile inputs inside the documented size limits, each through the real CLI.

Run: python scripts/resources.py [--case NAME]... [--timeout S] [--json] [--list]
(the inputs themselves are built by scripts/resources_cases.py)

Generates every input of issue 9 section 2 into a temporary folder (each under the limits in
README "Hostile input is refused...": XML 16 MiB, captures 64 MiB, inflated DEFLATE 16 MiB, keys
1 MiB), runs `python -m samlcheck ...` on it in a fresh process with a timeout, and prints wall
time, peak RSS (from os.wait4 of that process), exit code and output bytes per case. The goal is
every case answered within 2 s and 500 MB, with exit code 0, 1 or 2 and no traceback; the script
exits 1 when any case misses it. A benchmark, not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CASES_SCRIPT = HERE / "resources_cases.py"
GOAL_SECONDS = 2.0
GOAL_MB = 500


def cases() -> dict[str, str]:
    """{case: description}, from resources_cases.py (never imported here: see build)."""
    listed = subprocess.run([sys.executable, str(CASES_SCRIPT), "--list"], check=True,
                            capture_output=True, text=True)  # fmt: skip
    result: dict[str, str] = json.loads(listed.stdout)
    return result


def build(name: str, folder: Path) -> list[str]:
    """Write the case's input in a separate process and return the samlcheck arguments. The
    benchmark process stays small: a child's peak RSS counts its parent's memory at exec."""
    built = subprocess.run([sys.executable, str(CASES_SCRIPT), name, str(folder)], check=True,
                           stdout=subprocess.PIPE, text=True)  # fmt: skip
    args: list[str] = json.loads(built.stdout)
    return args


# --- running -------------------------------------------------------------------------------------


@dataclass
class Outcome:
    case: str
    what: str
    input_bytes: int
    seconds: float
    cpu_seconds: float
    peak_mb: float
    exit: str
    output_bytes: int
    verdict: str
    note: str


def run(
    args: list[str], folder: Path, timeout: float, memory_mb: int
) -> tuple[float, float, float, str, int, str]:
    """Run samlcheck in a fresh process: (wall s, CPU s, peak MB, exit, stdout bytes, stderr)."""
    out, err = folder / "stdout", folder / "stderr"

    def limit() -> None:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    with out.open("wb") as stdout, err.open("wb") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "samlcheck", *args],
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            preexec_fn=limit,
        )
        exit_text = ""
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                process.send_signal(signal.SIGKILL)
                pid, status, usage = os.wait4(process.pid, 0)
                exit_text = "timeout"
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
    exit_text = exit_text or str(process.returncode)
    cpu = usage.ru_utime + usage.ru_stime
    stderr_text = err.read_text("utf-8", "replace")
    return seconds, cpu, usage.ru_maxrss / 1024, exit_text, out.stat().st_size, stderr_text


def judge(seconds: float, peak: float, exit_text: str, stderr: str) -> tuple[str, str]:
    problems = []
    if exit_text == "timeout":
        problems.append("timed out")
    elif exit_text not in ("0", "1", "2"):
        problems.append(f"exit {exit_text}")
    if "Traceback" in stderr or "MemoryError" in stderr:
        last = [line for line in stderr.splitlines() if line.strip()][-1:]
        problems.append(f"traceback: {last[0][:100] if last else ''}")
    if seconds > GOAL_SECONDS:
        problems.append(f"> {GOAL_SECONDS:g} s")
    if peak > GOAL_MB:
        problems.append(f"> {GOAL_MB} MB")
    return ("FAIL" if problems else "PASS"), "; ".join(problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    known = cases()
    parser.add_argument("--case", action="append", choices=sorted(known), help="repeatable")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per case (30)")
    parser.add_argument(
        "--memory-limit", type=int, default=4096, help="address-space cap per case, MB (4096)"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    options = parser.parse_args()
    if options.list:
        for name, what in known.items():
            print(f"{name:28} {what}")
        return 0
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="samlcheck-resources-") as temp:
        for name in options.case or list(known):
            what = known[name]
            folder = Path(temp) / name
            folder.mkdir()
            made = time.perf_counter()
            args = build(name, folder)
            made = time.perf_counter() - made
            size = sum(p.stat().st_size for p in folder.iterdir())
            seconds, cpu, peak, exit_text, output, stderr = run(
                args, folder, options.timeout, options.memory_limit
            )
            verdict, note = judge(seconds, peak, exit_text, stderr)
            outcome = Outcome(
                name,
                what,
                size,
                round(seconds, 2),
                round(cpu, 2),
                round(peak, 1),
                exit_text,
                output,
                verdict,
                note,
            )
            outcomes.append(outcome)
            if not options.json:
                print(row(outcome), f"(generated in {made:.1f} s)", flush=True)
            for path in folder.iterdir():
                path.unlink()  # free the disk before the next case
    if options.json:
        print(json.dumps([asdict(o) for o in outcomes], indent=2))
    else:
        failed = sum(o.verdict == "FAIL" for o in outcomes)
        print(
            f"\n{len(outcomes)} cases, {failed} missed the goal ({GOAL_SECONDS:g} s, {GOAL_MB} MB)"
        )
    return 1 if any(o.verdict == "FAIL" for o in outcomes) else 0


HEADER = (
    f"{'case':28} {'input':>10} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} {'exit':>7} "
    f"{'out bytes':>11}  result"
)


def row(o: Outcome) -> str:
    if not hasattr(row, "printed"):
        print(HEADER)
        row.printed = True  # type: ignore[attr-defined]
    size = f"{o.input_bytes / 1e6:.2f} MB"
    return (
        f"{o.case:28} {size:>10} {o.seconds:7.2f} {o.cpu_seconds:7.2f} {o.peak_mb:8.1f} "
        f"{o.exit:>7} {o.output_bytes:11,}  {o.verdict} {o.note}"
    )


if __name__ == "__main__":
    sys.exit(main())
