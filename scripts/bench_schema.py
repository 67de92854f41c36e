"""Cost of getting the SAML metadata schema ready and validating one metadata file, cold.

Each run is a fresh Python subprocess. samlcheck: import trust.schema, build the schema, check
fixtures/idp/metadata.xml (base64 check and budget included). Reference: lxml's bare
`etree.XMLSchema` on the same vendored XSDs and `validate` on the same file. Prints the medians
and the ratio.

Run: PYTHONPATH=. python scripts/bench_schema.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "fixtures" / "idp" / "metadata.xml"
XSD = ROOT / "samlcheck" / "schemas" / "xsd" / "saml-schema-metadata-2.0.xsd"
_PROBES = {
    "samlcheck (trust.schema)": (
        "import time; start = time.perf_counter(); from lxml import etree; "
        "from samlcheck._internal.trust import schema; "
        f"root = etree.parse({str(METADATA)!r}).getroot(); schema.metadata_schema(); "
        "ready = time.perf_counter(); assert schema.validate(root) == (); "
        "print(ready - start, time.perf_counter() - ready)"
    ),
    "reference (bare lxml XMLSchema)": (
        "import time; start = time.perf_counter(); from lxml import etree; "
        f"root = etree.parse({str(METADATA)!r}).getroot(); "
        f"xsd = etree.XMLSchema(etree.parse({str(XSD)!r})); "
        "ready = time.perf_counter(); assert xsd.validate(root); "
        "print(ready - start, time.perf_counter() - ready)"
    ),
}


def _run(probe: str) -> tuple[float, float]:
    """(seconds to import and build, seconds to validate) in a fresh interpreter."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    output = subprocess.run(
        [sys.executable, "-c", probe], env=env, check=True, capture_output=True, text=True
    )
    ready, validated = output.stdout.split()
    return float(ready), float(validated)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="runs per case (default 11)")
    args = parser.parse_args()
    runs: dict[str, list[tuple[float, float]]] = {label: [] for label in _PROBES}
    for _ in range(args.runs):  # alternating, so both see the same machine load
        for label, probe in _PROBES.items():
            runs[label].append(_run(probe))
    print(f"runs per case: {args.runs} (fresh subprocess each; python {sys.version.split()[0]})")
    print(f"{'':34} {'ready':>10} {'validate':>10} {'total':>10}")
    totals: list[float] = []
    for label, results in runs.items():
        ready = statistics.median(r for r, _ in results) * 1000
        check = statistics.median(v for _, v in results) * 1000
        total = statistics.median(r + v for r, v in results) * 1000
        totals.append(total)
        print(f"{label:<34} {ready:8.2f} ms {check:8.2f} ms {total:8.2f} ms")
    print(f"ratio samlcheck/reference: {totals[0] / totals[1]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
