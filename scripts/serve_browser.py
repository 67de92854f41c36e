"""Drive `samlcheck serve` in a real headless Chromium (Debian's chromium and chromium-driver,
through Selenium): the end-to-end test and the README screenshot share this code.

    python scripts/serve_screenshot.py   # writes docs/serve-report.png
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from samlcheck._internal.serve.server import Server

CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1600",
)


def missing() -> str | None:
    """Why the browser cannot run here, or None."""
    for path in (CHROMIUM, DRIVER):
        if not Path(path).exists():
            return f"{path} is not installed (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@contextmanager
def running() -> Iterator[Server]:
    """A serve instance on a free loopback port, in a thread."""
    server = Server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def browser() -> Iterator[Any]:
    """Headless Chromium with a fresh profile, removed afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="samlcheck-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver: Any, css: str, text: str = "", timeout: float = 30) -> Any:
    """The first element matching `css` (containing `text`) once it shows."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def found(d: Any) -> Any:
        for element in d.find_elements(By.CSS_SELECTOR, css):
            if element.is_displayed() and text in element.text:
                return element
        return False

    return WebDriverWait(driver, timeout).until(found)


def check_response(driver: Any, server: Server, capture: Path, metadata: Path, at: str) -> Any:
    """Paste a capture, choose the metadata, check; the verdict element."""
    from selenium.webdriver.common.by import By

    driver.get(server.url)
    area = driver.find_element(By.ID, "capture")
    driver.execute_script("arguments[0].value = arguments[1]", area, capture.read_text())
    driver.find_element(By.ID, "metadata-file").send_keys(str(metadata))
    driver.find_element(By.ID, "at").send_keys(at)
    driver.find_element(By.ID, "check").click()
    return wait_for(driver, "#result-response .verdict .big")
