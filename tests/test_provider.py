"""A provider with several homes (issue 17): each home's edition holds its own facts and
documents, every check runs per home and names it, and a provider policy's problem is reported
once with the homes it affects. In process, on copies of tests/fixtures/provider."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import icalendar
import pytest
import yaml
from conftest import write_document
from provider_fixtures import HOMES, IDENTITY, PROVIDER_TODAY, copy_provider

from handbook.checks import load_and_check
from handbook.checks.provider import check_provider, merge_findings
from handbook.loading.rendering import render_text
from handbook.model.findings import error
from handbook.model.handbook import load_handbook
from handbook.sources.errors import HandbookError
from handbook.views.feeds import review_calendar
from handbook.views.provider import provider_json, provider_page, relink

pytestmark = pytest.mark.unit


@pytest.fixture
def provider(tmp_path) -> Path:
    return copy_provider(tmp_path / "provider", code=False)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors_of(root: Path, today: dt.date = PROVIDER_TODAY) -> list[str]:
    return [str(f) for f in check_provider(root, today).errors]


# --- the layout -----------------------------------------------------------------------

def test_a_homes_copy_of_a_shared_policy_keeping_its_approval_keeps_its_text(provider):
    """An attacker's review: a home's folder took a copy of the shared safeguarding policy with a
    step changed, still version 1.0 with the shared version's approval, which the home's copy for
    Ofsted showed as approved."""
    shared = (provider / "policies/safeguarding.md").read_text(encoding="utf-8")
    copy = provider / "homes/oak-lodge/policies/safeguarding.md"
    copy.write_text(shared, encoding="utf-8")  # the same text: the same approval, as it may be
    assert not [e for e in errors_of(provider) if "safeguarding" in e]
    copy.write_text(shared.replace("2. **Do not promise secrecy.**", "2. **Promise secrecy if the child asks.**"),
                    encoding="utf-8")
    line = copy.read_text(encoding="utf-8").splitlines().index('version: "1.0"') + 1
    assert [e for e in errors_of(provider) if "safeguarding" in e] == [
        f"homes/oak-lodge/policies/safeguarding.md, line {line}: [oak-lodge] version 1.0 records the approval of "
        "version 1.0 of policies/safeguarding.md (by Responsible Individual on 5 October 2026), but its text is not "
        "that version's: an approval is of the text approved - give the home's own version a new version number and "
        "a changes entry, and record its approval once it is given"]



def test_each_home_edition_holds_the_provider_policies_it_follows_and_its_own_documents(provider):
    checked = check_provider(provider, PROVIDER_TODAY)
    shared = ["policies/anti-bullying.md", "policies/behaviour-management.md", "policies/complaints.md",
              "policies/safeguarding.md"]
    own = ["statement-of-purpose/childrens-guide.md", "statement-of-purpose/statement-of-purpose.md"]
    paths = {home: sorted(d.path for d in handbook.documents) for home, handbook in checked.homes.items()}
    assert list(paths) == list(HOMES)
    assert paths["oak-lodge"] == sorted(["homes/oak-lodge/policies/rope-swing-safety.md", "policies/missing-child.md",
                                         *shared, *(f"homes/oak-lodge/{p}" for p in own)])
    # Birch House's own missing child procedure replaces the provider's policy, for Birch House only.
    assert paths["birch-house"] == sorted(["homes/birch-house/policies/missing-child.md", *shared,
                                           *(f"homes/birch-house/{p}" for p in own)])
    assert paths["elm-cottage"] == sorted(["policies/missing-child.md", *shared,
                                           *(f"homes/elm-cottage/{p}" for p in own)])


def test_the_fixture_provider_passes_every_check(provider):
    checked = check_provider(provider, PROVIDER_TODAY)
    assert checked.errors == []
    assert "data/regulations.yml: [elm-cottage] 2 documents still need approval before the application for " \
           "registration: homes/elm-cottage/statement-of-purpose/childrens-guide.md, " \
           "homes/elm-cottage/statement-of-purpose/statement-of-purpose.md" in [
               str(f).split(" - ")[0] for f in checked.warnings]


def test_provider_policies_print_each_homes_own_facts(provider):
    checked = check_provider(provider, PROVIDER_TODAY)
    text = {home: render_text(handbook, handbook.document("policies/complaints.md"))
            for home, handbook in checked.homes.items()}
    assert "about Oak Lodge or someone" in text["oak-lodge"]
    assert "The Registered Manager, Robin Oakexample, deals with formal complaints" in text["oak-lodge"]
    assert "The Registered Manager, Jo Birchexample, deals with formal complaints" in text["birch-house"]
    for home, rendered in text.items():
        # The provider's facts, written once in data/provider.yml, are every home's.
        assert "ask the Responsible Individual, Alex Example, to review it" in rendered
        for other, marks in IDENTITY.items():
            if other != home:
                assert not any(mark in rendered for mark in marks), (home, other)


def test_a_homes_facts_add_to_the_providers_and_win_where_both_give_one(provider):
    edit(provider / "homes/oak-lodge/home.yml", "contacts:\n", "contacts:\n  childline:\n"
         "    name: Childline (free, 24 hours)\n    phone: 0800 1111\n    note: from the home\n")
    handbook = load_handbook(provider, PROVIDER_TODAY, "oak-lodge")
    contacts = handbook.home.facts["contacts"]
    assert contacts["childline"]["note"] == "from the home"
    assert str(contacts["ofsted"]["name"]) == "Ofsted (social care enquiries and complaints)"  # the provider's
    assert str(contacts["lado"]["name"]) == "Oakbury local authority designated officer (LADO)"  # the home's own
    assert handbook.home.source == "homes/oak-lodge/home.yml"


def test_a_single_homes_handbook_has_no_home_in_its_findings(mini):
    write_document(mini, "policies/overdue.md", {"id": "x"})  # a broken document, to have findings
    handbook = load_and_check(mini, PROVIDER_TODAY)
    assert handbook.findings and all(f.homes == () for f in handbook.findings)
    assert all("homes" not in f.to_dict() for f in handbook.findings)
    assert handbook.home_id is None and handbook.home.source == "data/home.yml"


# --- checks per home, findings naming their home ----------------------------------------

def test_a_provider_policy_overdue_is_one_error_naming_the_homes_that_follow_it(provider):
    overdue = [str(f) for f in check_provider(provider, dt.date(2028, 1, 1)).errors if f.check == "review-overdue"]
    tail = "review overdue since 5 October 2027 (last reviewed 5 October 2026, every 12 months). Owner: Registered " \
           "Manager - review the document; if nothing needs changing, set last_reviewed to the review date and add a " \
           "changes entry with the same version, review_only: true and a summary such as \"Reviewed; no changes " \
           "needed\"; if it changes, raise the version and record the change and its approval"
    assert f"policies/complaints.md, line 9: [birch-house, elm-cottage, oak-lodge] {tail}" in overdue
    # Birch House follows its own procedure, not the provider's missing child policy.
    assert f"policies/missing-child.md, line 9: [elm-cottage, oak-lodge] {tail}" in overdue
    assert f"homes/birch-house/policies/missing-child.md, line 9: [birch-house] {tail}" in overdue
    assert sum(line.startswith("policies/complaints.md,") for line in overdue) == 1
    assert len(overdue) == 11  # 5 provider policies once each, and each home's own (2 + 2 + 2 - elm's drafts + 1)


def test_coverage_is_worked_out_per_home(provider):
    edit(provider / "homes/birch-house/policies/missing-child.md", "status: approved", "status: draft")
    assert errors_of(provider) == [   # the document's own error first: the regulation's follows from it
        "homes/birch-house/policies/missing-child.md, line 6: [birch-house] version 1.1 records an approval (Responsible "
        "Individual, 26 November 2026) but the document is a draft: its page would say both that it is approved and "
        "that it is not - set status: approved if it was approved, or remove approved_by and approved_on until it is",
        "data/regulations.yml: [birch-house] Regulation 34(4) (Missing child policy) has no approved document "
        "(homes/birch-house/policies/missing-child.md is draft) - approve a document that serves it and list "
        "\"34(4)\" in its regulations"]


def test_the_registration_stage_is_each_homes_own(provider):
    # Elm Cottage is applying: its draft Statement of Purpose serves regulation 16. The same draft at
    # Oak Lodge, which is registered, does not.
    sop = provider / "homes/oak-lodge/statement-of-purpose/statement-of-purpose.md"
    shutil.copy(provider / "homes/elm-cottage/statement-of-purpose/statement-of-purpose.md", sop)
    assert errors_of(provider) == [
        "data/regulations.yml: [oak-lodge] Regulation 16 (Statement of purpose) has no approved document "
        "(homes/oak-lodge/statement-of-purpose/statement-of-purpose.md is draft) - approve a statement of purpose "
        "document that serves it and list \"16\" in its regulations"]


def test_a_link_into_another_homes_folder_leads_nowhere(provider):
    """A review: Oak Lodge linking "Birch House's own missing child procedure" was led, without a word,
    to the provider's policy of that name."""
    rope = provider / "homes/oak-lodge/policies/rope-swing-safety.md"
    rope.write_text(rope.read_text() + "\nSee [Birch House's procedure](../../birch-house/policies/missing-child.md).\n",
                    encoding="utf-8")
    found = [line for line in errors_of(provider) if line.startswith("homes/oak-lodge/policies/rope-swing-safety.md")]
    assert found == [
        "homes/oak-lodge/policies/rope-swing-safety.md, line 34: [oak-lodge] the link "
        "'../../birch-house/policies/missing-child.md' does not lead to a document, page or file of the handbook - "
        "check the path: write it relative to this page, "
        "for example complaints.md"]


def test_each_homes_review_calendar_has_its_own_events(provider):
    """A review: the homes' calendars gave a provider policy due the same day the same event id, so a
    calendar subscribed to two homes showed one home's deadline only."""
    uids = {home: {str(event["uid"]) for event in icalendar.Calendar.from_ical(
                review_calendar(load_and_check(provider, PROVIDER_TODAY, home))).walk("VEVENT")}
            for home in ("oak-lodge", "birch-house")}
    assert "missing-child-2027-10-05@oak-lodge.handbook.curacarehomes" in uids["oak-lodge"]
    assert "missing-child-2027-10-05@birch-house.handbook.curacarehomes" in uids["birch-house"]
    assert uids["oak-lodge"].isdisjoint(uids["birch-house"])


def test_a_shared_statement_of_purpose_stands_in_for_no_homes_own(provider):
    """A review: a provider policy of kind statement-of-purpose, approved and notified once, served
    regulation 16 for a registered home whose own statement was a draft, and the check passed."""
    own = provider / "homes/oak-lodge/statement-of-purpose/statement-of-purpose.md"
    shared = (own.read_text().replace("id: statement-of-purpose", "id: provider-statement-of-purpose")
              .replace("](../policies/", "](").replace("](childrens-guide.md)", "](../statement-of-purpose/childrens-guide.md)")
              .replace("{{ home.ofsted_urn }}", "given at registration"))
    (provider / "policies/provider-statement-of-purpose.md").write_text(shared, encoding="utf-8")
    shutil.copy(provider / "homes/elm-cottage/statement-of-purpose/statement-of-purpose.md", own)
    assert errors_of(provider) == [
        "policies/provider-statement-of-purpose.md, line 5: [birch-house, elm-cottage, oak-lodge] kind "
        "statement-of-purpose in the provider's shared documents: each home's Statement of Purpose is its own, and "
        "this one would count as every home's - move it to homes/<id>/statement-of-purpose/ of the home it "
        "describes, or give it kind: policy"]


def test_a_home_without_its_own_statement_of_purpose_fails_naming_the_folder(provider):
    (provider / "homes/oak-lodge/statement-of-purpose/statement-of-purpose.md").unlink()
    found = errors_of(provider)
    assert "homes/oak-lodge/statement-of-purpose/: [oak-lodge] the home has no Statement of Purpose of its own: " \
           "Ofsted registers each home with its own - write the home's Statement of Purpose in " \
           "homes/oak-lodge/statement-of-purpose/ (kind: statement-of-purpose)" in found
    assert all("[oak-lodge]" in line for line in found)


def test_schedule_1_is_checked_in_each_homes_statement_of_purpose(provider):
    edit(provider / "homes/birch-house/statement-of-purpose/statement-of-purpose.md",
         '  4: "#where-the-home-is"\n', "")
    assert errors_of(provider) == [
        "homes/birch-house/statement-of-purpose/statement-of-purpose.md, line 21: [birch-house] Schedule 1 matter 4 (Where "
        "the home is located.) has no section in the Statement of Purpose - write a section that answers it and add 4: "
        "\"#its-heading-anchor\" under schedule_1"]


def test_the_28_day_notice_is_each_homes_own(provider):
    edit(provider / "homes/birch-house/statement-of-purpose/statement-of-purpose.md",
         "    ofsted_notified_on: 2026-10-12\n", "")
    assert errors_of(provider) == [
        "homes/birch-house/statement-of-purpose/statement-of-purpose.md, line 14: [birch-house] revision 1.0 of 5 October 2026 "
        "has no ofsted_notified_on: Ofsted had to be told by 2 November 2026 (regulation 16(3), within 28 days) - "
        "send Ofsted the revised Statement of Purpose, then add ofsted_notified_on: YYYY-MM-DD (the date you sent it) "
        "to that changes entry"]


def test_a_fact_to_confirm_printed_by_a_provider_policy_fails_only_the_home_that_lacks_it(provider):
    edit(provider / "policies/complaints.md", "## How to complain", "Our Ofsted number is {{ home.ofsted_urn }}.\n\n"
         "## How to complain")
    assert errors_of(provider) == [
        "homes/elm-cottage/home.yml: [elm-cottage] ofsted_urn is still to confirm (Ofsted unique reference number "
        "(URN), issued at registration) but approved documents print it: policies/complaints.md - write the "
        "confirmed fact in homes/elm-cottage/home.yml, or return those documents to draft until it is known"]


def test_a_file_that_is_not_a_document_in_a_homes_folder_is_refused(provider):
    (provider / "homes/oak-lodge/policies/notes.txt").write_text("notes", encoding="utf-8")
    assert errors_of(provider) == [
        "homes/oak-lodge/policies/notes.txt: [oak-lodge] not a governed document: policies/ holds only documents "
        "written in Markdown (.md), and a file of any other type would be published as it is - remove it, or keep "
        "it outside the handbook's folders; a picture belongs in docs/assets/images/"]


def test_findings_the_same_in_several_homes_are_merged_only_outside_a_homes_folder():
    shared = error("review-overdue", "policies/a.md", "overdue", "review it")
    own = error("review-overdue", "homes/x/policies/a.md", "overdue", "review it")
    merged = merge_findings({"y": [shared], "x": [shared, own]})
    assert [(f.path, f.homes) for f in merged] == [("homes/x/policies/a.md", ("x",)), ("policies/a.md", ("x", "y"))]
    assert str(merged[1]) == "policies/a.md: [x, y] overdue - review it"
    assert merged[1].to_dict()["homes"] == ["x", "y"]


# --- isolation: a home's document reaches no other home ---------------------------------

def test_a_homes_document_cannot_reach_another_homes_facts(provider):
    edit(provider / "homes/oak-lodge/policies/rope-swing-safety.md", "This procedure",
         "{{ homes['birch-house'].name }} {{ home.homes }} This procedure")
    found = [f for f in check_provider(provider, PROVIDER_TODAY).errors]
    assert [(f.path, f.homes, f.check) for f in found] == [
        ("homes/oak-lodge/policies/rope-swing-safety.md", ("oak-lodge",), "template")]


def test_a_link_to_another_homes_page_leads_nowhere_and_fails(provider):
    edit(provider / "homes/birch-house/policies/missing-child.md", "## If a child is missing now\n",
         "## If a child is missing now\n\nSee [the swing](../../oak-lodge/policies/rope-swing-safety.md).\n")
    assert errors_of(provider) == [
        "homes/birch-house/policies/missing-child.md, line 34: [birch-house] the link "
        "'../../oak-lodge/policies/rope-swing-safety.md' does not lead to a document, page or file of the handbook - "
        "check the path: write it relative to this page, for example complaints.md"]


def test_links_lead_to_this_homes_documents_never_another_homes(provider):
    birch = check_provider(provider, PROVIDER_TODAY).homes["birch-house"]
    page = "policies/safeguarding.md"
    text = "[SoP](../statement-of-purpose/statement-of-purpose.md#x) [m](missing-child.md) " \
           "[oak](../homes/oak-lodge/statement-of-purpose/statement-of-purpose.md) [web](https://example.org/a.md)"
    assert relink(birch, page, text) == (
        "[SoP](../homes/birch-house/statement-of-purpose/statement-of-purpose.md#x) "
        "[m](../homes/birch-house/policies/missing-child.md) "
        "[oak](../homes/oak-lodge/statement-of-purpose/statement-of-purpose.md) [web](https://example.org/a.md)")
    # A link into another home's folder is left as written: it leads nowhere, and the check refuses it
    # (test_a_link_into_another_homes_folder_leads_nowhere); it is never led somewhere else without a word.


# --- bad input: one line naming the file, nothing else -----------------------------------

@pytest.mark.parametrize("breakage, message", [
    (lambda root: None,
     "homes/nope: no such home - the homes are birch-house, elm-cottage, oak-lodge (the folders in homes/)"),
    (lambda root: (root / "homes/nope/statement-of-purpose").mkdir(parents=True),
     "homes/nope/home.yml: missing - write the home's own facts there (name, ofsted_urn, address, "
     "registered_manager, registration and its local contacts)"),
])
def test_an_unknown_home_or_one_without_its_facts_is_one_line(provider, breakage, message):
    breakage(provider)
    with pytest.raises(HandbookError) as raised:
        load_handbook(provider, PROVIDER_TODAY, "nope")
    assert str(raised.value) == message


@pytest.mark.parametrize("breakage, message", [
    (lambda root: edit(root / "homes/oak-lodge/home.yml", "ofsted_urn: SC000001", "ofsted_urn: SC000002"),
     "homes/birch-house/home.yml, line 8: ofsted_urn 'SC000002' is also the ofsted_urn of homes/oak-lodge/home.yml "
     "- each home has its own ofsted_urn; correct one of them"),
    (lambda root: edit(root / "homes/oak-lodge/home.yml", "name: Oak Lodge", "name: Birch House"),
     "homes/birch-house/home.yml, line 4: name 'Birch House' is also the name of homes/oak-lodge/home.yml - each "
     "home has its own name; correct one of them"),
    # A review: a name or URN kept off the website, or written with a full-width digit or a no-break
    # space, passed as another home's own, and Oak Lodge's copy carried Birch House's name and URN.
    (lambda root: edit(root / "homes/oak-lodge/home.yml", "ofsted_urn: SC000001",
                       'ofsted_urn: {value: "SC0000\uff102", website: false}'),
     "homes/birch-house/home.yml, line 8: ofsted_urn 'SC000002' is also the ofsted_urn of homes/oak-lodge/home.yml "
     "- each home has its own ofsted_urn; correct one of them"),
    (lambda root: edit(root / "homes/oak-lodge/home.yml", "name: Oak Lodge", 'name: "Birch\u00a0house"'),
     "homes/birch-house/home.yml, line 4: name 'Birch House' is also the name of homes/oak-lodge/home.yml - each "
     "home has its own name; correct one of them"),
    # An attacker's review: a URN or name written once in data/provider.yml was every home's.
    (lambda root: (root / "data/provider.yml").write_text((root / "data/provider.yml").read_text() + "ofsted_urn: SC000002\n"),
     "data/provider.yml, line 37: ofsted_urn is each home's own, but data/provider.yml gives it to every home - write it "
     "in each home's homes/<id>/home.yml instead"),
    (lambda root: (root / "data/provider.yml").write_text("name: Birch House\n" + (root / "data/provider.yml").read_text()),
     "data/provider.yml, line 1: name is each home's own, but data/provider.yml gives it to every home - write it in "
     "each home's homes/<id>/home.yml instead"),
    (lambda root: (root / "homes/Oak Lodge").mkdir(),
     "homes/Oak Lodge: a home's folder name is its id, written in lower-case letters, digits and hyphens, such as "
     "oak-lodge - rename the folder"),
    (lambda root: (root / "data/provider.yml").unlink(),
     "data/provider.yml: missing - a handbook with homes/ writes the provider's facts (legal form, registered "
     "provider, Responsible Individual, roles) once in this file"),
    (lambda root: (root / "statement-of-purpose").mkdir(),
     "statement-of-purpose/: in a handbook with homes/ each home has its own Statement of Purpose - move it to "
     "homes/<id>/statement-of-purpose/"),
    (lambda root: (root / "data/home.yml").write_text("name: x\n"),
     "data/home.yml: a handbook with homes/ keeps each home's facts in homes/<id>/home.yml and the provider's in "
     "data/provider.yml - move them there and remove data/home.yml"),
    (lambda root: edit(root / "homes/oak-lodge/home.yml", "registration:\n  stage: registered",
                       "registration:\n  stage: opened"),
     "homes/oak-lodge/home.yml: registration: the stage must be applying or registered - write registration: with "
     "stage: applying (and applied_on: YYYY-MM-DD once the application is sent) or stage: registered with "
     "registered_on: YYYY-MM-DD and the real ofsted_urn"),
    (lambda root: edit(root / "homes/oak-lodge/home.yml", "name: Oak Lodge", "name: [Oak"),
     "homes/oak-lodge/home.yml, line 5: the YAML is not valid (did not find expected ',' or ']') - correct the YAML on "
     "that line or just above it: an unclosed quote or bracket, a missing colon or wrong indentation"),
    (lambda root: edit(root / "homes/oak-lodge/home.yml", "name: Oak Lodge", "name: TBC"),
     "homes/oak-lodge/home.yml, line 4: name: 'TBC' says the fact is not known yet, but a page would print it as the "
     "fact - write {to_confirm: \"what is needed\"} instead, so it shows as a gap and is counted until it is confirmed"),
])
def test_bad_provider_input_is_one_line_naming_the_file(provider, breakage, message):
    """(A fact that says it is not known, in a home's file or the provider's, is named in its file, on its line.)"""
    breakage(provider)
    with pytest.raises(HandbookError) as raised:
        check_provider(provider, PROVIDER_TODAY)
    assert str(raised.value) == message


def test_a_provider_without_a_home_named_says_which_homes_there_are(provider):
    with pytest.raises(HandbookError) as raised:
        load_and_check(provider, PROVIDER_TODAY)
    assert str(raised.value) == (
        "homes/: this handbook has 3 homes (birch-house, elm-cottage, oak-lodge) - name the one to build or export: "
        "make build HOME_ID=birch-house, HANDBOOK_HOME=birch-house mkdocs build, or handbook export --home birch-house")


def test_a_single_homes_handbook_has_no_homes_to_name(mini):
    with pytest.raises(HandbookError) as raised:
        load_handbook(mini, PROVIDER_TODAY, "oak-lodge")
    assert str(raised.value) == ("homes/oak-lodge: no such home - this handbook is a single home's (data/home.yml, "
                                 "no homes/ folder): leave out the home")


# --- the provider's view ----------------------------------------------------------------

def test_the_provider_page_lists_every_home_side_by_side(provider):
    edit(provider / "homes/birch-house/statement-of-purpose/statement-of-purpose.md",
         "    ofsted_notified_on: 2026-10-12\n", "")
    page = provider_page(check_provider(provider, dt.date(2028, 1, 1)))
    rows = [line for line in page.splitlines() if line.startswith("| ") and "URN" in line]
    assert rows == [
        "| Birch House (`birch-house`, URN SC000002) | registered | 8 | 7 | 0 | 15 | 0 | 1 |",
        "| Elm Cottage (`elm-cottage`, URN none yet) | applying | 5 | 5 | 0 | 15 | 1 | 0 |",
        "| Oak Lodge (`oak-lodge`, URN SC000001) | registered | 8 | 8 | 0 | 15 | 0 | 0 |",
    ]
    assert "- `policies/complaints.md` (homes: birch-house, elm-cottage, oak-lodge): review overdue since" in page
    assert "](" not in page  # no link: the other homes' pages are not in a home's site


def test_check_json_gives_every_homes_figures(provider):
    data = provider_json(check_provider(provider, PROVIDER_TODAY))
    assert list(data["homes"]) == list(HOMES)
    elm = data["homes"]["elm-cottage"]
    assert (elm["name"], elm["ofsted_urn"], elm["registration"], elm["errors"]) == ("Elm Cottage", None, "applying", 0)
    assert elm["facts_to_confirm"] == ["ofsted_urn"]
    assert data["homes"]["oak-lodge"]["ofsted_urn"] == "SC000001"
    assert all(f["homes"] == ["elm-cottage"] for f in elm["findings"])
    assert yaml.safe_load(yaml.safe_dump(data)) == data  # plain data, nothing but JSON types


def test_a_fact_to_confirm_is_reported_on_the_file_it_is_written_in(provider):
    edit(provider / "data/provider.yml", 'company_number: "00000000"  # fictional',
         'company_number: {to_confirm: "company number, as shown on Companies House"}')
    edit(provider / "policies/complaints.md", "## How to complain", "Company {{ home.company_number }}.\n\n"
         "## How to complain")
    checked = check_provider(provider, PROVIDER_TODAY)
    assert [str(f) for f in checked.errors] == [
        "data/provider.yml: [birch-house, elm-cottage, oak-lodge] company_number is still to confirm (company number, "
        "as shown on Companies House) but approved documents print it: policies/complaints.md - write the confirmed "
        "fact in data/provider.yml, or return those documents to draft until it is known"]
    facts = [str(f) for f in checked.warnings if f.check == "home-placeholder"]
    assert facts == [
        "data/provider.yml: [birch-house, elm-cottage, oak-lodge] 1 facts about the home are not known yet: "
        "company_number - replace each {to_confirm: ...} with the real fact once it is confirmed",
        "homes/elm-cottage/home.yml: [elm-cottage] 1 facts about the home are not known yet: ofsted_urn - replace "
        "each {to_confirm: ...} with the real fact once it is confirmed"]


def test_the_childrens_guide_is_checked_in_each_homes_own_guide(provider):
    edit(provider / "homes/elm-cottage/statement-of-purpose/childrens-guide.md",
         '  complain: "#if-you-are-unhappy"\n', "")
    assert [line.split(" - ")[0] for line in errors_of(provider)] == [
        "homes/elm-cottage/statement-of-purpose/childrens-guide.md, line 13: [elm-cottage] children's guide item complain "
        "(How to make a complaint about the home or about someone in it.) has no section in the children's guide"]


def test_no_two_homes_copies_share_a_file_name(provider):
    """Names that make the same slug ("Oak Lodge" and "Oak Lodge." with a URN that looks the same)
    once gave Birch House's inspector copy Oak Lodge's file name, and the second export replaced
    the first in dist/."""
    from handbook.export.bundle import bundle_name
    from handbook.views.editions import document_copy_name

    home = provider / "homes" / "birch-house" / "home.yml"
    home.write_text(home.read_text().replace("name: Birch House", "name: Oak Lodge.").replace(
        "ofsted_urn: SC000002", "ofsted_urn: SC000001."))
    checked = check_provider(provider, PROVIDER_TODAY)
    oak, birch = checked.homes["oak-lodge"], checked.homes["birch-house"]
    assert bundle_name(oak, "abcdef0") != bundle_name(birch, "abcdef0")
    assert bundle_name(birch, "abcdef0").startswith("birch-house-")
    guide = {name: next(d for d in edition.documents if d.kind == "childrens-guide") for name, edition in
             (("oak", oak), ("birch", birch))}
    assert (document_copy_name(oak, guide["oak"], booklet=True)
            != document_copy_name(birch, guide["birch"], booklet=True))


def test_make_serve_rebuilds_every_page_when_a_homes_facts_change(provider):
    """A review: `make serve HOME_ID=...` left a home's facts out of what rebuilds every page, so a
    page printing a changed fact stayed as it was."""
    from handbook.mkdocs_hooks import _whole_site_stamp

    before = _whole_site_stamp(str(provider))
    facts = provider / "homes/birch-house/home.yml"
    assert str(facts) in before
    os.utime(facts, ns=(before[str(facts)] + 10**9, before[str(facts)] + 10**9))
    assert _whole_site_stamp(str(provider)) != before
