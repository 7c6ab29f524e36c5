"""The Statement of Purpose against Schedule 1, the children's guide against its legal
definition, the regulation map and the review schedule with its feeds."""

from __future__ import annotations

import datetime as dt
import json
import re

import icalendar
import pytest
import yaml
from conftest import (
    GUIDE_BODY,
    REPO,
    SOP_BODY,
    TODAY,
    check,
    childrens_guide,
    fixture_today,
    front_matter,
    messages,
    reviewed_on,
    statement_of_purpose,
    write_document,
)

from handbook.views.document_page import document_details, document_top
from handbook.views.feeds import review_calendar, review_json
from handbook.views.site_pages import regulation_map, review_schedule, topics

pytestmark = pytest.mark.unit

SOP = "statement-of-purpose/statement-of-purpose.md"
GUIDE = "statement-of-purpose/childrens-guide.md"
POLICY = "policies/missing-child.md"


def test_every_schedule_1_matter_needs_a_section(mini):
    write_document(mini, SOP, statement_of_purpose(schedule_1={1: "#the-children-we-care-for"}), SOP_BODY)
    assert messages(check(mini), "section-map") == [
        "statement-of-purpose/statement-of-purpose.md, line 22: Schedule 1 matter 2 (The home's ethos and outcomes.) has no "
        "section in the Statement of Purpose - write a section that answers it and add 2: \"#its-heading-anchor\" "
        "under schedule_1"]


def test_schedule_1_anchor_must_be_a_heading(mini):
    write_document(mini, SOP, statement_of_purpose(schedule_1={1: "#the-children-we-care-fro", 2: "#our-ethos"}),
                   SOP_BODY)
    assert messages(check(mini), "section-map") == [
        "statement-of-purpose/statement-of-purpose.md, line 22: schedule_1: Schedule 1 matter 1 points to "
        "#the-children-we-care-fro, which is not a heading in the Statement of Purpose - use the anchor of the "
        "heading that answers it; did you mean #the-children-we-care-for?"]


def test_schedule_1_anchor_may_come_from_a_heading_with_a_fact(mini):
    body = "## About {{ home.name }}\n\nText.\n\n## Our ethos\n\nText.\n"
    write_document(mini, SOP, statement_of_purpose(schedule_1={1: "#about-cura-care-homes", 2: "#our-ethos"}), body)
    assert messages(check(mini), "section-map") == []


def test_unknown_matter_and_misplaced_map_are_errors(mini):
    write_document(mini, SOP, statement_of_purpose(schedule_1={1: "#the-children-we-care-for", 2: "#our-ethos",
                                                               23: "#our-ethos"}), SOP_BODY)
    write_document(mini, POLICY, front_matter(schedule_1={1: "#x"}))
    assert messages(check(mini), "section-map") == [
        "policies/missing-child.md, line 22: schedule_1 belongs only in the Statement of Purpose - "
        "remove schedule_1 from this policy",
        "statement-of-purpose/statement-of-purpose.md, line 22: schedule_1: there is no Schedule 1 matter '23' - use only: 1, 2"]


def test_childrens_guide_must_answer_each_item(mini):
    write_document(mini, GUIDE, childrens_guide(guide_items={"expect": "#what-you-can-expect"}), GUIDE_BODY)
    assert messages(check(mini), "section-map") == [
        "statement-of-purpose/childrens-guide.md, line 20: children's guide item complain (How to make a complaint.) has no "
        "section in the children's guide - write a section that answers it and add complain: "
        "\"#its-heading-anchor\" under guide_items"]


def test_section_index_links_each_matter_to_its_section_by_its_heading(mini):
    handbook = check(mini)
    index = document_details(handbook, handbook.document(SOP))
    assert "| 1 | The range of needs of the children. | [The children we care for](#the-children-we-care-for) |" in index
    assert "| 2 | The home's ethos and outcomes. | [Our ethos](#our-ethos) |" in index
    assert "Schedule 1 index" not in document_details(handbook, handbook.document(POLICY))


def test_document_control_shows_review_state_and_links_regulations(mini):
    reviewed = "2026-01-10"
    write_document(mini, POLICY, front_matter(**reviewed_on(reviewed)))
    handbook = check(mini)
    control = document_details(handbook, handbook.document(POLICY))
    badge = '<span class="review-badge review-badge--due-soon">Review due soon</span>'
    # Ready HTML (templates/document_details.html), with links to pages as MkDocs writes them.
    assert f"<td>Next review</td>\n<td>10 January 2027 {badge}</td>" in control
    assert '<a href="../regulation-map.html#reg-chr2015-34-4">34(4) Missing child policy</a>' in control
    assert ('(<a class="external" href="https://www.legislation.gov.uk/uksi/2015/541/regulation/34">'
            "legislation.gov.uk</a>)") in control


def test_a_version_of_the_statement_replaced_before_it_was_approved_needs_no_notice_to_ofsted(mini):
    """An inspector's review: History said "Ofsted told: not yet" of versions a later one replaced
    before anyone approved them. The handbook asks no notice for them (README, "How to change": a
    version never approved was never in force; handbook/checks/ofsted.py), so "not yet" promised a
    notice that never comes."""
    day = (TODAY - dt.timedelta(days=5)).isoformat()
    drafts = [{"version": "1.1", "date": day, "summary": "Second draft."},
              {"version": "1.0", "date": day, "summary": "First draft."}]
    write_document(mini, SOP, statement_of_purpose(status="draft", version="1.1", changes=drafts,
                                                         last_reviewed=None), SOP_BODY)
    handbook = check(mini)
    rows = _table_rows(document_details(handbook, handbook.document(SOP)))
    told = {row.split("</td>")[0].removeprefix("<td>"): row.split("<td>")[-1].removesuffix("</td>")
            for row in rows if row.startswith("<td>1.")}
    assert told == {"1.1": "not yet (due once approved)", "1.0": "not needed (never approved)"}  # (the draft's: a review)


def test_overdue_document_control_has_a_banner(mini):
    old = "2025-01-10"
    write_document(mini, POLICY, front_matter(**reviewed_on(old)))
    handbook = check(mini)
    top = document_top(handbook, handbook.document(POLICY))
    assert top.startswith('<p class="document-notice document-notice--overdue" data-search-exclude>'
                          "<strong>Overdue for review.</strong> This document should have been reviewed by")
    assert "review-badge--overdue" in top


def _table_rows(html: str) -> list[str]:
    """The rows of the tables in ready HTML, each row's cells on one line."""
    return [row.replace("\n", "") for row in re.findall(r"<tr>\n(.*?)\n</tr>", html, re.S)]


def test_regulation_map_shows_gaps_and_who_serves_what(mini):
    write_document(mini, POLICY, front_matter(status="draft", regulations=["34(4)"]))
    rows = _table_rows(regulation_map(check(mini)))
    row_34 = next(row for row in rows if 'id="reg-chr2015-34-4"' in row)
    assert ('<td><strong class="gap gap--required">Missing</strong><br>'
            '<a href="policies/missing-child.html">Missing child policy</a> (draft)</td>') in row_34
    row_12 = next(row for row in rows if 'id="reg-chr2015-12"' in row)
    assert "<td>Expected</td><td><span class=\"gap gap--expected\">None yet</span></td>" in row_12
    row_16 = next(row for row in rows if 'id="reg-chr2015-16"' in row)
    assert '<a href="statement-of-purpose/statement-of-purpose.html">Statement of Purpose</a>' in row_16
    assert ('<td><a href="policies/missing-child.html">Missing child policy</a></td><td>Policy</td><td>draft</td>'
            '<td><a href="#reg-chr2015-34-4">34(4)</a></td>') in rows


def _registry_with(mini, change) -> None:
    registry = yaml.safe_load((mini / "data/regulations.yml").read_text(encoding="utf-8"))
    change(registry["instruments"]["chr2015"])
    (mini / "data/regulations.yml").write_text(yaml.safe_dump(registry), encoding="utf-8")


def test_wording_still_to_verify_is_marked_where_it_is_shown(mini):
    """An inspector's review: the Schedule 1 index printed our summary of matters 13 to 22 as "What
    the law asks for", and the regulation map the headings of regulations, with no sign that their
    wording had not been checked against legislation.gov.uk (the registry says so, in to_verify)."""
    def unverified(instrument) -> None:
        instrument["schedule_1"][1]["to_verify"] = "the wording of the whole matter"
        instrument["regulations"][2]["to_verify"] = "Only the heading was read."
    _registry_with(mini, unverified)
    handbook = check(mini)
    index = document_details(handbook, handbook.document(SOP))
    assert "| 1 | The range of needs of the children. | [" in index
    assert ("| 2 | The home's ethos and outcomes. *(Our summary: its wording is still to be checked against the "
            "Schedule.)* | [") in index
    rows = _table_rows(regulation_map(handbook))
    assert ("<td>The protection of children standard<br><em>Still to check against legislation.gov.uk: Only the "
            "heading was read.</em></td>") in next(row for row in rows if 'id="reg-chr2015-12"' in row)
    assert "<td>Missing child policy</td>" in next(row for row in rows if 'id="reg-chr2015-34-4"' in row)


def test_topics_list_each_document_on_its_own_line(mini):
    write_document(mini, "policies/anti-bullying.md", front_matter(
        id="anti-bullying", title="Anti-bullying policy", summary="How we prevent bullying.", tags=["Safeguarding"]))
    write_document(mini, POLICY, front_matter(summary="What staff do when a child is missing.", tags=["Safeguarding"]))
    listed = topics(check(mini))
    assert ('<ul>\n<li><a href="policies/anti-bullying.html">Anti-bullying policy</a>: How we prevent bullying.</li>\n'
            '<li><a href="policies/missing-child.html">Missing child policy</a>: What staff do when a child is missing.'
            '</li>\n</ul>') in listed
    # An inspector's review: "Education: No documents yet" read as if no document served the
    # education standard, which the regulation map shows two documents serving.
    assert listed.endswith("}\n\nNo document is tagged with this topic yet. The regulation map lists the documents "
                           "that serve each regulation.\n\n"), listed


def _reviewed(root, path, meta_factory, day, body=None):
    write_document(root, path, meta_factory(**reviewed_on(day)),
                   *([body] if body else []))


def test_review_schedule_puts_overdue_and_due_soon_first(mini):
    _reviewed(mini, POLICY, front_matter, "2025-11-01")                  # overdue since 1 November 2026
    _reviewed(mini, GUIDE, childrens_guide, "2026-01-05", GUIDE_BODY)   # due 5 January 2027: due soon
    _reviewed(mini, SOP, statement_of_purpose, "2026-06-01", SOP_BODY)  # due 1 June 2027: in date
    handbook = check(mini)
    rows = _table_rows(review_schedule(handbook))
    assert [re.search(r'">(.*?)</a>', row).group(1) for row in rows[1:]] == [
        "Missing child policy", "Children's guide", "Statement of Purpose"]
    rows = rows[1:]
    assert "review-badge--overdue" in rows[0] and "review-badge--due-soon" in rows[1]

    feed = json.loads(review_json(handbook))
    assert feed["generated_on"] == TODAY.isoformat()
    assert [(d["id"], d["next_review"], d["state"], d["days_left"]) for d in feed["documents"]] == [
        ("missing-child", "2026-11-01", "overdue", -25),
        ("childrens-guide", "2027-01-05", "due-soon", 40),
        ("statement-of-purpose", "2027-06-01", "in-date", 187)]

    calendar = icalendar.Calendar.from_ical(review_calendar(handbook, "https://handbook.example/"))
    events = [(str(e["summary"]), e.decoded("dtstart")) for e in calendar.walk("VEVENT")]
    assert events == [("Review due: Missing child policy", dt.date(2026, 11, 1)),
                      ("Review due: Children's guide", dt.date(2027, 1, 5)),
                      ("Review due: Statement of Purpose", dt.date(2027, 6, 1))]
    assert "https://handbook.example/policies/missing-child.html" in str(calendar.walk("VEVENT")[0]["description"])


def test_drafts_are_not_on_the_review_schedule(mini):
    write_document(mini, POLICY, front_matter(status="draft"))
    assert "missing-child" not in review_json(check(mini))
    for approved in (SOP, GUIDE):
        (mini / approved).unlink()
    assert review_schedule(check(mini)).strip() == ("No document is approved yet, so none has a review date. "
                                                 "Each one joins the schedule once it is approved.")


def test_navigation_groups_documents_by_topic_in_bounded_groups(mini):
    from handbook.mkdocs_hooks import NAV_GROUP_SIZE, expand_nav

    for number in range(NAV_GROUP_SIZE + 10):
        write_document(mini, f"policies/extra-{number:03d}.md",
                       front_matter(id=f"extra-{number:03d}", title=f"Extra policy {number:03d}",
                                    regulations=[], tags=["Safeguarding"]))
    nav = expand_nav([{"Policies": "policies/* by topic"}], check(mini))
    (policies,) = nav
    topics = policies["Policies"]
    assert [next(iter(t)) for t in topics] == ["Safeguarding", "Other documents"]
    groups = topics[0]["Safeguarding"]
    assert [next(iter(g)) for g in groups] == ["E", "E (2)"]
    assert [len(next(iter(g.values()))) for g in groups] == [NAV_GROUP_SIZE, 10]
    assert topics[1]["Other documents"] == [{"Missing child policy": "policies/missing-child.md"}]


def test_links_between_the_documents_and_the_regulation_map_stay_inside_the_pdf(handbook_copy, tmp_path):
    """The PDF is one file: the regulation map's links to each document, and each document
    control's links to its regulations on the map, go to those places in the PDF itself."""
    from handbook.export.pdf import handbook_html

    handbook = check(handbook_copy, fixture_today()).for_inspectors()
    text = handbook_html(handbook, "commit", "Inspector copy", tmp_path)
    assert '<a href="#missing-child">Missing child policy</a>' in text
    assert '<a href="#regulation-map--reg-chr2015-34-4">34(4) Missing child policy</a>' in text


def test_the_pdfs_cover_says_whether_the_copy_is_signed(handbook_copy, tmp_path):
    """An inspector's review: an inspector holding only the PDF could not tell the copy was not
    signed ("About this copy", which says so, is a page of the zip)."""
    from handbook.export.pdf import handbook_html

    handbook = check(handbook_copy, fixture_today()).for_inspectors()
    unsigned = handbook_html(handbook, "commit", "Inspector copy", tmp_path)
    assert ("<dt>Signature</dt>\n<dd>Not signed: the copy's list of fingerprints shows only that nothing changed by "
            "accident</dd>") in unsigned
    signed = handbook_html(handbook, "commit", "Inspector copy", tmp_path, signed_by="SHA256:abc")
    assert ("<dd>Signed with the home's key SHA256:abc: check the copy with <code>handbook verify</code> and the "
            "home's public key</dd>") in signed


@pytest.mark.parametrize("markup", ['<p ID="safeguarding">Read this first.</p>', "<p id='safeguarding'>Read this.</p>",
                                    '<p id = "safeguarding">Read this.</p>',
                                    '<span title="Ask any adult id=" id="safeguarding">Read this.</span>',
                                    "<span title='a href=\"#x\" id=' id=\"safeguarding\">Read this.</span>"])
def test_a_document_cannot_take_another_documents_place_in_the_pdf(handbook_copy, tmp_path, markup):
    """Each document's ids are its own in the PDF, however the HTML writes them: the contents
    and every link to the safeguarding policy lead to that policy, not to a paragraph elsewhere."""
    from handbook.export.pdf import handbook_html

    complaints = handbook_copy / "policies/complaints.md"
    complaints.write_text(complaints.read_text() + f"\n{markup}\n")
    handbook = check(handbook_copy, fixture_today()).for_inspectors()
    text = handbook_html(handbook, "commit", "Inspector copy", tmp_path)
    assert re.findall(r'\bid="safeguarding"', text, flags=re.IGNORECASE) == ['id="safeguarding"']
    assert re.search(r'id="complaints--safeguarding">Read this', text)


@pytest.mark.build  # lays out a whole PDF
def test_nothing_runs_off_the_pdfs_pages(handbook_copy, tmp_path):
    """The site scrolls a wide table or a long code line; the PDF cannot, so what would run off
    the page wraps instead: every word the site shows, the PDF shows."""
    import subprocess

    import weasyprint

    from handbook.export.pdf import handbook_html

    word = "Never_leave_a_child_alone_with_an_adult_who_is_not_checked_by_the_home_ENDOFWORD"
    code = ("Step 1: call the on-call manager. Step 2: call the police at once if the child is in danger. Step 3: tell "
            "the LADO within one working day. ENDOFCODE")
    table = ("| " + " | ".join(f"Column {n}" for n in range(12)) + " |\n" + "|---" * 12 + "|\n"
             + f"| {word} | " + "x | " * 10 + "LASTCELL |")
    complaints = handbook_copy / "policies/complaints.md"
    complaints.write_text(complaints.read_text() + f"\n{'A' * 260}ENDOFLONGWORD\n\n```text\n{code}\n```\n\n"
                          f"{table}\n\n## Heading_{'x' * 80}_ENDOFHEADING\n")
    handbook = check(handbook_copy, fixture_today()).for_inspectors()
    weasyprint.HTML(string=handbook_html(handbook, "commit", "Inspector copy", tmp_path)).write_pdf(tmp_path / "c.pdf")
    text = subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\n", "")
    for end in ("ENDOFLONGWORD", "ENDOFCODE", "ENDOFWORD", "LASTCELL", "ENDOFHEADING"):
        assert end in text, end


def _boxes(box):
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


@pytest.mark.build  # lays out a whole PDF
def test_the_pdfs_own_tables_have_set_widths_and_every_heading_fits_its_column(handbook_copy, tmp_path):
    """The handbook's own tables in the PDF (the regulation map's, Document control and History)
    take set column widths, not widths worked out from their text (a fifth of the time the PDF
    took to lay out). A heading's words stay whole, so a column set too narrow for one would print
    it over the next column: none does."""
    import weasyprint

    from handbook.export.pdf import handbook_html

    handbook = check(handbook_copy, fixture_today()).for_inspectors()
    laid_out = weasyprint.HTML(string=handbook_html(handbook, "commit", "Inspector copy", tmp_path)).render()
    own = {"Regulation": "the regulation map", "Document": "the regulation map's documents", "Version": "History",
           "Document control": "Document control"}
    found, spilling = set(), []
    for page in laid_out.pages:
        for table in (b for b in _boxes(page._page_box) if type(b).__name__ == "TableBox"):
            headings = [cell for cell in _boxes(table) if type(cell).__name__ == "TableCellBox"
                        and cell.element_tag == "th"]
            first = "".join(t.text for t in _boxes(headings[0]) if hasattr(t, "text")) if headings else ""
            if first not in own:
                continue  # a document's own table, sized by its text
            found.add(own[first])
            assert table.style["table_layout"] == "fixed", own[first]
            for cell in headings:
                right = cell.content_box_x() + cell.width
                spilling += [f"{own[first]}: {text.text!r}" for text in _boxes(cell)
                             if hasattr(text, "text") and text.position_x + text.width > right + 0.5]
    assert found == set(own.values()) and spilling == []


@pytest.mark.build  # lays out the booklet
def test_the_childrens_guide_booklet_keeps_the_words_of_its_own_tables_whole(handbook_copy, tmp_path):
    """An inspector's review: on the booklet's A5 pages, the handbook's own tables broke words
    ("Versi/on" in History, "regulatio/ns" and "Commission/er" in the note for adults). Every
    word of those tables is now printed whole."""
    import weasyprint

    from handbook.export.pdf import document_html

    handbook = check(handbook_copy, fixture_today())
    guide = next(d for d in handbook.documents if d.kind == "childrens-guide")
    laid_out = weasyprint.HTML(string=document_html(handbook, guide, "commit", "Copy", tmp_path, booklet=True)).render()
    tables, broken = set(), []
    for page in laid_out.pages:
        for table in (b for b in _boxes(page._page_box) if type(b).__name__ == "TableBox"):
            cells = [cell for cell in _boxes(table) if type(cell).__name__ == "TableCellBox"]
            first = " ".join("".join(cells[0].element.itertext()).split()) if cells else ""
            if first not in ("Version", "What the guide explains"):
                continue
            tables.add(first)
            for cell in cells:
                words = "".join(cell.element.itertext()).split()
                broken += [word for text in _boxes(cell) if hasattr(text, "text") for word in text.text.split()
                           if word not in words]
    assert tables == {"Version", "What the guide explains"} and broken == []


@pytest.mark.build  # lays out a whole PDF
def test_the_pdfs_own_parts_are_found_where_they_are_not_by_a_class_a_document_could_carry(
        handbook_copy, tmp_path, monkeypatch):
    """Layers behind the content policy (which refuses these boxes): the gate refuses a class
    that is not the handbook's; and were the gate switched off, the PDF's style sheet finds its
    running head, cover and part titles by where they are in the page, so a document's box with
    the class `running` or `cover` neither replaces the running head nor looks like a cover."""
    import subprocess

    import weasyprint

    from handbook.export import pdf
    from handbook.export.pdf import RefusedInPdf, handbook_html

    complaints = handbook_copy / "policies/complaints.md"
    complaints.write_text(complaints.read_text() + '\n!!! note running "FAKEHEAD approved, in force"\n    Text.\n\n'
                          '!!! note cover\n    FAKECOVER\n')
    handbook = check(handbook_copy, fixture_today())
    assert "the box type 'running' is not one of the handbook's" in " ".join(messages(handbook, "content-policy"))
    with pytest.raises(RefusedInPdf, match='the PDF would hold the class="admonition note running" attribute of a '
                                           "<div> element, which the handbook does not publish"):
        handbook_html(handbook.for_inspectors(), "commit", "Inspector copy", tmp_path)

    monkeypatch.setattr(pdf, "_gate", lambda path, fragment: fragment)
    weasyprint.HTML(string=handbook_html(handbook.for_inspectors(), "commit", "Inspector copy", tmp_path)).write_pdf(
        tmp_path / "c.pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    heads = [page.strip().splitlines()[0] for page in pages[1:] if page.strip()]
    assert heads and not [head for head in heads if "FAKEHEAD" in head]
    assert all("Inspector copy" in head for head in heads)


def test_tables_kept_out_of_markdown_come_back_as_markdown_would_have_made_them(mini):
    """The site build keeps the long tables out of Markdown (ReadyHtml) and puts them back into
    the page's HTML: the page is what Markdown makes of the same tables written in place."""
    import markdown

    from handbook.views.templating import ReadyHtml

    write_document(mini, "policies/anti-bullying.md", front_matter(id="anti-bullying", title="Anti-bullying policy",
                                                                   tags=["Safeguarding"]))
    handbook = check(mini)
    pages = {"document control and history": lambda ready: document_details(
                 handbook, handbook.document(POLICY), ready_html=ready),
             "regulation map": lambda ready: regulation_map(handbook, ready_html=ready),
             "review schedule": lambda ready: review_schedule(handbook, ready_html=ready),
             "topics": lambda ready: topics(handbook, ready_html=ready)}
    for name, page in pages.items():
        convert = markdown.Markdown(extensions=["admonition", "attr_list", "md_in_html", "tables", "toc",
                                                "pymdownx.details", "pymdownx.superfences"]).convert
        ready = ReadyHtml()
        kept_out = page(ready)
        assert "<table" not in kept_out and "<ul>" not in kept_out, name
        filled, placed = ready.fill(convert(kept_out), ready.take())
        assert placed and filled == convert(page(None)), name


def test_ready_html_is_only_put_where_the_build_put_its_placeholder():
    from handbook.views.templating import ReadyHtml

    ready = ReadyHtml()
    placeholder = ready(lambda: "<table>\n</table>")
    blocks = ready.take()
    assert ready.take() == {}
    forged = '<div data-handbook-ready="0123456789abcdef01234567-0"></div>'  # a document cannot know the value
    assert ready.fill(f"<p>a</p>\n{placeholder}\n{forged}", blocks) == (f"<p>a</p>\n<table>\n</table>\n{forged}", True)
    assert ready.fill("<p>the page lost it</p>", blocks) == ("<p>the page lost it</p>", False)
    escaped = placeholder.replace("<", "&lt;").replace(">", "&gt;")
    assert ready.fill(f"<pre><code>{escaped}</code></pre>", blocks)[1] is False


def test_attributes_are_rewritten_only_where_the_sanitiser_wrote_them():
    """Text inside one attribute's value is never read as another attribute, and a tag not
    written as nh3 writes tags is refused rather than left unread (its id would keep its name)."""
    from handbook.sources.errors import HandbookError
    from handbook.views.safe_html import rewrite_attributes, sanitised

    written = sanitised('<span title="id=&quot;x&quot; id=" id="safeguarding">Text id="y"</span>')
    assert rewrite_attributes(written, frozenset({"id"}), lambda name, value: f"part--{value}") == (
        '<span title="id=&quot;x&quot; id=" id="part--safeguarding">Text id="y"</span>')
    with pytest.raises(HandbookError, match="a tag is not written as the sanitiser writes tags: '<p id=x>'"):
        rewrite_attributes("<p id=x>Text</p>", frozenset({"id"}), lambda name, value: value)


def test_the_childrens_guide_says_which_items_the_law_asks_for_and_which_are_good_practice():
    """An inspector's review: the guide's note for adults said "The regulations say a children's
    guide explains these things" over seven items, where regulation 2 names four; the registry's
    own sources say the other three are practice."""
    from conftest import last_touched

    from handbook.checks import load_and_check
    from handbook.views.document_page import document_details

    handbook = load_and_check(REPO, last_touched(REPO))
    guide = next(d for d in handbook.documents if d.kind == "childrens-guide")
    note = document_details(handbook, guide)
    rows = [line for line in note.splitlines() if line.startswith("    | ") and "---" not in line][1:]
    asked = [row.split(" | ")[2] for row in rows]
    assert asked == ["The regulations"] * 4 + ["Good practice, not the regulations"] * 3, rows
    assert ("What the regulations (regulation 2) say a children's guide explains, and what the home adds to it as "
            "good practice.") in note
