"""`samlcheck serve` end to end in a real headless Chromium (skipped only without one)."""

from __future__ import annotations

from pathlib import Path

import pytest
from serve_browser import browser, check_response, missing, running, wait_for

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

pytestmark = pytest.mark.skipif(missing() is not None, reason=str(missing()))


def test_paste_drop_pick_and_metadata_bom(tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    with running() as server, browser() as driver:
        # paste a fixture response with metadata: the verdict, large, with its rule and fix
        verdict = check_response(
            driver,
            server,
            FIXTURES / "responses/issuer-mismatch.xml",
            FIXTURES / "idp/metadata.xml",
            "2026-01-15T12:01:00Z",
        )
        assert verdict.text.startswith("InvalidIdentityToken")
        box = driver.find_element(By.CSS_SELECTOR, "#result-response .verdict")
        assert "SC-SIG-023" in box.text and "Fix:" in box.text
        assert driver.find_elements(By.CSS_SELECTOR, ".xml span.hit")
        assert driver.find_elements(By.CSS_SELECTOR, ".xml span.signed")
        screenshot = tmp_path / "serve-report.png"
        driver.save_screenshot(str(screenshot))
        assert screenshot.stat().st_size > 10_000

        # a HAR with two responses (after the AuthnRequest), dropped on the capture box (a
        # DataTransfer holding the file, as a browser builds it for a drag from the desktop):
        # the list, then the second response
        driver.get(server.url)
        driver.execute_script(
            """const [name, text] = arguments;
            const data = new DataTransfer();
            data.items.add(new File([text], name, {type: "application/json"}));
            const box = document.getElementById("capture");
            box.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true}));""",
            "signin-chrome.har",
            (FIXTURES / "captures/signin-chrome.har").read_text(encoding="utf-8"),
        )
        driver.find_element(By.ID, "check").click()
        wait_for(driver, "#messages", "Checked: [1]")
        radios = driver.find_elements(By.CSS_SELECTOR, "#messages input[type=radio]")
        assert len(radios) >= 2
        radios[2].click()
        wait_for(driver, "#messages", "Checked: [2]")
        source = wait_for(driver, "#result-response .verdict")
        assert "entry" in source.text

        # metadata with a BOM: IAM's error on the metadata tab
        driver.get(server.url)
        driver.find_element(By.ID, "tab-metadata").click()
        driver.find_element(By.ID, "md-file").send_keys(str(FIXTURES / "metadata/bom.xml"))
        driver.find_element(By.ID, "check-metadata").click()
        error = wait_for(driver, "#result-metadata .verdict .big")
        assert error.text == "Could not parse metadata."
        assert "SC-MD-001" in driver.find_element(By.ID, "result-metadata").text
