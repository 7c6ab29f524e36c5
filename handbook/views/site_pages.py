"""The handbook's own pages, each a page function a page in docs/ calls (for example
{{ review_schedule() }} on docs/review-schedule.md): the status page, the regulation map,
the review schedule and topics; and the findings banner on a page with problems. Data is
worked out here; the markup is in templates/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from handbook.loading.rendering import PAGE_FUNCTIONS
from handbook.model.documents import Document
from handbook.model.findings import Finding
from handbook.model.handbook import Handbook
from handbook.model.registry import Regulation
from handbook.style import readability_scores
from handbook.views.document_page import KIND_NAMES, REGULATION_MAP, STATE_BADGES, TOPICS, topic_anchor
from handbook.views.editions import COPIES_FOLDER, document_copy_name, ofsted_copy_due
from handbook.views.templating import ReadyHtml, inline_html, link_from, render

STATUS = "status.md"
REVIEW_SCHEDULE = "review-schedule.md"
LEVEL_NAMES = {"required": "Required", "expected": "Expected", "none": "-"}
STATE_ORDER = {"overdue": 0, "due-soon": 1, "in-date": 2}


def refused_page(path: str, line: str) -> str:
    """What the file of a page the last gate refused holds instead of the page: why, and what to do."""
    return render("refused_page.html", path=path, line=line)


def page_functions(handbook: Handbook, searched: ReadyHtml | None = None,
                   unsearched: ReadyHtml | None = None) -> dict[str, Callable[[], str]]:
    """The functions pages may call, by the names the loading step stands in for. Given ReadyHtml
    collectors, the pages that list every document keep their tables there, out of the Markdown,
    for the site build to put back (handbook/views/templating.py): the regulation map's in
    `searched`, as search is where an inspector looks up a regulation and finds the documents
    that serve it; the review schedule's and the topics' in `unsearched`, as they only list
    documents, which search finds by themselves (and at thousands of documents they would make
    the search index, which every phone downloads, larger for nothing)."""
    functions = {"status_report": lambda: status_report(handbook),
                 "regulation_map": lambda: regulation_map(handbook, ready_html=searched),
                 "review_schedule": lambda: review_schedule(handbook, ready_html=unsearched),
                 "topics": lambda: topics(handbook, ready_html=unsearched)}
    assert tuple(functions) == PAGE_FUNCTIONS
    return functions


@dataclass(frozen=True)
class ReviewEntry:
    """An approved document on the review schedule."""
    id: str
    title: str
    path: str
    owner: str
    version: str
    last_reviewed: dt.date
    next_review: dt.date
    state: str          # overdue, due-soon or in-date
    days_left: int


def schedule_entries(handbook: Handbook) -> list[ReviewEntry]:
    """Approved documents by next review date, overdue and due soon first."""
    entries = [ReviewEntry(d.id, d.title, d.path, d.owner, d.version, d.last_reviewed, d.next_review,
                           d.review_state(handbook.today), (d.next_review - handbook.today).days)
               for d in handbook.documents
               if d.in_force and d.next_review is not None and d.last_reviewed is not None]
    return sorted(entries, key=lambda e: (STATE_ORDER[e.state], e.next_review, e.title))


@dataclass(frozen=True)
class DocumentLink:
    title: str
    target: str
    status: str


def _link(document: Document, from_page: str) -> DocumentLink:
    return DocumentLink(document.title, link_from(from_page, document.path), document.status)


@dataclass(frozen=True)
class FindingRow:
    where: str
    target: str       # a link to the document's page, or "" for a data file
    message: str
    fix: str


def _finding_rows(handbook: Handbook, findings: list[Finding], page: str) -> list[FindingRow]:
    return [FindingRow(f.path + (f", line {f.line}" if f.line else ""),
                       link_from(page, f.path) if handbook.document(f.path) is not None else "", f.message, f.fix)
            for f in findings]


def status_report(handbook: Handbook, page: str = STATUS) -> str:
    """What stands between the handbook and a clean inspection, most urgent first: what stops
    the build, documents awaiting approval, facts to confirm, law to verify, reviews due."""
    shown = {"review-due-soon", "awaiting-approval", "home-placeholder", "law-to-verify"}
    drafts = sorted((d for d in handbook.documents if d.valid and d.status == "draft"), key=lambda d: d.title.lower())
    printed_by = [(_link(d, page) if (d := handbook.document(path)) else DocumentLink(path, "", ""),
                   [(where, handbook.home.placeholder_description(where)) for where in sorted(places)])
                  for path, places in sorted(handbook.printed.items())]
    unprinted = [w for w, _ in handbook.home.placeholders if not any(w in p for p in handbook.printed.values())]
    due = ofsted_copy_due(handbook)
    ofsted_copy = None
    if due is not None and due.current_change is not None:
        revised = dt.date.fromisoformat(str(due.current_change["date"]))
        ofsted_copy = (due, revised, revised + dt.timedelta(days=handbook.registry.statement_of_purpose_notice_days()),
                       link_from(page, f"{COPIES_FOLDER}/{document_copy_name(handbook, due)}"))
    return render(
        "status.md", today=handbook.today, stage=handbook.home.registration.describe(), ofsted_copy=ofsted_copy,
        errors=_finding_rows(handbook, handbook.errors, page), warnings=handbook.warnings,
        drafts=[(_link(d, page), d.version, d.owner) for d in drafts],
        placeholders=handbook.home.placeholders, printed_by=printed_by, unprinted=unprinted,
        unverified=[r for r in handbook.registry.regulations if r.to_verify],
        due=_finding_rows(handbook, [f for f in handbook.warnings if f.check == "review-due-soon"], page),
        other=_finding_rows(handbook, [f for f in handbook.warnings if f.check not in shown], page))


def findings_banner(findings: list[Finding]) -> str:
    """Shown at the top of a page with problems, so authors see them while editing."""
    if not findings:
        return ""
    return render("findings_banner.md", findings=findings, failing=any(f.is_error for f in findings))


@dataclass(frozen=True)
class RegulationRow:
    regulation: Regulation
    level: str
    serving: list[DocumentLink]
    gap: str          # "", "withheld", "required" or "expected"


def _regulation_row(handbook: Handbook, regulation: Regulation, page: str) -> RegulationRow:
    serving = handbook.documents_serving(regulation.key)
    gap = ""
    if not handbook.serving_in_force(regulation):
        withheld = [d for d in handbook.withheld if d.in_force and regulation.key in {
            r.key for c in d.regulations if (r := handbook.registry.resolve(c)) is not None}]
        gap = "withheld" if withheld else regulation.document if regulation.document != "none" else ""
    return RegulationRow(regulation, LEVEL_NAMES[regulation.document], [_link(d, page) for d in serving], gap)


def regulation_map(handbook: Handbook, page: str = REGULATION_MAP, ready_html: ReadyHtml | None = None) -> str:
    instruments = [(instrument, [_regulation_row(handbook, r, page) for r in instrument.regulations])
                   for instrument in handbook.registry.instruments.values()]
    documents = []
    for document in sorted((d for d in handbook.documents if d.valid), key=lambda d: d.title.lower()):
        cited = [(citation, handbook.registry.resolve(citation)) for citation in document.regulations]
        documents.append((_link(document, page), KIND_NAMES.get(document.kind, document.kind), cited))
    return render("regulation_map.md", instruments=instruments, documents=documents,
                  ready_html=ready_html or inline_html)


def review_schedule(handbook: Handbook, page: str = REVIEW_SCHEDULE, ready_html: ReadyHtml | None = None) -> str:
    entries = schedule_entries(handbook)
    grades = readability_scores(handbook.root, [handbook.root / e.path for e in entries])
    return render("review_schedule.md", entries=[(e, link_from(page, e.path), grades[e.path]) for e in entries],
                  badges=STATE_BADGES, ready_html=ready_html or inline_html)


def topics(handbook: Handbook, page: str = TOPICS, ready_html: ReadyHtml | None = None) -> str:
    """Documents by topic, from the controlled list in data/tags.yml."""
    grouped = [(tag, topic_anchor(tag),
                [(_link(d, page), d.summary) for d in sorted(
                    (d for d in handbook.documents if d.valid and d.status != "retired" and tag in d.tags),
                    key=lambda d: d.title.lower())])
               for tag in handbook.tags]
    return render("topics.md", topics=grouped, ready_html=ready_html or inline_html)
