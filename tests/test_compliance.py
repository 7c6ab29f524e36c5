"""The Statement of Purpose against Schedule 1, the children's guide against its legal
definition, the regulation map and the review schedule with its feeds."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest
from conftest import (
    GUIDE_BODY,
    SOP_BODY,
    TODAY,
    check,
    childrens_guide,
    front_matter,
    messages,
    reviewed_on,
    statement_of_purpose,
    write_document,
)

from handbook.views.document_page import document_details, document_top
from handbook.views.feeds import review_calendar, review_json
from handbook.views.site_pages import regulation_map, review_schedule

pytestmark = pytest.mark.unit

SOP = "statement-of-purpose/statement-of-purpose.md"
GUIDE = "statement-of-purpose/childrens-guide.md"
POLICY = "policies/missing-child.md"


def test_every_schedule_1_matter_needs_a_section(mini):
    write_document(mini, SOP, statement_of_purpose(schedule_1={1: "#the-children-we-care-for"}), SOP_BODY)
    assert messages(check(mini), "section-map") == [
        "statement-of-purpose/statement-of-purpose.md: Schedule 1 matter 2 (The home's ethos and outcomes.) has no "
        "section in the Statement of Purpose - write a section that answers it and add 2: \"#its-heading-anchor\" "
        "under schedule_1"]


def test_schedule_1_anchor_must_be_a_heading(mini):
    write_document(mini, SOP, statement_of_purpose(schedule_1={1: "#the-children-we-care-fro", 2: "#our-ethos"}),
                   SOP_BODY)
    assert messages(check(mini), "section-map") == [
        "statement-of-purpose/statement-of-purpose.md: schedule_1: Schedule 1 matter 1 points to "
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
        "policies/missing-child.md: schedule_1 belongs only in the Statement of Purpose - "
        "remove schedule_1 from this policy",
        "statement-of-purpose/statement-of-purpose.md: schedule_1: there is no Schedule 1 matter '23' - use only: 1, 2"]


def test_childrens_guide_must_answer_each_item(mini):
    write_document(mini, GUIDE, childrens_guide(guide_items={"expect": "#what-you-can-expect"}), GUIDE_BODY)
    assert messages(check(mini), "section-map") == [
        "statement-of-purpose/childrens-guide.md: children's guide item complain (How to make a complaint.) has no "
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


def test_overdue_document_control_has_a_banner(mini):
    old = "2025-01-10"
    write_document(mini, POLICY, front_matter(**reviewed_on(old)))
    handbook = check(mini)
    top = document_top(handbook, handbook.document(POLICY))
    assert top.startswith('<p class="document-notice document-notice--overdue" data-search-exclude>'
                          "<strong>Overdue for review.</strong> This document should have been reviewed by")
    assert "review-badge--overdue" in top


def test_regulation_map_shows_gaps_and_who_serves_what(mini):
    write_document(mini, POLICY, front_matter(status="draft", regulations=["34(4)"]))
    text = regulation_map(check(mini))
    row_34 = next(line for line in text.splitlines() if 'id="reg-chr2015-34-4"' in line)
    assert '<strong class="gap gap--required">Missing</strong>' in row_34
    assert "[Missing child policy](policies/missing-child.md) (draft)" in row_34
    row_12 = next(line for line in text.splitlines() if 'id="reg-chr2015-12"' in line)
    assert "None yet" in row_12 and "Expected" in row_12
    row_16 = next(line for line in text.splitlines() if 'id="reg-chr2015-16"' in line)
    assert "[Statement of Purpose](statement-of-purpose/statement-of-purpose.md)" in row_16
    assert "| [Missing child policy](policies/missing-child.md) | Policy | draft | [34(4)](#reg-chr2015-34-4) |" in text


def _reviewed(root, path, meta_factory, day, body=None):
    write_document(root, path, meta_factory(**reviewed_on(day)),
                   *([body] if body else []))


def test_review_schedule_puts_overdue_and_due_soon_first(mini):
    _reviewed(mini, POLICY, front_matter, "2025-11-01")                  # overdue since 1 November 2026
    _reviewed(mini, GUIDE, childrens_guide, "2026-01-05", GUIDE_BODY)   # due 5 January 2027: due soon
    _reviewed(mini, SOP, statement_of_purpose, "2026-06-01", SOP_BODY)  # due 1 June 2027: in date
    handbook = check(mini)
    rows = [line for line in review_schedule(handbook).splitlines() if line.startswith("| [")]
    assert [row.split("]")[0].lstrip("| [") for row in rows] == [
        "Missing child policy", "Children's guide", "Statement of Purpose"]
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
