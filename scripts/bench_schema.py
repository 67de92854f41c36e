"""Cold versus warm cost of getting the SAML metadata schema ready (build vs cached copy).

Each run is a fresh Python subprocess that times `trust.schema.metadata_schema()` (importing
xmlschema included, since a warm run pays for it too). Cold runs get an empty cache directory each;
warm runs share one cache directory filled beforehand. Prints the medians and the ratio.

Run: PYTHONPATH=. python scripts/bench_schema.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_PROBE = (
    "import time; start = time.perf_counter(); "
    "import xmlschema; from samlcheck._internal.trust import schema; "
    "imported = time.perf_counter(); "
    "schema.metadata_schema(); done = time.perf_counter(); "
    "print(imported - start, done - imported)"
)


def _run(cache_home: str) -> tuple[float, float]:
    """(seconds to import xmlschema and the schema module, seconds to get the schema ready)."""
    env = {**os.environ, "XDG_CACHE_HOME": cache_home}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    output = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, check=True, capture_output=True, text=True
    )
    imported, ready = output.stdout.split()
    return float(imported), float(ready)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per case (default 7)")
    args = parser.parse_args()
    cold: list[tuple[float, float]] = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="samlcheck-cold-") as home:
            cold.append(_run(home))
    with tempfile.TemporaryDirectory(prefix="samlcheck-warm-") as home:
        _run(home)  # fill the cache
        if not any((Path(home) / "samlcheck").glob("*.pickle")):
            print("the cache was not written; warm runs would be cold", file=sys.stderr)
            return 1
        warm = [_run(home) for _ in range(args.runs)]
    print(f"runs per case: {args.runs} (fresh subprocess each; python {sys.version.split()[0]})")
    print("                                   schema ready   + import xmlschema = total")
    medians: dict[str, tuple[float, float]] = {}
    for label, runs in (
        ("cold (empty cache, schema built)", cold),
        ("warm (cached schema loaded)", warm),
    ):
        ready = statistics.median(r for _, r in runs) * 1000
        total = statistics.median(i + r for i, r in runs) * 1000
        medians[label] = (ready, total)
        print(f"{label:<34} {ready:9.1f} ms {total - ready:14.1f} ms {total:9.1f} ms")
    (cold_ready, cold_total), (warm_ready, warm_total) = medians.values()
    print(
        f"ratio cold/warm: {cold_ready / warm_ready:.1f}x for the schema, "
        f"{cold_total / warm_total:.1f}x including the import"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
