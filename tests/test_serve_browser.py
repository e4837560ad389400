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

from tests.helpers_browser import (
    DESKTOP,
    PHONE,
    chromium,
    layout_problems,
    require_chromium,
    screenshot,
    viewport,
    wait_for,
    wait_for_download,
)
from tests.helpers_serve import PASSWORD, Round, Server, build_round, fresh_copy, post_file, read_links
from xlsform.manifest import Manifest

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
        driver.find_element(By.LINK_TEXT, "430112001").click()
        wait_for(driver, "#reissue")
        driver.get(server.url + "/admin/missing")
        driver.get(server.url + "/admin/")
        driver.find_element(By.LINK_TEXT, "下载汇总表").click()
        summary = wait_for_download(downloads, "汇总_*.xlsx")
        rows = {r[0]: r for r in openpyxl.load_workbook(summary)["汇总表"].iter_rows(values_only=True)}
        assert "已通过" in rows["430112001"] and "未报送" in rows["430112999"]


LONG_NAME = "2024/2025年度 长沙市望城区接待服务中心 部门整体支出绩效自评表（第三次修改，已按财政局意见逐项核对）.xlsx"


def _pages(server: Server, rnd: Round, driver: Any) -> dict[str, str]:
    """Every kind of page, filled as in a real round: findings, a history with long names, a refusal, late
    marks, a held upload."""
    links = read_links(rnd.folder)
    post_file(links["430112001"], rnd.returns["errors"].read_bytes(), name=LONG_NAME)
    post_file(links["430112001"], b"not a workbook", name="扫描件.pdf")
    for _ in range(3):
        post_file(links["430112001"], rnd.returns["clean"].read_bytes(), name=LONG_NAME)
    post_file(links["430112001"], rnd.returns["errors"].read_bytes(), name=LONG_NAME)     # held: more errors
    post_file(links["430112004"], rnd.returns["invalid"].read_bytes())
    post_file(links["430112002"], rnd.returns["warnings"].read_bytes())
    from selenium.webdriver.common.by import By

    driver.get(server.url + "/admin/login")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login").click()
    wait_for(driver, "#counts")
    return {
        "unit-page": links["430112001"], "unit-errors": links["430112004"], "unit-new": links["430112999"],
        "admin-dashboard": server.url + "/admin/", "admin-unit": server.url + "/admin/unit/430112001",
        "admin-unit-errors": server.url + "/admin/unit/430112004",
        "admin-missing": server.url + "/admin/missing", "admin-audit": server.url + "/admin/audit",
        "admin-password": server.url + "/admin/password",
        "admin-confirm": server.url + "/admin/unit/430112002/link?action=reissue",
        "error-page": links["430112001"] + "/annotated/999999", "home": server.url + "/",
    }


def test_every_page_fits_a_desktop_and_a_phone(browser: tuple[Any, Path], tmp_path: Path) -> None:
    """Laid out by the browser at 1366x900 and 390x844: nothing wider than the screen, no table cell narrower
    than two characters, no short label (a state, a count, a time) broken over two lines (the 级别 and 单元格
    columns used to wrap one character a line; a phone's history table spilled past its card; a long file
    name widened the page; beside a long unit name the board's 仅有警告 took two lines)."""
    from selenium.webdriver.common.by import By

    driver, _ = browser
    rnd = fresh_copy(build_round(tmp_path / "made"), tmp_path)
    manifest = Manifest.load(rnd.manifest)       # a unit name of the roster's longest (100 characters), and a
    [never] = [u for u in manifest.units if u.code == "430112999"]       # short label beside it stays whole
    never.name = "长沙市望城区" + "某某" * 47
    manifest.save(rnd.manifest, force=True)
    with Server(rnd.manifest, "--deadline", "2020-01-01") as server:
        pages = _pages(server, rnd, driver)
        problems = {}
        for size, kind in ((DESKTOP, "desktop"), (PHONE, "phone")):
            viewport(driver, size)
            for name, url in pages.items():
                driver.get(url)
                wait_for(driver, "main")
                if found := layout_problems(driver):
                    problems[f"{name} {kind}"] = found[:5]
                screenshot(driver, f"{name}-{kind}", size)
        driver.get(server.url + "/admin/")
        driver.find_element(By.XPATH, "//button[text()='退出']").click()
        wait_for(driver, "#password")
        for size, kind in ((DESKTOP, "desktop"), (PHONE, "phone")):
            viewport(driver, size)
            driver.get(server.url + "/admin/login")
            problems.update({f"login {kind}": found} if (found := layout_problems(driver)) else {})
            screenshot(driver, f"admin-login-{kind}", size)
        assert problems == {}


def test_the_printed_missing_list_leaves_room_to_write(browser: tuple[Any, Path], made: Round,
                                                        tmp_path: Path) -> None:
    """备注 is for the office to write in by hand: printed on A4 it gets a real column (it was two characters)."""
    from selenium.webdriver.common.by import By

    driver, _ = browser
    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        driver.get(server.url + "/admin/login")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login").click()
        wait_for(driver, "#counts")
        driver.get(server.url + "/admin/missing")
        viewport(driver, (794, 1123), print_media=True)          # A4 at 96 px to the inch
        widths = driver.execute_script(
            "return [...document.querySelectorAll('table.print th')].map(c => [c.textContent, c.clientWidth,"
            " parseFloat(getComputedStyle(c).fontSize)])")
        viewport(driver, DESKTOP)
    note = next((w, font) for text, w, font in widths if text == "备注")
    assert note[0] >= 12 * note[1], widths                       # room for a dozen characters at least
    assert all(w >= 2 * font for _, w, font in widths), widths


def test_the_service_has_a_favicon(made: Round, tmp_path: Path) -> None:
    import urllib.request

    rnd = fresh_copy(made, tmp_path)
    with Server(rnd.manifest) as server:
        page = urllib.request.urlopen(server.url + "/").read().decode()
        assert 'rel="icon"' in page
        for url in (server.url + "/favicon.ico", server.url + "/static/favicon.svg"):
            with urllib.request.urlopen(url) as res:
                assert res.headers["Content-Type"].startswith("image/svg+xml") and b"<svg" in res.read()
