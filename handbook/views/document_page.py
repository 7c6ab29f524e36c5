"""What a governed document's page adds to its own text: the notice and one status line at
the top (so the reader gets to the text at once), and at the end the Schedule 1 index or the
guide's note for adults, the full document control and the history. Data is worked out here;
the markup is in templates/document_top.md, templates/document_sections.md and
templates/document_details.html (ready HTML: no Markdown to read for each page)."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from handbook.model.documents import Approval, Document, approval_of
from handbook.model.handbook import Handbook
from handbook.model.registry import section_map
from handbook.model.reserved import DOCUMENT_ANCHORS, DOCUMENT_CONTROL, HISTORY
from handbook.sources.headings import heading_anchors
from handbook.views.history import DocumentHistory, what_changed
from handbook.views.plain_text import plain_text
from handbook.views.templating import ReadyHtml, inline_html, link_from, page_url, render

KIND_NAMES = {"statement-of-purpose": "Statement of Purpose", "childrens-guide": "Children's guide",
              "policy": "Policy", "procedure": "Procedure"}
STATE_BADGES = {"overdue": "Overdue for review", "due-soon": "Review due soon", "in-date": "In date"}
REGULATION_MAP = "regulation-map.md"
TOPICS = "topics.md"


def search_tags(document: Document) -> list[str]:
    """A document's search_terms as Material's search is given them (the page's `tags`). Search
    writes them into its results as HTML (innerHTML): the schema allows only plain words, and
    they are escaped here as well, so a term is only ever text."""
    return [html.escape(term, quote=False) for term in document.search_terms]


def topic_anchor(tag: str) -> str:
    return "topic-" + "".join(c if c.isalnum() else "-" for c in tag.lower()).strip("-")


@dataclass(frozen=True)
class RegulationLink:
    citation: str
    ref: str = ""          # empty when the citation is not in the registry
    title: str = ""
    on_map: str = ""
    url: str = ""


@dataclass(frozen=True)
class VersionRow:
    version: str
    date: dt.date
    summary: str
    review_only: bool
    approval: Approval | None
    ofsted_notified_on: dt.date | None


def regulation_links(handbook: Handbook, document: Document, link=link_from) -> list[RegulationLink]:
    """Each regulation the document cites, with links (by `link`, from the document's source
    file) to the regulation map and to legislation.gov.uk."""
    links = []
    for citation in document.regulations:
        regulation = handbook.registry.resolve(citation)
        if regulation is None:
            links.append(RegulationLink(citation))
        else:
            links.append(RegulationLink(citation, regulation.ref, regulation.title,
                                        f"{link(document.path, REGULATION_MAP)}#{regulation.anchor}",
                                        regulation.url))
    return links


def version_rows(document: Document) -> list[VersionRow]:
    return [VersionRow(str(c["version"]), dt.date.fromisoformat(c["date"]), str(c["summary"]),
                       bool(c.get("review_only")), approval_of(c),
                       dt.date.fromisoformat(c["ofsted_notified_on"]) if c.get("ofsted_notified_on") else None)
            for c in document.changes]


@dataclass(frozen=True)
class SectionRow:
    label: str       # "14" for a Schedule 1 matter, or the guide item's id
    text: str        # what the law asks for
    target: str      # the anchor of the heading that answers it, or "" when none does
    heading: str     # that heading's text: the link reads as the section's name, on screen and on paper
    unverified: bool = False  # `text`'s wording is still to check against the law (the registry's to_verify)
    # Asked by the law, or the home's good practice (a children's guide item whose source is not the
    # regulations): the page never says the law asks for more than it does.
    in_law: bool = True


def _section_rows(document: Document, field: str, items: list[tuple[str, str, bool, bool]]) -> list[SectionRow]:
    mapping = section_map(document.meta, field)
    headings = heading_anchors(document.rendered if document.rendered is not None else document.body)
    rows = []
    for key, text, unverified, in_law in items:
        target = mapping.get(key, "")
        rows.append(SectionRow(key, text, target, headings.get(target.lstrip("#"), target.lstrip("#")), unverified,
                               in_law))
    return rows


def schedule_1_rows(handbook: Handbook, document: Document) -> list[SectionRow]:
    if document.kind != "statement-of-purpose":
        return []
    return _section_rows(document, "schedule_1",
                         [(str(m.number), m.text, bool(m.to_verify), True)
                          for m in handbook.registry.default_instrument.schedule_1])


def guide_rows(handbook: Handbook, document: Document) -> list[SectionRow]:
    if document.kind != "childrens-guide":
        return []
    return _section_rows(document, "guide_items",
                         [(item.id, item.text, False, item.in_law)
                          for item in handbook.registry.default_instrument.childrens_guide])


def document_top(handbook: Handbook, document: Document) -> str:
    """The notice (draft, retired, overdue) and the one-line status under the title."""
    if not document.valid:
        return ""
    return render("document_top.md", document=document, state=document.review_state(handbook.today),
                  badge=STATE_BADGES.get(document.review_state(handbook.today), ""))


UNPLACED = ("the page's own text keeps the handbook's tables, or its Document control and History headings, from "
             "their place (a code block or an HTML element it leaves open, such as a <p> at the start of a line) - "
             "close it")


def sections_not_made(page_html: str) -> list[str]:
    """The sections document_details adds (Document control, History) that a document's page, as
    Markdown made it, does not hold as headings: text the document left open (a <p> at the start
    of a line) made Python-Markdown pass them on as raw text."""
    return [DOCUMENT_ANCHORS[anchor] for anchor in (DOCUMENT_CONTROL, HISTORY) if f'<h2 id="{anchor}">' not in page_html]


def document_details(handbook: Handbook, document: Document, history: DocumentHistory | None = None,
                     old_text: str | None = None, new_text: str = "", show_editors: bool = True,
                     standalone: bool = False, ready_html: ReadyHtml | None = None) -> str:
    """The end of the page: the Schedule 1 index or the guide's note for adults (Markdown), then
    the document control and the history (versions, edits from git for staff, and what changed),
    as ready HTML under two Markdown headings (templates/document_details.html). A `standalone`
    page (on the public website, in a one-document copy) links to none of the handbook's other
    pages (topics, the regulation map). Given `ready_html`, the tables are kept there, out of the
    Markdown, for the site build to put back (handbook/views/templating.py)."""
    if not document.valid:
        return ""
    state = document.review_state(handbook.today)
    previous = history.previous if history is not None else None
    changes = (what_changed(plain_text(old_text), plain_text(new_text))
               if previous is not None and old_text is not None else None)
    schedule_url = handbook.registry.default_instrument.url.rstrip("/") + "/schedule/1"
    sections = render("document_sections.md", schedule_1=schedule_1_rows(handbook, document),
                      schedule_url=schedule_url, guide_items=guide_rows(handbook, document))
    return "\n" + sections + "\n" + render(
        "document_details.html", document=document, kind=KIND_NAMES.get(document.kind, document.kind), state=state,
        badge=STATE_BADGES.get(state, ""), regulations=regulation_links(handbook, document, page_url),
        topics=[(tag, f"{page_url(document.path, TOPICS)}#{topic_anchor(tag)}") for tag in document.tags],
        versions=version_rows(document), statement_of_purpose=document.kind == "statement-of-purpose",
        edits=history.edits if history is not None and show_editors else [],
        previous=previous, changes=changes, standalone=standalone, ready_html=ready_html or inline_html)
