"""Each check, with a passing and a failing fixture, and the message a manager reads."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from conftest import (
    REGISTERED,
    REPO,
    SOP_BODY,
    TODAY,
    approved_change,
    check,
    front_matter,
    messages,
    reviewed_on,
    statement_of_purpose,
    write_document,
    write_home,
)

from handbook.loading.rendering import PageRenderer
from handbook.model.home import printing
from handbook.sources.errors import HandbookError

pytestmark = pytest.mark.unit

POLICY = "policies/missing-child.md"


def test_valid_handbook_has_no_errors(mini):
    handbook = check(mini)
    assert handbook.errors == []
    assert [d.path for d in handbook.documents] == [
        POLICY, "statement-of-purpose/childrens-guide.md", "statement-of-purpose/statement-of-purpose.md"]


# --- reviews ----------------------------------------------------------------------

def test_overdue_review_is_an_error_saying_since_when_and_what_to_do(mini):
    write_document(mini, POLICY, front_matter(**reviewed_on("2025-10-01")))
    assert messages(check(mini), "review-overdue") == [
        "policies/missing-child.md, line 8: review overdue since 1 October 2026 (last reviewed 1 October 2025, "
        "every 12 months). Owner: Registered Manager - review the document; if nothing needs changing, set "
        "last_reviewed to the review date and add a changes entry with the same version, review_only: true and a "
        "summary such as \"Reviewed; no changes needed\"; if it changes, raise the version and record the change "
        "and its approval"]


@pytest.mark.parametrize("audience, refused", [(["staff"], "staff"), (["staff", "inspectors"], "staff and inspectors"),
                                               (["staff", "families"], None)])
def test_a_staff_only_document_cannot_be_marked_for_the_public_website(mini, audience, refused):
    write_document(mini, POLICY, front_matter(audience=audience, website=True))
    found = [f for f in check(mini).findings if f.check == "website"]
    line = (mini / POLICY).read_text().splitlines().index("website: true") + 1
    assert [str(f) for f in found] == ([
        f"policies/missing-child.md, line {line}: the document is for {refused} only, but website: true would publish it on the "
        "home's public website - remove website: true, or add to audience the readers it is written for (children, "
        "families, professionals)"] if refused else [])
    assert not refused or (found[0].field, found[0].is_error) == ("website", True)


def test_review_due_within_60_days_is_a_warning_not_an_error(mini):
    reviewed = "2026-01-10"  # next review 10 January 2027, 45 days after TODAY
    write_document(mini, POLICY, front_matter(**reviewed_on(reviewed)))
    handbook = check(mini)
    assert handbook.errors == []
    assert messages(handbook, "review-due-soon") == [
        "policies/missing-child.md, line 8: review due on 10 January 2027, in 45 days (last reviewed 10 January 2026, "
        "every 12 months). Owner: Registered Manager - plan the review before that date"]


def test_review_61_days_away_is_not_reported(mini):
    reviewed = "2026-01-26"  # next review 26 January 2027, 61 days after TODAY
    write_document(mini, POLICY, front_matter(**reviewed_on(reviewed)))
    assert messages(check(mini), "review-due-soon") == []


def test_next_review_keeps_to_the_end_of_a_short_month(mini):
    write_document(mini, POLICY, front_matter(**reviewed_on("2026-08-31"), review_every_months=6))
    document = check(mini).document(POLICY)
    assert document.next_review == dt.date(2027, 2, 28)


@pytest.mark.parametrize("status", ["draft", "retired"])
def test_drafts_and_retired_documents_have_no_review_findings(mini, status):
    write_document(mini, POLICY, front_matter(status=status, **reviewed_on("2020-01-01")))
    handbook = check(mini)
    assert messages(handbook, "review-overdue") == [] and messages(handbook, "review-due-soon") == []
    assert messages(handbook, "required-regulation")  # and it serves nothing: 34(4) is left uncovered


# --- coverage ---------------------------------------------------------------------

def test_required_regulation_without_an_approved_document_fails(mini):
    write_document(mini, POLICY, front_matter(status="draft"))
    assert messages(check(mini), "required-regulation") == [
        "data/regulations.yml: Regulation 34(4) (Missing child policy) has no approved document "
        "(policies/missing-child.md is draft) - approve a document that serves it and list \"34(4)\" "
        "in its regulations"]


def test_retired_document_does_not_satisfy_a_regulation(mini):
    write_document(mini, POLICY, front_matter(status="retired"))
    assert "policies/missing-child.md is retired" in messages(check(mini), "required-regulation")[0]


def test_required_regulation_with_no_document_at_all(mini):
    (mini / POLICY).unlink()
    handbook = check(mini)
    assert messages(handbook, "required-regulation") == [
        "data/regulations.yml: Regulation 34(4) (Missing child policy) has no approved document - "
        "approve a document that serves it and list \"34(4)\" in its regulations"]


def test_required_kind_only_counts_a_document_of_that_kind(mini):
    write_document(mini, "statement-of-purpose/statement-of-purpose.md",
                   statement_of_purpose(kind="policy", schedule_1=None), SOP_BODY)
    found = messages(check(mini), "required-regulation")
    assert len(found) == 1
    assert "Regulation 16 (Statement of purpose) has no approved document" in found[0]
    assert "approve a statement of purpose document" in found[0]


def test_expected_regulation_without_a_document_is_only_a_warning(mini):
    write_document(mini, POLICY, front_matter(regulations=["34(4)"]))
    handbook = check(mini)
    assert handbook.errors == []
    assert messages(handbook, "expected-regulation") == [
        "data/regulations.yml: Regulation 12 (The protection of children standard) has no approved document - "
        "approve a document that serves it and list \"12\" in its regulations"]


def test_unknown_regulation_reference_is_an_error_with_suggestions(mini):
    write_document(mini, POLICY, front_matter(regulations=["34(4)", "34(9)"]))
    assert messages(check(mini), "unknown-regulation") == [
        "policies/missing-child.md, line 10: regulations: '34(9)' is not in the regulation registry; known references "
        "for that regulation: 34(4) - correct the reference, or add the regulation to data/regulations.yml "
        "after checking it on legislation.gov.uk"]


def test_reference_may_name_its_instrument(mini):
    write_document(mini, POLICY, front_matter(regulations=["chr2015:34(4)", "12"]))
    assert check(mini).errors == []


# --- metadata ---------------------------------------------------------------------

def test_missing_field_names_the_field_and_what_to_write(mini):
    write_document(mini, POLICY, front_matter(owner=None))
    closing = (mini / POLICY).read_text().splitlines().index("---", 1) + 1  # where the field goes
    assert messages(check(mini), "front-matter") == [
        f"policies/missing-child.md, line {closing}: missing field 'owner' - add owner: - name the role that owns "
        "the document, not a person"]


def test_unknown_field_suggests_the_right_spelling(mini):
    meta = front_matter()
    meta["last_reveiwed"] = meta.pop("last_reviewed")
    found = messages(check(mini_with(mini, meta)), "front-matter")
    # one mistake, one line: not also "missing field 'last_reviewed'" (a manager's review), which has no line
    assert found == ["policies/missing-child.md, line 21: unknown field 'last_reveiwed' - did you mean 'last_reviewed'? "
                     "Rename it"]


def test_a_misspelt_field_of_a_changes_entry_is_one_finding(mini):
    meta = front_matter()
    meta["changes"][0]["Summary"] = meta["changes"][0].pop("summary")
    write_document(mini, POLICY, meta)
    line = next(number for number, text in enumerate((mini / POLICY).read_text().splitlines(), start=1)
                if text.lstrip(" -").startswith("Summary:"))
    assert messages(check(mini), "front-matter") == [
        f"{POLICY}, line {line}: unknown field 'Summary' in changes[1] - did you mean 'summary'? Rename it"]


def mini_with(root, meta):
    write_document(root, POLICY, meta)
    return root


def test_wrong_type_says_what_was_expected(mini):
    found = messages(check(mini_with(mini, front_matter(review_every_months="twelve"))), "front-matter")
    assert found == ["policies/missing-child.md, line 9: review_every_months should be a whole number, not 'twelve' - "
                     "write how many months may pass between reviews, as a whole number from 1 to 36, for example 12"]


def test_impossible_date_is_reported_not_crashed_on(mini):
    found = check(mini_with(mini, front_matter(last_reviewed="2026-02-30")))
    finding = next(f for f in found.findings if f.check == "front-matter")
    assert str(finding) == ("policies/missing-child.md, line 8: last_reviewed: '2026-02-30' is not a real date - "
                            "write the date of the last review as YYYY-MM-DD, for example 2026-10-05")
    assert finding.line == 8


def test_a_person_is_not_an_owner(mini):
    found = messages(check(mini_with(mini, front_matter(owner="Jane Smith"))), "front-matter")
    assert found[0].startswith("policies/missing-child.md, line 7: owner: 'Jane Smith' is not an allowed value - "
                               "use one of the roles in data/home.yml: Registered Manager, ")


def test_unlisted_tag_is_an_error(mini):
    found = messages(check(mini_with(mini, front_matter(tags=["Cooking"]))), "front-matter")
    assert found[0].startswith("policies/missing-child.md, line 22: tags[1]: 'Cooking' is not an allowed value - "
                               "use one of the topics in data/tags.yml: Safeguarding,")


def test_version_must_be_quoted_text_with_a_dot(mini):
    found = messages(check(mini_with(mini, front_matter(version=2))), "front-matter")
    assert found == ["policies/missing-child.md, line 6: version should be text, not the number 2 - write the version "
                     "as two numbers with a dot, in quotes, for example \"1.0\" or \"2.3\""]


def test_a_regulation_written_as_a_number_is_told_to_take_quotes(mini):
    """A manager's review: regulations: ["34(4)", 13] was told only "correct the value"."""
    write_document(mini, POLICY, front_matter(regulations=["34(4)", 13]))
    line = next(number for number, text in enumerate((mini / POLICY).read_text().splitlines(), start=1)
                if text.startswith("regulations:") or text == "- 13")
    assert messages(check(mini), "front-matter") == [
        f"{POLICY}, line {line}: regulations[2] should be text, not the number 13 - write it in quotes: \"13\""]


def test_approval_review_or_change_in_the_future_is_an_error(mini):
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    meta = front_matter(last_reviewed=tomorrow,
                        changes=[{"version": "1.0", "date": tomorrow, "summary": "First."}])
    assert messages(check(mini_with(mini, meta)), "future-date") == [
        "policies/missing-child.md, line 8: last_reviewed is 27 November 2026, which is after today (26 November 2026) - "
        "write the date the approval, review or change really happened",
        "policies/missing-child.md, line 18: changes[1].date is 27 November 2026, which is after today (26 November 2026) - "
        "write the date the approval, review or change really happened"]   # the line of the entry's date


def test_an_unknown_field_never_suggests_recording_an_approval(mini):
    """A new user's review: "reviewed_by: Responsible Individual" in a changes entry was answered
    "did you mean 'review_only'?" (a yes/no field); the next near spelling, approved_by, would
    record an approval nobody gave. An entry's field is named on its own line."""
    meta = front_matter()
    meta["changes"][0]["reviewed_by"] = "Responsible Individual"
    write_document(mini, POLICY, meta)
    line = (mini / POLICY).read_text().splitlines().index("  reviewed_by: Responsible Individual") + 1
    assert messages(check(mini), "front-matter") == [
        f"{POLICY}, line {line}: unknown field 'reviewed_by' in changes[1] - remove it; the fields you can use in that "
        "entry are: version, date, summary, approved_by, approved_on, review_only, ofsted_notified_on"]


@pytest.mark.parametrize("written", ["aproved_on", "Approved_On", "APPROVED_ON", "Aproved_on"])
def test_a_typing_slip_in_an_approval_field_is_still_named(mini, written):
    """A manager's review: 'Approved_On' was answered "remove it", which would throw the approval's
    date away; a field written in other capitals is the field."""
    meta = front_matter()
    meta["changes"][0][written] = meta["changes"][0].pop("approved_on")
    write_document(mini, POLICY, meta)
    assert any(f"unknown field '{written}' in changes[1] - did you mean 'approved_on'? Rename it" in found
               for found in messages(check(mini), "front-matter"))


def test_a_date_written_day_first_is_named_with_the_date_it_means(mini):
    """A new user's review: 04/12/2026 was called "not a real date", with 2026-10-05 as the example
    (5 October or 10 May, to a reader in England?)."""
    meta = front_matter(last_reviewed="04/11/2026")
    meta["changes"][0]["date"] = "4 November 2026"
    write_document(mini, POLICY, meta)
    lines = (mini / POLICY).read_text().splitlines()
    assert messages(check(mini), "front-matter") == [
        f"{POLICY}, line {lines.index('last_reviewed: 04/11/2026') + 1}: last_reviewed: '04/11/2026' is not written as "
        "YYYY-MM-DD - write it year first: 2026-11-04 (4 November 2026)",
        f"{POLICY}, line {lines.index('  date: 4 November 2026') + 1}: changes[1].date: '4 November 2026' is not "
        "written as YYYY-MM-DD - write it year first: 2026-11-04 (4 November 2026)"]


def test_version_needs_a_matching_changes_entry(mini):
    found = messages(check(mini_with(mini, front_matter(version="1.1"))), "version-history")
    assert found == ["policies/missing-child.md, line 16: version 1.1 has no entry in changes - add a changes entry with "
                     "version: \"1.1\", the date and a one-line summary"]


def test_a_version_made_only_by_a_review_entry_has_no_approval_to_show(mini):
    # A review that changed nothing keeps the version it reviewed; it cannot stand for a new one.
    meta = front_matter(version="1.1", changes=[
        {"version": "1.1", "date": "2026-11-20", "summary": "Rewrote who to call.", "review_only": True},
        approved_change("1.0", "2026-10-01", "First version.")])
    assert messages(check(mini_with(mini, meta)), "version-history") == [
        "policies/missing-child.md, line 16: version 1.1 has only review entries (review_only: true) in changes, so nothing "
        "records the change that made it or its approval - add the entry that made version 1.1, with its approval, "
        "or set version back to the version that was reviewed"]


def test_a_later_change_listed_under_an_approved_version_is_refused(mini):
    # The approved entry listed first would be shown; the later, unapproved change under it would hide.
    meta = front_matter(changes=[approved_change("1.0", "2026-10-01", "First version."),
                                 {"version": "1.0", "date": "2026-11-20", "summary": "Rewrote who to call."}])
    assert messages(check(mini_with(mini, meta)), "version-history") == [
        "policies/missing-child.md, line 16: changes are not newest first: entry 1 (version 1.0, 2026-10-01) comes before "
        "entry 2 (version 1.0, 2026-11-20) - list the entries newest first, so the first one is the version in force",
        "policies/missing-child.md, line 16: changes entries 1 and 2 both made version 1.0, so only one of them is shown as "
        "the version in force - give the later change its own version, for example a new minor number, with its "
        "own approval; a review that changed nothing is an entry with review_only: true"]


def test_a_review_of_the_version_in_force_is_newest_first_and_passes(mini):
    meta = front_matter(changes=[
        {"version": "1.0", "date": "2026-11-20", "summary": "Reviewed; no changes needed.", "review_only": True},
        approved_change("1.0", "2026-10-01", "First version.")])
    handbook = check(mini_with(mini, meta))
    assert handbook.errors == []
    assert handbook.document(POLICY).approved_on == dt.date(2026, 10, 1)


def test_approved_document_needs_a_review_date(mini):
    found = messages(check(mini_with(mini, front_matter(last_reviewed=None))), "front-matter")
    closing = (mini / POLICY).read_text().splitlines().index("---", 1) + 1
    assert found == [f"policies/missing-child.md, line {closing}: missing field 'last_reviewed' - add last_reviewed: "
                     "- write the date of the last review as YYYY-MM-DD, for example 2026-10-05"]


def test_a_colon_inside_a_value_is_told_to_take_quotes(mini):
    """A manager's review: 'summary: Change: exploitation concerns' was told to look for "a missing
    colon", when the colon is one too many."""
    write_document(mini, POLICY, front_matter())
    text = (mini / POLICY).read_text().replace("\nkind:", "\nsummary: Change: exploitation concerns\nkind:", 1)
    (mini / POLICY).write_text(text)
    assert messages(check(mini), "front-matter") == [
        f"{POLICY}, line {text.splitlines().index('summary: Change: exploitation concerns') + 1}: the front matter is "
        "not valid YAML: (mapping values are not allowed in this context) - put the value on that line in double "
        'quotes: a colon and a space inside a value read as the start of another field (summary: "Change: what '
        'changed and why")']


def test_malformed_yaml_gives_the_line(mini):
    write_document(mini, POLICY, "id: missing-child\ntitle: [Missing child policy\nkind: policy\n")
    handbook = check(mini)
    found = [f for f in handbook.findings if f.path == POLICY]
    assert len(found) == 1
    assert found[0].message.startswith("the front matter is not valid YAML")
    assert found[0].line is not None and 2 <= found[0].line <= 4
    assert found[0].fix == ("correct the YAML on that line or just above it: an unclosed quote or bracket, a missing "
                            "colon or wrong indentation")


def test_document_without_front_matter(mini):
    (mini / POLICY).write_text("# Missing child policy\n\nText.\n", encoding="utf-8")
    assert messages(check(mini), "front-matter")[0].startswith(
        "policies/missing-child.md, line 1: the document has no front matter - start the file with a block between two '---'")


# --- templates --------------------------------------------------------------------

def test_home_facts_render_and_undefined_names_are_errors(mini):
    write_document(mini, POLICY, front_matter(), body="Call {{ home.contacts.childline.phone }}. {{ home.nmae }}\n")
    assert messages(check(mini), "template") == [
        "policies/missing-child.md, line 24: a {{ }} expression uses something that does not exist "
        "('home.nmae' is not in data/home.yml) - check the spelling against data/home.yml "
        "(for example {{ home.contacts.ofsted.phone }}), or remove the braces"]


def test_a_fact_rendered_once_for_many_pages_counts_as_printed_by_each_of_them(mini):
    """The renderer keeps each {{ fact }} it has rendered (handbook/loading/rendering.py): the
    second page to print a fact still to confirm is still named as printing it."""
    handbook = check(mini)
    renderer = PageRenderer(handbook)
    text = "Company number: {{ home.company_number }}.\n"
    with printing() as first:
        assert renderer.render(text, {}, document=True) == \
            "Company number: [to confirm: company number, as shown on Companies House]."
    with printing() as second:
        assert renderer.render(text.upper().replace("{{ HOME.COMPANY_NUMBER }}", "{{ home.company_number }}"),
                               {}, document=True).startswith("COMPANY NUMBER: [to confirm: company")
    assert first == second == {"company_number"}
    assert renderer.render("{{ home.name }}", {"title": "A", "home": "shadowed"}, document=True) == \
        handbook.home.facts["name"]


def test_a_document_cannot_read_its_own_front_matter(mini):
    """An attacker's review: `{% if changes | length < 7 %}` around the 999 sentence read the same
    in review; a later change adding only a review entry then dropped the sentence from the page,
    and its review ("review only", no sentence changed) did not say so. A document reads the home's
    facts and the edition, nothing else."""
    body = "Text.\n\n{% if changes | length < 2 %}Call 999 at once.{% endif %} {{ title }}\n"
    write_document(mini, POLICY, front_matter(), body=body)
    assert [f.message for f in check(mini).findings if f.check == "template"] == [
        "a {{ }} expression uses something that does not exist ('changes' is undefined)"]


def test_jinja_cannot_reach_python_or_the_shell(mini, tmp_path):
    marker = tmp_path / "ran"
    payload = "{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}"
    write_document(mini, POLICY, front_matter(), body=payload + "\n")
    found = messages(check(mini), "template")
    assert len(found) == 1 and "tries to reach Python internals, which is not allowed" in found[0]
    assert not marker.exists()


def test_unclosed_expression_gives_the_file_line(mini):
    write_document(mini, POLICY, front_matter(), body="Line one.\n\nCall {{ home.phone today.\n")
    finding = next(f for f in check(mini).findings if f.check == "template")
    assert finding.message.startswith("a {{ }} or {% %} expression is not complete")
    assert finding.line == (mini / POLICY).read_text().splitlines().index("Call {{ home.phone today.") + 1


# --- data files and today ---------------------------------------------------------

def test_home_placeholders_are_listed_as_one_warning(mini):
    found = messages(check(mini), "home-placeholder")
    assert len(found) == 1
    assert found[0].startswith("data/home.yml: ")
    assert "company_number" in found[0] and "registered_manager.name" in found[0]


@pytest.mark.parametrize("stage", ["registered", "applying"])
def test_a_registered_homes_site_page_printing_a_fact_still_to_confirm_is_an_error(mini, stage):
    """A night worker's review: the home page gave "[to confirm: ...]" as the number to call first,
    and only ever warned, even once the home cared for children."""
    if stage == "applying":
        write_home(mini, registration={"stage": "applying"}, ofsted_urn="SC000000")
    (mini / "docs").mkdir()
    (mini / "docs/index.md").write_text("---\ntitle: Home\n---\n\nCall the on-call manager on "
                                        "{{ home.contacts.on_call_manager.phone }}.\n", encoding="utf-8")
    found = [f for f in check(mini).findings if f.check == "home-placeholder" and f.is_error]
    assert [str(f) for f in found] == ([
        "data/home.yml: contacts.on_call_manager.phone is still to confirm (the on-call manager's phone number) but the "
        "home is registered and pages of its site print it: docs/index.md - write the confirmed fact in data/home.yml: "
        "staff rely on those pages now (or take the fact off them until it is known)"] if stage == "registered" else [])


def _home_refused(mini, old: str, new: str) -> str:
    """The one line `handbook check` stops with when the real data/home.yml has `old` replaced by `new`."""
    text = (REPO / "data/home.yml").read_text(encoding="utf-8")
    assert old in text
    (mini / "data/home.yml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(HandbookError) as refused:
        check(mini)
    return str(refused.value)


def _home_line(mini, text: str) -> int:
    return (mini / "data/home.yml").read_text(encoding="utf-8").splitlines().index(text) + 1


def test_a_phone_number_yaml_would_read_as_another_number_is_refused(mini):
    """An author's review found `phone: 01234567` (unquoted) printed on the home page as 342391:
    YAML reads a number that starts with 0 as octal. Any whole number YAML reads other than as
    written is refused, in any file, with what it would become."""
    old = 'phone: {to_confirm: "the on-call manager\'s phone number"}'
    found = _home_refused(mini, old, "phone: 01234567")
    assert found == (f"data/home.yml, line {_home_line(mini, '    phone: 01234567')}: contacts.on_call_manager.phone: "
                     "01234567 would be read as the number 342391, not as written - put it in quotes to keep it as "
                     "written, or write the number in plain digits")


@pytest.mark.parametrize("written, message", [
    ("name:", "responsible_individual.name is empty - write the fact, or {to_confirm: \"what is needed\"} while it "
              "is not known"),
    ('name: ""', "responsible_individual.name is empty - write the fact, or {to_confirm: \"what is needed\"} while "
                 "it is not known"),
    ("name: TBC", "responsible_individual.name: 'TBC' says the fact is not known yet, but a page would print it as the "
                  "fact - write {to_confirm: \"what is needed\"} instead, so it shows as a gap and is counted until it "
                  "is confirmed"),
    *[(f"name: {words}", f"responsible_individual.name: {words.strip(chr(34))!r} says the fact is not known yet, but a "
       "page would print it as the fact - write {to_confirm: \"what is needed\"} instead, so it shows as a gap and is "
       "counted until it is confirmed")
      for words in ("T.B.C.", "TBA.", "N/A", "Pending", "Vacant", "not yet appointed", "Awaiting DBS check",
                    '"SC??????"', "SCxxxxxx")],
    ('name: {to_confrim: "the name"}', "responsible_individual.name: to_confrim is not a field the handbook reads - "
                                       "write to_confirm (a fact not known yet is written {to_confirm: \"what is "
                                       "needed\"})"),
])
def test_a_fact_that_is_empty_or_not_known_is_refused_not_printed(mini, written, message):
    """An author's review found an empty name printed as "The Responsible Individual, None", and
    a misspelt to_confirm counted as a confirmed fact (the build then blamed a page for an odd
    attribute). Each is refused, naming the fact and its line."""
    text = (REPO / "data/home.yml").read_text(encoding="utf-8")
    old = next(line.strip() for line in text[text.index("responsible_individual:"):].splitlines() if "name:" in line)
    found = _home_refused(mini, old, written)
    assert found == f"data/home.yml, line {_home_line(mini, '  ' + written)}: {message}"


def test_a_phone_number_with_a_letter_in_it_is_refused(mini):
    """An attacker's review: "03OO 123 1231" (the letter O twice) read like Ofsted's number on every
    page, while tapping it dialled 031231231: only digits go into the link to call."""
    written = 'phone: "03OO 123 1231"'
    found = _home_refused(mini, 'phone: "0300 123 1231"', written)
    assert found == (f"data/home.yml, line {_home_line(mini, '    ' + written)}: contacts.ofsted.phone: "
                     "'03OO 123 1231' holds 'O', which a phone does not dial: the page would show the number as "
                     "written while tapping it dials another - write it in digits (0, not the letter O), with spaces, "
                     "and + ( ) - where needed")


def test_a_phone_number_is_dialled_as_written():
    """An attacker's review: "+44 (0)7700 900123" showed right and dialled +4407700900123, no number
    at all: the (0) written after the country code is not dialled."""
    from handbook.model.home import Phone

    assert [Phone(number).dial for number in ("+44 (0)7700 900123", "(020) 7946 0000", "0800 1111", "+44 20 7946 0000")] \
        == ["+447700900123", "02079460000", "08001111", "+442079460000"]


def test_a_phone_number_written_as_a_number_is_refused(mini):
    found = _home_refused(mini, 'phone: "101"', "phone: 101")
    assert found == (f"data/home.yml, line {_home_line(mini, '    phone: 101')}: contacts.police_non_emergency.phone: "
                     "101 is read as a number, not as the phone number written - put it in quotes, for example "
                     "phone: \"0800 1111\"")


def test_a_yaml_mistake_in_a_data_file_names_its_line_and_where_to_look(mini):
    """YAML notices an unclosed quote lines after it (here 3): the message says to look above too."""
    found = _home_refused(mini, 'phone: "101"', 'phone: "101')
    unclosed = _home_line(mini, '    phone: "101')
    assert found == (f"data/home.yml, line {unclosed + 3}: the YAML is not valid (did not find expected key) - correct "
                     "the YAML on that line or just above it: an unclosed quote or bracket, a missing colon or wrong "
                     "indentation")


@pytest.mark.parametrize("name, marks", [
    ('Cura Care Homes <span title="x">Unit B</span>', "< >"),
    ("Cura Care Homes *Unit B*", "*"),
    ("Cura Care Homes [Unit B](https://example.org)", "[ ]"),
    ("Cura `Care` Homes", "`"),
    # A fourth attacker's review: a "|" in a fact printed in a table row added a cell
    ("Cura Care Homes | Unit B", "|"),
    ("Cura Care Homes \\", "\\"),
])
def test_a_fact_is_plain_words_never_markup(mini, name, marks):
    """An attack on the PDF: a home's name holding markup was italic in every document, and
    printed as written, markup and all, on the PDF's cover, its running head and the file names."""
    write_home(mini, registration=REGISTERED, ofsted_urn="SC000000", name=name)
    found = [str(f) for f in check(mini).findings if f.check == "home-facts"]
    assert found == [f"data/home.yml: name holds {marks}, which a page would read as markup, while the PDF's cover "
                     "and the copy's file names print the fact as it is written - write name as plain words, without "
                     "<>*`[]|\\"]


def test_registration_dates_record_what_happened(mini):
    """A third attacker's review: registered_on: 2031-06-01 passed the check and was printed on the
    cover of the copy sent to Ofsted ("Registered on 1 June 2031")."""
    write_home(mini, registration={"stage": "registered", "applied_on": "2026-11-20", "registered_on": "2031-06-01"},
               ofsted_urn="SC000000")
    at = (mini / "data/home.yml").read_text().splitlines().index("  registered_on: '2031-06-01'") + 1
    found = [str(f) for f in check(mini).findings if f.check == "home-facts"]
    assert found == [
        f"data/home.yml, line {at}: registration.registered_on is 1 June "
        "2031, which is after today (26 November 2026) - write the date it really happened: the day the application "
        "was sent (applied_on), or the date on the registration certificate (registered_on)"]
    write_home(mini, registration={"stage": "registered", "applied_on": "2026-11-20", "registered_on": "2026-01-05"},
               ofsted_urn="SC000000")
    assert [str(f) for f in check(mini).findings if f.check == "home-facts"] == [
        f"data/home.yml, line {at}: registration.registered_on (5 January "
        "2026) is before applied_on (20 November 2026): a home is registered after it applies - correct the date that "
        "is wrong"]


@pytest.mark.parametrize("day", ["2026-W40-4", "20261001", "1 October 2026"])
def test_a_registration_date_is_written_year_month_day(mini, day):
    """A fourth attacker's review: a week's date ("2026-W40-4") was read as a date and printed on
    the copies' covers as one, while the review showed it as written."""
    write_home(mini, registration={"stage": "registered", "registered_on": day}, ofsted_urn="SC000000")
    with pytest.raises(HandbookError) as refused:
        check(mini)
    assert str(refused.value) == f"data/home.yml: registration: registered_on '{day}' is not a date - write it as YYYY-MM-DD"


def test_a_fact_holds_no_invisible_character(mini):
    """A review: "SC00000\u200b2" reads as another home's URN but passed the check that two homes
    differ. An invisible character in a fact is refused, named."""
    write_home(mini, registration=REGISTERED, ofsted_urn="SC00000\u200b2")
    found = [str(f) for f in check(mini).findings if f.check == "home-facts"]
    assert found == ["data/home.yml: ofsted_urn holds an invisible character (U+200B): it reads like another text but "
                     "is not the same, so a check comparing it (one home's name or URN with another's) would miss it - "
                     "type ofsted_urn again, without it"]


def test_a_fact_holds_no_control_character(mini):
    """An attacker's review: an escape sequence in a fact reached the terminal of whoever ran the
    check or the reviewer's summary, where it can rewrite the line before it."""
    write_home(mini, name="Cura House\x1bM")
    found = [str(f) for f in check(mini).findings if f.check == "home-facts"]
    assert found == ["data/home.yml: name holds U+001B, a control character: printed, it can rewrite the line around "
                     "it - type name again as plain words, without it"]


def test_text_printed_as_written_holds_no_control_character(mini):
    """An attacker's review: a title, a summary or a changes summary holding an escape sequence, a
    carriage return or a direction mark is printed as written (Document control, the History
    table, a terminal), where it can rewrite the line around it or reverse the text after it."""
    meta = front_matter(title="Missing child policy\x1b[1A", summary="What staff do when a child is \u202emissing.")
    meta["changes"][0]["summary"] = "Approved.\rNot approved yet."
    write_document(mini, POLICY, meta)
    lines = (mini / POLICY).read_text().splitlines()

    def line(start: str) -> int:   # the first line starting so (a changes entry's fields are indented)
        return next(number for number, text in enumerate(lines, start=1) if text.startswith(start))

    assert messages(check(mini), "front-matter") == [
        f"{POLICY}, line {line('title:')}: title holds U+001B, a control character or direction mark: printed, it can "
        "rewrite or reorder the line around it (a terminal, the History table) - type title again as plain words, "
        "without it",
        f"{POLICY}, line {line('  summary:')}: changes[1].summary holds U+000D, a control character or direction mark: "
        "printed, it can rewrite or reorder the line around it (a terminal, the History table) - type "
        "changes[1].summary again as plain words, without it",
        f"{POLICY}, line {line('summary:')}: summary holds U+202E, a control character or direction mark: printed, it "
        "can rewrite or reorder the line around it (a terminal, the History table) - type summary again as plain "
        "words, without it"]


def test_a_fact_still_to_confirm_is_plain_words_too(mini):
    facts = yaml.safe_load((mini / "data/home.yml").read_text(encoding="utf-8"))
    facts["contacts"]["lado"]["phone"] = {"to_confirm": "the LADO's <b>direct</b> line"}
    (mini / "data/home.yml").write_text(yaml.safe_dump(facts, sort_keys=False), encoding="utf-8")
    found = [str(f) for f in check(mini).findings if f.check == "home-facts"]
    assert [line.split(" - ")[0] for line in found] == [
        "data/home.yml: contacts.lado.phone holds < >, which a page would read as markup, while the PDF's cover and "
        "the copy's file names print the fact as it is written"]


def test_a_draft_that_records_an_approval_is_refused(mini):
    """An audit found a draft's page saying "Version 1.0, not yet approved" above a document control
    saying "Approved: version 1.0 by Responsible Individual", and no check objecting."""
    write_document(mini, POLICY, front_matter(status="draft"))
    day = (TODAY - dt.timedelta(days=30))
    assert [str(f) for f in check(mini).findings if f.check == "approval"] == [
        f"{POLICY}, line 5: version 1.0 records an approval (Responsible Individual, {day.day} {day:%B %Y}) but the document "
        "is a draft: its page would say both that it is approved and that it is not - set status: approved if it was "
        "approved, or remove approved_by and approved_on until it is"]


def test_a_draft_retired_before_anyone_reviewed_it_needs_no_review_date(mini):
    """An audit found that retiring a draft nobody had reviewed failed ("missing field
    'last_reviewed'"), so the only way through was to type a review that never happened."""
    write_document(mini, "policies/old-rota.md", front_matter(
        id="old-rota", title="Old rota procedure", status="retired", version="0.2", last_reviewed=None,
        regulations=[], changes=[{"version": "0.2", "date": (TODAY - dt.timedelta(days=5)).isoformat(),
                                  "summary": "Retired before it was approved."}]))
    assert [str(f) for f in check(mini).findings if f.path == "policies/old-rota.md"] == []
    write_document(mini, POLICY, front_matter(last_reviewed=None))
    assert any("last_reviewed" in str(f) for f in check(mini).findings if f.path == POLICY and f.is_error)


def test_broken_registry_names_the_file(mini):
    (mini / "data" / "regulations.yml").write_text("instruments:\n  chr2015:\n    title: [oops\n")
    with pytest.raises(HandbookError, match=r"^data/regulations.yml, line \d+: the YAML is not valid .* - correct the YAML "
                                            r"on that line or just above it"):
        check(mini)


@pytest.mark.parametrize("field, item, kind", [
    ("schedule_1", {"matter": 4, "group": "Quality and purpose of care", "text": "Where the home is located."},
     "Schedule 1 matter 4"),
    ("childrens_guide", {"id": "expect", "text": "What each child can expect."}, "children's guide item expect")])
def test_a_matter_or_guide_item_listed_twice_is_refused(mini, field, item, kind):
    """A fifth attacker's review: matter 4 given twice, the first with new words and a phone number,
    printed both on the pages, while the reviewer's summary (reading them by number) showed none."""
    registry = mini / "data" / "regulations.yml"
    data = yaml.safe_load(registry.read_text())
    data["instruments"]["chr2015"][field] = [{**item, "text": "Where we are. Call 0161 496 0000."}, item]
    registry.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(HandbookError) as refused:
        check(mini)
    assert str(refused.value) == f"data/regulations.yml: chr2015 {kind} is listed twice - keep one entry for it"


def test_a_regulation_listed_twice_is_refused(mini):
    registry = mini / "data" / "regulations.yml"
    data = yaml.safe_load(registry.read_text())
    regulations = data["instruments"]["chr2015"]["regulations"]
    regulations.append(dict(regulations[0]))
    ref = str(regulations[0]["ref"]).replace(" ", "")
    registry.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(HandbookError) as refused:
        check(mini)
    assert str(refused.value) == f"data/regulations.yml: chr2015 regulation {ref} is listed twice - keep one entry for it"


def test_registry_entry_without_a_level_names_the_entry(mini):
    text = (mini / "data" / "regulations.yml").read_text().replace("document: expected", "document: maybe")
    (mini / "data" / "regulations.yml").write_text(text)
    where = r"^data/regulations.yml: instruments/chr2015/regulations/2/document: 'maybe' is not one of "
    with pytest.raises(HandbookError, match=where):
        check(mini)


def test_handbook_today_overrides_the_date(monkeypatch):
    from handbook.sources.clock import today

    monkeypatch.setenv("HANDBOOK_TODAY", "2030-01-02")
    assert today() == dt.date(2030, 1, 2)
    monkeypatch.setenv("HANDBOOK_TODAY", "2 January 2030")
    with pytest.raises(HandbookError, match="HANDBOOK_TODAY='2 January 2030' is not a date - write it as YYYY-MM-DD"):
        today()


def test_a_phone_number_is_a_fact_never_typed_in_the_text_or_the_front_matter(mini):
    """A number typed as text goes out of date in one place and cannot be tapped. The title, the
    summary and the changes summaries are printed as written, so a number there is refused too (a
    changes summary saying "calling 999" reached the History table as text); and a number that ends
    a sentence is found (the full stop after it hid it)."""
    meta = front_matter()
    meta["changes"][0]["summary"] = "Staff now call 999 at once after restraint if breathing is hard."
    write_document(mini, POLICY, meta, body="Text.\n\nCall Childline on 0800 1111. Version 1.101.5 is not one.\n")
    lines = (mini / POLICY).read_text().splitlines()
    found = [str(f) for f in check(mini).findings if f.check == "phone-number"]
    assert found == [
        f"{POLICY}, line {lines.index('changes:') + 1}: changes[1].summary holds '999', a phone number, which the page "
        "prints as text that cannot be tapped to call - name the service in words instead (the emergency number, "
        "Childline); the number itself belongs in the document's text, as a fact",
        f"{POLICY}, line {lines.index('Call Childline on 0800 1111. Version 1.101.5 is not one.') + 1}: '0800 1111' is "
        "a phone number typed as text - write {{ home.contacts.childline.phone }}, the fact from data/home.yml that "
        "holds it, so it is the same everywhere and can be tapped to call"]


def test_a_typed_phone_number_no_fact_holds_is_told_where_to_add_it(mini):
    """A manager's review: the fix for a typed on-call number said "such as {{ home.contacts.emergency.phone }}",
    which, copied at 3 a.m., would swap the on-call manager for 999."""
    write_document(mini, POLICY, front_matter(), body="Text.\n\nRing the on-call manager on 07700 900123.\n")
    assert [f.fix for f in check(mini).findings if f.check == "phone-number"] == [
        "add the number to data/home.yml as the phone of the contact it belongs to, and write that fact, such as "
        "{{ home.contacts.<contact>.phone }}, so it is the same everywhere and can be tapped to call"]


def test_a_phone_number_is_found_however_it_is_written(mini):
    """An attacker's review: a number typed with its area code in brackets, with hyphens, in the
    international form or with a no-break space passed the check, and went out of date unseen."""
    typed = {number: number for number in ("(020) 7946 0000", "020-7946-0000", "+44 20 7946 0000",
                                           "+44 (0)20 7946 0000")}
    # as written: what it is found as (spaces of every kind read as one)
    typed.update({"0800\u00a01111": "0800 1111", "116\u2009123": "116 123", "(101)": "101"})
    # A second attacker's review: a figure space, dots, en dashes and full-width digits passed too.
    typed.update({"07700\u2007900\u2007123": "07700 900 123", "07700.900.123": "07700.900.123",
                  "07700\u2013900\u2013123": "07700\u2013900\u2013123",
                  "\uff10\uff18\uff10\uff10 \uff11\uff11\uff11\uff11": "0800 1111"})
    # Letters for digits (the letter O for 0, I or l for 1) dial nothing: found as the number they look like.
    typed.update({"0800 1OOO": "0800 1OOO", "O2O 7946 OOOO": "O2O 7946", "(O2O) 7946 0000": "(O2O) 7946 0000",
                  "1l6 l23": "1l6 l23"})
    # A fourth attacker's review: groups of two, another country's code, code, character references,
    # emphasis or an element inside, and a soft hyphen hid a number too.
    typed.update({"0800 11 11": "0800 11 11", "+1 800 273 8255": "+1 800 273 8255", "`0800 1111`": "0800 1111",
                  "&#57;&#57;&#57;": "999", "0800&#32;1111": "0800 1111", "0800 **1111**": "0800 1111",
                  "0800<span>1111</span>": "08001111", "0800\u00ad1111": "08001111"})
    body = "".join(f"Call {number} now.\n\n" for number in typed) + (
        "Version 1.101.5 of 2026-12-04 at 10:30.\n\nIll health, lol, I or O, SO1 1AA, A10O, the l0th.\n")
    write_document(mini, POLICY, front_matter(), body=body)
    lines = (mini / POLICY).read_text().splitlines()
    found = [(f.line, f.message) for f in check(mini).findings if f.check == "phone-number"]
    assert found == [(lines.index(f"Call {written} now.") + 1, f"'{number}' is a phone number typed as text")
                     for written, number in typed.items()]


def test_half_an_approval_is_found_on_the_line_that_records_it(mini):
    """A version recording approved_by but not approved_on: the error names the line of the half
    that is there (a new user's review: an approval's errors named the line of `changes:`)."""
    meta = front_matter()
    del meta["changes"][0]["approved_on"]
    write_document(mini, POLICY, meta)
    lines = (mini / POLICY).read_text().splitlines()
    found = [(f.line, f.field, f.message) for f in check(mini).findings if f.check == "approval"]
    assert found == [(lines.index("  approved_by: Responsible Individual") + 1, "changes[1].approved_on",
                      "version 1.0 records approved_by but not approved_on")]


def test_a_number_split_by_emphasis_marks_is_found_in_a_page_with_no_element(mini):
    """A page with no "<" has its marks taken out by a faster path than the one for tags and marks
    together: it finds the same numbers."""
    typed = {"0800 **1111**": "0800 1111", "0800 _1111_": "0800 1111", "0800 ~~1111~~": "0800 1111",
             "07700 *900* 123": "07700 900 123"}
    write_document(mini, POLICY, front_matter(), body="".join(f"Call {number} now.\n\n" for number in typed))
    lines = (mini / POLICY).read_text().splitlines()
    found = [(f.line, f.message) for f in check(mini).findings if f.check == "phone-number"]
    assert found == [(lines.index(f"Call {written} now.") + 1, f"'{number}' is a phone number typed as text")
                     for written, number in typed.items()]


def test_a_phone_number_on_a_page_of_docs_or_across_a_line_break_is_found(mini):
    """A fourth attacker's review: the home page (docs/index.md), read at 3 a.m., was never read for
    typed numbers; and a number split over two lines reads as one (Markdown joins them)."""
    (mini / "docs").mkdir(exist_ok=True)
    (mini / "docs" / "index.md").write_text("# Home\n\nCall Childline on 0800\n1111 or the police on 101.\n\n"
                                            "Write `{{ home.contacts.emergency.phone }}`, not `999`.\n",
                                            encoding="utf-8")
    assert [(f.path, f.line, f.message) for f in check(mini).findings if f.check == "phone-number"] == [
        ("docs/index.md", 3, "'0800 1111' is a phone number typed as text"),
        ("docs/index.md", 4, "'101' is a phone number typed as text")]


def test_a_phone_number_in_a_title_search_term_topic_or_the_registry_is_found(mini):
    """A fifth attacker's review: a number as a link's or an element's title (shown on hover), in
    search terms (chips in the search results), in a page's title (every page's navigation), in a
    topic or in a Schedule 1 matter (printed on pages) passed every check."""
    meta = front_matter(search_terms=["Ofsted line 0300 123 1231"])
    write_document(mini, POLICY, meta, body='First.\n\nSee [our promise](#first "Out of hours ring 07700 900123").'
                   '\n\nAn <abbr title="ring 07700 900456">advocate</abbr> helps.\n')
    (mini / "docs").mkdir(exist_ok=True)
    (mini / "docs" / "index.md").write_text('---\ntitle: "Night manager: ring 0161 496 0000"\n---\n\n# Home\n',
                                            encoding="utf-8")
    (mini / "data" / "tags.yml").write_text((mini / "data" / "tags.yml").read_text() + "- Out of hours 0161 496 0001\n")
    registry = mini / "data" / "regulations.yml"
    data = yaml.safe_load(registry.read_text())
    data["instruments"]["chr2015"]["schedule_1"] = [{"matter": 4, "text": "Where we are. Call 0161 496 0002."}]
    registry.write_text(yaml.safe_dump(data, sort_keys=False))
    found = sorted((f.path, f.message) for f in check(mini).findings if f.check == "phone-number")
    assert found == sorted([
        ("data/regulations.yml", "Schedule 1 matter 4 holds '0161 496 0002', a phone number, which pages print as "
                                 "text that cannot be tapped to call"),
        ("data/tags.yml", "the topic 'Out of hours 0161 496 0001' holds '0161 496 0001', a phone number, which pages "
                          "print as text that cannot be tapped to call"),
        ("docs/index.md", "'0161 496 0000' is a phone number typed as text"),
        (POLICY, "'07700 900123' is a phone number typed as text"),
        (POLICY, "'07700 900456' is a phone number typed as text"),
        (POLICY, "search_terms[1] holds '0300 123 1231', a phone number, which the page prints as text that cannot "
                 "be tapped to call")])


def test_a_phone_number_with_letters_for_digits_in_the_summary_is_found_as_written(mini):
    write_document(mini, POLICY, front_matter(summary="Ring Childline on O8OO 1lll if you are worried."))
    found = [f for f in check(mini).findings if f.check == "phone-number"]
    assert [(f.field, f.message) for f in found] == [
        ("summary", "summary holds 'O8OO 1lll', a phone number, which the page prints as text that cannot be tapped "
                    "to call")]


# --- notices to Ofsted that cannot have been sent ------------------------------------------

def _changes_line(root, relative: str) -> int:
    return (root / relative).read_text(encoding="utf-8").splitlines().index("changes:") + 1


SOP_PATH = "statement-of-purpose/statement-of-purpose.md"


def test_a_notice_to_ofsted_on_a_policy_is_refused(mini):
    """An author's review: a policy accepted ofsted_notified_on, and the reviewer's summary then said
    "Recorded as sent to Ofsted" for the missing child policy."""
    day = (TODAY - dt.timedelta(days=30)).isoformat()
    write_document(mini, POLICY, front_matter(changes=[approved_change("1.0", day, "First.", ofsted_notified_on=day)]))
    assert messages(check(mini), "ofsted-notification") == [
        f"{POLICY}, line {_changes_line(mini, POLICY)}: version 1.0 records ofsted_notified_on, but only the Statement "
        "of Purpose's revisions are sent to Ofsted (regulation 16(3)) - remove ofsted_notified_on; record in the "
        "notifications log anything else sent to Ofsted"]


def test_a_notice_to_ofsted_of_a_revision_nobody_approved_is_refused(mini):
    day = (TODAY - dt.timedelta(days=3)).isoformat()
    draft = {"version": "1.1", "date": day, "summary": "Draft.", "ofsted_notified_on": day}
    sop = statement_of_purpose(status="draft", version="1.1")
    sop["changes"] = [draft, *sop["changes"]]
    write_document(mini, SOP_PATH, sop, SOP_BODY)
    assert messages(check(mini), "ofsted-notification") == [
        f"{SOP_PATH}, line {_changes_line(mini, SOP_PATH)}: revision 1.1 records ofsted_notified_on, but nobody "
        "approved it: Ofsted is sent the statement as approved - remove ofsted_notified_on; once the revision is "
        "approved and sent, record approved_by, approved_on and then ofsted_notified_on"]


def test_a_review_entry_records_neither_an_approval_nor_a_notice_to_ofsted(mini):
    """A fifth attacker's review: a review entry carrying an approval (shown nowhere) and
    ofsted_notified_on passed, and the History table said "Ofsted told" of a revision that never was."""
    day = (TODAY - dt.timedelta(days=3)).isoformat()
    sop = statement_of_purpose(last_reviewed=day)
    version = sop["version"]
    sop["changes"] = [{"version": version, "date": day, "review_only": True, "summary": "Reviewed; no changes needed.",
                       "approved_by": "Responsible Individual", "approved_on": day, "ofsted_notified_on": day},
                      *sop["changes"]]
    write_document(mini, SOP_PATH, sop, SOP_BODY)
    line = _changes_line(mini, SOP_PATH)
    assert [str(f) for f in check(mini).findings if f.check in ("approval", "ofsted-notification")] == [
        f"{SOP_PATH}, line {line}: changes entry 1 (a review of version {version}) records ofsted_notified_on, but a "
        "review that changed nothing is not a revision: the statement is sent to Ofsted when it is revised - remove "
        "ofsted_notified_on; record the notice on the entry of the revision that was sent",
        f"{SOP_PATH}, line {line + 1}: changes entry 1 (a review of version {version}) records approved_by or "
        "approved_on: a review records no approval - remove them: a review that changed nothing keeps the approval "
        "of the version it reviewed; a change is a new version with its own approval"]


def test_a_notice_to_ofsted_before_the_approval_is_refused(mini):
    made, told, approved = (TODAY - dt.timedelta(days=d) for d in (10, 9, 8))
    change = approved_change("1.0", made.isoformat(), "First.", approved_on=approved.isoformat(),
                             ofsted_notified_on=told.isoformat())
    write_document(mini, SOP_PATH, statement_of_purpose(changes=[change], last_reviewed=approved.isoformat()), SOP_BODY)
    assert messages(check(mini), "ofsted-notification") == [
        f"{SOP_PATH}, line {_changes_line(mini, SOP_PATH)}: revision 1.0 records ofsted_notified_on "
        f"{told.day} {told:%B %Y}, before it was approved on {approved.day} {approved:%B %Y} - write the date the "
        "approved statement was really sent to Ofsted"]


def test_a_version_never_approved_needs_no_notice(mini):
    """An author's review: the check demanded a notice to Ofsted for version 1.0, a draft written
    before registration that nobody approved and a later version replaced; the only way through
    was to type a notice date."""
    old = (TODAY - dt.timedelta(days=60)).isoformat()
    sop = statement_of_purpose(version="1.1")
    sop["changes"][0]["version"] = "1.1"
    sop["changes"].append({"version": "1.0", "date": old, "summary": "First draft."})
    write_document(mini, SOP_PATH, sop, SOP_BODY)
    assert messages(check(mini), "ofsted-notification") == []


def test_a_copied_document_is_told_its_id_is_taken_not_the_original(mini):
    """An author's review: a new file copied from the missing child policy, id unchanged, made the
    check tell the original to change its id (which the change check then refuses)."""
    write_document(mini, "policies/medicines-new.md", front_matter())
    assert messages(check(mini), "duplicate-id") == [
        "policies/medicines-new.md, line 2: id 'missing-child' is already used by policies/missing-child.md - give "
        "this document its own id (usually its file name)"]



def test_a_regulation_whose_document_cannot_be_read_says_so(mini):
    """An author's review: a mistake in the missing child policy's front matter also gave "Regulation
    34(4) has no document - write a document that serves it", untrue: the document is there."""
    write_document(mini, POLICY, front_matter(owner="Chef"))
    found = [m for m in messages(check(mini), "required-regulation") if "34(4)" in m]
    assert found == [
        "data/regulations.yml: Regulation 34(4) (Missing child policy) has no approved document "
        "(policies/missing-child.md lists it, but has an error of its own: fix that first) - fix the errors reported for "
        "policies/missing-child.md first"]
