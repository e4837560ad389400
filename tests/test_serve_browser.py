"""A unit and the office in a real browser (the system chromium), against a real `xlsform serve` process.

Reads as the people's steps: the office logs in and sees nobody has returned; a unit opens its link, uploads
a return with an error, reads the finding, downloads the annotated copy, uploads the corrected return and
sees 已通过; the office reloads its board, sees the counts change and downloads the summary.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

pytest.importorskip("flask")

from tests.helpers_browser import chromium, require_chromium, screenshot, wait_for, wait_for_download
from tests.helpers_serve import PASSWORD, Round, Server, build_round, fresh_copy, read_links

pytestmark = pytest.mark.browser


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    require_chromium()
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = chromium(downloads)
    try:
        yield driver, downloads
    finally:
        driver.quit()


def counts(driver: Any) -> dict[str, int]:
    from selenium.webdriver.common.by import By

    return {li.get_attribute("data-state"): int(li.find_element(By.CLASS_NAME, "n").text)
            for li in driver.find_elements(By.CSS_SELECTOR, "#counts li.count")}


def test_a_unit_fixes_its_return_and_the_office_sees_it(browser: tuple[Any, Path], tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver, downloads = browser
    rnd: Round = fresh_copy(build_round(tmp_path / "made"), tmp_path)
    with Server(rnd.manifest, "--deadline", "2025-03-31") as server:
        link = read_links(rnd.folder)["430112001"]

        # the office logs in: nobody has returned yet
        driver.get(server.url + "/admin/")
        screenshot(driver, "admin-login")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login").click()
        wait_for(driver, "#counts")
        assert counts(driver) == {"未报送": 4, "有错误": 0, "仅有警告": 0, "已通过": 0}

        # the unit opens its link and uploads a return with an error
        driver.get(link)
        assert "长沙市望城区接待服务中心" in driver.page_source
        assert driver.find_element(By.ID, "state").text == "未报送"
        driver.find_element(By.ID, "file").send_keys(str(rnd.returns["errors"]))
        driver.find_element(By.ID, "submit").click()
        wait_for(driver, "#result")
        assert driver.find_element(By.ID, "state").text == "有错误"
        first = driver.find_element(By.CSS_SELECTOR, "table.findings tbody tr")
        assert first.get_attribute("class") == "sev-error" and "XF220" in first.text
        assert "<script>alert('x')</script>" in first.text        # the cell's text, shown as text
        screenshot(driver, "unit-page", width=412)

        # ... downloads the annotated copy
        driver.find_element(By.ID, "annotated").click()
        copy = wait_for_download(downloads, "*_校验.xlsx")
        assert "校验结果" in openpyxl.load_workbook(copy).sheetnames

        # ... and uploads the corrected return
        driver.find_element(By.ID, "file").send_keys(str(rnd.returns["clean"]))
        driver.find_element(By.ID, "submit").click()
        wait_for(driver, "section.history tbody tr:nth-child(2)")
        assert driver.find_element(By.ID, "state").text == "已通过"
        assert len(driver.find_elements(By.CSS_SELECTOR, "section.history tbody tr")) == 2

        # the office sees the counts change and downloads the summary
        driver.get(server.url + "/admin/")
        assert counts(driver) == {"未报送": 3, "有错误": 0, "仅有警告": 0, "已通过": 1}
        screenshot(driver, "admin-dashboard")
        driver.find_element(By.LINK_TEXT, "430112001").click()
        wait_for(driver, "#reissue")
        screenshot(driver, "admin-unit")
        driver.get(server.url + "/admin/missing")
        screenshot(driver, "admin-missing")
        driver.get(server.url + "/admin/")
        driver.find_element(By.LINK_TEXT, "下载汇总表").click()
        summary = wait_for_download(downloads, "汇总_*.xlsx")
        rows = {r[0]: r for r in openpyxl.load_workbook(summary)["汇总表"].iter_rows(values_only=True)}
        assert "已报送" in rows["430112001"] and "未报送" in rows["430112999"]
