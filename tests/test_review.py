"""The reviewer's summary of a pull request (`handbook review --base REF`), on a small fixture
repository: main holds the approved fixture handbook in two commits, and each test commits its
change on a branch. Every summary is asserted line by line, as the reviewer reads it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import fixture_today, handbook_command
from test_changes import edit, git

pytestmark = pytest.mark.build

DAY = fixture_today()  # the day of the fixture's newest record: "today" in every run below
POLICY = "policies/missing-child.md"
SOP = "statement-of-purpose/statement-of-purpose.md"


def long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=f"{DAY.isoformat()}T10:00:00+00:00")


def on_main(repo: Path, path: str, message: str, *replacements: tuple[str, str]) -> None:
    """Commit `replacements` to `path` on main, then take them into the change branch."""
    git(repo, "checkout", "-q", "main")
    edit(repo, path, *replacements)
    commit(repo, message)
    git(repo, "checkout", "-q", "change")
    git(repo, "merge", "-q", "main")


@pytest.fixture
def repo(handbook_copy):
    """main: the approved handbook, then the safeguarding policy taken out of the inspectors' copy;
    the branch `change` starts from there."""
    git(handbook_copy, "init", "-q", "-b", "main")
    commit(handbook_copy, "The handbook as approved")
    edit(handbook_copy, "policies/safeguarding.md",
         ("audience: [staff, families, professionals, inspectors]", "audience: [staff, families, professionals]"))
    commit(handbook_copy, "Safeguarding policy: staff, families and professionals only for now")
    git(handbook_copy, "checkout", "-q", "-b", "change")
    return handbook_copy


def entry(version: str, summary: str, *extra: str) -> tuple[str, str]:
    """A new changes entry at the top, dated DAY, with extra lines such as 'review_only: true'."""
    lines = "".join(f"\n    {line}" for line in extra)
    return ("changes:\n", f'changes:\n  - version: "{version}"\n    date: {DAY.isoformat()}\n    summary: \"{summary}\"{lines}\n')


APPROVED = ("approved_by: Responsible Individual", f"approved_on: {DAY.isoformat()}")


def review(repo: Path, expected_code: int) -> list[str]:
    result = handbook_command(repo, "review", "--base", "main", today=DAY)
    assert result.returncode == expected_code, result.stdout + result.stderr
    assert result.stderr == "", result.stderr
    return result.stdout.splitlines()


def test_text_change_with_its_version_and_approval(repo):
    edit(repo, POLICY,
         ("Follow these steps in order, straight away.\n",
          "**Check the gate** first, and call {{ home.contacts.emergency.phone }} if it is open; "
          "the [safeguarding policy](safeguarding.md) says why.\n"),
         ("## Who does what\n", "## Who does what, and when\n"),
         ('\nversion: "1.1"\n', '\nversion: "1.2"\n'),
         entry("1.2", "Gate check first; who does what, and when.", *APPROVED))
    commit(repo, "Missing child policy: gate check first")
    assert review(repo, 0) == [
        "## Handbook review against main",
        "",
        "**1 document changes. Nothing stops the merge.**",
        "",
        "### Missing child policy",
        "",
        "`policies/missing-child.md` · text change · version 1.1 → 1.2",
        "",
        f"- Approved by Responsible Individual on {long(DAY)}.",
        "- Summary: Gate check first; who does what, and when.",
        "- Regulations: 34(4), 34(5), 12, 40.",
        "- Removed: Follow these steps in order, straight away.",
        "- Added: Check the gate first, and call 999 if it is open; the safeguarding policy says why.",
        "- Removed: Who does what",
        "- Added: Who does what, and when",
        "- Link added: 999 → `tel:999`",
        "- Link added: safeguarding policy → `safeguarding.md`",
    ]


def test_a_sentence_changed_by_an_invisible_character_shows_it(repo):
    """An attacker's review: a zero-width space or a soft hyphen put in a word passed the check, and
    the summary's removed and added lines read the same."""
    edit(repo, POLICY, ("Follow these steps in order, straight away.\n",
                        "Follow these steps in or\u200bder, straight\u00adaway.\n"),
         ('\nversion: "1.1"\n', '\nversion: "1.2"\n'), entry("1.2", "Wording.", *APPROVED))
    commit(repo, "Missing child policy: wording")
    lines = review(repo, 0)
    assert "- Removed: Follow these steps in order, straight away." in lines
    assert "- Added: Follow these steps in or\\[U+200B\\]der, straight\\[U+00AD\\]away." in lines


def test_text_change_without_a_version_raise_stops_the_merge_with_its_fix(repo):
    edit(repo, POLICY, ("Follow these steps in order, straight away.",
                        "Follow these steps in order, straight away. Company number: {{ home.company_number }}."))
    commit(repo, "Missing child policy: company number")
    assert review(repo, 1) == [
        "## Handbook review against main",
        "",
        "**1 document changes. 2 problems stop the merge.**",
        "",
        "### Stops the merge",
        "",
        "- `data/home.yml`: company_number is still to confirm (company number, as shown on Companies House) but "
        "approved documents print it: policies/missing-child.md. Fix: write the confirmed fact in data/home.yml, "
        "or return those documents to draft until it is known.",
        "- `policies/missing-child.md`, line 7: the text changed but version is still 1.1. Fix: set version to "
        f"\"1.2\" and add a changes entry: version: \"1.2\", date: {DAY.isoformat()}, summary: what changed and why.",
        "",
        "### Missing child policy",
        "",
        "`policies/missing-child.md` · text change · version 1.1, not raised",
        "",
        "- No approval for this change: the text changed but the version was not raised.",
        "- Regulations: 34(4), 34(5), 12, 40.",
        r"- Added: Company number: \[to confirm: company number, as shown on Companies House\].",
    ]


def test_review_only_change(repo):
    edit(repo, "policies/complaints.md", ("last_reviewed: 2026-10-05", f"last_reviewed: {DAY.isoformat()}"),
         entry("1.0", "Reviewed with the children; no changes needed.", "review_only: true"))
    commit(repo, "Complaints procedure reviewed")
    next_review = DAY.replace(year=DAY.year + 1)
    assert review(repo, 0) == [
        "## Handbook review against main",
        "",
        "**1 document changes. Nothing stops the merge.**",
        "",
        "### Complaints policy and procedure",
        "",
        "`policies/complaints.md` · review only · version 1.0, unchanged",
        "",
        "- Version 1.0 keeps its approval: Responsible Individual, 5 October 2026.",
        f"- Reviewed on {long(DAY)}: Reviewed with the children; no changes needed. "
        f"Next review due by {long(next_review)}.",
    ]


def test_a_draft_reviewed_has_no_next_review_date(repo):
    """A new user's review: the summary of a review of a draft said "Next review due by ...", while
    its page says "Next review: not applicable while draft" (the schedule counts documents in force)."""
    on_main(repo, "policies/complaints.md", "Complaints procedure back to draft", ("status: approved", "status: draft"),
            ("    approved_by: Responsible Individual\n    approved_on: 2026-10-05\n", ""))
    edit(repo, "policies/complaints.md", ("last_reviewed: 2026-10-05", f"last_reviewed: {DAY.isoformat()}"),
         entry("1.0", "Reviewed with the children; no changes needed.", "review_only: true"))
    commit(repo, "Complaints procedure reviewed")
    lines = review(repo, 1)   # regulation 39 has no approved document: a draft is not in force
    assert f"- Reviewed on {long(DAY)}: Reviewed with the children; no changes needed." in lines, lines


HEALTH_BEFORE = "We work with child and adolescent mental health services (CAMHS) when a child needs them."
HEALTH_AFTER = "We ask child and adolescent mental health services (CAMHS) for help as soon as a child needs it."


def test_statement_of_purpose_revision_names_the_ofsted_deadline(repo):
    edit(repo, SOP, (HEALTH_BEFORE, HEALTH_AFTER), ('\nversion: "1.0"\n', '\nversion: "1.1"\n'),
         entry("1.1", "Health care: we ask CAMHS for help sooner.", *APPROVED))
    commit(repo, "Statement of Purpose: CAMHS sooner")
    deadline = DAY + dt.timedelta(days=28)
    section = [
        "### Statement of Purpose",
        "",
        "`statement-of-purpose/statement-of-purpose.md` · text change · version 1.0 → 1.1",
        "",
        f"- Approved by Responsible Individual on {long(DAY)}.",
        "- Summary: Health care: we ask CAMHS for help sooner.",
        "- Regulations: 16, 6, 7, 8, 9, 10, 11, 12, 13, 14.",
        "- Schedule 1 matters changed: 14 (Health care and therapy).",
        f"- Send the revised Statement of Purpose to Ofsted by {long(deadline)} (regulation 16(3)).",
    ]
    sentences = [f"- Removed: {HEALTH_BEFORE}", f"- Added: {HEALTH_AFTER}"]
    head = ["## Handbook review against main", "", "**1 document changes. Nothing stops the merge.**", ""]
    assert review(repo, 0) == head + section + [
        "- Not recorded as sent yet: add ofsted_notified_on to the 1.1 entry once it is sent.", *sentences]

    edit(repo, SOP, ("    summary: \"Health care: we ask CAMHS for help sooner.\"\n",
                     f"    summary: \"Health care: we ask CAMHS for help sooner.\"\n    ofsted_notified_on: {DAY.isoformat()}\n"))
    commit(repo, "Statement of Purpose 1.1 sent to Ofsted")
    assert review(repo, 0) == head + section + [f"- Recorded as sent on {long(DAY)}.", *sentences]


def test_document_newly_shown_to_inspectors(repo):
    day = fixture_today().isoformat()
    edit(repo, "policies/safeguarding.md",
         ("audience: [staff, families, professionals]", "audience: [staff, families, professionals, inspectors]"),
         ('version: "1.0"', 'version: "1.1"'),
         ("changes:\n", f'changes:\n  - version: "1.1"\n    date: {day}\n    summary: Shown to inspectors again.\n'
                        f"    approved_by: Responsible Individual\n    approved_on: {day}\n"))
    commit(repo, "Safeguarding policy: in the inspectors' copy again")
    assert review(repo, 0) == [
        "## Handbook review against main",
        "",
        "**1 document changes. Nothing stops the merge.**",
        "",
        "### Safeguarding policy",
        "",
        "`policies/safeguarding.md` · details only, text unchanged · version 1.0 → 1.1",
        "",
        "- Approved by Responsible Individual on 26 November 2026.",
        "- Summary: Shown to inspectors again.",
        "- Now shown to inspectors.",
    ]


def test_a_fact_that_changes_what_several_documents_print(repo):
    edit(repo, "data/home.yml", ('phone: "0300 123 1231"', 'phone: "0300 123 4666"'))
    commit(repo, "Ofsted's new number")
    assert review(repo, 0) == [
        "## Handbook review against main",
        "",
        "**No document changes. data/home.yml changes what 4 documents print. Nothing stops the merge.**",
        "",
        "### Facts about the home (data/home.yml)",
        "",
        "- contacts.ofsted.phone: 0300 123 1231 → 0300 123 4666",
        "- Prints differently in:",
        "  - Statement of Purpose (`statement-of-purpose/statement-of-purpose.md`)",
        "  - Children's guide (`statement-of-purpose/childrens-guide.md`)",
        "  - Complaints policy and procedure (`policies/complaints.md`)",
        "  - Safeguarding policy (`policies/safeguarding.md`)",
        "- The Statement of Purpose now reads differently, which is a revision: raise its version, record the "
        "change, and send it to Ofsted within 28 days (regulation 16(3)).",
    ]


def test_a_fact_the_home_page_prints_names_the_home_page(repo):
    """A new user's review: the police's non-emergency number changed on the home page (its
    emergency box and quick help) and the review listed only the documents that print it."""
    edit(repo, "data/home.yml", ('phone: "101"', 'phone: "0300 123 0101"'))
    commit(repo, "Police non-emergency number")
    lines = review(repo, 0)
    assert lines[2] == ("**No document changes. data/home.yml changes what 2 documents and 1 other page print. "
                        "Nothing stops the merge.**"), lines
    start = lines.index("- Prints differently in:")
    assert lines[start + 1:] == ["  - Missing child policy (`policies/missing-child.md`)",
                                 "  - Safeguarding policy (`policies/safeguarding.md`)",
                                 "  - The home page (`docs/index.md`)"], lines


def test_a_changed_site_page_shows_what_readers_see_change(repo):
    """An attacker's review: the home page's quick help told staff to call the non-emergency number
    for a child at risk, and the review named docs/index.md among "other files" only."""
    edit(repo, "docs/index.md", ("call the police on {{ home.contacts.emergency.phone }}",
                                 "call the police on {{ home.contacts.police_non_emergency.phone }}"))
    commit(repo, "Home page wording")
    lines = review(repo, 0)
    start = lines.index("### The home page (a page of the site)")
    assert lines[start + 2:start + 6] == [
        "`docs/index.md` · what readers see changed",
        "",
        "- Removed: (2) If the child is at risk, call the police on 999.",
        "- Added: (2) If the child is at risk, call the police on 101."], lines
    assert "- `docs/index.md`" in lines[lines.index("### Other files"):], lines   # its layout is read in the diff


def test_a_passage_of_a_site_page_kept_for_staff_alone_is_named(repo):
    """A second attacker's review: the home page's emergency step wrapped in {% if edition ==
    "staff" %} left the inspectors' copy without it, and the review named only the file."""
    step = "Call {{ home.contacts.emergency.phone }} now."
    edit(repo, "docs/index.md", (step, '{% if edition == "staff" %}' + step + "{% endif %}"))
    commit(repo, "Emergency step for staff")
    lines = review(repo, 0)
    start = lines.index("### The home page (a page of the site)")
    assert lines[start + 4:start + 6] == ["- Now left out of the inspectors' copy: Call 999 now.",
                                          "- Now left out of the public website: Call 999 now."], lines


def test_new_and_retired_documents_and_what_retiring_leaves_uncovered(repo):
    (repo / "policies/visitors.md").write_text(
        "---\nid: visitors\ntitle: Visitors policy\nsummary: Who may visit the home, and how staff check visitors.\n"
        "kind: policy\nstatus: draft\nversion: \"0.1\"\nowner: Registered Manager\nreview_every_months: 12\n"
        "regulations: [\"12\"]\naudience: [staff, inspectors]\nchanges:\n  - version: \"0.1\"\n"
        f"    date: {DAY.isoformat()}\n    summary: First draft.\n---\n\nStaff check who every visitor is.\n")
    edit(repo, "policies/anti-bullying.md", ("status: approved", "status: retired"),
         ('\nversion: "1.0"\n', '\nversion: "1.1"\n'), entry("1.1", "Retired: now part of the safeguarding policy."))
    commit(repo, "Visitors policy drafted; anti-bullying policy retired")
    assert review(repo, 1) == [
        "## Handbook review against main",
        "",
        "**2 documents change. 1 problem stops the merge.**",
        "",
        "### Stops the merge",
        "",
        "- `data/regulations.yml`: Regulation 34(3) (Anti-bullying policy) has no approved document "
        "(policies/anti-bullying.md is retired). Fix: approve a document that serves it and list \"34(3)\" in its "
        "regulations.",
        "",
        "### Anti-bullying policy",
        "",
        "`policies/anti-bullying.md` · details only, text unchanged · version 1.0 → 1.1",
        "",
        "- Status: approved → retired (no longer in force; kept for the record).",
        "- Summary: Retired: now part of the safeguarding policy.",
        "",
        "### Visitors policy",
        "",
        "`policies/visitors.md` · new document · version 0.1",
        "",
        "- What it is for: Who may visit the home, and how staff check visitors.",
        "- For staff and inspectors.",
        "- Not approved yet: the document is a draft.",
        "- Summary: First draft.",
        "- Regulations: 12.",
    ]


def test_a_change_that_touches_no_document_names_the_files_it_touches(repo):
    """A template, a site page or the code can put words on every page ("every document was
    approved on ...") while no document changes: the reviewer is told to read them."""
    how_to = repo / "docs/how-to/add-or-review-a-document.md"
    how_to.write_text(how_to.read_text() + "\nAsk the Registered Manager if you are unsure.\n")
    (repo / "overrides").mkdir(exist_ok=True)
    (repo / "overrides/main.html").write_text('{% extends "base.html" %}{% block announce %}Every document was approved '
                                              "on 1 December 2026.{% endblock %}\n")
    commit(repo, "How-to: who to ask")
    (repo / "notes.txt").write_text("A note for the team, not committed.\n")
    assert review(repo, 0) == [
        "## Handbook review against main",
        "",
        "**No document changes. Nothing stops the merge.**",
        "",
        "### How to add or review a document (a page of the site)",
        "",
        "`docs/how-to/add-or-review-a-document.md` · what readers see changed",
        "",
        "- Added: Ask the Registered Manager if you are unsure.",
        "",
        "### Other files",
        "",
        "They change how the handbook is built, checked or shown, not what a document says: read them in the diff.",
        "",
        "- `docs/how-to/add-or-review-a-document.md`",
        "- `notes.txt`",
        "- `overrides/main.html`",
    ]
    (repo / "notes.txt").unlink()
    git(repo, "reset", "-q", "--hard", "main")
    assert review(repo, 0) == ["Handbook review against main: this change touches no file."]


def test_every_changed_file_is_named_even_when_no_reader_sees_a_change(repo):
    """A second review found "this change touches no file" printed for a change that touched
    several: a document whose layout alone changed, a document that is never read (a "_" or hidden
    name), a file whose mode alone changed, data/home.yml with only a comment changed."""
    edit(repo, "policies/anti-bullying.md", ("\nkind:", "\n# A comment.\nkind:"))
    (repo / "policies/_notes.md").write_text("Not read.\n")
    (repo / "policies/.drafts").mkdir()
    (repo / "policies/.drafts/records.md").write_text("Not read either.\n")
    (repo / "policies/complaints.md").chmod(0o755)
    edit(repo, "data/home.yml", ("legal_form:", "# A comment.\nlegal_form:"))
    commit(repo, "Nothing a reader sees")
    lines = review(repo, 0)
    assert lines[0].startswith("Handbook review against main: no governed document reads differently"), lines
    assert lines[2:] == ["- `data/home.yml`", "- `policies/.drafts/records.md`", "- `policies/_notes.md`",
                         "- `policies/anti-bullying.md`", "- `policies/complaints.md`"]


def test_a_fact_published_on_the_website_is_shown_as_a_change(repo):
    """Dropping `website: false` publishes the home's address on the public website (regulation
    16(4)); the staff pages print the same, and the review said "this change touches no file"."""
    edit(repo, "data/home.yml", ('address: {value: "1 Example Road, Testbury, TB1 1AA", website: false}\nlocation',
                                 'address: "1 Example Road, Testbury, TB1 1AA"\nlocation'))
    commit(repo, "The address on the website")
    lines = review(repo, 0)
    assert ("- address: 1 Example Road, Testbury, TB1 1AA (kept off the public website) → "
            "1 Example Road, Testbury, TB1 1AA") in lines, lines


def test_a_key_written_with_dots_cannot_stand_in_for_a_changed_fact(repo):
    edit(repo, "data/home.yml", ('phone: "0300 123 1231"', 'phone: "0300 666 6666"'))
    (repo / "data/home.yml").write_text((repo / "data/home.yml").read_text()
                                        + '"contacts.ofsted.phone": "0300 123 1231"\n')
    commit(repo, "Ofsted's number, hidden")
    lines = review(repo, 0)
    assert "- contacts.ofsted.phone: 0300 123 1231 → 0300 666 6666" in lines, lines
    assert '- \\["contacts.ofsted.phone"\\] (new): 0300 123 1231' in lines, lines


def test_indenting_the_first_line_is_a_change_of_text(repo):
    """Four spaces before a document's first line make it a block of code: the check and the
    review used to compare the text with its leading spaces stripped, and saw no change."""
    edit(repo, POLICY, ("---\n\n", "---\n\n    "))
    commit(repo, "The first paragraph as code")
    result = handbook_command(repo, "check", "--base", "main", today=DAY)
    line = (repo / POLICY).read_text().splitlines().index('version: "1.1"') + 1
    assert f"ERROR: {POLICY}, line {line}: the text changed but version is still 1.1" in result.stdout, result.stdout
    lines = review(repo, 1)
    assert f"`{POLICY}` · text change · version 1.1, not raised" in lines, lines


def test_a_link_that_leads_elsewhere_and_a_new_title_are_shown(repo):
    """A sentence can read the same and send the reader elsewhere; a title and a summary can
    change with the text: the review used to say "only the layout changed" and showed neither."""
    edit(repo, POLICY, ("](safeguarding.md)", "](https://example.org/elsewhere)"),
         ("title: Missing child policy", "title: Missing child policy (superseded - do not follow)"),
         ('version: "1.1"', 'version: "1.2"'), entry("1.2", "A link updated.", *APPROVED))
    commit(repo, "A link updated")
    lines = review(repo, 0)
    assert "- Title: Missing child policy → Missing child policy (superseded - do not follow)" in lines, lines
    assert "- Link removed: safeguarding policy → `safeguarding.md`" in lines, lines
    assert "- Link added: safeguarding policy → `https://example.org/elsewhere`" in lines, lines
    assert not any("only the layout changed" in line for line in lines), lines


def test_text_struck_through_and_a_picture_swapped_are_shown(repo):
    """An attacker's review: striking "call the police" through, which a reader takes as
    withdrawn, and swapping a picture for another under the same description were summarised as
    "only the layout changed". Both are read out in words now, as the sentences that changed."""
    from PIL import Image

    pictures = repo / "docs/assets/images"
    pictures.mkdir(parents=True)
    for name, colour in (("exits.png", "white"), ("exits-old.png", "black")):
        Image.new("RGB", (4, 4), colour).save(pictures / name, "PNG")
    on_main(repo, POLICY, "A plan of the fire exits", ("Follow these steps in order, straight away.\n",
            "Follow these steps in order, straight away.\n\n![The fire exits](../assets/images/exits.png)\n"))
    edit(repo, POLICY, ("exits.png)", "exits-old.png)"),
         ("call the police on {{ home.contacts.emergency.phone }}. Give",
          "<s>call the police on {{ home.contacts.emergency.phone }}</s>. Give"),
         ('version: "1.1"', 'version: "1.2"'), entry("1.2", "Layout.", *APPROVED))
    commit(repo, "Layout")
    lines = review(repo, 0)
    assert lines[lines.index("- Summary: Layout.") + 2:] == [
        "- Removed: \\[picture: The fire exits, ../assets/images/exits.png\\]",
        "- Added: \\[picture: The fire exits, ../assets/images/exits-old.png\\]",
        "- Removed: If it says the child is missing, or you think they are at risk, call the police on 999.",
        "- Added: If it says the child is missing, or you think they are at risk, \\[struck through: call the police on "
        "999\\]."]
    assert not any("only the layout" in line for line in lines), lines


def test_every_sentence_changed_is_shown_however_many(repo):
    """An attacker's review: ten harmless edits pushed the harmful one ("Finish the search first.")
    past the summary's limit, into "And 6 more sentences added or removed"."""
    text = (repo / POLICY).read_text()
    steps = [line for line in text.splitlines() if line[:3] in ("1. ", "2. ", "3. ", "4. ", "5. ", "6. ")][:12]
    edit(repo, POLICY, *[(step, step.replace(". ", ".  Now: ", 1) + " (Checked.)") for step in steps],
         ('version: "1.1"', 'version: "1.2"'), entry("1.2", "Wording.", *APPROVED))
    commit(repo, "Wording")
    lines = review(repo, 0)
    assert not any(line.startswith("- And ") for line in lines), lines
    assert len([line for line in lines if line.startswith("- Added: ")]) >= len(steps) == 12, lines


def test_a_box_folded_shut_and_a_list_renumbered_are_shown(repo):
    """An attacker's review: "!!! warning" made "??? note" hides the risk rule until a reader opens
    it, and a list made to start at 3 leaves "do steps 1 and 2" pointing at nothing; both were
    summarised as "only the layout changed"."""
    edit(repo, POLICY, ('!!! warning "Risk comes first"', '??? note "Risk comes first"'),
         ('version: "1.1"', 'version: "1.2"'), entry("1.2", "Layout.", *APPROVED))
    text = (repo / POLICY).read_text()
    first_step = next(line for line in text.splitlines() if line.startswith("1. "))
    (repo / POLICY).write_text(text.replace(first_step, '<ol start="3"><li>' + first_step[3:] + "</li></ol>\n", 1))
    commit(repo, "Layout")
    lines = review(repo, 0)
    assert "- Removed: Risk comes first" in lines and "- Added: \\[folded\\] Risk comes first" in lines, lines
    assert any(line.startswith("- Added: (3) ") for line in lines), lines
    assert not any("only the layout" in line for line in lines), lines


def test_a_passage_left_off_the_public_website_is_named(repo):
    """An attacker's review: wrapping the statement's sentence on how to reach Ofsted in
    {% if edition != "public" %} took it off the public website, and the review said "only the
    layout or emphasis changed"."""
    sentence = "Staff are in the home day and night."
    edit(repo, SOP, (sentence, '{% if edition != "public" %}' + sentence + "{% endif %}"),
         ('version: "1.0"', 'version: "1.1"'), entry("1.1", "Staffing kept for staff.", *APPROVED))
    commit(repo, "Staffing off the website")
    lines = review(repo, 0)
    assert f"- Now left off the public website: {sentence}" in lines, lines
    assert not any("only the layout" in line for line in lines), lines


def test_an_anchor_moved_to_another_heading_is_named(repo):
    """A second attacker's review: the old heading renamed and its anchor given to "Records" sent
    the home page's "A child is missing: what to do now" button to the records section; the review
    showed only the renamed heading."""
    edit(repo, POLICY, ("## If a child is missing now", "## If a child is missing right now"),
         ("## Records", "## Records {: #if-a-child-is-missing-now }"),
         ('version: "1.1"', 'version: "1.2"'), entry("1.2", "Headings.", *APPROVED))
    commit(repo, "Headings")
    lines = review(repo, 0)
    assert ('- Links to `#if-a-child-is-missing-now` now lead to the section "Records" (it was "If a child is missing '
            'now").') in lines, lines


def test_a_change_of_emphasis_alone_is_called_so(repo):
    edit(repo, POLICY, ("Follow these steps in order, straight away.", "Follow these steps **in order**, straight away."),
         ('version: "1.1"', 'version: "1.2"'), entry("1.2", "Emphasis.", *APPROVED))
    commit(repo, "Emphasis")
    lines = review(repo, 0)
    assert "- No sentence reads differently and no link leads elsewhere: only the layout or emphasis changed." in lines, lines


def test_a_change_to_the_regulation_registry_says_what_changed(repo):
    """The review said only "data/regulations.yml changed (the regulation registry)" when a pull
    request gave the Statement of Purpose's notice to Ofsted 365 days instead of 28."""
    edit(repo, "data/regulations.yml", ("notice_days: 28", "notice_days: 365"))
    commit(repo, "A longer notice")
    lines = review(repo, 0)
    start = lines.index("### Other handbook data")
    assert lines[start + 2:start + 4] == [
        "- `data/regulations.yml` changed (the regulation registry):",
        '  - instruments.chr2015.regulations\\["16"\\].notice_days: 28 → 365']


def test_a_change_to_the_topics_says_what_changed(repo):
    """A fifth attacker's review: a topic added to data/tags.yml (a list, not named fields) was
    shown only as "data/tags.yml changed (the topics)."."""
    tags = (repo / "data/tags.yml").read_text()
    (repo / "data/tags.yml").write_text(tags + "- Out of hours\n")
    commit(repo, "A topic")
    lines = review(repo, 0)
    start = lines.index("### Other handbook data")
    assert lines[start + 2] == "- `data/tags.yml` changed (the topics):", lines
    assert lines[start + 3].startswith("  - items: ") and lines[start + 3].endswith(", Out of hours"), lines


def test_an_approval_given_in_this_change_is_not_called_kept(repo):
    """An audit found "Version 1.0 keeps its approval" said of a draft nobody had approved before
    the change: an approval the change records is new."""
    on_main(repo, "policies/anti-bullying.md", "Anti-bullying policy back to draft", ("status: approved", "status: draft"),
            ("    approved_by: Responsible Individual\n    approved_on: 2026-10-05\n", ""))
    edit(repo, "policies/anti-bullying.md", ("status: draft", "status: approved"),
         ("    date: 2026-10-05\n", f"    date: 2026-10-05\n    approved_by: Responsible Individual\n"
                                  f"    approved_on: {DAY.isoformat()}\n"))
    commit(repo, "Anti-bullying policy approved")
    lines = review(repo, 0)
    assert f"- Approved by Responsible Individual on {long(DAY)}." in lines, lines
    assert not any("keeps its approval" in line for line in lines), lines


def test_an_unknown_base_is_one_clear_line(repo):
    result = handbook_command(repo, "review", "--base", "no-such-branch", today=DAY)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "ERROR: 'no-such-branch' is not a branch, tag or commit in this repository - fetch it first "
        "(git fetch origin main) or check the spelling"]


def test_a_revision_and_a_fact_change_together(repo):
    """The sentences compare the text as printed before (with the old facts) and after (with the
    new): the statement's own section names the new number, and the facts section does not ask
    for a second revision."""
    edit(repo, "data/home.yml", ('phone: "0300 123 1231"', 'phone: "0300 123 4666"'))
    edit(repo, SOP, (HEALTH_BEFORE, HEALTH_AFTER), ('\nversion: "1.0"\n', '\nversion: "1.1"\n'),
         entry("1.1", "CAMHS sooner; Ofsted's new number.", *APPROVED))
    commit(repo, "Statement of Purpose: CAMHS sooner, Ofsted's new number")
    assert review(repo, 0) == [
        "## Handbook review against main",
        "",
        "**1 document changes. data/home.yml changes what 4 documents print. Nothing stops the merge.**",
        "",
        "### Statement of Purpose",
        "",
        "`statement-of-purpose/statement-of-purpose.md` · text change · version 1.0 → 1.1",
        "",
        f"- Approved by Responsible Individual on {long(DAY)}.",
        "- Summary: CAMHS sooner; Ofsted's new number.",
        "- Regulations: 16, 6, 7, 8, 9, 10, 11, 12, 13, 14.",
        "- Schedule 1 matters changed: 6 (How to make a complaint), 14 (Health care and therapy).",
        f"- Send the revised Statement of Purpose to Ofsted by {long(DAY + dt.timedelta(days=28))} (regulation 16(3)).",
        "- Not recorded as sent yet: add ofsted_notified_on to the 1.1 entry once it is sent.",
        "- Removed: Ofsted (social care enquiries and complaints) &#124; 0300 123 1231",
        "- Added: Ofsted (social care enquiries and complaints) &#124; 0300 123 4666",
        f"- Removed: {HEALTH_BEFORE}",
        f"- Added: {HEALTH_AFTER}",
        "- Link removed: 0300 123 1231 → `tel:03001231231`",
        "- Link added: 0300 123 4666 → `tel:03001234666`",
        "",
        "### Facts about the home (data/home.yml)",
        "",
        "- contacts.ofsted.phone: 0300 123 1231 → 0300 123 4666",
        "- Prints differently in:",
        "  - Statement of Purpose (`statement-of-purpose/statement-of-purpose.md`)",
        "  - Children's guide (`statement-of-purpose/childrens-guide.md`)",
        "  - Complaints policy and procedure (`policies/complaints.md`)",
        "  - Safeguarding policy (`policies/safeguarding.md`)",
    ]


def test_while_the_home_is_applying_no_ofsted_deadline_is_invented(repo):
    on_main(repo, "data/home.yml", "The home is applying for registration",
            ("  stage: registered\n  registered_on: 2026-10-01\n", "  stage: applying\n"))
    edit(repo, SOP, (HEALTH_BEFORE, HEALTH_AFTER), ('\nversion: "1.0"\n', '\nversion: "1.1"\n'),
         entry("1.1", "Health care: we ask CAMHS for help sooner.", *APPROVED))
    commit(repo, "Statement of Purpose: CAMHS sooner")
    assert review(repo, 0) == [
        "## Handbook review against main",
        "",
        "**1 document changes. Nothing stops the merge.**",
        "",
        "### Statement of Purpose",
        "",
        "`statement-of-purpose/statement-of-purpose.md` · text change · version 1.0 → 1.1",
        "",
        f"- Approved by Responsible Individual on {long(DAY)}.",
        "- Summary: Health care: we ask CAMHS for help sooner.",
        "- Regulations: 16, 6, 7, 8, 9, 10, 11, 12, 13, 14.",
        "- Schedule 1 matters changed: 14 (Health care and therapy).",
        "- No notice to Ofsted yet: the home is applying for registration, and the 28-day duty of regulation 16(3) "
        "starts once it is registered.",
        f"- Removed: {HEALTH_BEFORE}",
        f"- Added: {HEALTH_AFTER}",
    ]


def test_sentences_read_as_people_read_them():
    from handbook.views.plain_text import plain_text
    from handbook.views.templating import markdown_text

    page = ('## Who *does* what {: #who }\n\n!!! warning "Risk comes first"\n    Call **999**, see [the policy](x.md).'
            '\n\n| Who | Phone |\n|---|---|\n| Ofsted | 0300 123 1231 |\n\n- first;\n- second.\n')
    assert plain_text(page).split("\n\n") == [
        "Who does what", "Risk comes first", "Call 999, see the policy.", "Who | Phone", "Ofsted | 0300 123 1231",
        "first;", "second."]
    assert markdown_text("a *b* <i> snake_case _x_ | y") == r"a \*b\* &lt;i&gt; snake_case \_x\_ &#124; y"
    # A third attacker's review: GitHub makes a link of an address and a notice of a mention in plain
    # text, where the site shows words.
    assert markdown_text("See https://example.org or WWW.example.org; ask @safeguarding-team.") == (
        "See https&#58;//example.org or WWW&#46;example.org; ask &#64;safeguarding-team.")
    # A seventh: an emoji's short name, an issue's number and mathematics, which GitHub shows otherwise.
    assert markdown_text("Approved :white_check_mark: as in #12 and octo/repo#3, costs $5 to $7; 10:30: done") == (
        "Approved &#58;white_check_mark: as in &#35;12 and octo/repo&#35;3, costs &#36;5 to &#36;7; 10&#58;30: done")


def test_a_table_cell_spread_over_columns_or_rows_reads_so():
    """A third attacker's review: a dose spread over two columns (Morning and Night) with
    colspan="2" read as the same sentence, so the summary said only the layout had changed."""
    from handbook.views.plain_text import plain_text

    table = ('<table>\n<tr><th>Medicine</th><th>Morning</th><th>Night</th></tr>\n'
             '<tr><td>Melatonin</td><td colspan="2">2 mg</td></tr>\n<tr><td rowspan="2">Iron</td><td>5 mg</td>'
             '<td colspan="1">none</td></tr>\n</table>\n')
    assert plain_text(table).split("\n\n") == [
        "Medicine | Morning | Night", "Melatonin | [across 2 columns] 2 mg", "[down 2 rows] Iron | 5 mg | none"]


def test_a_tooltip_and_a_lists_start_read_as_readers_get_them():
    """A sixth attacker's review: words in a title (an attribute list's, a link's, an <abbr>'s),
    shown when a reader points at the text, were never a sentence of the summary, which then said
    "only the layout or emphasis changed"; and <ol start=" 5"> (a browser's 5) read as 1."""
    from handbook.views.plain_text import plain_text

    page = ('Call them.\n{: title="Night staff: wait until the morning" }\n\nTell the <abbr title="Only before '
            '10pm">manager</abbr>. See [the plan](records.md "Do not call the police").\n\n'
            '<ol start=" 5"><li>Call first.</li><li>Then give first aid.</li></ol>\n')
    assert plain_text(page).split("\n\n") == [
        "[shown on pointing: Night staff: wait until the morning] Call them.",
        "Tell the [shown on pointing: Only before 10pm] manager. See [shown on pointing: Do not call the police] the "
        "plan.", "(5) Call first.", "(6) Then give first aid."]


def test_a_file_name_cannot_write_markdown_into_the_review(repo):
    """The summary is posted as Markdown: a file's name is shown as code, whatever it holds."""
    name = "policies/a` ~~Nothing stops the merge.~~ `b.md"
    text = (repo / POLICY).read_text().replace("id: missing-child", "id: missing-child-copy", 1)
    (repo / name).write_text(text)
    commit(repo, "A document with a strange name")
    lines = review(repo, 0)
    assert any(line.startswith(f"``{name}`` · new document") for line in lines), lines
    assert not any(line.startswith(f"`{name}`") for line in lines)


def test_a_version_or_status_from_the_base_cannot_write_markdown_into_the_review(repo):
    """What the base holds is not checked again: a version or a status that is not one (committed
    before the checks held it) is shown as text, so it cannot add a picture fetched from a server
    or a line of its own to the summary."""
    pixel = "1.0 ![seen](https://example.org/pixel.png) **Approved**"
    on_main(repo, "policies/anti-bullying.md", "A version that is not one", ('\nversion: "1.0"\n', f'\nversion: "{pixel}"\n'),
            ("status: approved", "status: \"approved*\""))
    edit(repo, "policies/anti-bullying.md", ("status: \"approved*\"", "status: retired"),
         (f'\nversion: "{pixel}"\n', '\nversion: "1.1"\n'), entry("1.1", "Retired."))
    commit(repo, "Anti-bullying policy retired")
    lines = review(repo, 1)
    assert "`policies/anti-bullying.md` · details only, text unchanged · version 1.0 !\\[seen\\](https&#58;//example.org/"\
           "pixel.png) \\*\\*Approved\\*\\* → 1.1" in lines, lines
    assert "- Status: approved\\* → retired (no longer in force; kept for the record)." in lines, "\n".join(lines)


def test_a_line_break_in_a_field_cannot_start_a_line_of_the_review(repo):
    """GitHub reads a lone carriage return as the end of a line: a summary holding one would
    add a fake approval, or a heading, to the review."""
    edit(repo, POLICY, ("Follow these steps in order, straight away.\n", "Follow these steps at once.\n"),
         ('\nversion: "1.1"\n', '\nversion: "1.2"\n'),
         entry("1.2", "Spelling.\\r\\r- Approved by the Board.\\u2028## Nothing stops the merge", *APPROVED))
    commit(repo, "Missing child policy: spelling")
    lines = review(repo, 1)   # refused by the check, and named without being printed
    line = next(number for number, text in enumerate((repo / POLICY).read_text().splitlines(), start=1)
                if text.startswith("    summary: "))   # the new entry's summary
    assert (f"- `{POLICY}`, line {line}: changes\\[1\\].summary holds U+000D, U+2028, a control character or "
            "direction mark: printed, it can rewrite or reorder the line around it (a terminal, the History table). "
            "Fix: type changes\\[1\\].summary again as plain words, without it.") in lines, "\n".join(lines)
    assert not any(char in "\n".join(lines) for char in "\r\u2028")


def test_publishing_a_document_on_the_website_is_a_recorded_change_the_review_names(repo):
    """One line, website: true, puts a document on the public website: it needs a changes entry
    like any change to who the document is for, and the summary says so in words."""
    edit(repo, POLICY, ("\naudience:", "\nwebsite: true\naudience:"))
    commit(repo, "Missing child policy on the website")
    lines = review(repo, 1)
    assert any(line.startswith("- `policies/missing-child.md`, line 12: website (none on main, now true) changed but "
                               "changes has no new entry") for line in lines), "\n".join(lines)
    edit(repo, POLICY, ('\nversion: "1.1"\n', '\nversion: "1.2"\n'),
         entry("1.2", "Published on the home's website.", *APPROVED))
    commit(repo, "Missing child policy on the website, approved")
    lines = review(repo, 0)
    assert "- Now published on the home's public website, for anyone to read, once approved." in lines, "\n".join(lines)


@pytest.mark.parametrize("edits, message", [
    ([("    approved_by: Responsible Individual\n    approved_on: 2026-10-05\n",
       "    approved_by: Board of Directors\n    approved_on: 2026-10-04\n")],
     "the changes entry for version 1.0 has approved_by Board of Directors, but Responsible Individual on main: a record "
     "of what happened is never rewritten. Fix: put back approved_by as it is on main; to correct it, add a new changes "
     "entry that says what was wrong."),
    ([('  - version: "1.0"\n    date: 2026-10-05\n    approved_by: Responsible Individual\n    approved_on: 2026-10-05\n'
       "    summary: First version, written for the home's registration.\n", "")],
     "1 of the changes entries on main were removed. Fix: put them back as they are on main: the history keeps every "
     "version and who approved it."),
])
def test_a_past_approval_is_never_rewritten_or_removed(repo, edits, message):
    edit(repo, POLICY, *edits)
    commit(repo, "Missing child policy: history tidied")
    lines = review(repo, 1)
    assert any(line.startswith("- `policies/missing-child.md`") and line.endswith(message) for line in lines), \
        "\n".join(lines)


def test_a_rewritten_summary_is_one_problem_not_two(repo):
    """A new user's review: rewording an old entry's summary gave the right line ("never
    rewritten") and a second, wrong one ("records a change, but the text did not change - ...
    raise version"), whose fix would rewrite the record further."""
    edit(repo, POLICY, ("summary: First version, written for the home's registration.",
                        "summary: First version, written for the home's registration with Ofsted."))
    commit(repo, "Missing child policy: history reworded")
    lines = review(repo, 1)
    assert lines[2] == "**1 document changes. 1 problem stops the merge.**", lines
    assert lines[6].startswith("- `policies/missing-child.md`, line 14: the changes entry for version 1.0 has summary "), lines


def test_an_approval_added_to_a_replaced_version_is_refused(repo):
    """An attacker's review: approved_by and approved_on added to an older version's entry showed
    in its history as an approval given then; the review said only "details only, text unchanged"."""
    old = "    approved_by: Responsible Individual\n    approved_on: 2026-10-05\n    summary: First version"
    on_main(repo, POLICY, "Version 1.0 as it was: never approved", (old, "    summary: First version"))
    edit(repo, POLICY, ("    summary: First version", old))
    commit(repo, "Version 1.0 approved after all")
    lines = review(repo, 1)
    line = (repo / POLICY).read_text().splitlines().index("changes:") + 1
    assert (f"- `{POLICY}`, line {line}: an approval is added to version 1.0, which version 1.1 has replaced: a version "
            "is approved before the next is made, and an approval recorded now would show in the history as given "
            "then. Fix: remove approved_by and approved_on from the 1.0 entry; if it really was approved and the "
            "record was missed, add a new changes entry that says so, with the date it is recorded.") in lines, lines


def test_what_happened_since_may_be_added_to_a_past_entry(repo):
    """A version's approval, once given, and the day Ofsted was sent a revision, are added to the
    entry that version already has: that is not a rewrite."""
    sop, sent = "statement-of-purpose/statement-of-purpose.md", "    ofsted_notified_on: 2026-10-12\n"
    on_main(repo, sop, "Statement of Purpose: not sent yet", (sent, ""))
    edit(repo, sop, ("    approved_on: 2026-10-05\n", "    approved_on: 2026-10-05\n" + sent))
    commit(repo, "Statement of Purpose: sent")
    lines = review(repo, 0)
    assert not any("never rewritten" in line for line in lines)
    assert "- Recorded as sent to Ofsted: version 1.0, on 12 October 2026." in lines, "\n".join(lines)


def test_the_workflow_judges_a_change_with_the_target_branchs_code(repo, tmp_path):
    """A pull request that rewrites the summary's template (or the check) cannot write its own
    review: the workflow's steps run the target branch's code on the pull request's files."""
    import os
    import subprocess

    import yaml
    from conftest import REPO

    job = yaml.safe_load((REPO / ".github/workflows/handbook.yml").read_text())["jobs"]["judge"]
    steps = {step.get("name"): step for step in job["steps"]}
    assert [step.get("uses", "").split("@")[0] for step in job["steps"]][:2] == ["actions/checkout"] * 2
    assert "make" not in " ".join(step.get("run", "") for step in job["steps"])  # none of the PR's own commands
    template = repo / "handbook/views/templates/review.md.j2"
    template.write_text("FORGED: nothing to see here.\n")
    commit(repo, "A kinder summary")
    git(repo, "update-ref", "refs/remotes/origin/main", "main")
    git(repo, "worktree", "add", "-q", "--detach", str(repo.parent / "target-code"), "main")  # the second checkout
    (repo.parent / "judge-venv").symlink_to(REPO / ".venv")
    summary = tmp_path / "summary.md"
    environment = {**os.environ, "BASE_REF": "main", "GITHUB_STEP_SUMMARY": str(summary), "HANDBOOK_TODAY": DAY.isoformat()}
    subprocess.run(["bash", "-e", "-c", steps["The reviewer's summary"]["run"]], cwd=repo, env=environment, check=True)
    shown = summary.read_text()
    assert "FORGED" not in shown and "- `handbook/views/templates/review.md.j2`" in shown, shown


def test_other_files_are_named_beside_the_documents(repo):
    edit(repo, POLICY, ("\naudience:", "\nwebsite: true\naudience:"), ('\nversion: "1.1"\n', '\nversion: "1.2"\n'),
         entry("1.2", "Published on the home's website.", *APPROVED))
    (repo / "notes.txt").write_text("A note for the team.\n")
    commit(repo, "On the website, with a note")
    lines = review(repo, 0)
    at = lines.index("### Other files")
    assert lines[at:] == ["### Other files", "",
                          "They change how the handbook is built, checked or shown, not what a document says: read it "
                          "in the diff.", "", "- `notes.txt`"], "\n".join(lines)


def test_taking_the_statement_of_purpose_off_the_website_is_named(repo):
    """README, "How to change": the summary names a document taken off the public website (the
    Statement of Purpose is published unless it says website: false)."""
    sop = "statement-of-purpose/statement-of-purpose.md"
    edit(repo, sop, ("\naudience:", "\nwebsite: false\naudience:"), ('\nversion: "1.0"\n', '\nversion: "1.1"\n'),
         entry("1.1", "Kept off the home's website while the building work goes on.", *APPROVED))
    commit(repo, "Statement of Purpose off the website")
    lines = review(repo, 0)
    assert "- No longer published on the home's public website." in lines, "\n".join(lines)


def test_the_workflow_tests_and_exports_every_change_without_the_signing_key():
    """README, "How to change": CI runs the README's test command, the house style and a draft
    inspector export it attaches; the workflow is never given the home's private key (no secret
    is named in it), and no job keeps a token a document could reach."""
    import yaml
    from conftest import REPO

    text = (REPO / ".github/workflows/handbook.yml").read_text()
    workflow = yaml.safe_load(text)
    assert "secrets." not in text and "HANDBOOK_SIGNING_KEY" not in text
    assert workflow["permissions"] == {"contents": "read"}
    steps = workflow["jobs"]["check-test-export"]["steps"]
    runs = [step.get("run") for step in steps if "run" in step]
    assert runs == ['sudo env "PATH=$PATH" make test', "make lint", "make export DRAFT=1"]
    assert {"name": "inspector-export", "path": "dist/"} in [step.get("with") for step in steps]
    checkouts = [step for job in workflow["jobs"].values() for step in job["steps"]
                 if step.get("uses", "").startswith("actions/checkout")]
    assert checkouts and all(step["with"]["persist-credentials"] is False for step in checkouts)
    judge = {step.get("name"): step.get("run", "") for step in workflow["jobs"]["judge"]["steps"]}
    for name in ("Change discipline against the target branch", "The reviewer's summary"):
        assert judge[name].startswith("PYTHONPATH=../target-code ../judge-venv/bin/python -P -m handbook.cli ")


def test_a_control_character_cannot_overwrite_a_line_of_the_summary_in_a_terminal(repo):
    """An attacker's review: backspaces and ESC M (cursor up) in a changes summary made `make review`
    show "Approved by Responsible Individual" over "Not approved yet" in a terminal. Every control
    character the summary prints is shown escaped, as the check's lines already were."""
    forged = "Wording.\\b\\b\\b\\eM- Approved by Responsible Individual on 3 December 2026.\\eE"
    edit(repo, POLICY, ('\nversion: "1.1"\n', '\nversion: "1.2"\n'), ("## Who does what\n", "## Who does what, and when\n"),
         entry("1.2", forged))
    commit(repo, "Missing child policy: wording")
    lines = review(repo, 1)
    assert not [line for line in lines if any(ord(c) < 32 or ord(c) == 127 for c in line)]
    assert any("changes\\[1\\].summary holds U+0008, U+001B, a control character" in line for line in lines), lines


def test_a_past_version_added_below_the_history_stops_the_merge_and_its_approval_is_named(repo):
    """A third attacker's review: an entry for version 0.9, approved, written at the bottom of the
    history passed every check and the summary never named the approval: the history then showed a
    version made and approved back then."""
    edit(repo, POLICY, ("    summary: First version, written for the home's registration.\n",
                        "    summary: First version, written for the home's registration.\n"
                        "  - version: \"0.9\"\n    date: 2026-09-01\n    summary: Interim policy.\n"
                        "    approved_by: Responsible Individual\n    approved_on: 2026-09-02\n"))
    commit(repo, "Missing child policy: an older version recorded")
    changes_line = (repo / POLICY).read_text().splitlines().index("changes:") + 1
    lines = review(repo, 1)
    assert (f"- `{POLICY}`, line {changes_line}: changes entry 0.9 is new but written below version 1.1, which is "
            "on main: a past version added now would show in the history as made, and approved, back then. Fix: "
            "remove the 0.9 entry; to record something about the past, add a new changes entry at the top that says "
            "so, with the date it is recorded.") in lines, "\n".join(lines)
    assert ("- Records an approval of an earlier version: version 0.9, approved by Responsible Individual on "
            "2 September 2026.") in lines, "\n".join(lines)


def test_a_new_documents_approval_of_an_earlier_version_is_named(repo):
    (repo / "policies/visitors.md").write_text(
        "---\nid: visitors\ntitle: Visitors policy\nsummary: Who may visit the home, and how staff check visitors.\n"
        "kind: policy\nstatus: draft\nversion: \"1.1\"\nowner: Registered Manager\nreview_every_months: 12\n"
        "regulations: [\"12\"]\naudience: [staff, inspectors]\nchanges:\n  - version: \"1.1\"\n"
        f"    date: {DAY.isoformat()}\n    summary: Visiting hours.\n  - version: \"1.0\"\n    date: 2026-09-01\n"
        "    summary: First version.\n    approved_by: Responsible Individual\n    approved_on: 2026-09-02\n"
        "---\n\nStaff check who every visitor is.\n")
    commit(repo, "Visitors policy")
    lines = review(repo, 0)
    at = lines.index("`policies/visitors.md` · new document · version 1.1")
    assert lines[at + 2:at + 8] == [
        "- What it is for: Who may visit the home, and how staff check visitors.",
        "- For staff and inspectors.",
        "- Not approved yet: the document is a draft.",
        "- Summary: Visiting hours.",
        "- Brings an earlier entry of its history: version 1.0, 2026-09-01: First version.",
        "- Records an approval of an earlier version: version 1.0, approved by Responsible Individual on "
        "2 September 2026.",
    ], "\n".join(lines)


def test_a_changed_summary_or_search_terms_are_shown_word_for_word(repo):
    """A fifth attacker's review: a new summary ("places are for boys only"), printed on the
    website's home page, and search terms holding a phone number were named in the summary as
    fields, never in their words."""
    edit(repo, POLICY, ("title: Missing child policy\n", "title: Missing child policy\nsearch_terms: [runaway]\n"))
    on_main(repo, POLICY, "Search terms")
    edit(repo, POLICY, ("search_terms: [runaway]", "search_terms: [runaway, Ofsted line]"),
         ('version: "1.1"', 'version: "1.2"'), entry("1.2", "Search terms.", *APPROVED))
    commit(repo, "Search terms")
    lines = review(repo, 0)
    assert "- Search terms: runaway → runaway, Ofsted line" in lines, "\n".join(lines)
