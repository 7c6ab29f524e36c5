"""The site's page "How to read a failed check" (docs/how-to/read-a-failed-check.md) quotes a
message for each kind of finding, for authors to recognise theirs. Each quoted message is made
here, on the small fixture handbook, and must be on the page word for word: a message changed in
the code and not on the page (a line number added, a fix reworded) fails this test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import (
    GUIDE_BODY,
    REPO,
    SOP_BODY,
    approved_change,
    check,
    childrens_guide,
    front_matter,
    reviewed_on,
    statement_of_purpose,
    write_document,
)

from handbook.sources.errors import HandbookError

pytestmark = pytest.mark.unit

PAGE = REPO / "docs" / "how-to" / "read-a-failed-check.md"
FIELDS_PAGE = REPO / "docs" / "how-to" / "add-or-review-a-document.md"
POLICY = "policies/missing-child.md"
SOP = "statement-of-purpose/statement-of-purpose.md"
GUIDE = "statement-of-purpose/childrens-guide.md"


def _policy(**overrides) -> Callable[[Path], None]:
    return lambda root: write_document(root, POLICY, front_matter(**overrides))


def _policy_text(head: str | bytes) -> Callable[[Path], None]:
    def write(root: Path) -> None:
        path = root / POLICY
        if isinstance(head, bytes):
            path.write_bytes(head)
        else:
            path.write_text(head, encoding="utf-8")
    return write


def _body(body: str) -> Callable[[Path], None]:
    return lambda root: write_document(root, POLICY, front_matter(), body=body)


def _draft(root: Path) -> None:
    meta = front_matter(status="draft")
    meta["changes"] = [{"version": "1.0", "date": meta["last_reviewed"], "summary": "First version."}]
    write_document(root, POLICY, meta)


def _real_registry(make: Callable[[Path], None]) -> Callable[[Path], None]:
    """`make`, in a fixture handbook answering to the real regulation registry (its lists in the
    messages are the ones authors see)."""
    def write(root: Path) -> None:
        (root / "data/regulations.yml").write_text((REPO / "data/regulations.yml").read_text(encoding="utf-8"),
                                                   encoding="utf-8")
        make(root)
    return write


def _without(field: str) -> Callable[[Path], None]:
    def write(root: Path) -> None:
        meta = front_matter()
        del meta[field]
        write_document(root, POLICY, meta)
    return write


def _unapproved_version(root: Path) -> None:
    meta = front_matter(version="1.1")
    day = dt.date(2026, 11, 26).isoformat()
    meta["changes"] = [{"version": "1.1", "date": day, "summary": "Steps reordered."}, *meta["changes"]]
    write_document(root, POLICY, meta)


def _approval_on_the_document(root: Path) -> None:
    meta = front_matter()
    meta["approved_on"] = meta["last_reviewed"]
    write_document(root, POLICY, meta)


def _version_older_than_history(root: Path) -> None:
    meta = front_matter()
    meta["changes"] = [approved_change("1.1", meta["last_reviewed"], "Steps reordered."), *meta["changes"]]
    write_document(root, POLICY, meta)


def _copied(root: Path) -> None:
    write_document(root, "policies/missing-child-copy.md", front_matter())


def _fact_to_confirm(root: Path) -> None:
    write_document(root, POLICY, front_matter(), body="Call the LADO on {{ home.contacts.lado.phone }}.\n")


def _guide(**overrides) -> Callable[[Path], None]:
    return lambda root: write_document(root, GUIDE, childrens_guide(**overrides), GUIDE_BODY)


def _sop(**overrides) -> Callable[[Path], None]:
    return lambda root: write_document(root, SOP, statement_of_purpose(**overrides), SOP_BODY)


def _home_without_name(root: Path) -> None:
    facts = yaml.safe_load((root / "data/home.yml").read_text(encoding="utf-8"))
    del facts["name"]
    (root / "data/home.yml").write_text(yaml.safe_dump(facts, sort_keys=False), encoding="utf-8")


# (what the page calls it, how to make it, words that pick the finding out)
SCENARIOS = [
    ("review overdue", _policy(**reviewed_on("2025-10-01")), "review overdue"),
    ("review due soon", _policy(**reviewed_on("2026-01-10")), "review due on"),
    ("required regulation with no document", _draft, "Regulation 34(4)"),
    ("expected regulation with no document", _real_registry(lambda root: None), "Regulation 23 "),
    ("unknown regulation", _real_registry(_policy(regulations=["34(9)"])), "'34(9)'"),
    ("missing field", _without("owner"), "missing field"),
    ("unknown field", _policy(last_reveiwed="2026-10-27"), "unknown field"),
    ("wrong type", _policy(review_every_months="twelve"), "review_every_months"),
    ("value not allowed", _policy(owner="Jane Smith"), "Jane Smith"),
    ("value in the wrong form", _policy(version="1"), "version"),
    ("value listed twice", _policy(audience=["staff", "staff"]), "twice"),
    ("not a real date", _policy(last_reviewed="2026-02-30"), "not a real date"),
    ("date written day first", _policy(last_reviewed="05/10/2026"), "not written as YYYY-MM-DD"),
    ("date in the future", _policy(last_reviewed="2026-11-27"), "after today"),
    ("version with no approval", _unapproved_version, "has no approval"),
    ("approval on the whole document", _approval_on_the_document, "approved_on belongs"),
    ("fact still to confirm in an approved document", _fact_to_confirm, "contacts.lado.phone is still to confirm"),
    ("version with no changes entry", _policy(version="1.1"), "has no entry in changes"),
    ("version older than the history", _version_older_than_history, "already lists"),
    ("duplicate id", _copied, "is already used by"),
    ("front matter not valid YAML", _policy_text("---\ntitle: [Missing child: policy\n---\n\nText.\n"), "not valid YAML"),
    ("no front matter", _policy_text("Text of the document.\n"), "no front matter"),
    ("front matter not a list of fields", _policy_text("---\njust some words\n---\n\nText.\n"), "not a list"),
    ("not UTF-8", _policy_text("---\ntitle: Caf\xe9\n---\n".encode("latin-1")), "UTF-8"),
    ("unknown fact", _body("Call {{ home.nmae }}.\n"), "does not exist"),
    ("Python internals", _body("{{ cycler.__init__.__globals__ }}\n"), "Python internals"),
    ("expression not closed", _body("Call {{ home.phone today.\n"), "not complete"),
    ("expression failed", _body("{{ home.name | truncate('x') }}\n"), "expression failed"),
    ("matter with no section", _real_registry(_sop()), "matter 22 ("),
    ("pointer to no heading", _guide(guide_items={"expect": "#what-you-can-expect", "complain": "#if-you-are-unhapy"}),
     "not a heading"),
    ("item that does not exist", _real_registry(_guide(guide_items={"complain": "#if-you-are-unhappy", "pets": "#pets"})),
     "'pets'"),
    ("map in the wrong document", _policy(schedule_1={1: "#x"}), "belongs only"),
    ("link to a section the page does not have", _body("See [the steps](#what-staff-does).\n"),
     "leads to a section"),
    ("link to no file", _body("See [the policy](safeguard.md).\n"), "does not lead to"),
]


def _page_text() -> str:
    # The page shows Jinja's own markers inside {% raw %}: the end marker is written in a way
    # that survives it.
    return PAGE.read_text(encoding="utf-8").replace('{% endraw %}{{ "{% endraw %}" }}{% raw %}', "{% endraw %}")


@pytest.mark.parametrize("name, make, words", SCENARIOS, ids=[name for name, _, _ in SCENARIOS])
def test_the_page_quotes_the_message_as_the_check_gives_it(mini, name, make, words):
    make(mini)
    found = [str(f) for f in check(mini).findings if words in f.message]
    assert found, f"no finding holds {words!r}"
    assert f"`{found[0]}`" in _page_text(), f"{name}: the page should quote\n{found[0]}"


def test_the_page_quotes_a_data_file_that_cannot_be_read(mini):
    _home_without_name(mini)
    with pytest.raises(HandbookError) as refused:
        check(mini)
    assert f"`{refused.value}`" in _page_text(), str(refused.value)


def test_the_field_table_lists_every_field_the_schema_allows():
    """"How to add or review a document" says a field not in its table is an error: the table and
    the front-matter schema (data/front-matter.schema.yml) must list the same fields. A new user's
    review found search_terms, used by seven documents, missing from it."""
    schema = yaml.safe_load((REPO / "data/front-matter.schema.yml").read_text(encoding="utf-8"))
    allowed = set(schema["properties"]) | set(schema["properties"]["changes"]["items"]["properties"])
    table = FIELDS_PAGE.read_text(encoding="utf-8").split("| Field | What to write | Example |", 1)[1].split("\n\n", 1)[0]
    listed = {row.split("`")[1] for row in table.splitlines() if row.startswith("| `")}
    assert listed == allowed
