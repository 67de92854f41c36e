"""Benchmark `check` on one signed response against signxml's bare verification of it.

Run: python scripts/bench_check.py [--repeat N]
The reference is the least any checker must do: one signxml verification of the Response
signature with the pinned certificate. samlcheck does more (both signatures, digests recomputed
for the diagnosis, profile and wrapping checks, every rule); the ratio says how much more it costs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import testidp  # noqa: E402
from bench_decode import median_seconds  # noqa: E402

from samlcheck._internal.checks.response import check_loaded  # noqa: E402
from samlcheck._internal.inputs.capture import Message  # noqa: E402
from samlcheck._internal.options import CheckOptions  # noqa: E402
from samlcheck._internal.trust.anchors import load_trust  # noqa: E402


def median_ms(action: Callable[[], object], repeat: int) -> float:
    return median_seconds(action, repeat) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=31)
    repeat = parser.parse_args().repeat
    from signxml.verifier import SignatureConfiguration, XMLVerifier

    data = (ROOT / "fixtures" / "responses" / "valid.xml").read_bytes()
    metadata = ROOT / "fixtures" / "idp" / "metadata.xml"
    at = dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc)
    options = CheckOptions(metadata=(metadata,), at=at)
    trust = load_trust(options.metadata, ())
    message = Message("bench", data)
    cert = testidp.idp().cert
    config = SignatureConfiguration(location="./", verification_time=at)

    ours = median_ms(lambda: check_loaded(message, options, trust), repeat)
    floor = median_ms(
        lambda: XMLVerifier().verify(data, x509_cert=cert, expect_config=config), repeat
    )
    print(f"check one signed response (median of {repeat} runs, trust loaded once)")
    print(f"  samlcheck check_response     : {ours:7.2f} ms")
    print(f"  signxml verify (Response sig) : {floor:7.2f} ms   ratio {ours / floor:.1f}x")


if __name__ == "__main__":
    main()
