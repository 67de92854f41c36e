"""Write docs/serve-report.png: the report page of `samlcheck serve` for a fixture response,
taken by the end-to-end test's code path (scripts/serve_browser.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from serve_browser import browser, check_response, missing, running

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    reason = missing()
    if reason:
        sys.stderr.write(f"serve_screenshot: {reason}\n")
        return 1
    out = ROOT / "docs" / "serve-report.png"
    out.parent.mkdir(exist_ok=True)
    with running() as server, browser() as driver:
        driver.set_window_size(1000, 1000)
        check_response(
            driver,
            server,
            ROOT / "fixtures/responses/issuer-mismatch.xml",
            ROOT / "fixtures/idp/metadata.xml",
            "2026-01-15T12:01:00Z",
        )
        driver.execute_script("document.getElementById('result-response').scrollIntoView()")
        driver.save_screenshot(str(out))
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
