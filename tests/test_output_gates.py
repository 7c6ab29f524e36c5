"""The last gates on what the handbook publishes (issue 11, the output half):

- every page's HTML, in the site and in the PDF, passes a maintained sanitiser (nh3) or the
  build and the export fail, naming the page;
- the PDF takes only what the handbook made: WeasyPrint's URL fetcher serves files of the built
  copy and refuses everything else, and a PDF with an embedded file is never written;
- only governed documents, the site's pages and assets and the theme's templates are published:
  any other file, and any symbolic link, is an error naming it, for check, build and export;
- the export builds the site exactly as strictly as `make build`.

Each attack is shown refused with a one-line message naming the file, with dist/ unchanged."""

from __future__ import annotations

import http.server
import os
import re
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import (
    REPO,
    check,
    commit_all,
    copy_handbook,
    fixture_today,
    front_matter,
    handbook_command,
    mkdocs_build,
    write_document,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape
from PIL import Image

from handbook.views.safe_html import (
    _STRICT,
    PageGate,
    _elements,
    _permissive,
    removed_by_sanitiser,
    serialised_elements,
)

pytestmark = pytest.mark.build

REFUSED_ATTACHMENT = "file:///etc/hostname"
SECURITY = "a document may hold Markdown and the HTML listed in README.md, 'Security'"


# --- the sanitiser gate, in-process ---------------------------------------------------------

ATTACKS = {
    "a style element (attack 5: it hides other policies in the PDF)":
        ("<style>.part { display: none }</style>", "a <style> element"),
    "a script": ("<script>alert(1)</script>", "a <script> element"),
    "an event handler": ('<p onclick="steal()">x</p>', 'the onclick="steal()" attribute of a <p> element'),
    "a file: link": (f'<a href="{REFUSED_ATTACHMENT}">x</a>', f'the href="{REFUSED_ATTACHMENT}" attribute of a <a> element'),
    "an attachment": ('<a href="x.html" rel="attachment">x</a>', 'the rel="attachment" attribute of a <a> element'),
    "a javascript: link": ('<a href="JaVaScript:alert(1)">x</a>', 'the href="JaVaScript:alert(1)" attribute'),
    "an encoded javascript: link": ('<a href="jav&#x09;ascript:alert(1)">x</a>', "<a href> that a browser would not"),
    "a picture from a web address": ('<img src="http://127.0.0.1:9/x" alt="">', 'the src="http://127.0.0.1:9/x"'),
    "a picture from the disk": ('<img src="/etc/hostname" alt="">', 'the src="/etc/hostname" attribute'),
    "a data: picture": ('<img src="data:image/png;base64,AAAA" alt="">', 'the src="data:image/png;base64,AAAA"'),
    "an iframe": ('<iframe src="https://example.org"></iframe>', "a <iframe> element"),
    "an object": ('<object data="x.pdf"></object>', "a <object> element"),
    "an embed": ('<embed src="x.swf">', "a <embed> element"),
    "a link element": ('<link rel="stylesheet" href="x.css">', "a <link> element"),
    "a meta refresh": ('<meta http-equiv="refresh" content="0; url=https://example.org">', "a <meta> element"),
    "a form": ('<form action="https://example.org"><input name="x"></form>', "a <form> element"),
    "a base": ('<base href="https://example.org/">', "a <base> element"),
    "a body with onload": ('<body onload="steal()"><p>x</p>', "<body onload> that a browser would not"),
    "a style attribute laid over every page": ('<div style="position: fixed; inset: 0">x</div>',
                                               'the style="position: fixed; inset: 0" attribute of a <div>'),
    "an svg with a script": ("<svg><script>alert(1)</script></svg>", "a <script> element"),
    "text shown right to left": ('<p dir="rtl">15 30 60</p>', 'the dir="rtl" attribute of a <p> element'),
    "text shown right to left after a mark": ('<p dir="auto">\u200f15 30 60</p>', 'the dir="auto" attribute of a <p>'),
    "a list numbered otherwise in the PDF": ('<ol reversed type="a"><li>x</li></ol>', 'the reversed="" attribute of a '
                                             '<ol> element'),
    "the theme's configuration taken": ('<div id="__config" class="highlight"><pre>{}</pre></div>',
                                        'the id="__config" attribute of a <div> element'),
    "a table cell laid over every page": ('<table><tr><td style="position: fixed">x</td></tr></table>',
                                          'the style="position: fixed" attribute of a <td> element'),
    "a box hidden on the site and printed in the PDF": (
        '<div class="admonition tabbed-block"><p>x</p></div>', 'the class="admonition tabbed-block" attribute of a '
        '<div> element'),
    "text left out of search": ('<p class="linenodiv">Restraint</p>', 'the class="linenodiv" attribute of a <p>'),
    "the PDF's running head": ('<div class="admonition note running"><p>x</p></div>',
                               'the class="admonition note running" attribute of a <div> element'),
    "a theme class": ('<span class="md-typeset">x</span>', 'the class="md-typeset" attribute of a <span> element'),
    "elements a browser reads inside a declaration": (
        '<![CDATA[><p class="document-status" data-search-exclude>Version 9.9, approved</p><?]]>',
        "'<![CDATA[><p...', markup that is not an element (a comment, a declaration or a processing instruction), "
        "which browsers and the handbook's checks read differently"),
    "a processing instruction": ("<?team-note changed without agreement?>", "'<?team-note ...', markup that is not"),
    "a comment": ("<!-- Child A is back on Friday -->", "'<!-- Child A...', markup that is not an element"),
    "a comment a browser ends at once": ("<!--><h1>Approved</h1><!-- -->", "'<!--><h1>App...', markup that is not"),
    "an end tag with no name": ("</ x><p>x</p>", "'</ x><p>x</p...', markup that is not an element"),
    "the page's article closed early": ("</article><p>Outside.</p>", "a </article> end tag closing an element that was "
                                        "never opened there (it would close part of the page around it)"),
    "a block of the page closed": ("<div><p>x</p></div></div>", "a </div> end tag closing an element"),
    "a block closed by the list around it, then again": ("<ul><li><div>One</li></ul><p>x</p></div>",
                                                         "a </div> end tag closing an element"),
    "a second element with the id of a section": ('<h2 id="document-control">Document control</h2><p>x</p>'
                                                  '<h2 id="document-control">Document control</h2>',
                                                  "the id 'document-control' twice (links to it, such as the page's "
                                                  "own to its Document control, could lead to either)"),
    "hidden text": ("<p hidden>Restraint is never used.</p>", "the hidden attribute of a <p> element that is not one "
                    "of the handbook's own blocks"),
    "text kept out of search": ("<div data-search-exclude><p>Restraint</p></div>", "the data-search-exclude attribute "
                                "of a <div> element that is not one of the handbook's own blocks"),
    "a status line's attribute on other text": ('<p class="admonition-title" data-search-exclude>x</p>',
                                                "the data-search-exclude attribute of a <p> element"),
    "the copy stamp's date on another block": ('<div class="admonition" data-earliest-review="2020-01-01">x</div>',
                                               "the data-earliest-review attribute of a <div> element"),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_the_sanitiser_gate_refuses(name):
    fragment, expected = ATTACKS[name]
    removed = removed_by_sanitiser(f"<p>Before.</p>{fragment}<p>After.</p>")
    assert removed is not None and str(removed).startswith(expected), removed


MARKUP = [
    '<p>Call <a href="tel:+441234567890">01234 567890</a>, write to <a href="mailto:a@example.org">us</a>, read '
    '<a href="https://www.legislation.gov.uk/uksi/2015/541">the law</a> or <a href="../policies/x.html#a">x</a>.</p>',
    '<table><thead><tr><th style="text-align: center;">A</th><th>B</th></tr></thead>'
    '<tbody><tr><td style="text-align: right;">1</td><td><code>2</code></td></tr></tbody></table>',
    '<div class="admonition warning"><p class="admonition-title">Note</p><p>Text &amp; more.</p></div>',
    '<details class="abstract"><summary>What changed</summary><ul><li><strong>Added:</strong> <ins>new</ins></li>'
    "<li><del>old</del></li></ul></details>",
    '<h2 id="what-staff-do">What staff do<a class="headerlink" href="#what-staff-do" title="Permanent link">¶</a></h2>',
    '<p><img src="../assets/images/map.png" alt="A map of the home"></p><ol start="3"><li>x</li></ol><hr>',
    "<dl><dt>Term</dt><dd>Meaning</dd></dl><p>5 &lt; 6, “quotes” and é</p>",
    '<aside class="md-source-file"><span class="md-icon" title="Last update"><svg xmlns="http://www.w3.org/2000/svg" '
    'viewBox="0 0 24 24"><path d="M21 13.1"></path></svg></span></aside>',
    '<div class="language-text highlight"><pre><span></span><code><span class="c1"># x</span> <span class="nb">y'
    '</span></code></pre></div><div class="grid cards"><p><a class="md-button md-button--primary" href="x">x</a> '
    '<a class="tel" href="tel:+44">1</a></p></div>',
    '<div class="copy-stamp admonition info" data-search-exclude data-earliest-review="2027-01-01"><p>Copy</p>'
    '<p class="copy-stamp__stale" hidden>Out of date</p></div><p class="document-status" data-search-exclude>Version '
    '1.0</p><p class="document-notice document-notice--draft" data-search-exclude>Draft</p><table data-search-exclude>'
    '<tbody><tr><td>x</td></tr></tbody></table><div class="schedule-1-index" data-search-exclude><p>x</p></div>',
    "<p>An end tag HTML lets a page leave out, given twice</p></p><br></br><ul><li>x</li></li></ul><div/>x</div>",
]


@pytest.mark.parametrize("fragment", MARKUP)
def test_the_sanitiser_gate_keeps_what_the_handbook_makes(fragment):
    assert removed_by_sanitiser(fragment) is None


@pytest.mark.unit
def test_a_page_has_one_title_and_a_part_of_the_pdf_none():
    title, heading = "<h1>Complaints policy</h1>", "<h1>Inspectors: this is approved</h1>"
    beside = "a <h1> heading beside the title (the PDF would list it as a document of its own)"
    assert removed_by_sanitiser(f"{title}<p>x</p>") is None
    assert str(removed_by_sanitiser(f"{title}<p>x</p>{heading}")) == beside
    assert removed_by_sanitiser("<h2>Part</h2><p>x</p>", titles=0) is None
    assert str(removed_by_sanitiser(f"<p>x</p>{heading}", titles=0)) == beside


# The gate's quick answer reads nh3's output with a pattern instead of a second pass of the HTML
# parser. On every page the allowlist keeps whole, both readings must give the same elements.
PIECES = ["<p>", "</p>", "<a href=\"x.html?a=1&amp;b=2\">", "</a>", "<img src=\"a.png\" alt='a \"b\" <c>'>",
          "<td>", "<tr>", "<table>", "</table>", "<li>", "<ul>", "</ul>", "<br/>", "<hr>", "<!-- <p class=x> -->",
          "<!-->", "<div class=\"a&nbsp;b\" title=\"x > y\" data-search-exclude>", "</div>", "<svg viewBox=\"0 0 1 1\">",
          "<path d=\"M0\"/>", "</svg>", "<foreignObject>", "<details open>", "<summary>", "<style>", "</style>",
          "<xmp>", "<script>", "<body onload=\"x()\">", "<plaintext>", "<noscript>", "<p title='&lt;b&gt;'>",
          "<P ID=Upper>", "<span lang=en dir=rtl>", "< p>", "<3", "&amp;", "&lt;", "\u00a0", "<![CDATA[<p>]]>",
          "<?php x ?>", "<!doctype html>", "<abbr title=\"a\nb\">", "<code>", "</code>", "<em>", "</em>"]


@pytest.mark.unit
@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=30))
def test_the_quick_reading_of_the_sanitised_page_is_the_parsers(pieces):
    fragment = "".join(pieces)
    baseline = _permissive(fragment, _elements(fragment))
    if _STRICT.clean(fragment) == baseline:
        assert serialised_elements(baseline) == _elements(baseline)


@pytest.mark.unit
@pytest.mark.parametrize("fragment", MARKUP)
def test_the_quick_reading_of_what_the_handbook_makes_is_the_parsers(fragment):
    baseline = _permissive(fragment, _elements(fragment))
    assert serialised_elements(baseline) == _elements(baseline) != []


# --- helpers ------------------------------------------------------------------------------

def append(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def old_dist(root: Path) -> Path:
    """A previous export in dist/ (which a refused export must leave alone); the handbook made a
    git repository first, as an export needs one."""
    if not (root / ".git").exists():
        commit_all(root, fixture_today())
    dist = root / "dist"
    dist.mkdir()
    (dist / "old-export.zip").write_bytes(b"the previous export")
    return dist


def assert_dist_unchanged(dist: Path) -> None:
    assert [p.name for p in dist.iterdir()] == ["old-export.zip"]
    assert (dist / "old-export.zip").read_bytes() == b"the previous export"


def error_lines(output: str, prefix: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(prefix)]


def assert_build_refuses(root: Path, line: str) -> None:
    build = mkdocs_build(root)
    assert build.returncode != 0
    assert "Traceback" not in build.stdout + build.stderr
    assert f"ERROR    -  {line}" in build.stderr.splitlines(), build.stderr[-3000:]
    page, problem = line.split(": ", 1)
    if problem.startswith("the built page holds"):  # the gate's: the page's file holds the refusal, not the page
        written = (root / "site" / page).with_suffix(".html").read_text(encoding="utf-8")
        assert f"<title>Page not built: {escape(page)}</title>" in written
        assert f"<strong>The problem:</strong> {escape(line)}</p>" in written
        assert '<html lang="en-GB">' in written and "<h1>This page was not built</h1>" in written


def assert_export_refuses(root: Path, line: str) -> None:
    dist = old_dist(root)
    export = handbook_command(root, "export")
    assert export.returncode == 1
    assert "Traceback" not in export.stdout + export.stderr
    assert line in export.stdout + export.stderr, export.stdout + export.stderr[-3000:]
    assert_dist_unchanged(dist)


class CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - the standard library's name
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(b"secret")

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/x", CountingHandler.requests
    server.shutdown()
    server.server_close()


# --- a document that would leak a file or fetch a URL ---------------------------------------

# The source check refuses it first; the output gates (tested on their own below) are the last line.
ATTACHMENT_LINE = ('policies/complaints.md, line 155: rel="attachment" on an attribute list would attach a file to the '
                   "inspectors' PDF - remove it; an ordinary link is enough")


def test_a_policy_attaching_a_local_file_is_refused_by_build_and_export(handbook_copy):
    append(handbook_copy, "policies/complaints.md", f'See [the host name]({REFUSED_ATTACHMENT}){{: rel="attachment" }}.')
    assert_build_refuses(handbook_copy, ATTACHMENT_LINE)
    assert_export_refuses(handbook_copy, f"ERROR: {ATTACHMENT_LINE}")


@pytest.mark.parametrize("markdown", ["![a picture]({url})", "![a picture][pic]\n\n[pic]: {url}"],
                         ids=["picture", "picture by reference"])
def test_a_picture_from_a_web_address_is_refused_by_the_check_with_its_line(handbook_copy, local_server, markdown):
    """The source check refuses a picture from another address, on its line (a reference's on the
    definition's), before anything is built: the build and the export stop, and the server sees nothing."""
    url, requests = local_server
    append(handbook_copy, "policies/complaints.md", markdown.format(url=url))
    message = (f"the image '{url}' is not a file of the handbook: a picture from another address "
            "shows whatever is there on the day, and tells that site who is reading - keep the picture in "
            "docs/assets/images/ and give its path relative to this page, for example ../assets/images/front-door.png")
    (found,) = [f for f in check(handbook_copy, fixture_today()).findings if f.check == "content-policy"]
    text = (handbook_copy / "policies/complaints.md").read_text(encoding="utf-8").splitlines()
    line = f"policies/complaints.md, line {found.line}: {message}"
    assert str(found) == line and url in text[found.line - 1]
    assert_build_refuses(handbook_copy, line)
    assert_export_refuses(handbook_copy, f"ERROR: {line}")
    assert requests == []


def test_the_theme_is_given_only_the_settings_a_site_page_may_have_whatever_mkdocs_read(handbook_copy):
    """The check refuses any other setting a page of docs/ gives (its front matter, or a first line
    MkDocs reads as one); a setting it did not see (here put there by a hook that runs first) never
    reaches the theme, which would print it into the page's head as it is."""
    (handbook_copy / "earlier_hook.py").write_text(
        "def on_page_markdown(markdown, page, config, files):\n"
        "    if page.file.src_uri == 'how-to/read-a-failed-check.md':\n"
        "        page.meta['description'] = '\"><script>alert(document.domain)</script>'\n"
        "    return markdown\n", encoding="utf-8")
    config = handbook_copy / "mkdocs.yml"
    config.write_text(config.read_text().replace("hooks:\n", "hooks:\n  - earlier_hook.py\n", 1))
    build = mkdocs_build(handbook_copy)
    assert build.returncode == 0, build.stderr[-2000:]
    page = (handbook_copy / "site/how-to/read-a-failed-check.html").read_text(encoding="utf-8")
    assert "alert(document.domain)" not in page


def test_a_large_handbook_is_gated_beside_the_build_and_refused_the_same_way(handbook_copy):
    """From PageGate.WORTH_A_WORKER pages, the gate reads the pages in a worker process."""
    source = (handbook_copy / "policies" / "anti-bullying.md").read_text(encoding="utf-8")
    for number in range(PageGate.WORTH_A_WORKER):
        (handbook_copy / "policies" / f"extra-{number:03}.md").write_text(
            source.replace("id: anti-bullying", f"id: extra-{number:03}")
                  .replace("title: Anti-bullying policy", f"title: Extra policy {number:03}"), encoding="utf-8")
    # An element the gate's allowlist does not hold, put on one page by a theme template, which the
    # source check does not read (a document's own <marquee> is refused by the check first).
    (handbook_copy / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ super() }}{% if page.file.src_uri == "policies/extra-042.md" %}'
        "<marquee>Approved.</marquee>{% endif %}{% endblock %}\n", encoding="utf-8")
    expected = ("policies/extra-042.md: the built page holds a <marquee> element, which the handbook does not publish "
                "- remove it")
    assert_build_refuses(handbook_copy, f"{expected}; {SECURITY}")


@pytest.mark.unit
def test_the_gate_beside_answers_each_page_it_refuses_with_the_file_it_was_written_to():
    gate = PageGate(PageGate.WORTH_A_WORKER, beside=True)
    if not gate.beside:
        pytest.skip("one core: the gate has no worker beside the build")
    try:
        gate.submit("policies/a.md", "/site/policies/a.html", "<p>Fine.</p>")
        gate.submit("policies/b.md", "/site/policies/b.html", '<p onclick="steal()">x</p>')
        assert [(page, written, str(removed)) for page, written, removed in gate.answers()] == [
            ("policies/b.md", "/site/policies/b.html", 'the onclick="steal()" attribute of a <p> element')]
        assert gate.answers() == []
    finally:
        gate.close()


@pytest.mark.unit
def test_a_gate_whose_worker_cannot_start_gates_each_page_itself():
    gate = PageGate(PageGate.WORTH_A_WORKER, beside=True)
    if not gate.beside:
        pytest.skip("one core: the gate has no worker beside the build")
    gate._pool.shutdown()  # as when no worker can start: the pool takes no more pages
    gate.submit("policies/b.md", "/site/policies/b.html", '<p onclick="steal()">x</p>')
    assert not gate.beside
    assert [(page, str(removed)) for page, _, removed in gate.answers()] == [
        ("policies/b.md", 'the onclick="steal()" attribute of a <p> element')]


@pytest.mark.parametrize("markdown", [f'[x]({REFUSED_ATTACHMENT}){{: rel="attachment" }}', "![x](file:///etc/hostname)"])
def test_handbook_check_refuses_the_same_documents(handbook_copy, markdown):
    append(handbook_copy, "policies/complaints.md", markdown)
    check = handbook_command(handbook_copy, "check")
    assert check.returncode == 1
    assert any(re.match(r"ERROR: policies/complaints\.md, line \d+: ", line) for line in check.stdout.splitlines())


def test_a_policy_with_a_style_element_is_refused_by_build_and_export(handbook_copy):
    """Attack 5: a <style> in one policy hid the others in the PDF while the contents listed them."""
    append(handbook_copy, "policies/anti-bullying.md", "<style>section.part { display: none }</style>")
    line = ("policies/anti-bullying.md, line 124: <style> is not allowed in a document - remove it: documents hold text, links "
            "and images; the handbook's theme decides how pages look and what runs on them")
    assert_build_refuses(handbook_copy, line)
    assert_export_refuses(handbook_copy, f"ERROR: {line}")


# --- the PDF's own gates, even if the site's gate were bypassed ----------------------------

def _pdf_handbook(root: Path, text: str):
    from handbook.checks import load_and_check

    append(root, "policies/complaints.md", text)
    site = root / "built-copy"
    (site / "policies").mkdir(parents=True)
    return load_and_check(root, fixture_today()).for_inspectors(), site


def test_text_left_open_cannot_take_the_pdfs_document_control_from_its_place(handbook_copy, tmp_path):
    """A <p> left open at the start of a line makes Python-Markdown pass the rest of the page on
    as raw text, the Document control and History headings included. The check on the source
    refuses it; the PDF, made from the same text, refuses it too."""
    from handbook.export.pdf import RefusedInPdf, handbook_html

    handbook, site = _pdf_handbook(handbook_copy, "<p>")
    with pytest.raises(RefusedInPdf) as refused:
        handbook_html(handbook, "abc", "Inspector copy", site)
    assert str(refused.value) == (
        "policies/complaints.md: the page's own text keeps the handbook's tables, or its Document control and History "
        "headings, from their place (a code block or an HTML element it leaves open, such as a <p> at the start of a "
        "line) - close it")


@pytest.mark.parametrize("text, held", [
    ("<style>section.part { display: none }</style>", "a <style> element"),
    ("<h1>Approved by Ofsted</h1>", "a <h1> heading beside the title (the PDF would list it as a document of its own)"),
    ("</section><p>Outside the part.</p>", "a </section> end tag closing an element that was never opened there (it "
                                           "would close part of the page around it)"),
])
def test_the_pdf_gate_names_the_document(handbook_copy, tmp_path, text, held):
    """The check on the source refuses each of these first (load_and_check records its
    findings and goes on); the PDF's own gate refuses them too, naming the document."""
    from handbook.export.pdf import RefusedInPdf, write_pdf

    handbook, site = _pdf_handbook(handbook_copy, text)
    with pytest.raises(RefusedInPdf) as refused:
        write_pdf(handbook, "abc", "Inspector copy", tmp_path / "copy.pdf", site)
    assert str(refused.value) == (f"policies/complaints.md: the PDF would hold {held}, which the handbook "
                                  f"does not publish - remove it; {SECURITY}")
    assert not (tmp_path / "copy.pdf").exists()


def test_every_pdf_shows_what_is_kept_off_the_website_only(handbook_copy, tmp_path):
    """A passage between {% if edition != "public" %} and {% endif %} is in the inspector copy's
    PDF and in a PDF of one document (made outside the build, where HANDBOOK_EDITION is not set)."""
    import subprocess

    from handbook.export.document_copy import document_pdf
    from handbook.export.pdf import handbook_html

    handbook, site = _pdf_handbook(handbook_copy, '{% if edition != "public" %}NOTONTHEWEBSITE{% endif %}')
    whole = handbook_html(handbook, "abc", "Inspector copy", site)
    assert "NOTONTHEWEBSITE" in whole and "{%" not in whole
    complaints = next(d for d in handbook.documents if d.id == "complaints")
    document_pdf(load_and_check_staff(handbook_copy), complaints, tmp_path / "one.pdf")
    text = subprocess.run(["pdftotext", str(tmp_path / "one.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "NOTONTHEWEBSITE" in text


EDITION_ASKED = ("a {% if %} or {{ }} uses the edition other than to leave a passage out of the public website "
                 "(ASKED): staff and inspectors read the same words, and the website no more - write "
                 "{% if edition != \"public\" %} ... {% endif %} around what the home keeps off the website, and nothing "
                 "else with edition")


ONLY_ELSEWHERE = "a passage shown to inspectors or on the public website only, or the edition used any other way"


@pytest.mark.unit
@pytest.mark.parametrize("markup, asked", [
    ('{% if edition == "inspector" %}For inspectors.{% else %}For staff.{% endif %}', "edition compared with 'inspector'"),
    ('{% if edition != "staff" %}Give 60 mg.{% endif %}', "edition compared with 'staff'"),
    ("{% if 'inspector' == edition %}x{% endif %}", "edition compared with 'inspector'"),
    ("The edition is {{ edition }}.", "edition printed"),
    ("{{ edition | upper }}", "edition printed"),
    # An attacker's review: a passage shown on the public website only was read by nobody who
    # reviews the handbook (the reviewer's summary, staff and inspectors read the staff edition).
    ('{% if edition == "public" %}Children may stay out overnight.{% endif %}', ONLY_ELSEWHERE),
    ('{% if not edition != "public" %}x{% endif %}', ONLY_ELSEWHERE),
    ('{{ "x" if edition == "public" }}', ONLY_ELSEWHERE),
    # ...and one that set the edition itself reached the public website's last gate; now the check refuses it.
    ('{% set edition = "staff" %}{% if edition != "public" %}We are at 1 Example Road.{% endif %}', ONLY_ELSEWHERE),
    ('{% if edition != "public" %}For staff.{% else %}For the public.{% endif %}',
     "an {% else %} or {% elif %} after it would show a passage to another edition only"),
])
def test_a_document_may_ask_only_whether_it_is_on_the_public_website(mini, markup, asked):
    """An attack made the staff site say one thing and the inspectors' copy another with
    {% if edition == "inspector" %}: a document may ask only whether it is the public website."""
    write_document(mini, "policies/missing-child.md", front_matter(), body=f"First.\n\n{markup}\n")
    found = [f for f in check(mini).findings if f.path == "policies/missing-child.md" and f.is_error]
    assert [f.message + " - " + f.fix for f in found] == [EDITION_ASKED.replace("ASKED", asked)]


@pytest.mark.unit
@pytest.mark.parametrize("markup, refused", [
    ('{% if edition == "inspector" %}Call the police.{% else %}Call an ambulance.{% endif %}', True),
    ('{% if edition != "staff" %}Call the police.{% endif %}', True),
    ('{% if edition == "staff" %}The status page.{% endif %}', False),
    ('{% if edition != "public" %}Our address.{% endif %}', False),
])
def test_a_site_page_may_only_leave_passages_out_too(mini, markup, refused):
    """An attacker's review: the home page (docs/) could show inspectors other words than staff
    with {% if edition == "inspector" %}. A page of docs/ may keep a passage for staff alone, or
    off the website, and nothing more."""
    (mini / "docs").mkdir(exist_ok=True)
    (mini / "docs" / "index.md").write_text(f"# Home\n\n{markup}\n", encoding="utf-8")
    found = [f.message for f in check(mini).findings if f.path == "docs/index.md" and f.is_error]
    assert bool(found) == refused, found
    assert all(message.startswith("a {% if %} or {{ }} uses the edition other than to leave a passage out")
               for message in found)


SHAPE = ("the page's template holds {what}: a page prints the home's facts and may leave a passage out of an "
         "edition, nothing more, so that every edition reads the same words as the staff edition the review shows - "
         "remove it: print facts as {{{{ home.name }}}}, and put {{% if edition != \"public\" %}} ... {{% endif %}} "
         "around what the website leaves out")


MORE_THAN_A_FACT = "an expression that does more than print a fact (a filter, a call, an index or a sum)"
GROUP_OF_FACTS = ("an expression that prints a group of facts, or something that is not a fact, such as "
                  "{{ home.registered_provider }} for {{ home.registered_provider.name }}")


@pytest.mark.unit
@pytest.mark.parametrize("page, markup, what", [
    # An attacker's review: a {% set %} in the passage the website leaves out, tested after it,
    # showed the website a sentence staff and the review never had.
    ("policies/missing-child.md", '{% if edition != "public" %}{% set s = 1 %}{% endif %}{% if s is not defined %}'
     "Staff may search a child's body.{% endif %}", "a {% set %} block"),
    ("policies/missing-child.md", "{% if home.address is not string %}Children may stay out at night.{% endif %}",
     "a {% if %} block"),
    ("policies/missing-child.md", '{{ "Call 101." if home.address is string else "Call 999." }}',
     "an expression that chooses between texts (if, is, a comparison, and, or, not)"),
    ("policies/missing-child.md", "{{ home.address or 'Call 101.' }}",
     "an expression that chooses between texts (if, is, a comparison, and, or, not)"),
    # A new user's review: a comparison or a test printed alone (true or false) was said to print "a group of facts".
    ("policies/missing-child.md", '{{ home.name == "Oak House" }}',
     "an expression that chooses between texts (if, is, a comparison, and, or, not)"),
    ("policies/missing-child.md", "{{ home.name is string }}",
     "an expression that chooses between texts (if, is, a comparison, and, or, not)"),
    ("policies/missing-child.md", "{% for n in range(3) %}Call.{% endfor %}", "a {% for %} block"),
    # ...and a page function asked in a test, which the checks stand in for, read 999 to them and
    # 101 on the built home page.
    ("docs/index.md", "Call {% if topics() %}{{ home.contacts.police_non_emergency.phone }}{% endif %} now.",
     "a {% if %} block"),
    ("docs/index.md", "Call {{ topics() | length }} now.", "the page function topics used other than alone, as "
                                                            "{{ topics() }}"),
    # A third attacker's review: a fact the website withholds prints there as its placeholder, so a
    # filter or a method on it chose a sentence only the website showed (staff saw nothing).
    ("policies/missing-child.md", '{{ home.address | string | replace("not published on this website", "Do not '
     'contact Ofsted.") | replace(home.address | string, "") }}', MORE_THAN_A_FACT),
    ("policies/missing-child.md", '{{ home.name.replace(home.name, "Do not call.") }}', MORE_THAN_A_FACT),
    ("policies/missing-child.md", "{{ {home.name: 'Call 101.'}[home.name] }}", MORE_THAN_A_FACT),
    ("policies/missing-child.md", "{{ home.name ~ ' says call 101.' }}", MORE_THAN_A_FACT),
    ("policies/missing-child.md", "{{ home.name | upper }}", MORE_THAN_A_FACT),
    ("docs/index.md", "{{ home.name[0] }}", MORE_THAN_A_FACT),
    # A fourth attacker's review: a group printed whole showed a fact still to confirm (as Python
    # writes it) that no check counted, in an approved document; a method printed its address.
    ("policies/missing-child.md", "{{ home.registered_provider }}", GROUP_OF_FACTS),
    ("policies/missing-child.md", "{{ home }}", GROUP_OF_FACTS),
    ("policies/missing-child.md", "{{ home.contacts.items }}", GROUP_OF_FACTS),
    # An attacker's review: another template asked for failed as "TypeError: no loader", with no line.
    ("policies/missing-child.md", '{% include "mkdocs.yml" %}', "a {% include %} block"),
    ("policies/missing-child.md", '{% import "x.html" as x %}', "a {% import %} block"),
    ("policies/missing-child.md", '{% from "x.html" import y %}', "a {% from %} block"),
    ("docs/index.md", '{% extends "main.html" %}', "a {% extends %} block"),
])
def test_a_template_prints_facts_and_leaves_passages_out_nothing_more(mini, page, markup, what):
    if page.startswith("docs/"):
        (mini / "docs").mkdir(exist_ok=True)
        (mini / page).write_text(f"# Home\n\n{markup}\n", encoding="utf-8")
    else:
        write_document(mini, page, front_matter(), body=f"First.\n\n{markup}\n")
    found = [(f.line, f.message + " - " + f.fix) for f in check(mini).findings if f.path == page and f.is_error]
    assert found == [((mini / page).read_text(encoding="utf-8").splitlines().index(markup) + 1, SHAPE.format(what=what))]


@pytest.mark.unit
def test_what_pages_really_use_passes(mini):
    (mini / "docs").mkdir(exist_ok=True)
    (mini / "docs" / "index.md").write_text('# Home\n\n{{ topics() }}\n\n{% if edition == "staff" %}[Status](status.md)'
                                            "{% endif %}\n\n{% raw %}{% set x %}{% endraw %}\n", encoding="utf-8")
    write_document(mini, "policies/missing-child.md", front_matter(),
                   body='Call {{ home.contacts.emergency.phone }}.\n\n{% if edition != "public" %}We are '
                        "{{ home.name }}.{% endif %} {# a note #} {{- home.name -}}\n")
    assert [str(f) for f in check(mini).findings if f.check == "template"] == []


def load_and_check_staff(root: Path):
    """The handbook as `handbook export --document` loads it: the staff edition, unset."""
    from handbook.checks import load_and_check

    handbook = load_and_check(root, fixture_today())
    assert handbook.edition == "staff"
    return handbook


PDF_ATTACKS = {
    "attachment from a server": ('<a href="{url}" rel="attachment">x</a>',
                                 'the PDF would carry {url} as an embedded file; a copy holds no attachment - remove '
                                 'rel="attachment" from the link'),
    "local file attached": (f'<a href="{REFUSED_ATTACHMENT}" rel="attachment">x</a>',
                            f"the PDF would carry {REFUSED_ATTACHMENT} as an embedded file"),
    "picture from a server": ('<img src="{url}" alt="x">',
                              "the PDF would fetch {url}, which is not part of the built copy - nothing was exported"),
    "picture from the disk": (f'<img src="{REFUSED_ATTACHMENT}" alt="x">',
                              "the PDF would read /etc/hostname, which is not a file of the built copy"),
    "picture outside the copy": ('<img src="../../../../../../etc/hostname" alt="x">',
                                 "policies/complaints.md: the picture ../../../../../../etc/hostname is not a file of "
                                 "the built copy - put the picture in docs/assets/images/ and link to it from there"),
}


@pytest.mark.parametrize("name", list(PDF_ATTACKS))
def test_the_pdf_fetches_nothing_but_the_built_copy(handbook_copy, tmp_path, local_server, monkeypatch, name):
    """With the sanitiser gate switched off, the PDF still refuses: WeasyPrint's fetcher serves
    only files of the built copy, and an attachment is never written. Nothing is fetched from a
    server or read from the disk, and no PDF is written."""
    from handbook.export import pdf
    from handbook.export.pdf import RefusedInPdf, write_pdf

    url, requests = local_server
    markdown, expected = PDF_ATTACKS[name]
    monkeypatch.setattr(pdf, "_gate", lambda path, fragment: fragment)
    handbook, site = _pdf_handbook(handbook_copy, markdown.format(url=url))
    with pytest.raises(RefusedInPdf) as refused:
        write_pdf(handbook, "abc", "Inspector copy", tmp_path / "copy.pdf", site)
    assert str(refused.value).startswith(expected.format(url=url)), refused.value
    assert "\n" not in str(refused.value)
    assert requests == []
    assert not (tmp_path / "copy.pdf").exists()


def test_a_pdf_never_carries_an_embedded_file(tmp_path):
    """The last check reads the written PDF: one with an embedded file is deleted and refused."""
    import weasyprint

    from handbook.export.pdf import embedded_files

    attached = tmp_path / "note.txt"
    attached.write_text("secret")
    path = tmp_path / "with-attachment.pdf"
    weasyprint.HTML(string="<p>x</p>").write_pdf(path, attachments=[weasyprint.Attachment(filename=str(attached))])
    assert embedded_files(path) == ["note.txt"]
    clean = tmp_path / "clean.pdf"
    weasyprint.HTML(string="<p>x</p>").write_pdf(clean)
    assert embedded_files(clean) == []


# --- the allowlist of files -----------------------------------------------------------------

def _text_file(root):
    (root / "policies" / "rota.txt").write_text("not a document")
    return "policies/rota.txt: not a governed document: policies/ holds only documents written in Markdown (.md)"


def _draft_under_another_extension(root):
    (root / "statement-of-purpose" / "draft.markdown").write_text("---\nid: x\n---\n")
    return "statement-of-purpose/draft.markdown: not a governed document: statement-of-purpose/ holds only documents"


def _linked_document(root):
    os.symlink("/etc/hostname", root / "policies" / "hostname.md")
    return ("policies/hostname.md: a symbolic link, which the handbook never follows: it could bring a file from "
            "outside the repository into the site and the inspector copy - put the file itself here, or remove the link")


def _linked_folder_in_docs(root):
    os.symlink("/etc", root / "docs" / "etc")
    return "docs/etc: a symbolic link, which the handbook never follows"


def _linked_file_in_assets(root):
    os.symlink(root / "docs" / "index.md", root / "docs" / "assets" / "copy.css")
    return "docs/assets/copy.css: a symbolic link, which the handbook never follows"


def _stray_file_in_docs(root):
    (root / "docs" / "notes.txt").write_text("private notes")
    return ("docs/notes.txt: docs/ holds the site's pages (.md) and, under docs/assets/, its stylesheets, scripts and "
            "pictures (.css, .js, .png, .jpg, .jpeg, .gif, .webp); this file is neither and would be published as it "
            "is - remove it, or keep it outside the handbook's folders")


def _picture_outside_assets(root):
    (root / "docs" / "photo.png").write_bytes(b"\x89PNG")
    return "docs/photo.png: docs/ holds the site's pages (.md)"


def _svg_named_png(root):
    (root / "docs" / "assets" / "images").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "assets" / "images" / "chart.png").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><text y="20">Approved</text></svg>')
    return ("docs/assets/images/chart.png: its name says it is a PNG picture, but it holds no picture Pillow can read "
            "(an SVG drawing, for example): a browser would show it broken while the inspectors' PDF could draw what "
            "it holds, so readers would not all see the same - save the picture as PNG, or give it the name of the "
            "format it is in")


def _jpeg_named_png(root):
    (root / "docs" / "assets" / "images").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (4, 4)).save(root / "docs" / "assets" / "images" / "photo.png", format="JPEG")
    return "docs/assets/images/photo.png: its name says it is a PNG picture, but it holds a JPEG picture"


def _names_alike(root):
    (root / "policies" / "Complaints.md").write_text((root / "policies" / "complaints.md").read_text().replace(
        "id: complaints", "id: complaints-again", 1))
    return ("policies/complaints.md: its name differs from policies/Complaints.md only in capitals or in how an accent "
            "is written: copied to Windows or a Mac, one would replace the other - rename one of them")


def _file_in_overrides(root):
    (root / "overrides" / "secret.txt").write_text("x")
    return "overrides/secret.txt: overrides/ holds only the theme's templates (.html, and sitemap.xml)"


STRAY = {
    "a text file in policies/": _text_file,
    "a draft under another extension": _draft_under_another_extension,
    "a linked document": _linked_document,
    "a linked folder in docs/": _linked_folder_in_docs,
    "a linked asset": _linked_file_in_assets,
    "a stray file in docs/": _stray_file_in_docs,
    "a picture outside docs/assets/": _picture_outside_assets,
    "a file in the theme's overrides/": _file_in_overrides,
    "an SVG drawing named as a PNG picture": _svg_named_png,
    "a JPEG picture named as a PNG": _jpeg_named_png,
    "two documents one file on Windows or a Mac": _names_alike,
}


def test_a_picture_that_is_what_its_name_says_is_published(handbook_copy):
    (handbook_copy / "docs" / "assets" / "images").mkdir(parents=True, exist_ok=True)
    for name, kind in (("a.png", "PNG"), ("b.JPG", "JPEG"), ("c.gif", "GIF"), ("d.webp", "WEBP")):
        Image.new("RGB", (4, 4)).save(handbook_copy / "docs" / "assets" / "images" / name, format=kind)
    check = handbook_command(handbook_copy, "check")
    assert check.returncode == 0 and "docs/assets" not in check.stdout + check.stderr


@pytest.mark.parametrize("data_file", ["data/tags.yml", "data/home.yml"])
def test_a_data_file_that_is_a_symbolic_link_is_never_followed(handbook_copy, tmp_path, data_file):
    """A link in data/ could bring any YAML file of the build machine into the published handbook."""
    outside = tmp_path / "outside.yml"
    outside.write_bytes((handbook_copy / data_file).read_bytes())  # a file the handbook could read, were it to
    (handbook_copy / data_file).unlink()
    os.symlink(outside, handbook_copy / data_file)
    expected = (f"{data_file}: the file is a symbolic link, which the handbook never follows: it could bring in a "
                "file from outside the repository - put the file itself here")
    check = handbook_command(handbook_copy, "check")
    assert check.returncode == 1 and "Traceback" not in check.stdout + check.stderr
    assert [line for line in (check.stdout + check.stderr).splitlines() if data_file in line] == [
        f"ERROR: {expected}"], check.stdout + check.stderr
    build = mkdocs_build(handbook_copy)
    assert build.returncode == 1 and "Traceback" not in build.stdout + build.stderr
    assert expected in build.stderr


@pytest.mark.parametrize("name", list(STRAY))
def test_a_file_that_may_not_be_published_fails_check_and_build(handbook_copy, name):
    expected = STRAY[name](handbook_copy)
    check = handbook_command(handbook_copy, "check")
    assert check.returncode == 1 and "Traceback" not in check.stdout + check.stderr
    assert len([line for line in error_lines(check.stdout, "ERROR: ") if expected in line]) == 1, check.stdout
    build = mkdocs_build(handbook_copy)
    assert build.returncode != 0 and "Traceback" not in build.stderr
    assert len([line for line in error_lines(build.stderr, "ERROR    -  ") if expected in line]) == 1, build.stderr
    assert not (handbook_copy / "site").exists(), "the build wrote a site"


def test_the_export_refuses_a_file_that_may_not_be_published(handbook_copy):
    expected = _linked_document(handbook_copy)
    assert_export_refuses(handbook_copy, f"ERROR: {expected}")


def test_hidden_files_are_neither_published_nor_refused(handbook_copy):
    (handbook_copy / "policies" / ".DS_Store").write_bytes(b"\0")
    (handbook_copy / "docs" / ".notes.txt").write_text("x")
    build = mkdocs_build(handbook_copy)
    assert build.returncode == 0, build.stderr
    published = [p.name for p in (handbook_copy / "site").rglob("*")]
    assert ".DS_Store" not in published and ".notes.txt" not in published


# --- the export is as strict as `make build` ------------------------------------------------

def test_the_export_refuses_a_page_that_the_strict_build_refuses(handbook_copy):
    """A Markdown file in docs/ that no navigation lists: MkDocs warns, and a strict build fails.
    With `--quiet` the export used to publish it."""
    (handbook_copy / "docs" / "stray.md").write_text("# Stray\n\nNot in the navigation.\n")
    assert mkdocs_build(handbook_copy).returncode != 0
    dist = old_dist(handbook_copy)
    export = handbook_command(handbook_copy, "export")
    assert export.returncode == 1 and "Traceback" not in export.stdout + export.stderr
    first, *lines = export.stderr.splitlines()  # the reason, then the build's own lines, each on its own
    assert first == "ERROR: the inspector site did not build; nothing was exported - the build's lines below say why"
    assert lines and all(line.startswith("  ") for line in lines), lines
    assert any("stray.md" in line for line in lines) and lines[-1] == "  Aborted with 1 warnings in strict mode!"
    assert "has no approved document" not in export.stderr, "the handbook's own warnings are left out"
    assert_dist_unchanged(dist)


def test_the_export_refuses_a_broken_anchor(handbook_copy):
    append(handbook_copy, "policies/complaints.md", "See [the part that is not there](safeguarding.md#no-such-part).")
    dist = old_dist(handbook_copy)
    export = handbook_command(handbook_copy, "export")
    assert export.returncode == 1 and "Traceback" not in export.stderr
    assert ("the link 'safeguarding.md#no-such-part' leads to a section the page does not have (#no-such-part)"
            in export.stdout), export.stdout   # refused by the checks, before anything is built
    assert export.stderr == "ERROR: the handbook has 1 error(s); nothing was exported - fix them first\n"
    assert_dist_unchanged(dist)


# --- signing keys ---------------------------------------------------------------------------

def test_keygen_writes_the_public_key_and_keeps_the_private_key_out_of_the_repository(tmp_path):
    root = copy_handbook(tmp_path / "handbook")
    inside = handbook_command(root, "keygen", "--private-key", str(root / "data" / "key.pem"))
    assert inside.returncode == 1 and inside.stderr.startswith(f"ERROR: {root / 'data' / 'key.pem'}: inside the "
                                                               "repository - keep the private key outside it")
    made = handbook_command(root, "keygen", "--private-key", str(tmp_path / "key.pem"))
    assert made.returncode == 0, made.stderr
    assert (root / "data" / "inspector-copy-key.pub").read_text().startswith("ssh-ed25519 ")
    assert oct((tmp_path / "key.pem").stat().st_mode & 0o777) == "0o600"
    again = handbook_command(root, "keygen", "--private-key", str(tmp_path / "other.pem"))
    assert again.returncode == 1 and "the home already has a key" in again.stderr


def test_the_export_refuses_a_key_inside_the_repository_or_another_homes_key(tmp_path):
    root = copy_handbook(tmp_path / "handbook")
    assert handbook_command(root, "keygen", "--private-key", str(tmp_path / "key.pem")).returncode == 0
    other = copy_handbook(tmp_path / "other")
    assert handbook_command(other, "keygen", "--private-key", str(tmp_path / "other.pem")).returncode == 0
    (root / "key.pem").write_bytes((tmp_path / "key.pem").read_bytes())
    inside = handbook_command(root, "export", HANDBOOK_SIGNING_KEY=str(root / "key.pem"))
    assert inside.returncode == 1 and "the private key is inside the repository - move it out" in inside.stderr
    wrong = handbook_command(root, "export", HANDBOOK_SIGNING_KEY=str(tmp_path / "other.pem"))
    assert wrong.returncode == 1 and wrong.stderr.strip() == (
        f"ERROR: HANDBOOK_SIGNING_KEY={tmp_path / 'other.pem'}: this private key does not belong to the public key "
        "in data/inspector-copy-key.pub - use the home's key, or commit its public key")
    assert not (root / "dist").exists()


def test_an_as_of_copy_of_a_commit_from_before_the_key_is_signed_with_the_key_of_today(tmp_path):
    from conftest import commit_all

    root = copy_handbook(tmp_path / "handbook")
    commit_all(root, fixture_today())
    assert handbook_command(root, "keygen", "--private-key", str(tmp_path / "key.pem")).returncode == 0
    made = handbook_command(root, "export", "--as-of", fixture_today().isoformat(), "--dist", str(tmp_path / "dist"),
                            HANDBOOK_SIGNING_KEY="../key.pem")
    assert made.returncode == 0, made.stdout + made.stderr
    (bundle,) = (tmp_path / "dist").glob("*.zip")
    verified = handbook_command(root, "verify", str(bundle))
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith(f"{bundle}: signed with the home's key SHA256:")


def test_the_pdf_marks_a_link_to_a_draft_as_the_site_does(handbook_copy):
    """An attacker's review: the site said "(draft: not yet in force)" after a link to a draft, and
    the draft copy's PDF, made from the same text, did not: its Markdown had the site's extensions
    but not the handbook's own reading of links."""
    from handbook.checks import load_and_check
    from handbook.export.pdf import handbook_html

    text = (handbook_copy / "policies/anti-bullying.md").read_text(encoding="utf-8")
    (handbook_copy / "policies/anti-bullying.md").write_text(text.replace("status: approved", "status: draft", 1),
                                                             encoding="utf-8")
    append(handbook_copy, "policies/complaints.md", "Bullying is handled under the [anti-bullying policy](anti-bullying.md).")
    site = handbook_copy / "built-copy"
    (site / "policies").mkdir(parents=True)
    handbook = load_and_check(handbook_copy, fixture_today()).for_inspectors(drafts=True)
    whole = handbook_html(handbook, "abc", "Draft inspector copy", site)
    assert 'anti-bullying policy <span class="not-in-force">(draft: not yet in force)</span></a>' in whole


def test_a_copy_whose_cover_would_print_a_fact_still_to_confirm_is_refused(tmp_path):
    """A third attacker's review: a final copy of the missing child policy, which prints no fact
    still to confirm, was made with "Registered manager: [to confirm: ...]" on its cover."""
    from conftest import commit_all

    root = copy_handbook(tmp_path / "handbook")
    home = root / "data" / "home.yml"
    home.write_text(home.read_text().replace("  name: Sam Example\n",
                                             "  name: {to_confirm: name of the registered manager}\n"))
    for document in [*root.glob("policies/*.md"), *root.glob("statement-of-purpose/*.md")]:
        document.write_text(document.read_text().replace("{{ home.registered_manager.name }}", "the manager"))
    commit_all(root, fixture_today())
    dist = tmp_path / "dist"
    one = handbook_command(root, "export", "--document", "missing-child", "--dist", str(dist))
    assert one.returncode == 1
    assert one.stderr.strip() == (
        "ERROR: policies/missing-child.md: the copy would show facts still to confirm (registered_manager.name, on "
        "the PDF's cover); nothing was exported - confirm them in data/home.yml, or make a draft copy with --draft")
    whole = handbook_command(root, "export", "--dist", str(dist))
    assert whole.returncode == 1
    assert ("ERROR: registered_manager.name is still to confirm (name of the registered manager), printed by the "
            "PDF's cover - confirm it in data/home.yml") in whole.stdout.splitlines(), whole.stdout
    assert not dist.exists()


def test_a_pdf_tables_column_headings_keep_their_words_whole(tmp_path):
    """An inspector's review: in the PDF's regulation map, narrow columns' headings broke inside
    their words ("Regul/ation", "Expec/ted"), as every word may break to keep text on the page (a
    document's own table still may: test_nothing_runs_off_the_pdfs_pages)."""
    import weasyprint

    css = (REPO / "handbook/views/templates/pdf.css").read_text(encoding="utf-8")
    long_cell = "A long explanation of what the regulation asks of the home, " * 6
    html = ('<section class="part" id="regulation-map"><table><tr><th>Regulation</th><th>What the law asks for</th>'
            f"<th>Expected</th><th>Required</th></tr><tr><td>12</td><td>{long_cell}</td><td>x</td><td>y</td></tr>"
            "</table></section>")
    weasyprint.HTML(string=html).write_pdf(tmp_path / "t.pdf", stylesheets=[weasyprint.CSS(string=css)])
    first = subprocess.run(["pdftotext", "-layout", str(tmp_path / "t.pdf"), "-"], capture_output=True,
                           text=True, check=True).stdout.splitlines()[0].split()
    assert first[0] == "Regulation" and first[-2:] == ["Expected", "Required"], first


def test_a_page_titled_by_its_first_heading_is_titled_by_its_words_alone(handbook_copy):
    """The twelfth session's attacker: a page of docs/ with no title in its front matter is titled
    by its first heading, whose {{ }} mkdocs-macros renders into the title as HTML, which the theme
    prints in the navigation of every page, outside the article the last gate reads: a link printed
    in that heading was on every page."""
    page = handbook_copy / "docs" / "how-to" / "publish-the-handbook.md"
    page.write_text("# How to publish {{ \"<a href='https://www.gov.uk/'>the handbook</a>\" }}\n\nText.\n",
                    encoding="utf-8")
    result = mkdocs_build(handbook_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    home = (handbook_copy / "site" / "index.html").read_text(encoding="utf-8")
    navigation = home[:home.index('<article class="md-content__inner')]
    assert "How to publish the handbook" in navigation
    assert "www.gov.uk" not in navigation
    built = (handbook_copy / "site" / "how-to" / "publish-the-handbook.html").read_text(encoding="utf-8")
    assert "<title>How to publish the handbook - " in built


def test_a_page_titled_by_its_first_heading_cannot_close_the_pages_title(handbook_copy):
    """The same attacker, again: the theme prints a title with no front matter through `striptags`
    in the page's <title>, which turns escaped text back into markup, so a heading written
    "&lt;/title&gt;&lt;script&gt;" ran a script in the head of the page, for every reader."""
    page = handbook_copy / "docs" / "how-to" / "publish-the-handbook.md"
    page.write_text("# Publish&lt;/title&gt;&lt;script&gt;alert(document.domain)&lt;/script&gt; & more\n\nText.\n",
                    encoding="utf-8")
    result = mkdocs_build(handbook_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    built = (handbook_copy / "site" / "how-to" / "publish-the-handbook.html").read_text(encoding="utf-8")
    assert "<script>alert" not in built
    assert ("<title>Publish&lt;/title&gt;&lt;script&gt;alert(document.domain)&lt;/script&gt; &amp; more - "
            in built)
