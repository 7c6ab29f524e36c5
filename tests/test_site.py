"""The built handbook in a real browser (Debian's Chromium, headless, through Playwright).

The real handbook, as staff and inspectors get it: search finds what a worker types; no page
scrolls sideways on a phone; every page type passes axe-core (WCAG 2.2 AA) in the light and
the dark scheme, with the search dialog open too; what a reader needs is on the first screen;
every phone number can be tapped; the inspector copy works from disk and speaks to
inspectors; linkchecker finds no broken link or anchor. The fixture handbook (a registered
home with approved documents) for what needs approvals: review badges, git dates, print.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import BIN, REPO, built_once, last_touched, run
from playwright.sync_api import expect, sync_playwright
from site_fixtures import ARTIFACTS, broken_anchors, build_site, check_links, earliest_review, launch_chromium, serve_folder

pytestmark = pytest.mark.browser

PAGE_TYPES = {
    "home": "index.html",
    "policy": "policies/missing-child.html",
    "statement-of-purpose": "statement-of-purpose/statement-of-purpose.html",
    "childrens-guide": "statement-of-purpose/childrens-guide.html",
    "regulation-map": "regulation-map.html",
    "review-schedule": "review-schedule.html",
    "status": "status.html",
    "topics": "topics.html",
    "how-to": "how-to/add-or-review-a-document.html",
    "404": "404.html",
}
IN_THE_INSPECTOR_COPY = ["home", "policy", "statement-of-purpose", "childrens-guide", "regulation-map",
                         "review-schedule", "topics", "404"]
VIEWPORTS = {"small-phone": (320, 640), "phone": (390, 844), "desktop": (1280, 800)}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# UK phone numbers as they are written: 999, 101, 0800 1111, 0300 123 1231 ... (a full stop after one may end the sentence)
PHONE = re.compile(r"(?<![\w.(/:-])(?:999|101|111|116 ?\d{3}|0\d{2,4}(?: ?\d{3,4}){1,2})(?![\w)/-]|\.\d)")


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def real_site(tmp_path_factory, real_repository):
    """The real handbook's staff site (built once for the run), served on 127.0.0.1."""
    def make(folder: Path) -> None:
        result = run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(folder)], real_repository,
                     today=last_touched(REPO), HANDBOOK_GIT_DATES="true")
        assert result.returncode == 0, result.stderr

    folder = built_once(tmp_path_factory, "real-site", make)
    base, stop = serve_folder(folder)
    yield base, folder
    stop()


@pytest.fixture(scope="module")
def inspector_copy(tmp_path_factory, real_draft_copy):
    """The real handbook's inspector copy (a draft copy: the home is applying), unzipped."""
    folder = tmp_path_factory.mktemp("copy")
    bundle, _ = real_draft_copy
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(folder / "unzipped")
    (root,) = (folder / "unzipped").iterdir()
    return root


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    """The fixture handbook (built once for the run) on a day 30 days before its first review
    falls due, served on 127.0.0.1: (base URL, its git repository, the path of that document)."""
    review, path = earliest_review()
    folder = built_once(tmp_path_factory, "fixture-site", lambda shared: build_site(shared, review - dt.timedelta(days=30)))
    base, stop = serve_folder(folder / "site")
    yield base, folder / "handbook", path
    stop()


@contextmanager
def new_page(browser, viewport: str = "desktop", scheme: str = "light"):
    """A page in a browser context of its own (that viewport and colour scheme), closed after use."""
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                  is_mobile=viewport != "desktop", has_touch=viewport != "desktop")
    try:
        yield context.new_page()
    finally:
        context.close()


# Material's search runs in a web worker. Once the index is ready, every keystroke that changes
# the query sends the query so far to the worker, and every answer redraws the results. If the
# index becomes ready while the words are still being typed (it does on a busy machine), the
# results on screen can be the answer to "r" while "restraint" is still with the worker: a test
# that reads them as soon as any are shown reads the wrong list, or focuses a result that the
# next answer throws away. So the page keeps count of what it asks the worker and what the
# worker answers, and search() waits until the last thing asked is the whole query and every
# question has had its answer. That is enough: the worker answers in the order it is asked, and
# Material draws the results in the same task as the answer arrives, so they are on screen
# before the wait can end. The count only watches the messages; it changes none of them. It
# runs before the page's own scripts (an init script), so Material's worker is the one watched.
# 2 and 3 are Material 9's SearchMessageType for a query and its results: if an upgrade ever
# changes them, search() times out rather than reading a list that is not the answer.
SEARCH_WATCH = """(() => {
  if (window.handbookSearch) return;
  const search = window.handbookSearch = { asked: [], answered: 0 };
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", event => { if (event.data?.type === 3) search.answered++; });
    }
    postMessage(message, ...rest) {
      if (message?.type === 2) search.asked.push(message.data);
      return super.postMessage(message, ...rest);
    }
  };
})()"""
SEARCH_DONE = """words => {
  const search = window.handbookSearch;
  return document.querySelector(".md-search__input").value === words
    && search.asked.at(-1) === words && search.answered === search.asked.length;
}"""


def search(page, base: str, words: str):
    """Type `words` into the search box as a reader would; the result titles, once the worker
    has answered the whole query (not a query cut short by the typing)."""
    page.add_init_script(SEARCH_WATCH)
    page.goto(base + "index.html")
    page.keyboard.press("/")  # Material's keyboard shortcut for search
    expect(page.locator(".md-search__input")).to_be_focused()
    page.keyboard.type(words)
    page.wait_for_function(SEARCH_DONE, arg=words, timeout=10_000)
    results = page.locator(".md-search-result__item > .md-search-result__link h1")
    expect(results.first).to_be_visible()
    return results


def axe(page):
    # Every rule of the tags still runs on every node, and every violation is reported in full;
    # resultTypes only stops axe-core listing each node that passed (or that a rule did not apply
    # to), which the tests never read and which costs a fifth of each run (axe-core's API docs).
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options)


# --- search -------------------------------------------------------------------------------

@pytest.mark.parametrize("words, first", [
    ("run away", "Missing child policy"),
    ("absconded", "Missing child policy"),
    ("went missing", "Missing child policy"),
    ("restraint", "Behaviour management policy"),
    ("hold", "Behaviour management policy"),
    ("complain", "Complaints policy and procedure"),
    ("whistleblow", "Whistleblowing policy"),
    ("allegation against staff", "Safeguarding policy"),
    # A night worker's words, from a review that found nothing to act on for them.
    ("suicide", "Self-harm and suicide risk procedure"),
    ("self harm", "Self-harm and suicide risk procedure"),
    ("medication error", "Medicines policy"),
    ("violent", "Behaviour management policy"),
    ("hitting", "Behaviour management policy"),
])
def test_search_finds_what_a_worker_types_first(browser, real_site, words, first):
    with new_page(browser) as page:
        assert search(page, real_site[0], words).first.inner_text() == first


def test_search_snippets_never_run_table_cells_together(browser, real_site):
    with new_page(browser) as page:
        search(page, real_site[0], "police")
        snippets = page.locator(".md-search-result__item .md-typeset").all_inner_texts()
        assert snippets and not any("What you know Category" in s for s in snippets)


def test_search_works_from_the_keyboard(browser, real_site):
    with new_page(browser) as page:
        search(page, real_site[0], "missing")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.wait_for_url("**/policies/missing-child.html*")


# --- phones first -------------------------------------------------------------------------

@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_page_scrolls_sideways_on_the_site(browser, real_site, viewport):
    with new_page(browser, viewport) as page:
        for kind, path in PAGE_TYPES.items():
            page.goto(real_site[0] + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{kind} is {overflow}px wider than the {viewport} screen"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_page_scrolls_sideways_in_the_inspector_copy_from_disk(browser, inspector_copy, viewport):
    with new_page(browser, viewport) as page:
        for kind in IN_THE_INSPECTOR_COPY:
            page.goto((inspector_copy / PAGE_TYPES[kind]).as_uri())
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{kind} is {overflow}px wider than the {viewport} screen, from disk"


def test_the_first_step_of_the_missing_child_policy_is_on_the_first_phone_screen(browser, real_site):
    with new_page(browser, "phone") as page:
        page.goto(real_site[0] + PAGE_TYPES["policy"])
        first_step = page.locator("article ol > li").first
        expect(first_step).to_contain_text("Decide the risk now.")
        box = first_step.bounding_box()
        assert box is not None and box["y"] + 24 <= VIEWPORTS["phone"][1], f"the first step starts at {box}"
        risk = page.locator(".admonition.warning").first
        assert risk.bounding_box()["y"] < box["y"], "the risk box comes before the steps"
        page.screenshot(path=ARTIFACTS / "after-policy-phone.png")


def test_the_childrens_guide_first_phone_screen_is_for_the_child(browser, real_site):
    with new_page(browser, "phone") as page:
        page.goto(real_site[0] + PAGE_TYPES["childrens-guide"])
        visible = page.evaluate("""() => {
            const bottom = window.innerHeight; const parts = [];
            for (const el of document.querySelectorAll('article p, article h1, article h2, article li, article td')) {
              const box = el.getBoundingClientRect();
              if (box.top < bottom && box.bottom > 0 && el.offsetParent !== null) parts.push(el.innerText);
            }
            return parts.join(' ');
        }""")
        assert "guide is for you" in visible
        assert not re.search(r"\b[Rr]egulation\b|\b\d+\(\d+\)", visible), visible
        page.screenshot(path=ARTIFACTS / "after-childrens-guide-phone.png")


def test_the_emergency_box_is_the_largest_text_on_the_home_page(browser, real_site):
    with new_page(browser, "phone") as page:
        page.goto(real_site[0] + "index.html")
        sizes = page.evaluate("""() => {
            const size = el => parseFloat(getComputedStyle(el).fontSize);
            const box = document.querySelector('.admonition.emergency p:not(.admonition-title)');
            const others = [...document.querySelectorAll('article *')].filter(
              el => !el.closest('.admonition.emergency') && el.innerText && el.innerText.trim());
            return [size(box), Math.max(...others.map(size))];
        }""")
        assert sizes[0] >= sizes[1], f"emergency text {sizes[0]}px, other text up to {sizes[1]}px"


@pytest.mark.parametrize("kind, site", [("regulation-map", "real_site"), ("review-schedule", "fixture_site"),
                                        ("status", "real_site")])
def test_on_a_phone_the_handbooks_tables_stack_with_every_cell_on_screen_and_labelled(browser, request, kind, site):
    """The inspector's answer (the regulation map's "Served by") must not hide past the edge of a
    phone: each row stacks, each cell inside the screen, led by its column's heading. (The review
    schedule is the fixture handbook's: the real one has no approved document to list yet.)"""
    with new_page(browser, "phone") as page:
        page.goto(request.getfixturevalue(site)[0] + PAGE_TYPES[kind])
        cells = page.evaluate("""() => [...document.querySelectorAll('.stack-on-phone td')].map(td => ({
            right: td.getBoundingClientRect().right, label: td.dataset.label || '',
            shown: getComputedStyle(td, '::before').content}))""")
        width = page.viewport_size["width"]
        assert cells, f"{kind} has no stacked table"
        assert [c for c in cells if c["right"] > width] == []
        assert [c for c in cells if not c["label"] or c["label"] not in c["shown"]] == []
        if kind == "regulation-map":
            assert {c["label"] for c in cells} >= {"Regulation", "What it is about", "Written document", "Served by"}


def test_every_phone_number_on_the_site_is_a_link_to_call(real_site):
    _, folder = real_site
    untappable = []
    for page in folder.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        article = html[html.find("<article"):html.find("</article>")] if "<article" in html else ""
        text = re.sub(r'<a [^>]*href="tel:[^"]*"[^>]*>.*?</a>', " ", article, flags=re.S)
        text = re.sub(r"<(script|style|code)\b.*?</\1>", " ", text, flags=re.S)
        text = re.sub(r'\b(?:href|src|id|class|data-[\w-]+)="[^"]*"', " ", text)
        for match in PHONE.finditer(re.sub(r"<[^>]+>", " ", text)):
            untappable.append(f"{page.relative_to(folder)}: {match.group(0)}")
    assert untappable == []
    assert 'href="tel:999"' in (folder / PAGE_TYPES["policy"]).read_text()


def test_on_a_phone_the_home_pages_numbers_to_call_are_buttons_a_thumb_can_hit(browser, real_site):
    """At 3 a.m. the numbers in the emergency box and the quick help are tapped in a hurry: each
    at least 44 by 44 pixels (inline links elsewhere keep the size of their text). The steps are
    numbered as written."""
    with new_page(browser, "phone") as page:
        page.goto(real_site[0] + PAGE_TYPES["home"])
        links = page.evaluate("""() => [...document.querySelectorAll('.admonition.emergency a.tel, .grid.cards a.tel')]
            .map(a => { const box = a.getBoundingClientRect();
                        return {number: a.innerText, width: box.width, height: box.height}; })""")
        numbering = page.evaluate("[...document.querySelectorAll('.grid.cards ol')].map(o => getComputedStyle(o).listStyleType)")
        page.screenshot(path=ARTIFACTS / "home-quick-help-phone.png", full_page=True)
    assert {link["number"] for link in links} >= {"999", "101", "111"}
    assert [link for link in links if link["width"] < 44 or link["height"] < 44] == []
    assert set(numbering) == {"decimal"}, "the steps are numbered 1, 2, 3 as written"


# --- accessibility ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(PAGE_TYPES))
@pytest.mark.parametrize("viewport, scheme", [("phone", "light"), ("desktop", "light"), ("phone", "dark")])
def test_page_type_has_no_accessibility_violations(browser, real_site, kind, viewport, scheme):
    with new_page(browser, viewport, scheme) as page:
        page.goto(real_site[0] + PAGE_TYPES[kind])
        result = axe(page)
        assert result.violations_count == 0, result.generate_report()
        if kind in ("policy", "childrens-guide", "regulation-map") and scheme == "light":
            page.screenshot(path=ARTIFACTS / f"after-{kind}-{viewport}.png")


@pytest.mark.parametrize("viewport, scheme", [("phone", "light"), ("desktop", "dark")])
def test_search_dialog_with_results_has_no_accessibility_violations(browser, real_site, viewport, scheme):
    with new_page(browser, viewport, scheme) as page:
        search(page, real_site[0], "missing")
        result = axe(page)
        assert result.violations_count == 0, result.generate_report()


@pytest.mark.parametrize("kind", IN_THE_INSPECTOR_COPY)
def test_inspector_copy_page_from_disk_has_no_accessibility_violations(browser, inspector_copy, kind):
    with new_page(browser, "phone") as page:
        page.goto((inspector_copy / PAGE_TYPES[kind]).as_uri())
        result = axe(page)
        assert result.violations_count == 0, result.generate_report()


# --- the inspector copy speaks to inspectors ------------------------------------------------

def test_the_inspector_copy_404_page_works_from_disk(browser, inspector_copy):
    with new_page(browser) as page:
        page.goto((inspector_copy / "404.html").as_uri())
        styled = page.evaluate("getComputedStyle(document.querySelector('.md-header')).position")
        assert styled in ("sticky", "fixed"), "the theme's stylesheet did not load"
        page.locator(".md-header__button.md-logo").click()
        assert page.url.endswith("/index.html")


def test_the_pages_made_for_the_inspector_copy_use_no_build_words(inspector_copy):
    made = ["regulation-map.html", "review-schedule.html", "inspector-copy.html", "index.html",
            "policies/missing-child.html"]
    for name in made:
        html = (inspector_copy / name).read_text(encoding="utf-8")
        article = re.sub(r"<[^>]+>", " ", html[html.find("<article"):html.find("</article>")])
        for word in ("will not build", ".vale", "JSON", "iCalendar", "Flesch", "git", "commit"):
            assert not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", article, re.I), f"{name} says {word!r}"


# --- the fixture handbook: approvals, reviews, git ----------------------------------------------

def test_due_soon_document_shows_the_badge(browser, fixture_site):
    base, _, path = fixture_site
    with new_page(browser) as page:
        page.goto(base + path.removesuffix(".md") + ".html")
        expect(page.locator(".document-status .review-badge--due-soon")).to_have_text("Review due soon")
        expect(page.locator(".document-control .review-badge--due-soon")).to_have_text("Review due soon")


def test_search_reads_the_regulation_map_but_not_the_lists_of_documents(fixture_site):
    """The regulation map's tables are in the search index (an inspector looks a regulation up
    there and finds the documents that serve it). The review schedule and the topics list each
    document, which search finds by itself: their lists are on the page, not in the index
    (handbook/views/site_pages.py, page_functions)."""
    _, repo, path = fixture_site
    site = repo.parent / "site"
    title = re.search(r'^title: "?(.+?)"?$', (repo / path).read_text(encoding="utf-8"), re.M).group(1)
    entries = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    for page, searched in (("regulation-map.html", True), ("review-schedule.html", False), ("topics.html", False)):
        assert title in (site / page).read_text(encoding="utf-8"), page
        indexed = " ".join(e["title"] + " " + e["text"] for e in entries if e["location"].split("#")[0] == page)
        assert indexed, f"{page} is not in the search index at all"
        assert (title in indexed) is searched, page


def test_schedule_1_index_links_resolve_to_sections(browser, fixture_site):
    base = fixture_site[0]
    with new_page(browser) as page:
        page.goto(base + PAGE_TYPES["statement-of-purpose"])
        links = page.locator(".schedule-1-index td a")
        assert links.count() == 22
        for index in range(links.count()):
            target = links.nth(index).get_attribute("href")
            assert target.startswith("#")
            assert page.locator(f"[id='{target[1:]}']").count() == 1, f"matter {index + 1}: no section {target}"
            assert links.nth(index).inner_text() != "Go to the section"


def test_last_updated_dates_come_from_git(browser, fixture_site):
    base, repo, _ = fixture_site
    committed = subprocess.run(["git", "log", "-1", "--format=%cs", "--", "policies/missing-child.md"],
                               cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
    day = dt.date.fromisoformat(committed)
    with new_page(browser) as page:
        page.goto(base + PAGE_TYPES["policy"])
        expect(page.locator(".md-source-file")).to_contain_text(f"{day.day} {day:%B %Y}")


def test_pages_print_without_navigation(browser, fixture_site):
    with new_page(browser) as page:
        page.goto(fixture_site[0] + PAGE_TYPES["policy"])
        page.emulate_media(media="print")
        expect(page.locator(".md-sidebar--primary")).to_be_hidden()
        expect(page.locator(".md-header")).to_be_hidden()
        expect(page.locator(".document-control")).to_be_visible()


@pytest.mark.unit
def test_a_broken_anchor_is_found_with_its_page_and_line(tmp_path):
    (tmp_path / "guide").mkdir()
    (tmp_path / "index.html").write_text(
        '<h1 id="top">Home</h1>\n<a href="#top">ok</a> <a href="#gone">same page</a>\n'
        '<a href="guide/#steps">ok</a> <a href="guide/index.html#nope">other page</a>\n'
        '<a href="https://example.org/#x">elsewhere</a> <a href="missing.html#x">linkchecker says</a>\n'
        '<a href="guide/#a%20b">encoded</a>', encoding="utf-8")
    (tmp_path / "guide" / "index.html").write_text(
        '<h2 id="steps">Steps</h2><a name="a b"></a><a href="../index.html#top">back</a>'
        '<a href="../#missing-top">up</a>', encoding="utf-8")
    assert broken_anchors(tmp_path) == ["guide/index.html:1: ../#missing-top", "index.html:2: #gone",
                                        "index.html:3: guide/index.html#nope"]


def test_linkchecker_finds_no_broken_link_or_anchor(real_site):
    base, folder = real_site
    assert check_links(base, folder) == []
