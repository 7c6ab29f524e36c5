"""The reviewer's summary of a pull request (`handbook review --base REF`): what the change does
to the handbook, in plain words, short enough to read on a phone.

It compares every governed document and the handbook's data on REF (the branch the pull
request goes into) with the working tree, as `handbook check --base` does, and says: what
stops the merge, and how to fix it; for each changed document its version before and after,
whether that version's approval is recorded, the sentences added and removed (as readers see
them: facts filled in, no Markdown), the regulations and Schedule 1 matters touched, changes of
status and audience, and the Statement of Purpose's notice to Ofsted; and which documents print
differently because a fact in data/home.yml changed. The data is computed here; the words are
in templates/review.md.j2."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from handbook.checks.change_discipline import check_against_base, new_approvals, new_entries
from handbook.checks.versions import version_key
from handbook.loading.rendering import PageRenderer, render_text
from handbook.model.documents import (
    GOVERNED_FOLDERS,
    Approval,
    Document,
    kept_entries,
    read_document_text,
    text_changed,
)
from handbook.model.findings import Finding, sort_key
from handbook.model.handbook import Handbook, split_site_page
from handbook.model.home import HOME_FILE, Home, home_from_text, website_form
from handbook.model.registry import REGISTRY_FILE, SECTION_MAPS, legal_items, section_map
from handbook.sources.errors import HandbookError
from handbook.sources.git import changed_since, files_at, read_blobs, resolve
from handbook.sources.headings import heading_anchors, sections
from handbook.sources.yaml_files import YamlProblem, parse_yaml
from handbook.views.history import sentences, what_changed
from handbook.views.plain_text import links, plain_text
from handbook.views.templating import render

# The handbook's other data files, and what each holds (data/home.yml has its own section).
OTHER_DATA = {
    REGISTRY_FILE: "the regulation registry",
    "data/tags.yml": "the topics",
    "data/front-matter.schema.yml": "the rules for front matter",
}

MAX_OTHER_FILES = 20  # other changed files named; the rest are counted
# Front-matter fields whose change the summary says in its own words; any other is named.
SAID_FIELDS = frozenset({"version", "status", "changes", "last_reviewed", "audience", "website", "regulations",
                         *SECTION_MAPS})

# Listed first: the Statement of Purpose, then the children's guide; then the rest by title.
KIND_ORDER = ("statement-of-purpose", "childrens-guide")


@dataclass(frozen=True)
class Sentence:
    change: str   # "Added" or "Removed"
    text: str     # as the reader sees it: facts filled in, no Markdown


@dataclass(frozen=True)
class SectionsChanged:
    """The items of a section map (Schedule 1 matters, children's guide items) whose
    sections changed: (key, heading)."""
    label: str
    items: list[tuple[str, str]]


@dataclass(frozen=True)
class OfstedNotice:
    """What regulation 16(3) asks for a revised Statement of Purpose.
    state: "due" (a recorded revision of a registered home), "applying" (no duty yet) or
    "unrecorded" (the text changed but no revision is recorded)."""
    state: str
    notice_days: int
    version: str = ""
    deadline: dt.date | None = None
    sent_on: dt.date | None = None
    draft: bool = False


@dataclass
class DocumentReview:
    path: str
    title: str
    change: str          # "new", "text", "review", "details", "deleted" or "unreadable"
    version_before: str  # "" for a new document
    version_after: str   # "" for a deleted one
    status_before: str = ""
    status_after: str = ""
    # Whose approval the version shown carries: "recorded", "not-raised" (the text changed but the
    # version did not), "no-entry", "draft", "missing", "kept" (a version kept by a review or a
    # change of details), "none" (a kept version nobody approved), "" (nothing to say: retired).
    approval_state: str = ""
    approval: Approval | None = None
    entry_summary: str = ""                 # the new changes entry's one line
    reviewed_on: dt.date | None = None      # a review-only entry's date
    next_review: dt.date | None = None
    purpose: str = ""                       # a new document's summary
    audience: list[str] = field(default_factory=list)
    audience_added: list[str] = field(default_factory=list)
    audience_removed: list[str] = field(default_factory=list)
    website: bool | None = None             # now published on the public website (True) or no longer (False)
    sent_to_ofsted: list[tuple[str, dt.date]] = field(default_factory=list)  # (version, day) added to past entries
    # Approvals this change records for versions other than the one shown (a new document's
    # history, an entry added below the base's): (version, approval). Each is a claim the approver
    # of this change is asked to confirm.
    earlier_approvals: list[tuple[str, Approval]] = field(default_factory=list)
    # A new document's other history entries, as (version, date, summary): a history it brings with
    # it (from paper, say) is a record the approver of this change confirms.
    earlier_entries: list[tuple[str, str, str]] = field(default_factory=list)
    regulations: list[str] = field(default_factory=list)   # shown when the text changed
    cited: list[str] = field(default_factory=list)         # "40 (Notification of a serious event)"
    uncited: list[str] = field(default_factory=list)
    sections: list[SectionsChanged] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    # Links that lead somewhere new, or no longer lead where they did: (change, text, address),
    # change being "Added" or "Removed". A sentence can read the same and send the reader elsewhere.
    links: list[tuple[str, str, str]] = field(default_factory=list)
    # Sentences the public website now leaves out ({% if edition != "public" %}), or now shows,
    # of a document published there: staff and the sentences above read the same either way.
    left_off_website: list[str] = field(default_factory=list)
    shown_on_website: list[str] = field(default_factory=list)
    # Anchors kept, now on another heading: (anchor, heading before, heading now). A link to the
    # section from another page (the home page's "A child is missing" button) lands elsewhere.
    moved_anchors: list[tuple[str, str, str]] = field(default_factory=list)
    # Front-matter fields changed besides those said above (title, summary, kind, tags...): (name,
    # what it said, what it says now).
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    ofsted: OfstedNotice | None = None


@dataclass(frozen=True)
class FactChange:
    where: str            # its place in data/home.yml, such as "contacts.ofsted.phone"
    before: str | None    # None: the fact is new
    after: str | None     # None: the fact was removed


@dataclass
class HomeFactsReview:
    facts: list[FactChange]
    documents: list[tuple[str, str]]          # (title, path) of each document that prints differently
    pages: list[tuple[str, str]]              # (title, path) of each site page (docs/) that prints differently
    statement_of_purpose: bool                # the Statement of Purpose is one of them, with no revision of its own
    registered: bool
    notice_days: int


@dataclass(frozen=True)
class DataReview:
    """Another data file that changed (data/regulations.yml, the topics, the front-matter rules):
    what it holds, and each value that changed in it."""
    path: str
    what: str
    changes: list[FactChange]


@dataclass
class SitePageReview:
    """A page of docs/ (the home page with its emergency box, the how-to pages) whose text changed:
    its sentences and links as readers get them, as for a document."""
    path: str
    title: str
    sentences: list[Sentence]
    links: list[tuple[str, str, str]]
    # (edition's name, sentence) newly left out of the inspectors' copy or the public website, or
    # shown there again: a passage may be kept for staff alone ({% if edition == "staff" %}).
    left_out: list[tuple[str, str]] = field(default_factory=list)
    shown_again: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ReviewSummary:
    base: str
    stops: list[Finding]                      # the findings that stop the merge
    documents: list[DocumentReview]
    home_facts: HomeFactsReview | None
    other_data: list[DataReview]
    # Every other file the change touches (the theme's templates, the site's pages, the code, the
    # configuration, a document whose layout alone changed, a file the handbook never reads): what
    # the documents say is unchanged, but how they are built, checked or shown may not be, so the
    # reviewer reads these in the diff.
    other_files: list[str] = field(default_factory=list)
    site_pages: list[SitePageReview] = field(default_factory=list)  # ... and what readers see of each changed page

    @property
    def touches_nothing_governed(self) -> bool:
        return not self.documents and self.home_facts is None and not self.other_data and not self.site_pages


# --- the summary --------------------------------------------------------------------

def review_summary(handbook: Handbook, base: str) -> ReviewSummary:
    """Compare the loaded and checked handbook (the working tree) with `base`."""
    commit = resolve(handbook.root, base)
    stops = sorted([f for f in handbook.findings + check_against_base(handbook, base) if f.is_error], key=sort_key)

    base_paths = files_at(handbook.root, commit, GOVERNED_FOLDERS)
    data_paths = [HOME_FILE, *OTHER_DATA]
    texts = read_blobs(handbook.root, [(commit, path) for path in base_paths + data_paths])
    base_texts = dict(zip(base_paths + data_paths, texts))

    base_home_text = base_texts[HOME_FILE]
    base_home = _home_or_none(base_home_text)
    base_handbook = dataclasses.replace(handbook, home=base_home) if base_home else handbook

    before_documents: dict[str, Document] = {}
    for path in base_paths:
        document, problem = read_document_text(path, base_texts[path] or "")
        if problem is None:
            before_documents[path] = document
    current = {d.path: d for d in handbook.documents}

    reviews = []
    for path in sorted(set(before_documents) | set(current)):
        before, after = before_documents.get(path), current.get(path)
        if path in base_texts and (base_texts[path] or "").replace("\r\n", "\n") == _read(handbook.root / path):
            continue  # the same file
        if before is not None and after is not None and before.meta == after.meta and before.body == after.body:
            continue  # only its layout or comments changed: nothing a reader sees
        reviews.append(_review_document(handbook, base_handbook, before, after))
    reviews.sort(key=lambda r: (_kind_rank(current.get(r.path) or before_documents.get(r.path)), r.title.lower(), r.path))

    home_facts = None
    head_home_text = _read(handbook.root / HOME_FILE)
    if base_home_text is not None and head_home_text is not None and base_home_text != head_home_text:
        home_facts = _review_home_facts(handbook, base_handbook, base_home_text, head_home_text)
        revised = any(r.ofsted is not None for r in reviews)
        if home_facts is not None and revised:
            home_facts.statement_of_purpose = False  # its own section already says what Ofsted needs
    other_data = [_review_data(path, what, base_texts[path], head) for path, what in OTHER_DATA.items()
                  if base_texts[path] != (head := _read(handbook.root / path))]
    # Every other changed file is named, so the summary never leaves one out: a document whose
    # layout alone changed, a file the handbook does not read (a hidden or "_" name), data/home.yml
    # when no fact a reader sees changed, a file whose mode alone changed.
    accounted = {r.path for r in reviews} | {data.path for data in other_data} | ({HOME_FILE} if home_facts else set())
    other_files = [path for path in changed_since(handbook.root, commit) if path not in accounted]
    return ReviewSummary(base, stops, reviews, home_facts, other_data, other_files,
                         _review_site_pages(handbook, commit, other_files))


def _review_site_pages(handbook: Handbook, commit: str, changed: list[str]) -> list[SitePageReview]:
    """What readers see change on each changed page of docs/: its sentences and links, rendered
    with the facts as they are now (a fact's own change has its section). The page is still named
    among the other files: its page functions and layout are read in the diff."""
    paths = [path for path in changed if path.startswith("docs/") and path.endswith(".md")]
    renderers = {edition: PageRenderer(dataclasses.replace(handbook, edition=edition))
                 for edition in ("staff", *OTHER_EDITIONS)}

    def shown(text: str | None, edition: str = "staff") -> str:
        if text is None:
            return ""
        body = split_site_page(text)[0]
        made = renderers[edition].attempt(body, {}, document=False)[1]
        return made if made is not None else body

    def left_out(text: str | None, staff_text: str) -> set[tuple[str, str]]:
        return {(name, sentence) for edition, name in OTHER_EDITIONS.items()
                for sentence in _dropped(staff_text, shown(text, edition))}

    pages = []
    for path, before in zip(paths, read_blobs(handbook.root, [(commit, path) for path in paths])):
        after = _read(handbook.root / path)
        old_text, new_text = shown(before), shown(after)
        changed_sentences = [Sentence(kind.capitalize(), text)
                             for kind, text in what_changed(plain_text(old_text), plain_text(new_text))]
        moved = _links_changed(old_text, new_text)
        was_left, now_left = left_out(before, old_text), left_out(after, new_text)
        if changed_sentences or moved or was_left != now_left:
            pages.append(SitePageReview(path, _site_page_title(handbook, path), changed_sentences, moved,
                                        sorted(now_left - was_left), sorted(was_left - now_left)))
    return pages


# The editions other than the staff one, by the name the summary gives them.
OTHER_EDITIONS = {"inspector": "the inspectors' copy", "public": "the public website"}


def _kind_rank(document: Document | None) -> int:
    kind = document.kind if document is not None else ""
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    except FileNotFoundError:
        return None


def _home_or_none(text: str | None) -> Home | None:
    """The home's facts as they were on the base branch; None if there were none to use."""
    if text is None:
        return None
    try:
        return home_from_text(text)
    except HandbookError:
        return None


# --- one document -------------------------------------------------------------------

def _review_document(handbook: Handbook, base_handbook: Handbook, before: Document | None,
                     after: Document | None) -> DocumentReview:
    if after is None:
        assert before is not None
        return DocumentReview(before.path, before.title, "deleted", before.version, "", before.status, "")
    if not after.valid:
        return DocumentReview(after.path, after.title, "unreadable", before.version if before else "", "")

    changed_text = before is None or text_changed(before, after)
    added_entries = new_entries(before, after)
    reviews = [c for c in added_entries if c.get("review_only")]
    revisions = [c for c in added_entries if not c.get("review_only")]
    if before is None:
        change = "new"
    elif changed_text:
        change = "text"
    elif reviews:
        change = "review"
    else:
        change = "details"

    review = DocumentReview(after.path, after.title, change, before.version if before else "", after.version,
                            before.status if before else "", after.status)
    review.approval_state, review.approval = _approval(before, after, changed_text)
    review.earlier_approvals = [(version, approval) for version, approval in new_approvals(before, after)
                                if version != after.version]
    if change == "review":
        review.entry_summary = str(reviews[0].get("summary", ""))
        review.reviewed_on = _date(reviews[0].get("date"))
        # the review schedule counts only documents in force: a draft has no next review yet
        review.next_review = after.next_review if after.status == "approved" else None
    elif revisions:
        review.entry_summary = str(revisions[0].get("summary", ""))

    if before is None:
        review.purpose = after.summary
        review.audience = after.audience
        review.earlier_entries = [(str(c.get("version")), str(c.get("date")), str(c.get("summary", "")))
                                  for c in after.changes[1:]]
    else:
        review.audience_added = [a for a in after.audience if a not in before.audience]
        review.audience_removed = [a for a in before.audience if a not in after.audience]
        if before.on_website != after.on_website:
            review.website = after.on_website
        review.sent_to_ofsted = [(str(now.get("version")), day) for was, now in kept_entries(before, after) or []
                                 if not was.get("ofsted_notified_on") and (day := _date(now.get("ofsted_notified_on")))]
        review.cited = _citations(handbook, [c for c in after.regulations if c not in before.regulations])
        review.uncited = _citations(handbook, [c for c in before.regulations if c not in after.regulations])
        # Each field changed, with what it said and says now: a summary or search terms are printed
        # (the website's home page, search results), so their words are shown, not only their names.
        review.fields = [(name, _field_words(before.meta.get(name)), _field_words(after.meta.get(name)))
                         for name in sorted(set(before.meta) | set(after.meta))
                         if name not in SAID_FIELDS and before.meta.get(name) != after.meta.get(name)]
    if change in ("new", "text"):
        review.regulations = after.regulations

    if before is not None and change in ("text", "details"):
        old_text, new_text = render_text(base_handbook, before), render_text(handbook, after)
        review.sections = _sections_changed(handbook, before, after, old_text, new_text)
        old_headings, new_headings = heading_anchors(old_text), heading_anchors(new_text)
        review.moved_anchors = [(anchor, _plain_words(old_headings[anchor]), _plain_words(heading))
                                for anchor, heading in new_headings.items()
                                if anchor in old_headings and _plain_words(old_headings[anchor]) != _plain_words(heading)]
        if change == "text":
            # every sentence, however many: a harmful one could otherwise be pushed past a limit
            review.sentences = [Sentence(kind.capitalize(), text)
                                for kind, text in what_changed(plain_text(old_text), plain_text(new_text))]
            review.links = _links_changed(old_text, new_text)
            if after.on_website or before.on_website:
                left_before = _left_off_website(base_handbook, before, old_text)
                left_after = _left_off_website(handbook, after, new_text)
                review.left_off_website = [s for s in left_after if s not in left_before]
                review.shown_on_website = [s for s in left_before if s not in left_after]

    if after.kind == "statement-of-purpose" and change == "text":
        review.ofsted = _ofsted_notice(handbook, after, revisions)
    return review


def _left_off_website(handbook: Handbook, document: Document, staff_text: str) -> list[str]:
    """The sentences of the staff edition that the public website leaves out (the same facts: a
    fact kept off the website is not a passage left out)."""
    return _dropped(staff_text, render_text(dataclasses.replace(handbook, edition="public"), document))


def _dropped(staff_text: str, edition_text: str) -> list[str]:
    """The sentences of a page's staff edition (rendered Markdown) that another edition leaves out."""
    kept = set(sentences(plain_text(edition_text)))
    return [sentence for sentence in sentences(plain_text(staff_text)) if sentence not in kept]


def _field_words(value) -> str:
    """A front-matter field's value in words: a list as its items, a missing field as (none)."""
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(none)"
    return str(value)


def _links_changed(old_text: str, new_text: str) -> list[tuple[str, str, str]]:
    old, new = Counter(links(old_text)), Counter(links(new_text))
    return ([("Removed", text, address) for (text, address) in sorted((old - new).elements())]
            + [("Added", text, address) for (text, address) in sorted((new - old).elements())])


def _approval(before: Document | None, after: Document, changed_text: bool) -> tuple[str, Approval | None]:
    """Whose approval the version now shown carries, and in which words to say so."""
    try:
        raised = before is None or version_key(after.version) > version_key(before.version)
    except ValueError:
        raised = True
    if not changed_text and not raised:
        if after.approval is None:
            return "none", None
        # An approval this change records is new, not kept (an audit found "keeps its approval"
        # said of a version nobody had approved before the change).
        kept = before is not None and before.approval == after.approval
        return ("kept" if kept else "recorded"), after.approval
    if not raised:
        return "not-raised", None
    if after.current_change is None:
        return "no-entry", None
    if after.approval:
        return "recorded", after.approval
    if after.status == "retired":
        return "", None  # retiring a document needs no approval of its own
    return ("draft", None) if after.status == "draft" else ("missing", None)


def _citations(handbook: Handbook, citations: list[str]) -> list[str]:
    shown = []
    for citation in citations:
        regulation = handbook.registry.resolve(citation)
        shown.append(f"{citation} ({regulation.title})" if regulation else str(citation))
    return shown


def _sections_changed(handbook: Handbook, before: Document, after: Document, old_text: str,
                      new_text: str) -> list[SectionsChanged]:
    """For a document with a section map (Schedule 1, the guide's items): the items whose
    section reads differently, or that now point to another section."""
    found = []
    for map_field, (kind, item_name, _) in SECTION_MAPS.items():
        if after.kind != kind:
            continue
        old_map, new_map = section_map(before.meta, map_field), section_map(after.meta, map_field)
        old_sections, new_sections = sections(old_text), sections(new_text)
        headings = heading_anchors(new_text)
        items = []
        for key, _ in legal_items(handbook.registry, map_field):
            old_anchor = str(old_map.get(key, "")).lstrip("#")
            new_anchor = str(new_map.get(key, "")).lstrip("#")
            old_section = _plain_words(old_sections.get(old_anchor, ""))
            new_section = _plain_words(new_sections.get(new_anchor, ""))
            if old_anchor != new_anchor or old_section != new_section:
                items.append((key, headings.get(new_anchor) or "no section"))
        if items:
            found.append(SectionsChanged(item_name[0].upper() + item_name[1:] + "s", items))
    return found


def _plain_words(text: str) -> str:
    return " ".join(text.split())


def _ofsted_notice(handbook: Handbook, after: Document, revisions: list[dict]) -> OfstedNotice:
    notice_days = handbook.registry.statement_of_purpose_notice_days()
    if not handbook.home.registration.registered:
        return OfstedNotice("applying", notice_days)
    revision = next((c for c in revisions if str(c.get("version")) == after.version), None)
    revised = _date(revision.get("date")) if revision else None
    if revision is None or revised is None:
        return OfstedNotice("unrecorded", notice_days)
    return OfstedNotice("due", notice_days, after.version, revised + dt.timedelta(days=notice_days),
                        _date(revision.get("ofsted_notified_on")), after.status == "draft")


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


# --- the home's facts ---------------------------------------------------------------

OFF_WEBSITE = " (kept off the public website)"  # said after a fact written {value: ..., website: false}


def _review_home_facts(handbook: Handbook, base_handbook: Handbook, base_text: str,
                       head_text: str) -> HomeFactsReview | None:
    """The facts that changed in data/home.yml, and every document that now prints differently
    (each rendered with the facts before and after). None if nothing a reader sees changed."""
    facts = _changed(_flat_facts(base_text), _flat_facts(head_text))
    printed, pages = [], []
    if base_handbook is not handbook:
        for document in handbook.documents:
            if document.valid and render_text(base_handbook, document) != render_text(handbook, document):
                printed.append(document)
        # The site's own pages print facts too: the home page's emergency box gives the numbers to call.
        before, after = PageRenderer(base_handbook), PageRenderer(handbook)
        for path, (text, _) in handbook.site_pages.items():
            if before.attempt(text, {}, document=False)[1] != after.attempt(text, {}, document=False)[1]:
                pages.append((_site_page_title(handbook, path), path))
    if not facts and not printed and not pages:
        return None
    printed.sort(key=lambda d: (_kind_rank(d), d.title.lower(), d.path))
    return HomeFactsReview(
        facts, [(d.title, d.path) for d in printed], pages,
        any(d.kind == "statement-of-purpose" for d in printed), handbook.home.registration.registered,
        handbook.registry.statement_of_purpose_notice_days())


def _site_page_title(handbook: Handbook, path: str) -> str:
    """A page of docs/ by its title (front matter), or "the home page" for docs/index.md."""
    if path == "docs/index.md":
        return "The home page"
    try:
        front = parse_yaml(handbook.site_front_matter.get(path) or "") or {}
    except YamlProblem:
        front = {}
    title = front.get("title") if isinstance(front, dict) else None
    return title if isinstance(title, str) and title.strip() else path


def _changed(before: dict[str, str], after: dict[str, str]) -> list[FactChange]:
    return [FactChange(where, before.get(where), after.get(where))
            for where in sorted(set(before) | set(after)) if before.get(where) != after.get(where)]


def _review_data(path: str, what: str, base_text: str | None, head_text: str | None) -> DataReview:
    changes = _changed(_flat_facts(base_text or "", named_items=True), _flat_facts(head_text or "", named_items=True))
    return DataReview(path, what, changes)


# What names an item of a list in the other data files: a regulation by its ref, a Schedule 1
# matter by its number, a children's guide item by its id. An item is named, not counted, so that
# one added to a list does not make every later one read as changed.
ITEM_NAMES = ("ref", "matter", "id")


def _flat_facts(text: str, named_items: bool = False) -> dict[str, str]:
    """place -> value as the documents print it ("[to confirm: ...]" for a fact still to confirm).
    With `named_items`, an item of a list is placed by its name (ITEM_NAMES) where it has one."""
    try:
        data = parse_yaml(text)
    except YamlProblem:
        return {}
    flat: dict[str, str] = {}

    def item_place(where: str, index: int, item) -> str:
        if named_items and isinstance(item, dict):
            name = next((item[key] for key in ITEM_NAMES if isinstance(item.get(key), str | int)), None)
            if name is not None:
                return f"{where}[{json.dumps(str(name), ensure_ascii=False)}]"
        return f"{where}[{index}]"

    def walk(value, where: str, off_website: str = "") -> None:
        try:
            kept = website_form(value, where)
        except HandbookError:
            kept = None
        if kept is not None:
            value, off_website = kept, OFF_WEBSITE
        if isinstance(value, dict) and set(value) == {"to_confirm"}:
            flat[where] = f"[to confirm: {value['to_confirm']}]{off_website}"
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, _place(where, str(key)), off_website)
        elif isinstance(value, list) and all(not isinstance(item, dict | list) for item in value):
            flat[where] = ", ".join(str(item) for item in value) + off_website
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, item_place(where, index, item), off_website)
        else:
            flat[where] = ("" if value is None else str(value)) + off_website

    # A file that is one list (data/tags.yml) is read too, as its items (a fifth attacker's review:
    # a topic holding a phone number was shown only as "data/tags.yml changed").
    walk(data, "items") if isinstance(data, list) else walk(data if isinstance(data, dict) else {}, "")
    return flat


def _place(where: str, key: str) -> str:
    """A fact's place: contacts.ofsted.phone. A key holding a dot or a bracket is quoted
    (contacts["ofsted.phone"]), so that no two places read alike."""
    if re.search(r'[.\[\]"]', key) or not key:
        return f"{where}[{json.dumps(key, ensure_ascii=False)}]"
    return f"{where}.{key}" if where else key


# --- the words ------------------------------------------------------------------------

def render_review(summary: ReviewSummary) -> str:
    """The summary as Markdown, for the pull request's job summary and the terminal."""
    text = render("review.md.j2", summary=summary, max_other_files=MAX_OTHER_FILES)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
