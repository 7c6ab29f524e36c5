"""The built handbook in a real browser (Debian's Chromium, headless, through Playwright):
search, review badges, the Schedule 1 index, accessibility (axe-core, WCAG 2.2 AA), phone
and print layouts, and linkchecker over every page. Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import BIN
from playwright.sync_api import expect, sync_playwright
from site_fixtures import ARTIFACTS, build_site, earliest_review, launch_chromium, serve_folder

pytestmark = pytest.mark.browser

PAGE_TYPES = {
    "home": "index.html",
    "policy": "policies/missing-child.html",
    "statement-of-purpose": "statement-of-purpose/statement-of-purpose.html",
    "childrens-guide": "statement-of-purpose/childrens-guide.html",
    "regulation-map": "regulation-map.html",
    "review-schedule": "review-schedule.html",
}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def due_soon():
    """A day 30 days before the first review falls due: that document is "due soon"."""
    review, path = earliest_review()
    return review - dt.timedelta(days=30), path


@pytest.fixture(scope="module")
def site(tmp_path_factory, due_soon):
    folder = tmp_path_factory.mktemp("site")
    repo = build_site(folder, due_soon[0])
    base, stop = serve_folder(folder)
    yield base, folder, repo
    stop()


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def search(page, base: str, words: str):
    page.goto(base + "index.html")
    page.keyboard.press("/")  # Material's keyboard shortcut for search
    expect(page.locator(".md-search__input")).to_be_focused()
    page.keyboard.type(words)
    results = page.locator(".md-search-result__item > .md-search-result__link h1")
    expect(results.first).to_be_visible(timeout=10_000)
    return results


@pytest.mark.parametrize("words, first", [
    ("missing", "Missing child policy"),
    ("restraint", "Behaviour management policy"),
    ("complain", "Complaints policy and procedure"),
    ("bullying", "Anti-bullying policy"),
])
def test_search_finds_the_right_document_first(page, site, words, first):
    base, _, _ = site
    results = search(page, base, words)
    assert results.first.inner_text() == first


def test_search_works_from_the_keyboard(page, site):
    base, _, _ = site
    search(page, base, "missing")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/policies/missing-child.html*")
    page.screenshot(path=ARTIFACTS / "search-missing-opened.png")


def test_due_soon_document_shows_the_badge(page, site, due_soon):
    base, _, _ = site
    _, path = due_soon
    page.goto(base + path.removesuffix(".md") + ".html")
    badge = page.locator(".document-control .review-badge--due-soon")
    expect(badge).to_have_text("Review due soon")
    page.screenshot(path=ARTIFACTS / "due-soon-badge.png")


def test_schedule_1_index_links_resolve_to_sections(page, site):
    base, _, _ = site
    page.goto(base + PAGE_TYPES["statement-of-purpose"])
    links = page.locator(".schedule-1-index table a")
    assert links.count() == 22
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href")
        assert target.startswith("#")
        assert page.locator(f"[id='{target[1:]}']").count() == 1, f"matter {index + 1}: no section {target}"
    links.nth(13).click()
    heading = page.locator(f"[id='{links.nth(13).get_attribute('href')[1:]}']")
    expect(heading).to_be_in_viewport()


def test_last_updated_dates_come_from_git(page, site):
    base, _, repo = site
    committed = subprocess.run(["git", "log", "-1", "--format=%cs", "--", "policies/missing-child.md"],
                               cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
    day = dt.date.fromisoformat(committed)
    page.goto(base + PAGE_TYPES["policy"])
    expect(page.locator(".md-source-file")).to_contain_text(f"{day.day} {day:%B %Y}")


@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_page_type_has_no_accessibility_violations(page, site, kind):
    base, _, _ = site
    page.goto(base + PAGE_TYPES[kind])
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    page.screenshot(path=ARTIFACTS / f"{kind}.png", full_page=False)
    assert result.violations_count == 0, result.generate_report()


def test_search_dialog_with_results_has_no_accessibility_violations(page, site):
    base, _, _ = site
    search(page, base, "missing")
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    page.screenshot(path=ARTIFACTS / "search-results.png")
    assert result.violations_count == 0, result.generate_report()


def test_pages_fit_a_phone_screen(browser, site):
    base, _, _ = site
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        for kind, path in PAGE_TYPES.items():
            phone.goto(base + path)
            overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{kind} is {overflow}px wider than a phone screen"
            phone.screenshot(path=ARTIFACTS / f"phone-{kind}.png")
        phone.goto(base + "index.html")
        quick_help = phone.locator(".grid.cards a[href*='missing-child']").first
        expect(quick_help).to_be_visible()
    finally:
        context.close()


def test_pages_print_without_navigation(page, site):
    base, _, _ = site
    page.goto(base + PAGE_TYPES["policy"])
    page.emulate_media(media="print")
    expect(page.locator(".md-sidebar--primary")).to_be_hidden()
    expect(page.locator(".md-header")).to_be_hidden()
    expect(page.locator(".document-control")).to_be_visible()
    page.pdf(path=ARTIFACTS / "policy-print.pdf")


def test_linkchecker_finds_no_broken_link_or_anchor(site):
    base, _, _ = site
    result = subprocess.run([str(BIN / "linkchecker"), "--no-status", "-f", os.path.join(os.path.dirname(__file__),
                             "linkcheckerrc"), base + "index.html"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 errors found" in result.stdout or "no errors" in result.stdout.lower()
