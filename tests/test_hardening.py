"""Hardening the input (issue 11): strict YAML, dates that could have happened, one git runner
for every file name, one sandbox for the check and the build, and a content policy checked on
the source. Attacks 4, 6 and 7 of the issue are reproduced end to end: each is refused with a
one-line message naming the file, and site/ is left as it was."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
import yaml
from conftest import (
    SOP_BODY,
    approved_change,
    check,
    fixture_today,
    front_matter,
    handbook_command,
    messages,
    mkdocs_build,
    statement_of_purpose,
    write_document,
)

from handbook.sources.errors import HandbookError

pytestmark = pytest.mark.build

POLICY = "policies/missing-child.md"


def _file_line(root: Path, relative: str, text: str) -> int:
    """The line of a file that holds `text`."""
    lines = (root / relative).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def _front_matter_text(**overrides) -> str:
    return yaml.safe_dump(front_matter(**overrides), sort_keys=False, allow_unicode=True)


# --- strict YAML --------------------------------------------------------------------

def test_a_key_given_twice_names_both_lines(mini):
    head = _front_matter_text(status="draft").replace("status: draft\n", "status: draft\nstatus: approved\n")
    write_document(mini, POLICY, head)
    first, second = _file_line(mini, POLICY, "status: draft"), _file_line(mini, POLICY, "status: approved")
    handbook = check(mini)
    assert messages(handbook, "front-matter") == [
        f"policies/missing-child.md, line {second}: status is given twice, on lines {first} and {second} - keep only one "
        "of them: a reader sees the first, but the build would use the last"]
    assert not handbook.document(POLICY).valid


def test_a_key_given_twice_inside_a_changes_entry(mini):
    head = _front_matter_text().replace("  approved_on:", "  approved_by: Registered Manager\n  approved_on:", 1)
    write_document(mini, POLICY, head)
    found = messages(check(mini), "front-matter")
    assert len(found) == 1 and "approved_by is given twice, on lines" in found[0]


def test_a_key_given_twice_in_a_data_file_names_the_file(mini):
    home = mini / "data" / "home.yml"
    home.write_text(home.read_text(encoding="utf-8") + "name: Another name\n", encoding="utf-8")
    with pytest.raises(HandbookError, match=r"^data/home.yml, line \d+: name is given twice, on lines \d+ and \d+ "):
        check(mini)


def test_billion_laughs_is_refused_at_once(mini):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    write_document(mini, POLICY, _front_matter_text() + "\n".join(lines) + "\n", body="{{ i }}\n")
    started = time.monotonic()
    found = messages(check(mini), "front-matter")
    assert time.monotonic() - started < 5
    line = _file_line(mini, POLICY, "a: &a")
    assert found == [f"policies/missing-child.md, line {line}: line {line} names a value with an anchor (&a) - write the "
                     "value out in full where it is needed (the handbook does not accept & anchors or * aliases)"]


def test_an_alias_loop_is_refused(mini):
    write_document(mini, POLICY, _front_matter_text() + "loop: &x [*x]\n")
    found = messages(check(mini), "front-matter")
    assert len(found) == 1 and "names a value with an anchor (&x)" in found[0]


@pytest.mark.parametrize("value, problem", [
    ("!!float x", "is marked with the YAML tag !!float, which the handbook does not read"),
    ("!!timestamp x", "is marked with the YAML tag !!timestamp, which the handbook does not read"),
    ("!!set {a: 1}", "is marked with the YAML tag !!set, which the handbook does not read"),
    ("[1, !local x]", "is marked with the YAML tag !local, which the handbook does not read"),
    ("!!int x", "(x) cannot be read as its tag says"),
    ("!!bool x", "(x) cannot be read as its tag says"),
    ("!!int ''", "() cannot be read as its tag says"),
    ("9" * 5000, "(" + "9" * 37 + "...) is too large to be a number the handbook reads"),
])
def test_a_value_with_a_yaml_tag_or_a_huge_number_is_refused_in_one_line(mini, value, problem):
    write_document(mini, POLICY, _front_matter_text() + f"extra: {value}\n")
    line = _file_line(mini, POLICY, "extra:")
    fix = ("write a smaller number, or put the value in quotes if it is text" if "too large" in problem
           else "remove the tag (the word after !!) and write the value as plain text")
    what = "number" if "too large" in problem else "value"
    assert messages(check(mini), "front-matter") == [
        f"policies/missing-child.md, line {line}: the {what} on line {line} {problem} - {fix}"]


@pytest.mark.parametrize("value, read_as", [("0777", " 511"), ("0x1F", " 31"), ("1_000", " 1000"), ("10:30", " 630"),
                                             ("0x" + "f" * 4000, "")])
def test_a_number_yaml_would_read_other_than_as_written_is_refused(mini, value, read_as):
    """YAML 1.1 reads 0777 as octal, 0x1F as hexadecimal, 1_000 as 1000 and 10:30 in base 60: a
    value written so would be used as another number than the one a reader sees."""
    write_document(mini, POLICY, _front_matter_text() + f"extra: {value}\n")
    line = _file_line(mini, POLICY, "extra:")
    shown = value if len(value) <= 40 else value[:37] + "..."
    assert messages(check(mini), "front-matter") == [
        f"policies/missing-child.md, line {line}: extra: {shown} would be read as the number{read_as}, not as written - "
        "put it in quotes to keep it as written, or write the number in plain digits"]


def test_a_byte_order_mark_is_accepted(mini):
    path = mini / POLICY
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    handbook = check(mini)
    assert handbook.errors == []
    assert handbook.document(POLICY).valid


@pytest.mark.parametrize("written", ["2026-W05-1", "2026-035", "20261101", "2026-11-1", "２０２６-11-01"])
def test_dates_are_written_year_month_day(mini, written):
    found = messages(check(mini_with(mini, front_matter(last_reviewed=written))), "front-matter")
    at = _file_line(mini, POLICY, "last_reviewed:")
    assert found == [f"policies/missing-child.md, line {at}: last_reviewed: '{written}' is not a real date - write the date of "
                     "the last review as YYYY-MM-DD, for example 2026-10-05"]


def mini_with(root, meta, path=POLICY, body="Text of the document.\n"):
    write_document(root, path, meta, body)
    return root


def test_a_date_far_in_the_future_is_a_finding_not_a_traceback(mini):
    handbook = check(mini_with(mini, front_matter(**{"last_reviewed": "9999-06-01"})))
    assert messages(handbook, "future-date") == [
        "policies/missing-child.md, line 8: last_reviewed is 1 June 9999, which is after today (26 November 2026) - write "
        "the date the approval, review or change really happened"]
    assert not handbook.document(POLICY).valid


def test_a_statement_revised_at_the_end_of_time_is_a_finding(mini):
    changes = [approved_change("1.1", "9999-12-31", "Revised."), approved_change("1.0", "2026-01-05", "First.")]
    write_document(mini, "statement-of-purpose/statement-of-purpose.md",
                   statement_of_purpose(version="1.1", changes=changes), SOP_BODY)
    found = messages(check(mini), "future-date")
    lines = (mini / "statement-of-purpose/statement-of-purpose.md").read_text().splitlines()
    date, approved = lines.index("  date: '9999-12-31'") + 1, lines.index("  approved_on: '9999-12-31'") + 1
    assert [f.split(" - ")[0] for f in found] == [   # each on its own line in the entry
        f"statement-of-purpose/statement-of-purpose.md, line {date}: changes[1].date is 31 December 9999, which is "
        "after today (26 November 2026)",
        f"statement-of-purpose/statement-of-purpose.md, line {approved}: changes[1].approved_on is 31 December 9999, "
        "which is after today (26 November 2026)"]


def test_a_date_before_2000_cannot_be_right(mini):
    found = messages(check(mini_with(mini, front_matter(last_reviewed="1999-01-01"))), "front-matter")
    assert found == ["policies/missing-child.md, line 8: last_reviewed is 1 January 1999, before 2000, which cannot be right - "
                     "write the date the approval, review or change really happened, as YYYY-MM-DD"]


def test_a_title_that_is_a_list_is_a_finding(mini):
    handbook = check(mini_with(mini, front_matter(title=["a", "list"])))
    assert messages(handbook, "front-matter") == [
        "policies/missing-child.md, line 3: title should be text, not a list - write the document's title, for example "
        "Missing child policy"]
    assert handbook.document(POLICY).title == "missing-child"


# --- the sandbox and its limits ---------------------------------------------------------

def test_a_huge_power_is_one_quick_finding(mini):
    write_document(mini, POLICY, front_matter(), body="Text.\n\n{{ 99**999999999 }}\n")
    started = time.monotonic()
    found = messages(check(mini), "template")
    assert time.monotonic() - started < 5
    at = _file_line(mini, POLICY, "{{ 99")
    assert found == [f"policies/missing-child.md, line {at}: a {{{{ }}}} or {{% %}} expression asks for more than a page "
                     "may have (99 ** 999999999 is a number too large for a page) - remove it; documents may only show the "
                     "handbook's facts, such as {{ home.name }}"]


@pytest.mark.parametrize("body, reason", [
    ("{{ 'x' * 100000000 }}", "repeating a value 100000000 times would be longer than 5,000,000 characters"),
    ("{{ 'x'.center(1000000000) }}", "the number 1000000000 is larger than a page needs (at most 100,000)"),
    ("{{ '%0999999999d' % 1 }}", "the format '%0999999999' asks for more than a page needs"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
     "its loops would go round more than 100,000 times"),
    ("{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     "the text it joins would be longer than 5,000,000 characters"),
    ("{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}",
     "the page it makes would be longer than 5,000,000 characters"),
    ("{% for i in 'x' * 90000 %}{% for j in 'y' * 90000 %}{% endfor %}{% endfor %}", "it took longer than 2 seconds"),
])
def test_templates_have_limits(mini, body, reason):
    write_document(mini, POLICY, front_matter(), body=body + "\n")
    started = time.monotonic()
    found = messages(check(mini), "template")
    assert time.monotonic() - started < 10
    where = f", line {_file_line(mini, POLICY, body)}" if body.startswith("{{") else ""  # a loop names no line
    assert found == [f"policies/missing-child.md{where}: a {{{{ }}}} or {{% %}} expression asks for more than a page may have "
                     f"({reason}) - remove it; documents may only show the handbook's facts, such as {{{{ home.name }}}}"]


@pytest.mark.unit
@pytest.mark.parametrize("body, message", [
    ("{{ ['Approved', 'Draft'] | random }}",
     "a {{ }} expression uses a filter or test the handbook does not have (No filter named 'random'.) - remove it; "
     "documents may only show the handbook's facts, such as {{ home.name }} (and a page prints the same every time, "
     "so there is no random filter)"),
    ("{{ lipsum(1) }}", "a {{ }} expression uses something that does not exist ('lipsum' is undefined) - check the "
     "spelling against data/home.yml (for example {{ home.contacts.ofsted.phone }}), or remove the braces"),
])
def test_a_page_prints_the_same_text_every_time_it_is_rendered(mini, body, message):
    """The check and the build each render the page: text that changes from one render to the
    next would be checked as one text and published as another."""
    write_document(mini, POLICY, front_matter(), body=body + "\n")
    assert messages(check(mini), "template") == [f"policies/missing-child.md, line {_file_line(mini, POLICY, body)}: {message}"]


def test_an_unclosed_opener_repeated_200_kb_is_read_in_linear_time(mini):
    write_document(mini, POLICY, front_matter(), body="{{" * 100_000 + "\n")
    started = time.monotonic()
    found = [f for f in check(mini).findings if f.check == "template"]
    assert time.monotonic() - started < 10
    assert len(found) == 1 and found[0].path == POLICY


def test_the_template_scan_is_linear():
    from handbook.loading.rendering import jinja_skeleton, jinja_spans

    def fastest(text: str) -> float:   # the best of three runs: whatever else the machine does
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            jinja_spans(text)
            jinja_skeleton(text)
            runs.append(time.perf_counter() - started)
        return min(runs)

    small, large = (fastest("{{ x }} " + "{{ {% {# " * size) for size in (50_000, 200_000))
    # Four times the text: about four times the time if the scan is linear, sixteen if quadratic.
    # A ratio, not a time, so a busy machine does not fail it.
    assert large / small < 9, (small, large)


def test_check_and_build_see_the_same_variables(mini):
    from handbook.loading.rendering import PAGE_FUNCTIONS, PageRenderer
    from handbook.views.site_pages import page_functions

    handbook = check(mini)
    checked = PageRenderer(handbook)
    built = PageRenderer(handbook, page_functions(handbook))
    assert set(checked.variables) == set(built.variables) == {"home", "edition", *PAGE_FUNCTIONS}
    assert set(checked.document_variables) == set(built.document_variables) == {"home", "edition"}
    assert type(checked.environment) is type(built.environment)
    for name in ("config", "page", "git", "environment", "plugin", "macros", "extra", "navigation", "files"):
        for renderer in (checked, built):
            with pytest.raises(jinja2.UndefinedError, match=f"'{name}' is undefined"):
                renderer.render(f"{{{{ {name} }}}}")


# --- the content policy -------------------------------------------------------------

CONTENT = [
    ("<style>nav { display: none }</style>", "<style> is not allowed in a document"),
    ("<script>alert(1)</script>", "<script> is not allowed in a document"),
    ('<iframe src="https://example.org"></iframe>', "<iframe> is not allowed in a document"),
    ('<object data="https://example.org/x.pdf"></object>', "<object> is not allowed in a document"),
    ('<embed src="https://example.org/x.pdf">', "<embed> is not allowed in a document"),
    ('<link rel="stylesheet" href="https://example.org/x.css">', "<link> is not allowed in a document"),
    ('<meta http-equiv="refresh" content="0">', "<meta> is not allowed in a document"),
    ('<form action="https://example.org"><input name="x"></form>', "<form> is not allowed in a document"),
    ('<base href="https://example.org/">', "<base> is not allowed in a document"),
    ('<img src="" onerror=alert(1)>', "the onerror attribute on <img> would run a script"),
    ('<p style="position: fixed">Hidden.</p>', "the style attribute on <p> changes how the page looks"),
    ('<a href="https://example.org" rel="attachment">x</a>',
     'rel="attachment" on <a> would attach a file to the inspectors\' PDF'),
    ('[x](https://example.org){: rel="attachment" }',
     'rel="attachment" on an attribute list would attach a file to the inspectors\' PDF'),
    ('## Heading {: onclick="alert(1)" }', "the onclick attribute on an attribute list would run a script"),
    ("[the hostname](file:///etc/hostname)", "the link 'file:///etc/hostname' uses file:, which documents may not use"),
    ("![x](file:///etc/hostname)", "the image 'file:///etc/hostname' uses file:, which documents may not use"),
    ("[x](javascript:alert(1))", "the link 'javascript:alert(1)' uses javascript:, which documents may not use"),
    ("![x](data:image/png;base64,iVBORw0KGgo=)",
     "the image 'data:image/png;base64,iVBORw0KGgo=' uses data:, which documents may not use"),
    ("![Our logo](https://example.org/logo.png)",
     "the image 'https://example.org/logo.png' is not a file of the handbook: a picture from another address shows "
     "whatever is there on the day, and tells that site who is reading"),
    ('<img src="https://example.org/logo.png" alt="Our logo">',
     "the src of <img> 'https://example.org/logo.png' is not a file of the handbook: a picture from another address "
     "shows whatever is there on the day, and tells that site who is reading"),
    ("![Our logo][ref]\n\n[ref]: https://example.org/logo.png",
     "the image 'https://example.org/logo.png' is not a file of the handbook: a picture from another address shows "
     "whatever is there on the day, and tells that site who is reading"),
    ("![Ref]\n\n[ref]: https://example.org/logo.png",
     "the image 'https://example.org/logo.png' is not a file of the handbook: a picture from another address shows "
     "whatever is there on the day, and tells that site who is reading"),
    ('<img lowsrc="https://example.org/logo.png" alt="Our logo">',
     "the lowsrc of <img> 'https://example.org/logo.png' is not a file of the handbook: a picture from another "
     "address shows whatever is there on the day, and tells that site who is reading"),
    ('<img srcset="https://example.org/logo.png 2x" alt="Our logo">',
     "the srcset of <img> 'https://example.org/logo.png' is not a file of the handbook: a picture from another "
     "address shows whatever is there on the day, and tells that site who is reading"),
    ('<a href="&#106;avascript:alert(1)">x</a>',
     "the href of <a> 'javascript:alert(1)' uses javascript:, which documents may not use"),
    ("[x][ref]\n\n[ref]: file:///proc/self/environ",
     "the link 'file:///proc/self/environ' uses file:, which documents may not use"),
    ("<file:///etc/hostname>", "the link 'file:///etc/hostname' uses file:, which documents may not use"),
    ("[x](../.git/config)", "the link '../.git/config' does not lead to a document, page or file of the handbook"),
    ("[x](../../../etc/hostname)", "the link '../../../etc/hostname' leads outside the handbook"),
    ("[x](//evil.example/x)", "the link '//evil.example/x' leaves out https: before //"),
    ("[x](no-such-policy.md)", "the link 'no-such-policy.md' does not lead to a document, page or file of the handbook"),
    ("See [what to do](#what-to-do).", "the link '#what-to-do' leads to a section the page does not have (#what-to-do): "
     "readers would land at the top of the page"),
    ('See <a href="#what-to-do">what to do</a>.', "the href of <a> '#what-to-do' leads to a section the page does not "
     "have (#what-to-do): readers would land at the top of the page"),
    ("See [your rights](../statement-of-purpose/childrens-guide.md#rights).", "the link "
     "'../statement-of-purpose/childrens-guide.md#rights' leads to a section the page does not have (#rights): readers "
     "would land at the top of the page"),
    ('<a href="missing-child.md">the staff policy</a>',
     "<a href=\"missing-child.md\"> links to a file of the handbook in HTML, which the site does not turn into the "
     "page's address"),
    ('!!! booklet-draft "Final copy"\n    Approved by the Responsible Individual.',
     "the box type 'booklet-draft' is not one of the handbook's: each word after !!! or ??? becomes a class of the "
     "box, which the theme or the PDF could read as one of its own parts"),
    ("??? note running\n    Approved, in force.",
     "the box type 'running' is not one of the handbook's: each word after !!! or ??? becomes a class of the box, "
     "which the theme or the PDF could read as one of its own parts"),
    ("???+ Tabbed-Block\n    Shown in the PDF only.",
     "the box type 'tabbed-block' is not one of the handbook's: each word after !!! or ??? becomes a class of the "
     "box, which the theme or the PDF could read as one of its own parts"),
    ("# Staff may take your phone away at night",
     "the heading 'Staff may take your phone away at night' is a title (# or a line of =), which the page already has "
     "from the front matter: the PDF would list it as a document of its own, and the booklet would hide it"),
    ("Staff may take your phone\n===",
     "the heading 'Staff may take your phone' is a title (# or a line of =), which the page already has from the "
     "front matter: the PDF would list it as a document of its own, and the booklet would hide it"),
    ("<h1>Staff may take your phone</h1>",
     "<h1> is a title, which the page already has from the front matter: the PDF would list it as a document of its "
     "own, and the booklet would hide it"),
    ("> ## Document control\n>\n> | Version | 1.4 (approved) |",
     "the heading 'Document control' inside a list, a quote or a box would show in the page's contents and the PDF's "
     "bookmarks as the Document control section the handbook adds to every document's page"),
    ("- ## History", "the heading 'History' inside a list, a quote or a box would show in the page's contents and the PDF's "
     "bookmarks as the History section the handbook adds to every document's page"),
    ("1. # Staff may lock your door",
     "the heading 'Staff may lock your door' inside a list, a quote or a box is a title, which the page already has from "
     "the front matter"),
    ("<p data-search-exclude>Restraint is never used.</p>",
     "the data-search-exclude attribute on <p> keeps the text out of the site's search, so staff searching for it "
     "would not find it"),
    ("## Restraint {: data-search-exclude }",
     "the data-search-exclude attribute on an attribute list keeps the text out of the site's search, so staff "
     "searching for it would not find it"),
    ("<!-- Child A is back on Friday -->",
     "an HTML comment (<!-- -->) is published in the page's source, where anyone who opens the page can read it"),
    ("<![CDATA[><p>Version 9.9, approved</p>",
     "'<![CDATA[' starts markup that is not an element (a declaration or a processing instruction): browsers hide it, "
     "and read the HTML after it differently from the handbook's checks"),
    ('<svg viewBox="0 0 100 300"><path d="M0 0 L100 0 L100 300 Z"></path></svg>', "<svg> is not allowed in a document"),
    ("<ol reversed><li>Third</li><li>Second</li></ol>",
     "the reversed attribute on <ol> numbers the list differently on the site and in the PDF"),
    ("<?team-note changed without the manager's agreement?>",
     "'<?team-no' starts markup that is not an element (a declaration or a processing instruction): browsers hide "
     "it, and read the HTML after it differently from the handbook's checks"),
    ("<?x?>`<h1>Complaints policy (approved)</h1>`",
     "'<?x?>' starts markup that is not an element (a declaration or a processing instruction): browsers hide "
     "it, and read the HTML after it differently from the handbook's checks"),
]


@pytest.mark.parametrize("markup, message", CONTENT, ids=[m for m, _ in CONTENT])
def test_the_content_policy_refuses_with_file_and_line(mini, markup, message):
    write_document(mini, POLICY, front_matter(), body=f"First paragraph.\n\n{markup}\n\nLast paragraph.\n")
    found = [f for f in check(mini).findings if f.check == "content-policy"]
    assert [f.message for f in found] == [message]
    assert found[0].path == POLICY and found[0].is_error
    assert found[0].line == _file_line(mini, POLICY, markup.splitlines()[-1 if "[ref]:" in markup else 0])


def test_a_link_to_a_section_that_exists_passes(mini):
    """A link to a section is checked against the sections the page has: its headings' anchors
    (made from the words as the page prints them, facts filled in), the ones the handbook adds
    (#document-control, #history) and an id the document gives an element."""
    write_document(mini, "policies/safeguarding.md", front_matter(id="safeguarding", title="Safeguarding policy"),
                   body="## Allegations against staff\n\nText.\n\n## At {{ home.name }}\n\nText.\n\n"
                        "A list of contacts.\n{: #contacts }\n\n<span id=\"duty\">Duty.</span>\n")
    write_document(mini, POLICY, front_matter(), body=(
        "## What to do\n\nSee [what to do](#what-to-do), [allegations](safeguarding.md#allegations-against-staff), "
        "[here](safeguarding.md#at-cura-care-homes), [contacts](safeguarding.md#contacts), [duty](safeguarding.md#duty), "
        "[history](safeguarding.md#history) and [the control](#document-control).\n"))
    assert [f.message for f in check(mini).findings if f.check == "content-policy"] == []


@pytest.mark.parametrize("markup, where", [
    ("Bedroom doors have alarms that sound in the office at night.\n{: #monitoring }", "an attribute list"),
    ('<span id="monitoring">Bedroom doors have alarms.</span>', "<span>"),
])
def test_an_id_may_not_take_a_headings_anchor(mini, markup, where):
    """The Statement of Purpose's index of Schedule 1 and every link to the heading would open
    the inserted sentence instead (MkDocs renames the heading's anchor)."""
    write_document(mini, POLICY, front_matter(), body=f"## Monitoring\n\nWe use no cameras.\n\n{markup}\n")
    found = [f for f in check(mini).findings if f.check == "content-policy"]
    assert [(f.message, f.line) for f in found] == [
        (f"the id 'monitoring' on {where} is the anchor of the heading 'Monitoring', whose links would lead here "
         "instead", _file_line(mini, POLICY, markup.splitlines()[-1]))]


H1_TITLE = ("<h1> is a title, which the page already has from the front matter: the PDF would list it as a document "
            "of its own, and the booklet would hide it")
NESTED_CONTROL = ("the heading 'Document control' inside a list, a quote or a box would show in the page's contents and "
                  "the PDF's bookmarks as the Document control section the handbook adds to every document's page")


@pytest.mark.parametrize("body, message, where", [
    ("A lone backtick ` here.\n \n<h1>Raw title</h1>\n \nend ` here.", H1_TITLE, "<h1>Raw title</h1>"),
    ("- one `\n- two <h1>Raw title</h1> `", H1_TITLE, "<h1>Raw title</h1>"),
    ("An escaped \\` then <h1>Raw title</h1> and ` here.", H1_TITLE, "<h1>Raw title</h1>"),
    ("Text.\n\n    ```\n\n<h1>Raw title</h1>\n\n    ```", H1_TITLE, "<h1>Raw title</h1>"),
    ('- !!! tabbed-block "x"\n    Shown in the PDF only.',
     "the box type 'tabbed-block' is not one of the handbook's: each word after !!! or ??? becomes a class of the "
     "box, which the theme or the PDF could read as one of its own parts", "tabbed-block"),
    ("##Document control", "the heading 'Document control' would take the anchor #document-control, which the "
     "handbook keeps for the Document control section it adds to every document's page", "##Document control"),
    ("#Fake title", "the heading 'Fake title' is a title (# or a line of =), which the page already has from the front "
     "matter: the PDF would list it as a document of its own, and the booklet would hide it", "#Fake title"),
    ("!!! note\n    ## Document control", NESTED_CONTROL, "## Document control"),
    ("<div markdown>## Document control</div>", NESTED_CONTROL, "## Document control"),
    ("- Item\n\n    ##Document control", NESTED_CONTROL, "##Document control"),
    ("<div>\n```\n</div>\n\n<h1>Raw title</h1>\n\n<div>\n```\n</div>", H1_TITLE, "<h1>Raw title</h1>"),
    ("<div>A code span `<h1>Raw title</h1>` in raw HTML.</div>", H1_TITLE, "<h1>Raw title</h1>"),
    ("- ### Monitoring\n    We watch everything.\n\n### Monitoring\n\nWe use no cameras.",
     "the heading 'Monitoring' inside a list, a quote or a box has the words of another heading of the page, whose "
     "anchor it would take: links to that heading (and the Statement of Purpose's index of Schedule 1) would lead "
     "here", "- ### Monitoring"),
    ("### We watch everything {: #monitoring }\n\n### Monitoring\n\nWe use no cameras.",
     "the id 'monitoring' on an attribute list is the anchor of the heading 'Monitoring', whose links would lead "
     "here instead", "{: #monitoring }"),
    ("> Document control\n> ----------------\n>\n> | Version | 1.4 (approved) |", NESTED_CONTROL, "> Document control"),
    ("1. > Document control\n   > ----------------\n   > Version 1.4, approved.", NESTED_CONTROL, "1. > Document"),
    ("- Item\n\n    Staff may lock your door\n    ========================",
     "the heading 'Staff may lock your door' inside a list, a quote or a box is a title, which the page already has "
     "from the front matter", "    Staff may lock your door"),
    ("####### History", "the heading '# History' would take the anchor #history, which the handbook keeps for the "
     "History section it adds to every document's page", "####### History"),
], ids=["code span over a blank line of spaces", "code span over list items", "escaped backtick",
        "indented fence", "box in a list item", "heading with no space", "title with no space", "heading in a box",
        "heading in markdown HTML", "heading indented in a list item", "a fence in raw HTML",
        "a code span in raw HTML", "a heading's anchor taken by a heading in a list",
        "a heading's anchor taken by an earlier heading's id", "an underlined heading in a quote",
        "an underlined heading in a quote in a list", "an underlined title in a list item", "a heading with seven #"])
def test_what_markdown_reads_as_live_text_is_checked_as_such(mini, body, message, where):
    """The check blanks code before it reads a page; only what Python-Markdown reads as code."""
    write_document(mini, POLICY, front_matter(), body=f"First paragraph.\n\n{body}\n\nLast paragraph.\n")
    found = [f for f in check(mini).findings if f.check == "content-policy"]
    assert [(f.message, f.line) for f in found] == [(message, _file_line(mini, POLICY, where))]


def test_an_id_given_twice_on_a_page_is_refused(mini):
    write_document(mini, POLICY, front_matter(),
                   body='<span id="contact">Call us.</span>\n\nWrite to us.\n{: #contact }\n\n## Contact us {: #ours }\n')
    found = [f for f in check(mini).findings if f.check == "content-policy"]
    assert [(f.message, f.line) for f in found] == [
        ("the id 'contact' on an attribute list is given twice on the page, so links to it could lead to either",
         _file_line(mini, POLICY, "{: #contact }"))]


@pytest.mark.parametrize("markup", [
    "[Complaints](complaints.md) and [the statement](../statement-of-purpose/statement-of-purpose.md#our-ethos)",
    "[the map](../regulation-map.md#regulation-12), [mail](mailto:office@example.org), call {{ home.contacts.emergency.phone }}",
    "[GOV.UK](https://www.gov.uk/) and <https://www.gov.uk/> and [anchor](#top)",
    "`<script>` in code is text", "```html\n<script>alert(1)</script>\n```",
    "<details><summary>More</summary><p>Text</p></details>",
    "{% raw %}{{ not a fact }}{% endraw %} and {{ home.name }}",
    '!!! danger emergency "In an emergency"\n    Call 999.\n\n???+ tip\n    Ask us.\n\n> !!! note\n>     Quoted.',
    "```text\n!!! running\n```",
    "## Our rooms {: #our-space }\n\nText.\n\n## Rooms\n\n<span id=\"garden\">The garden.</span>",
    "> ## What to do next\n\n- ### Who to call",
    "!!! Never leave a child alone!\n\n!!! Remember, we are here.",
    "<div markdown>\n\n```text\n<b>an example</b>\n```\n\n</div>",
    "> What to do next\n> ----------------\n\n- Who to call\n  ---\n\n> History\n    -------",
    "We love it here <3 and a <? b is odd, best ever!<!\" Write <p> in HTML to start a paragraph.",
])
def test_ordinary_content_passes(mini, markup):
    (mini / "docs").mkdir()
    (mini / "docs" / "regulation-map.md").write_text("# Regulation map\n")
    write_document(mini, "policies/complaints.md", front_matter(id="complaints", title="Complaints policy"))
    write_document(mini, POLICY, front_matter(), body=f"First.\n\n{markup}\n")
    assert [f for f in check(mini).findings if f.check == "content-policy"] == []


def test_pages_in_docs_are_checked_too(mini):
    (mini / "docs").mkdir()
    (mini / "docs" / "index.md").write_text("---\ntitle: Home\n---\n\n# Home\n\n<script>alert(1)</script>\n")
    found = [str(f) for f in check(mini).findings if f.check == "content-policy"]
    assert found == ["docs/index.md, line 7: <script> is not allowed in a document - remove it: documents hold text, links "
                     "and images; the handbook's theme decides how pages look and what runs on them"]
    assert next(f for f in check(mini).findings if f.check == "content-policy").line == 7


SITE_PAGE_FIELD = ("remove it; a page in docs/ may set only title and hide")


@pytest.mark.parametrize("front, message, field, line", [
    ("description: '\"><script>alert(2)</script>'",
     "docs/index.md, line 3: the field 'description' is not one a page of the site may set: the theme would print it into "
     f"every reader's page as it is - {SITE_PAGE_FIELD}", "description", 3),
    ("subtitle: '<script>alert(4)</script>'",
     "docs/index.md, line 3: the field 'subtitle' is not one a page of the site may set: the theme would print it into "
     f"every reader's page as it is - {SITE_PAGE_FIELD}", "subtitle", 3),
    ("template: redirect.html\nlocation: https://evil.example/sign-in",
     "docs/index.md, line 3: the field 'template' is not one a page of the site may set: the theme would print it into "
     f"every reader's page as it is - {SITE_PAGE_FIELD}", "template", 3),
    ("hide: [navigation, everything]",
     "docs/index.md, line 3: hide lists something the theme cannot hide (it may list navigation, toc, footer, path, tags) "
     "- list only those", "hide", 3),
])
def test_a_site_page_sets_only_a_plain_title_and_what_to_hide(mini, front, message, field, line):
    """The theme prints a page's front matter into its head and header, outside the article the
    sanitiser reads: anything but a plain title and `hide` could run a script on every page."""
    (mini / "docs").mkdir()
    (mini / "docs" / "index.md").write_text(f"---\ntitle: Home\n{front}\n---\n\n# Home\n")
    found = [f for f in check(mini).findings if f.path == "docs/index.md"]
    assert [str(f) for f in found][:1] == [message]
    assert (found[0].field, found[0].line, found[0].is_error) == (field, line, True)


MULTIMARKDOWN_SETTING = ("which MkDocs reads as a setting for the theme, not as text: the line would not be shown, and "
                         "the theme would print it into the page as it is - put a blank line above it, or start the "
                         "page with its front matter between --- lines (title and hide only)")


@pytest.mark.parametrize("text, key", [
    ('description: `"><script>alert(document.domain)</script>`\nauthor: x\n\n# Home\n', "description"),
    ("template: redirect.html\nlocation: https://evil.example/sign-in\n\n# Home\n", "template"),
    ("   Note: the on-call manager's number is on the rota.\n\n# Home\n", "Note"),
])
def test_a_site_page_starting_with_a_setting_mkdocs_reads_is_refused(mini, text, key):
    """An attacker's review: with no front matter between --- lines, MkDocs reads `key: value` lines
    at the top of a page as its settings ("MultiMarkdown"), which the theme printed into the head
    unchecked; a page's first line "Note: ..." also vanished from the page."""
    (mini / "docs").mkdir()
    (mini / "docs" / "index.md").write_text(text, encoding="utf-8")
    found = [f for f in check(mini).findings if f.path == "docs/index.md"]
    assert [str(f) for f in found] == [f"docs/index.md, line 1: the page starts with '{key}:', {MULTIMARKDOWN_SETTING}"]
    assert found[0].is_error
    (mini / "docs" / "index.md").write_text("\n" + text, encoding="utf-8")  # a blank line first: MkDocs reads text
    assert [f for f in check(mini).findings if f.path == "docs/index.md" and f.check == "front-matter"] == []


def test_a_site_page_title_is_plain_text(mini):
    (mini / "docs").mkdir()
    (mini / "docs" / "index.md").write_text("---\ntitle: Topics<script>alert(1)</script>\n---\n\n# Home\n")
    assert [str(f) for f in check(mini).findings if f.path == "docs/index.md"] == [
        "docs/index.md, line 2: its title is not plain text of up to 120 characters (no <, >, &, braces, quotes or "
        "backticks) - write the title as plain words"]


def test_attack_8_a_script_in_a_site_pages_front_matter_stops_the_build(handbook_copy):
    index = handbook_copy / "docs" / "index.md"
    index.write_text(index.read_text().replace("title: Home\n", "title: Home\nsubtitle: '<script>alert(4)</script>'\n", 1))
    _refused(handbook_copy, "docs/index.md, line 3: the field 'subtitle' is not one a page of the site may set")


def test_a_page_full_of_unclosed_markup_is_checked_quickly(mini):
    from handbook.checks.content_policy import page_findings

    handbook = check(mini)
    for text in ("<a x=\"" * 20_000, "<a" * 100_000, "[a](" * 50_000, "{: " * 60_000, "`" * 100_000, "{{" * 100_000):
        started = time.monotonic()
        page_findings(handbook, POLICY, POLICY, text)
        assert time.monotonic() - started < 5, text[:10]


# --- end to end: refused in one line naming the file, site/ untouched ----------------------

def _refused(root: Path, expected: str) -> None:
    """`mkdocs build` and `handbook check` both fail with one line holding `expected`, with
    no traceback, and site/ is left exactly as it was."""
    site = root / "site"
    site.mkdir(exist_ok=True)
    (site / "previous.html").write_text("the last good build")
    build = mkdocs_build(root)
    assert build.returncode != 0
    assert "Traceback" not in build.stderr + build.stdout
    lines = [line for line in build.stderr.splitlines() if expected in line]
    assert len(lines) == 1, build.stderr
    assert re.fullmatch(r"ERROR    -  [^:]+: .+ - .+", lines[0]), lines[0]
    assert sorted(p.name for p in site.iterdir()) == ["previous.html"], "site/ was touched"
    result = handbook_command(root, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert [line for line in result.stdout.splitlines() if expected in line] == [f"ERROR: {lines[0][12:]}"]


def test_attack_7_a_status_given_twice_is_refused(handbook_copy):
    path = handbook_copy / POLICY
    path.write_text(path.read_text().replace("status: approved\n", "status: draft\nstatus: approved\n", 1))
    first, second = _file_line(handbook_copy, POLICY, "status: draft"), _file_line(handbook_copy, POLICY,
                                                                                   "status: approved")
    _refused(handbook_copy, f"policies/missing-child.md, line {second}: status is given twice, on lines {first} and {second} - "
                            "keep only one of them")


def test_attack_6_the_build_shows_a_document_nothing_but_the_handbook(handbook_copy):
    path = handbook_copy / POLICY
    path.write_text(path.read_text() + '\n{% if edition != "public" %}Not the website.{% endif %}\n')
    build = mkdocs_build(handbook_copy)
    assert build.returncode == 0, build.stderr
    assert "Not the website." in (handbook_copy / "site" / "policies" / "missing-child.html").read_text()
    # MkDocs' configuration is not a document's to read (test_check_and_build_see_the_same_variables
    # tries the others, with the renderers the check and the build use)
    shutil.rmtree(handbook_copy / "site")
    path.write_text(path.read_text() + "\nLEAK {{ config }}\n")
    _refused(handbook_copy, "a {{ }} expression uses something that does not exist ('config' is undefined)")


@pytest.mark.parametrize("comment", ["<!-- Child A is back on Friday: tell night staff -->", "<!-- left open"])
def test_an_html_comment_is_refused_it_would_be_published_in_the_page_source(handbook_copy, comment):
    """A comment is invisible on the page and readable by anyone in its source (the public
    website, the inspector copy); one left open hides the rest of the page, document control too."""
    path = handbook_copy / POLICY
    lines = path.read_text().count("\n")
    path.write_text(path.read_text() + f"\nThe end.\n{comment}\n")
    _refused(handbook_copy, "policies/missing-child.md, line 160: an HTML comment (<!-- -->) is published in the page's "
                            "source, where anyone who opens the page can read it - remove it: a note for the team "
                            "belongs in the pull request, and a template comment {# ... #} is never published")
    (found,) = [f for f in check(handbook_copy, fixture_today()).findings if f.check == "content-policy"]
    assert found.line == lines + 3


def test_attack_6_printing_the_configuration_is_refused(handbook_copy):
    path = handbook_copy / POLICY
    path.write_text(path.read_text() + "\n{{ config.site_dir }}\n")
    _refused(handbook_copy, f"policies/missing-child.md, line {_file_line(handbook_copy, POLICY, '{{ config')}: a "
                            "{{ }} expression uses something that does not exist ('config' is undefined)")


@pytest.mark.parametrize("function", ["status_report", "regulation_map", "review_schedule", "topics"])
def test_a_document_cannot_pull_a_page_of_the_site_into_its_text(mini, function):
    """The page functions belong to the site's own pages: a document calling one would copy the
    staff status page (every finding, every document, the law still to verify) into its text,
    and from there into the public website or the inspector copy."""
    path = mini / POLICY
    path.write_text(path.read_text() + f"\n{{{{ {function}() }}}}\n")
    assert [m for m in messages(check(mini), "template")] == [
        f"policies/missing-child.md, line {_file_line(mini, POLICY, function)}: a {{{{ }}}} expression uses something "
        f"that does not exist ('{function}' is undefined) - check the spelling against data/home.yml (for example "
        "{{ home.contacts.ofsted.phone }}), or remove the braces"]


def test_attack_7_a_document_calling_the_status_page_is_refused_by_the_build(handbook_copy):
    path = handbook_copy / POLICY
    path.write_text(path.read_text() + "\n{{ status_report() }}\n")
    _refused(handbook_copy, f"policies/missing-child.md, line {_file_line(handbook_copy, POLICY, '{{ status_report')}: "
                            "a {{ }} expression uses something that does not exist ('status_report' is undefined)")


def test_attack_6_a_title_is_never_a_template(handbook_copy):
    path = handbook_copy / POLICY
    path.write_text(path.read_text().replace("title: Missing child policy", "title: '{{ config.site_dir }}'", 1))
    _refused(handbook_copy, "policies/missing-child.md, line 3: title holds {{, {% or {#, but a title is plain text and is "
                            "never filled in - write the title out in full, without braces")


def test_a_title_with_markup_is_shown_as_text_everywhere(handbook_copy):
    title = "<img src=x onerror=alert(1)> [link](https://example.org) {: onclick=\"alert(2)\" }"
    path = handbook_copy / POLICY
    text = path.read_text().replace("title: Missing child policy", f"title: '{title}'", 1)
    path.write_text(text.replace("summary: How we", "summary: <script>alert(3)</script> How we", 1))
    build = mkdocs_build(handbook_copy)
    assert build.returncode == 0, build.stderr
    site = handbook_copy / "site"
    for page in site.rglob("*.html"):
        parser = _Elements()
        parser.feed(page.read_text())
        assert parser.scripts_run == [], page
        assert "alert(3)" not in parser.inline_scripts, page
    escaped = '&lt;img src=x onerror=alert(1)&gt; [link](https://example.org) {: onclick="alert(2)" }'
    assert escaped in (site / "topics.html").read_text()
    assert "<title>&lt;img src=x onerror=alert(1)&gt;" in (site / POLICY.replace(".md", ".html")).read_text()


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts_run: list[str] = []
        self.inline_scripts = ""
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.scripts_run += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.inline_scripts += data


def test_a_link_to_a_local_file_fails_check_and_build(handbook_copy):
    path = handbook_copy / POLICY
    path.write_text(path.read_text() + "\nSee [the host](file:///etc/hostname){: rel=\"attachment\" }.\n")
    _refused(handbook_copy, "policies/missing-child.md, line 159: the link 'file:///etc/hostname' uses file:, which documents "
                            "may not use")


# --- git: every file name, every ref, no repository, a shallow clone --------------------------

def git(repo: Path, *args: str, when: str | None = None, who: str = "Sam Author") -> str:
    when = when or f"{fixture_today().isoformat()}T08:00:00+00:00"
    email = who.lower().replace(" ", ".") + "@example.org"
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": who,
           "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": who, "GIT_COMMITTER_EMAIL": email}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


QUOTED = "policies/café «quoted».md"  # git quotes every name with letters outside ASCII


@pytest.fixture
def quoted_repo(handbook_copy):
    """The fixture handbook with a policy whose name git quotes (letters outside ASCII), in git."""
    text = (handbook_copy / "policies/anti-bullying.md").read_text()
    text = text.replace("id: anti-bullying", "id: cafe-quoted", 1).replace("title: Anti-bullying policy",
                                                                            "title: Café «quoted» policy", 1)
    (handbook_copy / QUOTED).write_text(text)
    git(handbook_copy, "init", "-q", "-b", "main")
    git(handbook_copy, "add", "-A")
    git(handbook_copy, "commit", "-q", "-m", "The handbook with a café policy")
    git(handbook_copy, "checkout", "-q", "-b", "change")
    return handbook_copy


def test_attack_4_a_name_git_quotes_keeps_its_change_discipline(quoted_repo):
    path = quoted_repo / QUOTED
    path.write_text(path.read_text() + "\nA new sentence staff must follow.\n")
    result = handbook_command(quoted_repo, "check", "--base", "main")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("ERROR")] == [
        f'ERROR: {QUOTED}, line {_file_line(quoted_repo, QUOTED, "version:")}: the text changed but version is still 1.0 - '
        'set version to "1.1" and add a changes entry: '
        f'version: "1.1", date: {fixture_today().isoformat()}, summary: what changed and why']
    path.unlink()
    result = handbook_command(quoted_repo, "check", "--base", "main")
    assert result.returncode == 1
    assert (f"ERROR: {QUOTED}: the document was deleted (it is on main) - put it back and set status: retired "
            "instead") in result.stdout


def test_attack_4_a_name_git_quotes_keeps_its_history(quoted_repo):
    git(quoted_repo, "checkout", "-q", "main")
    path = quoted_repo / QUOTED
    later = fixture_today() + dt.timedelta(days=3)
    text = path.read_text().replace('version: "1.0"', 'version: "1.1"', 1).replace(
        "changes:\n", f'changes:\n  - version: "1.1"\n    date: {later}\n    summary: A sentence added.\n'
                      f"    approved_by: Responsible Individual\n    approved_on: {later}\n", 1)
    path.write_text(text + "\nA new sentence staff must follow.\n")
    git(quoted_repo, "commit", "-q", "-am", "Café policy: a sentence added", when=f"{later}T09:00:00+00:00",
        who="Eve Editor")
    site = quoted_repo / "site"
    build = mkdocs_build(quoted_repo, today=later)
    assert build.returncode == 0, build.stderr
    page = (site / QUOTED.replace(".md", ".html")).read_text()
    history = page[page.index('id="history"'):]
    assert "Eve Editor" in history and "Café policy: a sentence added" not in history  # people, not commit messages
    assert "<strong>Added:</strong> <ins>A new sentence staff must follow.</ins>" in history


def test_an_empty_or_unknown_base_is_refused_in_one_line(quoted_repo):
    for base, message in [("", "ERROR: --base needs a branch, tag or commit to compare with, such as origin/main"),
                          ("no-such-branch", "ERROR: 'no-such-branch' is not a branch, tag or commit in this repository "
                                             "- fetch it first (git fetch origin main) or check the spelling"),
                          ("-x", "ERROR: '-x' is not a branch, tag or commit name - names do not start with '-'")]:
        result = handbook_command(quoted_repo, "check", f"--base={base}")
        assert result.returncode == 1 and result.stdout == ""
        assert result.stderr.splitlines() == [message]


def test_a_new_title_summary_or_kind_needs_a_changes_entry_and_an_id_never_changes(quoted_repo):
    """An attack on the reviewer's summary retitled an approved policy "(superseded - do not
    follow)", rewrote its summary and made it a procedure, with no version and no changes entry,
    and the check passed; it changed its id too, which never changes."""
    path = quoted_repo / POLICY
    text = path.read_text()
    path.write_text(text.replace("title: Missing child policy", "title: Missing child policy (superseded)", 1)
                    .replace("kind: policy", "kind: procedure", 1).replace("id: missing-child", "id: missing", 1))
    result = handbook_command(quoted_repo, "check", "--base", "main")
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if line.startswith("ERROR")] == [
        "ERROR: policies/missing-child.md, line 2: id changed from missing-child (on main) to missing: a document's id never "
        "changes - put back id: missing-child",
        "ERROR: policies/missing-child.md, line 3: title (Missing child policy on main, now Missing child policy (superseded)), "
        "kind (policy on main, now procedure) changed but changes has no new entry - raise version to \"1.2\" and add "
        f"a changes entry for it: version: \"1.2\", date: {fixture_today().isoformat()}, summary: what changed and why"]


def test_a_change_of_audience_needs_a_changes_entry(quoted_repo):
    path = quoted_repo / POLICY
    path.write_text(path.read_text().replace("audience: [staff, families, professionals, inspectors]",
                                             "audience: [staff, inspectors]", 1))
    result = handbook_command(quoted_repo, "check", "--base", "main")
    assert result.returncode == 1
    line = _file_line(quoted_repo, POLICY, "audience:")
    assert ("ERROR: policies/missing-child.md, line 12: audience ([staff, families, professionals, inspectors] on main, now "
            "[staff, inspectors]) changed but changes has no new entry - raise version to \"1.2\" and add a changes "
            f"entry for it: version: \"1.2\", date: {fixture_today().isoformat()}, summary: what changed and why"
            ) in result.stdout.splitlines()
    assert json_finding(quoted_repo, "change-discipline")["line"] == line
    day = fixture_today().isoformat()
    path.write_text(path.read_text().replace('version: "1.1"', 'version: "1.2"', 1).replace(
        "changes:\n", f'changes:\n  - version: "1.2"\n    date: {day}\n    summary: Now for staff and inspectors only.\n'
                      f"    approved_by: Responsible Individual\n    approved_on: {day}\n", 1))
    assert handbook_command(quoted_repo, "check", "--base", "main").returncode == 0


def json_finding(root: Path, check_name: str) -> dict:
    import json

    report = json.loads(handbook_command(root, "check", "--base", "main", "--format", "json").stdout)
    return next(f for f in report["findings"] if f["check"] == check_name)


@pytest.mark.parametrize("field, old, new", [("owner", "Registered Manager", "Responsible Individual"),
                                             ("review_every_months", "12", "24")])
def test_other_recorded_fields_need_a_changes_entry(quoted_repo, field, old, new):
    path = quoted_repo / POLICY
    path.write_text(path.read_text().replace(f"{field}: {old}", f"{field}: {new}", 1))
    result = handbook_command(quoted_repo, "check", "--base", "main")
    assert result.returncode == 1
    at = _file_line(quoted_repo, POLICY, f"{field}: {new}")
    assert f"ERROR: policies/missing-child.md, line {at}: {field} ({old} on main, now {new}) changed but changes has no new " \
           "entry" in result.stdout


def test_approving_a_draft_as_it_stands_needs_no_new_entry(handbook_copy):
    path = handbook_copy / POLICY
    approved = path.read_text()
    draft = approved.replace("status: approved", "status: draft", 1)
    draft = re.sub(r"(?m)^    approved_by: .*\n    approved_on: .*\n", "", draft, count=1)
    path.write_text(draft)
    git(handbook_copy, "init", "-q", "-b", "main")
    git(handbook_copy, "add", "-A")
    git(handbook_copy, "commit", "-q", "-m", "A draft")
    git(handbook_copy, "checkout", "-q", "-b", "approval")
    path.write_text(approved)
    result = handbook_command(handbook_copy, "check", "--base", "main")
    assert result.returncode == 0, result.stdout


def test_a_shallow_clone_says_so_where_history_matters(quoted_repo, tmp_path):
    git(quoted_repo, "checkout", "-q", "main")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{quoted_repo}", str(shallow)], check=True)
    message = f"{shallow} is a shallow clone: {{}} needs the full history, which it does not have - fetch it with: " \
              "git fetch --unshallow"
    base = handbook_command(shallow, "check", "--base", "main")
    assert base.returncode == 1 and base.stderr.splitlines() == ["ERROR: " + message.format("comparing with main")]
    day = fixture_today().isoformat()
    as_of = handbook_command(shallow, "export", "--as-of", day, "--dist", str(tmp_path / "dist"))
    assert as_of.returncode == 1
    assert as_of.stderr.splitlines() == ["ERROR: " + message.format(f"a copy as in force on {day}")]
    assert not (tmp_path / "dist").exists()
    build = mkdocs_build(shallow)
    assert build.returncode != 0 and "Traceback" not in build.stderr
    assert [line for line in build.stderr.splitlines() if "shallow clone" in line] == [
        "ERROR   -  " + message.format("the history shown on each page")]
    assert handbook_command(shallow, "check").returncode == 0  # the check itself needs no history


def test_outside_a_git_repository_each_command_says_so(handbook_copy, tmp_path):
    assert handbook_command(handbook_copy, "check").returncode == 0
    base = handbook_command(handbook_copy, "check", "--base", "main")
    assert base.returncode == 1
    assert base.stderr.splitlines() == [
        f"ERROR: {handbook_copy} is not a git repository: comparing with main needs the handbook's git history - run "
        "it in a clone of the handbook's repository"]
    build = mkdocs_build(handbook_copy)
    assert build.returncode == 0, build.stderr
    assert (f"WARNING  -  {handbook_copy} is not a git repository: the history shown on each page needs the "
            "handbook's git history - run it in a clone of the handbook's repository") in build.stderr.splitlines()
    export = handbook_command(handbook_copy, "export", "--dist", str(tmp_path / "dist"))
    assert export.returncode == 1 and "Traceback" not in export.stderr
    assert export.stderr.splitlines() == [
        f"ERROR: {handbook_copy} is not a git repository: an inspector copy names the commit it was made from - run "
        "the export in a clone of the handbook's repository"]
    assert not any((tmp_path / "dist").glob("*.zip"))


def test_every_git_command_goes_through_one_runner():
    package = Path(__file__).resolve().parent.parent / "handbook"
    callers = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                     if re.search(r"""\[\s*["']git["']""", p.read_text()))
    assert callers == ["sources/git.py"]


# --- what a document may not take from the page around it ---------------------------------
# Each markup is written between two paragraphs; `at` is the text of the line the message names.

_THEME_ID = "which the theme keeps for its own parts (its scripts read their settings from the element with the id __config)"
_PAGE_ANCHOR = "section the handbook adds to every document's page, whose links would lead here instead"
_CLASS_NOT_ALLOWED = ("not one a page may use: the theme's and the handbook's style sheets and scripts use their classes "
                "to hide, move or restyle parts of the page and the PDF - remove it (a page may use only md-button and "
                "md-button--primary, which show a link as a button, grid and cards, Material's grid of cards, and tel, "
                "a phone number's link)")
_HIDDEN = ("hides text from readers, while search and the inspectors' PDF still show it - remove it: everything a "
           "document holds is for its readers to see (a collapsible ??? box keeps text out of the way)")
_NOT_AN_ANCHOR = ("holds more than letters, digits, - and _: ids are printed into links as they are (the page's "
                  "contents list, the theme's links), where a quote or a space would end the link - give it an id of "
                  "letters, digits, - and _ only, such as what-staff-do, or remove it")
_NOT_AN_ANCHOR_NAME = _NOT_AN_ANCHOR.replace("give it an id", "give it a name")
_SWALLOWS = "is opened here and never closed, so it would swallow the rest of the page, document control included"
_STRAY = "closes an element the document never opened, so it would close part of the page around the document"

TAKEN = [
    ('<div id="__config">{"base": "https://evil.example", "features": []}</div>', "<div",
     f"the id '__config' on <div> starts with __, {_THEME_ID} - give it an id that does not start with __, or remove it"),
    ('{"base": "https://evil.example"}\n{: #__config }', "{: #__config }",
     f"the id '__config' on an attribute list starts with __, {_THEME_ID} - give it an id that does not start with __, "
     "or remove it"),
    ('{"base": "https://evil.example"}\n{ id="__config" }', '{ id="__config" }',
     f"the id '__config' on an attribute list starts with __, {_THEME_ID} - give it an id that does not start with __, "
     "or remove it"),
    ('<a name="__search">x</a>', "<a name",
     f"the name '__search' on <a> starts with __, {_THEME_ID} - give it a name that does not start with __, or remove it"),
    ('<span id="document-control">x</span>', "<span",
     f"the id 'document-control' on <span> is the anchor of the Document control {_PAGE_ANCHOR} - give it another id, "
     "or remove it"),
    ("## Our approach {: #history }", "## Our approach",
     f"the id 'history' on an attribute list is the anchor of the History {_PAGE_ANCHOR} - give it another id, or "
     "remove it"),
    ("## History", "## History",
     "the heading 'History' would take the anchor #history, which the handbook keeps for the History section it adds "
     "to every document's page - reword the heading (the handbook adds its own History section at the end of the page)"),
    ("History\n-------", "History",
     "the heading 'History' would take the anchor #history, which the handbook keeps for the History section it adds "
     "to every document's page - reword the heading (the handbook adds its own History section at the end of the page)"),
    ("## Document control", "## Document control",
     "the heading 'Document control' would take the anchor #document-control, which the handbook keeps for the "
     "Document control section it adds to every document's page - reword the heading (the handbook adds its own "
     "Document control section at the end of the page)"),
    ("## __config", "## __config",
     "the heading '__config' would take an anchor starting with __, which the theme keeps for its own parts - reword "
     "the heading so it does not start with __"),
    ('<div class="md-toggle headerlink" markdown>\n\nText.\n\n</div>', "<div class",
     f"the classes 'md-toggle', 'headerlink' on <div> are {_CLASS_NOT_ALLOWED}"),
    ('<p class="running">Approved by the Responsible Individual</p>', "<p class",
     f"the class 'running' on <p> is {_CLASS_NOT_ALLOWED}"),
    ('<div class="tabbed-block">Shown only in the PDF.</div>', "<div class",
     f"the class 'tabbed-block' on <div> is {_CLASS_NOT_ALLOWED}"),
    ('```{.text #__config}\n{"search": "x"}\n```', "```{.text",
     f"the id '__config' on an attribute list starts with __, {_THEME_ID} - give it an id that does not start with __, "
     "or remove it"),
    ("```{.text .tabbed-block}\nShown only in the PDF.\n```", "```{.text",
     f"the class 'tabbed-block' on an attribute list is {_CLASS_NOT_ALLOWED}"),
    ("Text.\n{: .md-toggle }", "{: .md-toggle }", f"the class 'md-toggle' on an attribute list is {_CLASS_NOT_ALLOWED}"),
    ('<div data-md-component="toc">x</div>', "<div",
     "the data-md-component attribute on <div> is one of the theme's own, by which its scripts find the parts of the "
     "page they work on - remove it"),
    ('## Restraint { data-toc-label="Rewards" }', "## Restraint",
     "the data-toc-label attribute on an attribute list gives a heading other words in the page's contents than the "
     "words readers see under it - remove it: the contents list shows the heading's own words"),
    ('<h3 id="if-a-child-is-missing-now">Sources</h3>', "<h3",
     "<h3> is a heading written in HTML, which gets no anchor of its own: the page's contents, links to the section "
     "and the Statement of Purpose's index cannot find it - write it in Markdown: ### and the words"),
    ('<small><small><small>Call 999 at once.</small></small></small>', "<small",
     "<small> inside <small> makes text smaller again: nested, text shrinks until readers cannot see it, while the "
     "checks and the review still read it - use one <small> alone, not one inside another"),
    ('<strike>**Tell the on-call manager.**</strike>', "<strike",
     "<strike> is not allowed in a document - remove it: documents hold text, links and images; the handbook's theme "
     "decides how pages look and what runs on them"),
    ('<p dir="rtl">Checks at 15 30 60 minutes.</p>', "<p dir",
     'the dir="rtl" attribute on <p> shows the text in another order than it is written (15 30 60 reads 60 30 15), '
     'so readers would not see what was reviewed - remove it (dir="ltr" may stay)'),
    ('<p dir="auto">15 30 60</p>', "<p dir",
     'the dir="auto" attribute on <p> shows the text in another order than it is written (15 30 60 reads 60 30 15), '
     'so readers would not see what was reviewed - remove it (dir="ltr" may stay)'),
    ("<p hidden>Only search and the PDF see this.</p>", "<p hidden", f"the hidden attribute on <p> {_HIDDEN}"),
    ("Only search and the PDF see this.\n{: hidden }", "{: hidden }",
     f"the hidden attribute on an attribute list {_HIDDEN}"),
    ("<details markdown>\n<summary>More</summary>\n\nText.", "<details",
     f"<details> {_SWALLOWS} - close it with </details>"),
    ("<div markdown>\n\nText.", "<div", f"<div> {_SWALLOWS} - close it with </div>"),
    ("<p>", "<p>", f"<p> {_SWALLOWS} - close it with </p>"),
    ("<li>An item on its own", "<li>", f"<li> {_SWALLOWS} - close it with </li>"),
    ("Text.\n\n</article>", "</article>", f"</article> {_STRAY} - remove it, or open <article> before it"),
    ("<ul><li><div>One</li></ul>\n\nText between.\n\n</div>\n\nAfter the close.", "</div>",
     f"</div> {_STRAY} - remove it, or open <div> before it"),
    ("The line \u202eenil eht", "The line",
     "this line holds an invisible character (U+202E) that reverses the order the text is shown in, so readers would "
     "not see what was reviewed - delete it (retype the line if you cannot see it)"),
    ("Times: 15\u200f 30\u200f 60 minutes.", "Times:",
     "this line holds an invisible character (U+200F) that reverses the order the text is shown in, so readers would "
     "not see what was reviewed - delete it (retype the line if you cannot see it)"),
    ("*" * 3000 + "x" + "*" * 3000, "x",
     "this paragraph holds 6,000 * and _ marks, more than the 500 the site build can read (it crashes on emphasis "
     "nested that deep) - use at most 500 in a paragraph (a line across the page is ---), or split the paragraph"),
    ("**a " * 1000 + "x" + " a**" * 1000, "x",
     "this paragraph holds 4,000 * and _ marks, more than the 500 the site build can read (it crashes on emphasis "
     "nested that deep) - use at most 500 in a paragraph (a line across the page is ---), or split the paragraph"),
    ("".join("    " * i + "- x\n" for i in range(300)).rstrip("\n"), " " * 104 + "- x",
     "this line is indented by 104 spaces, more than the 100 the site build can read (it crashes on lists nested that "
     "deep) - indent it less: nest lists a few levels at most"),
    ("- " * 500 + "x", "- - -",
     "this line opens more than 50 lists or quotes inside each other, more than the site build can read (it crashes "
     "on nesting that deep) - nest lists and quotes a few levels at most"),
    ("".join(">" * depth + " x\n" for depth in range(1, 60)).rstrip("\n"), ">" * 51 + " x",
     "this line opens more than 50 lists or quotes inside each other, more than the site build can read (it crashes "
     "on nesting that deep) - nest lists and quotes a few levels at most"),
    (("Term\n: what it means\n" * 101).rstrip("\n"), ": what it means",
     "this definition list holds 101 definitions with no blank line between them, more than the 100 the site build "
     "can read (it crashes on a list that long) - put a blank line between the terms, or split the list"),
    ("See [the policy " * 1001, "See [",
     "the page holds 1,001 [ marks, more than the 1,000 the site build reads in reasonable time (each one left open "
     "makes it read the rest of the paragraph again) - use fewer: at most 1,000 on a page, or split the page"),
    ("1 < 2 " * 2001, "1 <",
     "the page holds 2,001 < marks, more than the 2,000 the site build reads in reasonable time (each one left open "
     "makes it read the rest of the paragraph again) - use fewer: at most 2,000 on a page, or split the page"),
    ("<div markdown>\n\n" * 50 + "<aside markdown>\n\nx\n\n</aside>\n\n" + "</div>\n\n" * 50, "<aside",
     "the HTML here is nested more than 50 elements deep, more than the site build can read - nest fewer elements"),
    ("{{ '<!-- the night staff list -->' }}", "{{",
     "once its {{ }} and {% %} expressions are filled in, an HTML comment (<!-- -->) is published in the page's "
     "source, where anyone who opens the page can read it - remove it: a note for the team belongs in the pull "
     "request, and a template comment {# ... #} is never published"),
    ("{% if edition != 'public' %}{{ '<details markdown>' }}{% endif %}", "{%",
     f"once its {{{{ }}}} and {{% %}} expressions are filled in, <details> {_SWALLOWS} - close it with </details>"),
    # An attacker's review: the contents list and the skip link print a heading's id as it is.
    ("## What staff do {: id='x\" autofocus onfocus=\"alert(1)' }", "## What staff do",
     f"the id 'x\" autofocus onfocus=\"alert(1)' on an attribute list {_NOT_AN_ANCHOR}"),
    ('## What staff do { id="x&quot;onfocus=&quot;alert(1)" }', "## What staff do",
     f"the id 'x\"onfocus=\"alert(1)' on an attribute list {_NOT_AN_ANCHOR}"),
    ("## What staff do {: id='#' }", "## What staff do", f"the id '#' on an attribute list {_NOT_AN_ANCHOR}"),
    ('<span id="first step">x</span>', "<span", f"the id 'first step' on <span> {_NOT_AN_ANCHOR}"),
    ('<a name="a&gt;b">x</a>', "<a name", f"the name 'a>b' on <a> {_NOT_AN_ANCHOR_NAME}"),
]


@pytest.mark.unit
@pytest.mark.parametrize("markup, at, message", TAKEN, ids=[m[:40] for m, _, _ in TAKEN])
def test_a_document_cannot_take_over_the_page_around_it(mini, markup, at, message):
    write_document(mini, POLICY, front_matter(), body=f"First paragraph.\n\n{markup}\n\nLast paragraph.\n")
    found = [f for f in check(mini).findings if f.check == "content-policy"]
    line = _file_line(mini, POLICY, at)
    assert [str(f) for f in found] == [f"policies/missing-child.md, line {line}: {message}"]
    assert found[0].is_error and found[0].line == line


@pytest.mark.unit
@pytest.mark.parametrize("markup", [
    "[How to complain](complaints.md){ .md-button .md-button--primary }",
    "## History of the home\n\n## Our document control",
    "<ul><li>One<li>Two</ul><br><dl><dt>Term<dd>Meaning</dl>",
    "<table><tr><td>A<td>B</table>",
    '<span title="a hidden note">x</span> and <abbr title="Designated safeguarding lead">DSL</abbr>',
    "*Emphasis*, **strong**, ***both***, a_word_with_underscores and a rule:\n\n***",
    "{{ home.name }} and {% if edition != 'public' %}not on the website{% endif %}",
    "Term\n: what it means\n\n" * 101 + "[a](complaints.md) " * 1000,
    "> - 1. A quote holding a list holding a list\n>     - 2) and deeper\n\n" + "> " * 50 + "fifty deep",
    "```{.python}\nx = {'a': 1}\n```\n\n```yaml\nkey: {a: 1}\n```\n\n~~~ {.text}\nx\n~~~",
])
def test_what_a_document_may_still_write(mini, markup):
    write_document(mini, "policies/complaints.md", front_matter(id="complaints", title="Complaints policy"))
    write_document(mini, POLICY, front_matter(), body=f"First.\n\n{markup}\n")
    assert [str(f) for f in check(mini).findings if f.check == "content-policy"] == []


@pytest.mark.unit
def test_a_page_in_docs_may_have_a_history_heading_but_no_theme_id(mini):
    """Only a governed document's page gets the handbook's Document control and History."""
    (mini / "docs").mkdir()
    (mini / "docs" / "index.md").write_text("---\ntitle: Home\n---\n\n# Home\n\n## History\n\n<p id=\"__toc\">x</p>\n")
    assert [str(f) for f in check(mini).findings if f.check == "content-policy"] == [
        f"docs/index.md, line 9: the id '__toc' on <p> starts with __, {_THEME_ID} - give it an id that does not start with "
        "__, or remove it"]


@pytest.mark.unit
def test_the_templates_and_the_check_share_one_list_of_the_pages_anchors(mini):
    from handbook.model.reserved import DOCUMENT_ANCHORS
    from handbook.sources.headings import heading_anchors
    from handbook.views.document_page import document_details, document_top

    handbook = check(mini)
    for path in (POLICY, "statement-of-purpose/statement-of-purpose.md"):
        document = handbook.document(path)
        details = document_details(handbook, document)
        assert 'href="#document-control"' in document_top(handbook, document)
        assert set(heading_anchors(details)) <= set(DOCUMENT_ANCHORS)
    assert set(heading_anchors(details)) == set(DOCUMENT_ANCHORS)  # the statement of purpose has all three


@pytest.mark.unit
def test_a_title_reversed_by_an_invisible_character_is_refused(mini):
    write_document(mini, POLICY, front_matter(title="Missing child policy \u202etfard"))
    found = [f for f in check(mini).findings if f.check == "content-policy"]
    assert [str(f) for f in found] == [
        "policies/missing-child.md, line 3: the title holds an invisible character (U+202E) that reverses the order the text "
        "is shown in, so readers would not see what was reviewed - delete it (retype the title if you cannot see it)"]
    assert (found[0].field, found[0].line) == ("title", _file_line(mini, POLICY, "title:"))


@pytest.mark.unit
def test_a_word_with_look_alike_letters_of_another_alphabet_is_refused(mini):
    """'Histоry' with a Cyrillic о reads as History, but is not the word search, the reserved
    sections' headings and the public website's withheld facts are compared with."""
    write_document(mini, POLICY, front_matter(title="Missing child pоlicy"),
                   body="First.\n\n## Dоcument cоntrol\n\nA dose of 5μg, a café in Zürich, and Здравствуйте.\n")
    found = [str(f) for f in check(mini).findings if f.check == "content-policy"]
    assert found == [
        "policies/missing-child.md, line 3: the title holds the word 'pоlicy', written with Cyrillic letters that look like "
        "Latin ones: readers read the word it looks like, while search and the handbook's checks read another - retype "
        "the word in Latin letters",
        "policies/missing-child.md, line 26: this line holds the word 'Dоcument', written with Cyrillic letters that look like "
        "Latin ones: readers read the word it looks like, while search and the handbook's checks read another - retype "
        "the word in Latin letters"]
    lines = [f.line for f in check(mini).findings if f.check == "content-policy"]
    assert lines == [_file_line(mini, POLICY, "title:"), _file_line(mini, POLICY, "## D")]


@pytest.mark.unit
@pytest.mark.parametrize("word, alphabet", [("\u13f4\u13da1", "Cherokee"), ("\ua4d0\ua4e21", "Lisu"),
                                            ("\u0299s1", "small capital")])
def test_a_word_in_letters_that_only_look_latin_is_refused(mini, word, alphabet):
    """A postcode typed in Cherokee or Lisu letters, or in small capitals, reads as the postcode."""
    write_document(mini, POLICY, front_matter(), body=f"First.\n\nOur postcode is {word} 4DJ.\n")
    found = [f.message for f in check(mini).findings if f.check == "content-policy"]
    assert found == [f"this line holds the word '{word[:-1]}', written with {alphabet} letters that look like Latin "
                     "ones: readers read the word it looks like, while search and the handbook's checks read another"]


@pytest.mark.unit
@pytest.mark.parametrize("mark", ["\u202e", "\u200f", "\u061c", "\u2067"])
def test_a_finding_never_shows_a_character_that_reverses_the_line(mini, mark):
    write_document(mini, POLICY, front_matter(), body=f"[x](javascript:{mark}alert(1))\n")
    (found,) = [str(f) for f in check(mini).findings if "javascript" in str(f)]
    assert mark not in found and mark.encode("unicode_escape").decode("ascii") in found


@pytest.mark.unit
def test_a_message_keeps_a_tab_and_escapes_what_ends_or_redraws_the_line():
    from handbook.model.findings import one_line

    assert one_line("a\tb\rc\x1b[2Kd\u2028e\x85f") == "a\tb\\rc\\x1b[2Kd\\u2028e\\x85f"


@pytest.mark.unit
def test_a_document_may_not_take_an_id_the_inspectors_pdf_keeps(mini):
    from handbook.export.pdf import MAP_ID
    from handbook.model.reserved import PDF_PART_IDS

    assert MAP_ID in PDF_PART_IDS
    write_document(mini, "policies/regulation-map.md", front_matter(id=MAP_ID, title="Our regulations"))
    found = [f for f in check(mini).findings if f.check == "duplicate-id"]
    assert [str(f) for f in found] == [
        "policies/regulation-map.md, line 2: id 'regulation-map' is the inspectors' PDF's own id for the regulation map, so "
        "the PDF's links to the regulation map would lead to this document - give this document another id (usually "
        "its file name)"]
    assert (found[0].field, found[0].line) == ("id", _file_line(mini, "policies/regulation-map.md", "id:"))


@pytest.mark.unit
def test_a_page_too_long_is_refused_in_one_line(mini):
    write_document(mini, POLICY, front_matter(), body="Text. " * 100_000)
    assert [str(f) for f in check(mini).findings if f.check == "content-policy"] == [
        "policies/missing-child.md: the page is 600,001 characters long, more than the 500,000 a page of the handbook "
        "may hold - split it into shorter documents"]


@pytest.mark.unit
@pytest.mark.parametrize("body", [
    "[a](" * 124_000, "[" * 499_000, "{: " * 166_000, "<b>" * 166_000, "</b>" * 124_000, "{: #__x }\n" * 49_000,
    "\u202e\n" * 249_000, "## History\n" * 49_000, (" " * 200 + "x\n") * 2_400, "*" * 499_000, "[a](" * 250_000,
])
def test_the_whole_check_stays_quick_on_a_large_hostile_page(mini, body):
    write_document(mini, POLICY, front_matter(), body=body)
    started = time.monotonic()
    found = [f for f in check(mini).findings if f.path == POLICY and f.is_error]
    assert time.monotonic() - started < 10, [str(f)[:100] for f in found[:1]]


def test_attack_an_unclosed_details_hiding_the_document_control_is_refused(handbook_copy):
    path = handbook_copy / POLICY
    path.write_text(path.read_text() + "\n<details markdown>\n<summary>More</summary>\n\nThe end.\n")
    _refused(handbook_copy, f"policies/missing-child.md, line {_file_line(handbook_copy, POLICY, '<details markdown>')}: "
                            f"<details> {_SWALLOWS} - close it with </details>")


def test_attack_the_themes_configuration_taken_by_a_document_is_refused(handbook_copy):
    path = handbook_copy / POLICY
    path.write_text(path.read_text() + '\n<div id="__config">{"base": "https://evil.example"}</div>\n')
    _refused(handbook_copy, f"policies/missing-child.md, line {_file_line(handbook_copy, POLICY, '__config')}: the id "
                            "'__config' on <div> starts with __")


def test_attack_a_definition_list_too_long_is_one_line_not_a_traceback(handbook_copy):
    path = handbook_copy / POLICY
    path.write_text(path.read_text() + "\n" + "Term\n: what it means\n" * 500)
    _refused(handbook_copy, f"policies/missing-child.md, line {_file_line(handbook_copy, POLICY, ': what it means')}: "
                            "this definition list holds 500 definitions")
    summary = handbook_command(handbook_copy, "check").stdout.splitlines()[-1]
    assert re.fullmatch(r"Checked \d+ documents on [\d-]+: 1 error, \d+ warnings\.", summary), summary


def test_attack_emphasis_nested_too_deep_is_one_line_not_a_traceback(handbook_copy):
    path = handbook_copy / POLICY
    path.write_text(path.read_text() + "\n" + "*" * 3000 + "x" + "*" * 3000 + "\n")
    _refused(handbook_copy, f"policies/missing-child.md, line {_file_line(handbook_copy, POLICY, '*' * 3000)}: this "
                            "paragraph holds 6,000 * and _ marks")


@pytest.mark.parametrize("expression, expected", [
    ("{{ '<!-- a note' }}", "once its {{ }} and {% %} expressions are filled in, an HTML comment (<!-- -->) is "
                            "published in the page's source"),
    ("{{ '<script>alert(document.cookie)</script>' }}", "once its {{ }} and {% %} expressions are filled in, "
                                                        "<script> is not allowed in a document"),
])
def test_attack_what_an_expression_prints_is_checked_like_the_text(handbook_copy, expression, expected):
    """The check reads the source with {{ }} blanked; what the expressions print is checked too,
    so a comment or a script cannot be spelt out by an expression (the sanitiser would let the
    comment through, and stop the script only at build time, not in `handbook check`)."""
    path = handbook_copy / POLICY
    path.write_text(path.read_text() + f"\n{expression}\n")
    _refused(handbook_copy, f"policies/missing-child.md, line {_file_line(handbook_copy, POLICY, expression)}: {expected}")


CONTROLS = "its name holds a control character or a direction mark, which printed could change the line around it"
DEVICE = "is the name of a device on Windows (CON, PRN, AUX, NUL, COM1 to COM9 and LPT1 to LPT9 are, whatever follows the dot)"


@pytest.mark.unit
@pytest.mark.parametrize("name, problem", [
    ("docs/assets/a\\b.css", "its name holds \\, which Windows does not allow in a file name"),
    ("docs/assets/c:b.css", "its name holds :, which Windows does not allow in a file name"),
    ("docs/assets/a*b?.css", "its name holds * and ?, which Windows does not allow in a file name"),
    ('docs/assets/"a"<b>|.css', 'its name holds " and < and > and |, which Windows does not allow in a file name'),
    ("docs/assets/a\x1bb.css", CONTROLS),
    ("docs/assets/a\u202eb.css", CONTROLS),
    ("docs/assets/a.css.", "'a.css.' in its name ends with a dot or a space, which Windows drops from a name"),
    ("docs/assets/old /a.css", "'old ' in its name ends with a dot or a space, which Windows drops from a name"),
    ("docs/assets/con.css", f"'con.css' in its name {DEVICE}"),
    ("docs/assets/NUL/a.css", f"'NUL' in its name {DEVICE}"),
    ("docs/assets/Lpt9.min.css", f"'Lpt9.min.css' in its name {DEVICE}"),
    ("policies/aux.md", f"'aux.md' in its name {DEVICE}"),
])
def test_a_file_name_the_inspector_copy_cannot_hold_is_refused_by_the_check(mini, name, problem):
    """A name Windows cannot hold (inspectors may unzip the copy there: the file would be skipped or
    land elsewhere), or one that printed could change the line around it. The build passed such
    names, and only the export's check of its own copy refused some of them, naming no file."""
    path = mini / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("p { color: black }\n", encoding="utf-8")
    (found,) = [f for f in check(mini).findings if f.check == "files"]
    assert (found.path, found.is_error) == (name, True)
    assert found.message == f"{problem}, so the inspector copy cannot hold it"
    assert found.fix == "rename it with letters, digits, - and _"
    assert str(found).isprintable()  # the line that shows it is safe to print


@pytest.mark.unit
@pytest.mark.parametrize("name", ["docs/assets/console.css", "docs/assets/com10.css", "docs/assets/a.b.css",
                                  "docs/assets/auxiliary.css", "docs/assets/nul-points.css"])
def test_a_name_that_only_starts_like_a_windows_device_passes(mini, name):
    path = mini / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("p { color: black }\n", encoding="utf-8")
    assert [f for f in check(mini).findings if f.check == "files"] == []


PICTURE_FIX = ("keep the picture in docs/assets/images/ and give its path relative to this page, for example "
               "../assets/images/front-door.png")


@pytest.mark.unit
@pytest.mark.parametrize("markup, problem", [
    ('<img src="../assets/x.css#only-dark" alt="Shown in the PDF only">',
     "the src of <img> '../assets/x.css#only-dark' holds #"),
    ("![Shown in dark mode only](../assets/images/door.png#only-dark)",
     "the image '../assets/images/door.png#only-dark' holds #"),
    ("![A query](../assets/images/door.png?v=2)", "the image '../assets/images/door.png?v=2' holds ?"),
])
def test_a_picture_shown_in_one_colour_scheme_only_is_refused(mini, markup, problem):
    """An attack on the PDF: Material hides a picture whose address ends in #only-dark in the light
    scheme (the default), so its description was in the inspectors' PDF and not on the staff's screen."""
    _pictures(mini)
    write_document(mini, POLICY, front_matter(), body=f"First.\n\n{markup}\n")
    assert [(f.message, f.fix) for f in check(mini).findings if f.path == POLICY and f.is_error] == [
        (f"{problem}: the theme shows a picture whose address ends in #only-light or #only-dark in one colour scheme "
         "only, so readers would not all see the same", PICTURE_FIX)]


@pytest.mark.unit
@pytest.mark.parametrize("markup, shown", [
    ('<img src="../assets/x.css" alt="Shown in the PDF only">', "the src of <img> '../assets/x.css'"),
    ("![A document](complaints.md)", "the image 'complaints.md'"),
])
def test_a_picture_that_is_not_a_picture_is_refused(mini, markup, shown):
    """A stylesheet named as a picture: the site shows a broken picture, the PDF its description."""
    _pictures(mini)
    write_document(mini, "policies/complaints.md", front_matter(id="complaints", title="Complaints policy"))
    write_document(mini, POLICY, front_matter(), body=f"First.\n\n{markup}\n")
    assert [(f.message, f.fix) for f in check(mini).findings if f.path == POLICY and f.is_error] == [
        (f"{shown} is not a picture (.png, .jpg, .jpeg, .gif, .webp): the PDF would print its description (alt "
         "text) in its place, where the site shows a broken picture", PICTURE_FIX)]


def _pictures(root: Path) -> None:
    from PIL import Image

    (root / "docs/assets/images").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (2, 2)).save(root / "docs/assets/images/door.png")
    (root / "docs/assets/x.css").write_text("p { color: black }\n", encoding="utf-8")


@pytest.mark.unit
def test_a_picture_of_the_handbook_passes(mini):
    _pictures(mini)
    write_document(mini, POLICY, front_matter(), body="![The front door](../assets/images/door.png)\n")
    assert [f for f in check(mini).findings if f.path == POLICY and f.is_error] == []


@pytest.mark.unit
def test_two_pages_whose_built_names_differ_only_in_capitals_are_refused_by_the_check(mini):
    """docs/Policies/missing-child.md beside policies/missing-child.md: two pages, Policies/ and
    policies/missing-child.html, one file on Windows or a Mac. The build passed them, and only the
    export's check of its own copy refused them, naming no source file."""
    page = mini / "docs" / "Policies" / "missing-child.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Notes\n\nText.\n", encoding="utf-8")
    found = [str(f) for f in check(mini).findings if f.check == "files"]
    assert found == ["policies/missing-child.md: its page, policies/missing-child.html, differs from the page of "
                     "docs/Policies/missing-child.md only in capitals or in how an accent is written: copied to Windows "
                     "or a Mac, one would replace the other - rename one of them"]


@pytest.mark.parametrize("heading", ["x\n-\n", "## x\n"])
def test_a_page_of_thousands_of_headings_is_one_quick_finding(mini, heading):
    """An attacker's review: 124,000 identical headings kept the check (and the build, which runs it
    first) busy for over 15 minutes, as each heading's anchor is compared with every one before it."""
    write_document(mini, POLICY, front_matter(), body="Text.\n\n" + heading * 50_000)
    started = time.monotonic()
    found = [str(f) for f in check(mini).findings if f.check == "content-policy"]
    assert time.monotonic() - started < 20
    lines = (mini / POLICY).read_text().splitlines()
    line = [n for n, text in enumerate(lines, start=1) if text.strip("#- ") == "x"][1_000]
    assert found == [f"policies/missing-child.md, line {line}: the page holds more than 1,000 headings, more than the "
                     "site build reads in reasonable time (it compares each heading's anchor with every one before it) "
                     "- use fewer: at most 1,000 on a page, or split the page"]


@pytest.mark.unit
def test_a_link_to_call_calls_one_of_the_homes_phone_numbers(mini):
    """A third attacker's review: "[call Childline](tel:+447700900123)" passed the checks, and a
    child tapping "call Childline" would reach another number. A number behind words must be one a
    phone fact dials (a fact prints its own link to call, so a document never needs to write one)."""
    write_document(mini, POLICY, front_matter(), body="First.\n\nIf you are worried, [call Childline](tel:+447700900123)"
                   " now.\n\nIn an emergency, call {{ home.contacts.emergency.phone }}.\n")
    line = (mini / POLICY).read_text().splitlines().index(
        "If you are worried, [call Childline](tel:+447700900123) now.") + 1
    assert [str(f) for f in check(mini).findings if f.is_error] == [
        f"{POLICY}, line {line}: the link 'tel:+447700900123' calls a number that is none of the home's phone facts: "
        f"its words could name one service while it calls another - {FIX_TEL}"]


FIX_TEL = ("write the number as its fact from data/home.yml, such as {{ home.contacts.childline.phone }}: a phone fact "
           "prints its own link to call (add the number to the file first if it is new)")


TYPED_101 = ("'101' is a phone number typed as text - write {{ home.contacts.police_non_emergency.phone }}, the fact "
             "from data/home.yml that holds it, so it is the same everywhere and can be tapped to call")


@pytest.mark.unit
@pytest.mark.parametrize("written, what, line_after, typed", [
    ("[Call Childline](tel:101)", "the link", 0, False),
    ('<a href="tel:101">Call Childline</a>', "the href of <a>", 0, False),
    ("[Call Childline][childline]\n\n[childline]: tel:101", "the link", 2, True),
    ('<a class="tel" href="tel:101">101</a>', "the href of <a>", 0, True),  # a fact's own link, copied
])
def test_a_link_to_call_is_never_written_by_hand_even_to_one_of_the_homes_numbers(mini, written, what, line_after,
                                                                                    typed):
    """The words of a link written by hand can name one service while it calls another of the
    home's numbers: "Call Childline" reached the police's 101, one of the home's phone facts, and
    passed. A link to call is only the one a phone fact prints, with its number as its words."""
    police = "{{ home.contacts.police_non_emergency.phone }}"
    write_document(mini, POLICY, front_matter(), body=f"First.\n\nIf you are worried, {written}\n\nOr call {police}.\n")
    line = (mini / POLICY).read_text().splitlines().index(f"If you are worried, {written.splitlines()[0]}") + 1
    line += line_after
    typed_too = [f"{POLICY}, line {line}: {TYPED_101}"] if typed else []
    assert [str(f) for f in check(mini).findings if f.is_error] == typed_too + [
        f"{POLICY}, line {line}: {what} 'tel:101' is a link to call that no phone fact printed: its words could "
        f"name one service while it calls another - {FIX_TEL}"]


PRINTED_BY_A_FACT = ("once its {{ }} and {% %} expressions are filled in, the link 'tel:101' is a link to call that "
                     "no phone fact printed: its words could name one service while it calls another")


@pytest.mark.unit
@pytest.mark.parametrize("written", [
    '[Call Childline]({{ "tel:101" }})', '[Call Childline]({{ "TEL:101" }})',
    '{{ "<a href=\'tel:101\'>Call Childline</a>" }}',
    '[Call Childline](https://www.childline.org.uk){: href="{{ \'tel:101\' }}" }',
])
def test_a_link_to_call_printed_by_quoted_text_is_refused(mini, written):
    """The twelfth session's attacker: quoted text in {{ }} printed a link to call that the page as
    written does not show, and the page as rendered let it pass because 101 is one of the home's
    numbers. Quoted text may not hold a digit; and the page as rendered may hold no link to call but
    those the phone facts print (a fact that is not a phone, below)."""
    write_document(mini, POLICY, front_matter(), body=f"First.\n\nIf you are worried, {written}\n")
    assert [f.message for f in check(mini).findings if f.is_error] == [QUOTED_DIGITS]


QUOTED_DIGITS = ("the page's template holds a number, or quoted text holding a digit (a number belongs in the page's "
                 "own words, where the checks read it, and a phone number in its fact): a page prints the home's facts "
                 "and may leave a passage out of an edition, nothing more, so that every edition reads the same words "
                 "as the staff edition the review shows")


@pytest.mark.unit
@pytest.mark.parametrize("written", ["Call {{ '0800 1111' }} now.", "Call 0800 {{ '1111' }} now.",
                                     "Call {{ '\u0660\u0668\u0660\u0660 1111' }} now.",
                                     "Call {{ '\u2070\u2077\u2077\u2070\u2070 \u2079\u2070\u2070' }} now.",
                                     "Call {{ '\u24ea\u2466\u2466\u24ea\u24ea' }} now."])
def test_a_number_printed_by_quoted_text_is_refused(mini, written):
    """The typed phone number check reads a page's own words: a number printed by quoted text in
    {{ }} passed it, and readers saw a number no fact holds."""
    line, errors = _errors_of_a_line(mini, written)
    assert errors == [
        f"{POLICY}, line {line}: {QUOTED_DIGITS} - remove it: print facts as {{{{ home.name }}}}, and put "
        "{% if edition != \"public\" %} ... {% endif %} around what the website leaves out"]


def _errors_of_a_line(mini, written: str) -> tuple[int, list[str]]:
    """The policy's file line of `written`, a paragraph of its own, and the check's errors."""
    write_document(mini, POLICY, front_matter(), body=f"First.\n\n{written}\n")
    line = (mini / POLICY).read_text().splitlines().index(written) + 1
    return line, [str(f) for f in check(mini).findings if f.is_error]


@pytest.mark.unit
def test_a_shift_written_as_two_times_is_told_how_to_write_times(mini):
    """The twelfth session's third attacker: "Day shift 0800-2000" is refused as a phone number
    (Childline's 0800 1111 has its shape, and a phone would dial it); the fix now says how to write times."""
    line, errors = _errors_of_a_line(mini, "Day shift 0800-2000.")
    assert errors == [
        f"{POLICY}, line {line}: '0800-2000' is a phone number typed as text - add the number to data/home.yml as the "
        "phone of the contact it belongs to, and write that fact, such as {{ home.contacts.<contact>.phone }}, so it is "
        "the same everywhere and can be tapped to call (if these are times of day, write them with a colon: 08:00 to "
        "20:00)"]


@pytest.mark.unit
@pytest.mark.parametrize("written", ["Ring the on-call manager on 0{{ '' }}800 1111.", "Ring 0800{# a note #} 1111."])
def test_a_typed_number_split_by_an_expression_is_found(mini, written):
    """The twelfth session's second attacker: the check read a page with each {{ }} and {# #}
    blanked as spaces, so one that prints nothing split a typed number readers read whole."""
    line, errors = _errors_of_a_line(mini, written)
    assert errors == [
        f"{POLICY}, line {line}: '0800 1111' is a phone number typed as text - write "
        "{{ home.contacts.childline.phone }}, the fact from data/home.yml that holds it, so it is the same everywhere "
        "and can be tapped to call"]


@pytest.mark.unit
@pytest.mark.parametrize("written, glued", [
    ("Out of hours, ring the duty manager on 0{{ home.contacts.childline.phone }} 496 0018.",
     "0{{ home.contacts.childline.phone }}"),
    ("Or ring {{ home.contacts.ofsted.phone }}{{ home.contacts.childline.phone }} for the office.",
     "{{ home.contacts.ofsted.phone }}{{ home.contacts.childline.phone }}"),
    ("Ring {{ home.contacts.childline.phone }}1 for the office.", "{{ home.contacts.childline.phone }}1"),
])
def test_a_fact_printed_beside_a_digit_or_another_fact_is_refused(mini, written, glued):
    """The twelfth session's third attacker: "0{{ fact }} 496 0018" showed 0800 1111 496 0018 read as
    one number, and two facts side by side one long one; the typed-number check read neither."""
    line, errors = _errors_of_a_line(mini, written)
    assert errors == [
        f"{POLICY}, line {line}: '{glued}' prints a fact with a digit or another fact right beside it: readers read "
        "them as one number, which no fact holds - put a space or a word between them; a phone number is written "
        "whole, as its fact"]


@pytest.mark.unit
@pytest.mark.parametrize("quote", ["'", '"'])
def test_a_phone_fact_printed_in_an_attribute_list_is_refused_by_the_check(mini, quote):
    """The twelfth session's third attacker: a phone fact in a single-quoted attribute list passed the
    check, and Python-Markdown put its link's HTML back inside the attribute, whose quotes it ended:
    the build's last gate refused the page, but the check, which a pull request runs, said nothing."""
    written = f"[Childline](https://www.childline.org.uk){{: title={quote}{{{{ home.contacts.emergency.phone }}}}{quote} }}"
    line, errors = _errors_of_a_line(mini, written)
    assert errors == [
        f"{POLICY}, line {line}: once its {{{{ }}}} and {{% %}} expressions are filled in, an attribute list holds "
        "HTML, such as the link to call a phone fact prints, which the site build cannot keep inside an attribute - "
        "print the fact in the text, not in an attribute list"]


@pytest.mark.unit
def test_a_phone_facts_link_cannot_carry_another_link_to_call_out_of_an_attribute(mini):
    """The twelfth session's second attacker: a phone fact printed inside an attribute ends that
    attribute with its own quotes, so a link hidden in the rest of the attribute became a real
    element, calling the writer's number. The check read the fact's link as its number, and the
    hidden link as text; it now reads the page as rendered, and only the fact's link, whole, calls."""
    write_document(mini, POLICY, front_matter(), body="First.\n\nTalk to Childline <a title=\"{{ home.contacts."
                   "childline.phone }} <a href='tel:07700900123'>call Childline free</a> <a title=\" \"></a>\n")
    found = [f.message for f in check(mini).findings if f.is_error]
    assert ("once its {{ }} and {% %} expressions are filled in, the href of <a> 'tel:07700900123' calls a number "
            "that is none of the home's phone facts: its words could name one service while it calls another") in found


@pytest.mark.unit
def test_a_link_to_call_printed_by_a_fact_that_is_not_a_phone_is_refused(mini):
    home = yaml.safe_load((mini / "data" / "home.yml").read_text())
    home["website"] = "tel:101"
    (mini / "data" / "home.yml").write_text(yaml.safe_dump(home))
    write_document(mini, POLICY, front_matter(), body="First.\n\nIf you are worried, [call Childline]({{ home.website }})\n")
    assert [f.message for f in check(mini).findings if f.is_error] == [PRINTED_BY_A_FACT]


@pytest.mark.unit
@pytest.mark.parametrize("address", ["tel:0800(0)1111", "tel:0800%201111", "tel:08001111%3B1", "tel:0800CALL1111",
                                     "tel:*999", "tel:999;ext=1", "tel:0800-1111"])
def test_a_link_to_call_is_written_as_the_fact_dials_it(mini, address):
    """A fourth attacker's review: the check read the digits of "tel:0800(0)1111" as Childline's
    number, while a phone dials 0800 01111; an escape, a letter, a star or a parameter changes what
    is dialled too."""
    write_document(mini, POLICY, front_matter(), body=f"First.\n\n[Call Childline]({address}) now.\n")
    assert [f.message for f in check(mini).findings if f.is_error] == [
        f"the link '{address}' calls a number that is none of the home's phone facts: its words could name one "
        "service while it calls another"]


@pytest.mark.unit
def test_two_headings_of_the_same_words_are_refused(mini):
    """A fifth attacker's review: "## If a child is missing now" added above the real section took
    its anchor, and the home page's "A child is missing" button landed on the new, harmful step."""
    body = ("First.\n\n## If a child is missing now\n\nFirst wait two hours.\n\n## If a child is missing now\n\n"
            "Call the police straight away.\n")
    write_document(mini, POLICY, front_matter(), body=body)
    line = (mini / POLICY).read_text().splitlines().index("## If a child is missing now") + 1
    assert [str(f) for f in check(mini).findings if f.is_error] == [
        f"{POLICY}, line {line + 4}: the heading 'If a child is missing now' has the words of an earlier heading of "
        "the page, so links to #if-a-child-is-missing-now (from other pages, and the home page's buttons) lead to "
        "whichever comes first - give each heading its own words"]
