"""The system chromium driven by selenium, for tests that act as a person in a browser.

Only Debian's `chromium` and `chromium-driver` are used, by their paths: nothing may download a browser or
a driver, so Selenium Manager is switched off (SE_OFFLINE) and never needed. Without them these tests are
skipped with the reason; under CI (env CI set) they FAIL instead, as the LibreOffice tests do.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

from tests.helpers_lo import missing

CHROMIUM = os.environ.get("XLSFORM_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("XLSFORM_CHROMEDRIVER", "/usr/bin/chromedriver")


def unavailable_reason() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: pip install -e '.[test]'"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not Path(path).exists() and not shutil.which(Path(path).name):
            return f"{path} is missing: install Debian's {package} (`bash scripts/install-test-deps.sh`)"
    return None


def require_chromium() -> None:
    reason = unavailable_reason()
    if reason is not None:
        missing(reason, "the browser tests")


def chromium(downloads: Path, width: int = 1100, height: int = 900) -> Any:
    """A headless chromium whose downloads land in `downloads` without asking."""
    os.environ["SE_OFFLINE"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--lang=zh-CN", "--no-first-run", "--disable-extensions"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False,
                                           "safebrowsing.enabled": False})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)


def wait_for(driver: Any, css: str, timeout: float = 15.0) -> Any:
    """The element once the page that has it is there (a click that submits a form returns before that)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR,
                                                                                               css)))


def wait_for_download(folder: Path, pattern: str, timeout: float = 20.0) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(pattern) if not p.name.endswith(".crdownload")]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no download matching {pattern} in {folder}: {[p.name for p in folder.iterdir()]}")


DESKTOP = (1366, 900)
PHONE = (390, 844)

# What the browser's own layout says is wrong with the page: anything wider than the viewport (the page
# scrolling sideways), and table cells with text narrower than two characters (text one character a line).
_LAYOUT_PROBLEMS = """
const vw = document.documentElement.clientWidth, out = [];
if (document.documentElement.scrollWidth > vw + 1) out.push(`page ${document.documentElement.scrollWidth} px wide`);
for (const e of document.querySelectorAll('body *')) {
  const r = e.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  if (r.right > vw + 1 || r.left < -1)
    out.push(`${e.tagName.toLowerCase()}.${e.className} spans ${Math.round(r.left)}..${Math.round(r.right)} px`);
}
for (const c of document.querySelectorAll('td, th')) {
  const s = getComputedStyle(c);
  if (!c.textContent.trim() || c.getClientRects().length === 0) continue;      // empty, or not shown
  const inner = c.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  if (inner < 2 * parseFloat(s.fontSize) - 0.5)
    out.push(`cell "${c.textContent.trim().slice(0, 12)}" ${inner.toFixed(1)} px`);
  const text = c.textContent.trim();                 // a short label (a state, a count, a time) on one line
  if (text.length <= 8 && !/\\s/.test(text)) {
    const range = document.createRange();
    range.selectNodeContents(c);
    const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (tops.size > 1) out.push(`cell "${text}" broken over ${tops.size} lines`);
  }
}
return out;
"""


def viewport(driver: Any, size: tuple[int, int], *, print_media: bool = False) -> None:
    """The page laid out as on a screen of `size` CSS pixels (a phone's when narrow: its meta viewport
    applies), or as printed."""
    width, height = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print" if print_media else ""})


def layout_problems(driver: Any) -> list[str]:
    return list(driver.execute_script(_LAYOUT_PROBLEMS))


def screenshot(driver: Any, name: str, size: tuple[int, int] = DESKTOP) -> None:
    """With XLSFORM_SCREENSHOTS=<folder>, keep a full-page picture of the current page there (for docs/), as
    laid out at `size` (the viewport's width; as tall as the page)."""
    folder = os.environ.get("XLSFORM_SCREENSHOTS")
    if not folder:
        return
    viewport(driver, size)
    height = driver.execute_script("window.scrollTo(0, 0); return document.documentElement.scrollHeight")
    viewport(driver, (size[0], max(size[1], min(int(height), 4000))))
    Path(folder).mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(Path(folder) / f"{name}.png"))
    viewport(driver, size)
