"""Benchmark capture decoding and CLI start-up against references measured in the same run.

Run: python scripts/bench_decode.py [--repeat N]
Prints medians and the ratio to each reference:
- decoding a HAR (200 entries, 20 SAML POSTs) vs the floor of the same work: json.loads plus
  base64-decoding the 20 values;
- `samlcheck --help` vs `python -c pass` (interpreter start-up), each in a fresh process.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import testidp  # noqa: E402

from samlcheck._internal.inputs.capture import decode_capture  # noqa: E402


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def big_har() -> bytes:
    posts = [
        testidp.HarPost(testidp.response_xml(testidp.ResponseSpec(response_id=f"_r{i}")))
        for i in range(20)
    ]
    har = json.loads(testidp.as_har(posts))
    filler: dict[str, object] = {
        "request": {"method": "GET", "url": "https://cdn.example.test/app.js"}
    }
    filler["response"] = {"content": {"mimeType": "text/javascript", "text": "x" * 20_000}}
    entries = har["log"]["entries"]
    har["log"]["entries"] = [e for entry in entries for e in [entry] + [filler] * 9]
    return json.dumps(har).encode()


def floor(data: bytes) -> None:
    for entry in json.loads(data)["log"]["entries"]:
        for param in entry["request"].get("postData", {}).get("params", []):
            if param["name"] == "SAMLResponse":
                base64.b64decode(urllib.parse.unquote(param["value"]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=21)
    repeat = parser.parse_args().repeat
    data = big_har()
    ours = median_seconds(lambda: decode_capture(data, "bench.har"), repeat)
    reference = median_seconds(lambda: floor(data), repeat)
    print(f"HAR {len(data) / 1e6:.1f} MB, 20 SAML messages (median of {repeat} runs)")
    print(f"  samlcheck decode_capture : {ours * 1000:8.2f} ms")
    ratio = ours / reference
    print(f"  json.loads + b64decode   : {reference * 1000:8.2f} ms   ratio {ratio:.1f}x")

    def run(*args: str) -> None:
        subprocess.run([sys.executable, *args], check=True, capture_output=True)

    cli = median_seconds(lambda: run("-m", "samlcheck", "--help"), max(5, repeat // 3))
    bare = median_seconds(lambda: run("-c", "pass"), max(5, repeat // 3))
    print("CLI start-up (fresh process each run)")
    print(f"  samlcheck --help         : {cli * 1000:8.1f} ms")
    print(f"  python -c pass           : {bare * 1000:8.1f} ms   ratio {cli / bare:.1f}x")


if __name__ == "__main__":
    main()
