"""Markdown views of the handbook: the status page, document control, banners.
Plain functions of the handbook; the MkDocs glue only places their output."""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
from urllib.parse import quote

from handbook.model.documents import Document, approval_of
from handbook.model.findings import Finding
from handbook.model.handbook import Handbook
from handbook.model.registry import section_map
from handbook.sources.clock import long_date
from handbook.style import readability_scores
from handbook.views.history import what_changed


def page_functions(handbook: Handbook) -> dict:
    """The functions pages may call, e.g. {{ status_report() }} on docs/status.md."""
    return {
        "status_report": lambda: status_report(handbook),
        "regulation_map": lambda: regulation_map(handbook),
        "review_schedule": lambda: review_schedule(handbook),
        "topics": lambda: topics(handbook),
    }


# The characters that make Markdown syntax in the middle of a line (links and images need [ ],
# attribute lists { }, code `, emphasis * _, table cells |), escaped with a backslash as
# Python-Markdown allows; the rest (# - + . at the start of a line) never starts these texts.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]|])")


def markdown_text(text) -> str:
    """Text (a title, a summary, a message, a git subject) as Markdown that shows exactly that
    text: every character Markdown would read as syntax escaped, <, > and & as entities, on
    one line. Nothing in it can become a link, an image, an attribute list or HTML."""
    one_line = " ".join(str(text).split())
    return html.escape(_MARKDOWN_SYNTAX.sub(r"\\\1", one_line), quote=False)


_cell = markdown_text  # a table cell: the same, and | is escaped too


def link_from(page_path: str, target_path: str) -> str:
    """A relative Markdown link target from one source file to another, percent-encoded (a
    file name may hold spaces, quotes or brackets)."""
    return quote(posixpath.relpath(target_path, posixpath.dirname(page_path) or "."), safe="/#")


def status_report(handbook: Handbook, page_path: str = "docs/status.md") -> str:
    """What stands between the handbook and a clean inspection, most urgent first: what stops
    the build, documents awaiting approval, facts to confirm, law to verify, reviews due."""
    errors, warnings = handbook.errors, handbook.warnings
    lines = [f"Checked on {long_date(handbook.today)}: the home is {handbook.home.registration.describe()}. "
             f"**{len(errors)} error{'s' if len(errors) != 1 else ''}** "
             f"(the build fails until they are fixed) and "
             f"**{len(warnings)} warning{'s' if len(warnings) != 1 else ''}** (to plan for).", ""]
    lines += ["## What stops the build", ""]
    lines += _findings_table(handbook, page_path, errors) if errors else ["Nothing: every check passes.", ""]

    drafts = sorted((d for d in handbook.documents if d.valid and d.status == "draft"), key=lambda d: d.title.lower())
    lines += ["## Documents awaiting approval", ""]
    if drafts:
        lines += ["| Document | Version | Owner |", "| --- | --- | --- |"]
        lines += [f"| {_document_link(d, _virtual_path(page_path))} | {_cell(d.version)} | {_cell(d.owner)} |"
                  for d in drafts]
    else:
        lines.append("None: every document in the handbook is approved or retired.")
    lines.append("")

    lines += ["## Facts still to confirm", ""]
    placeholders = handbook.home.placeholders
    if placeholders:
        lines += ["These facts are written as `{to_confirm: ...}` in `data/home.yml`. "
                  "A draft may print them; an approved document may not.", "",
                  "| Document | Facts it prints that are still to confirm |", "| --- | --- |"]
        for path in sorted(handbook.printed):
            document = handbook.document(path)
            where = _document_link(document, _virtual_path(page_path)) if document else _cell(path)
            facts = "<br>".join(f"`{w}`: {_cell(handbook.home.placeholder_description(w))}"
                                for w in sorted(handbook.printed[path]))
            lines.append(f"| {where} | {facts} |")
        unprinted = [w for w, _ in placeholders if not any(w in p for p in handbook.printed.values())]
        if unprinted:
            lines.append(f"| Not printed by any document yet | {', '.join(f'`{w}`' for w in unprinted)} |")
    else:
        lines.append("None: every fact in `data/home.yml` is confirmed.")
    lines.append("")

    lines += ["## Law still to verify", ""]
    unverified = [r for r in handbook.registry.regulations if r.to_verify]
    if unverified:
        lines += ["Entries of the regulation registry not yet checked word for word against legislation.gov.uk.", "",
                  "| Regulation | What is still to verify |", "| --- | --- |"]
        lines += [f"| [{r.ref}]({r.url}){{: .external }} {_cell(r.title)} | {_cell(r.to_verify)} |" for r in unverified]
    else:
        lines.append("None: every entry of the regulation registry was checked against its source.")
    lines.append("")

    due = [f for f in warnings if f.check == "review-due-soon"]
    lines += ["## Reviews due", ""]
    lines += _findings_table(handbook, page_path, due) if due else ["No review is due in the next 60 days.", ""]

    shown = {"review-due-soon", "awaiting-approval", "home-placeholder", "law-to-verify"}
    other = [f for f in warnings if f.check not in shown]
    if other:
        lines += ["## Other warnings", ""] + _findings_table(handbook, page_path, other)
    return "\n".join(lines)


def _findings_table(handbook: Handbook, page_path: str, findings: list[Finding]) -> list[str]:
    lines = ["| File | What is wrong | What to do |", "| --- | --- | --- |"]
    for finding in findings:
        where = _cell(finding.path + (f", line {finding.line}" if finding.line else ""))
        target = _site_target(handbook, page_path, finding.path)
        where = f"[{where}]({target})" if target else where
        lines.append(f"| {where} | {_cell(finding.message)} | {_cell(finding.fix)} |")
    return lines + [""]


def _site_target(handbook: Handbook, page_path: str, finding_path: str) -> str | None:
    """Documents are pages on the site: link to them. Data files are not."""
    if handbook.document(finding_path) is None:
        return None
    return link_from(_virtual_path(page_path), finding_path)


def _virtual_path(page_path: str) -> str:
    """Pages in docs/ live at the site root; governed documents keep their folder."""
    return page_path.removeprefix("docs/")


def findings_banner(findings: list[Finding]) -> str:
    """Shown at the top of a page with problems, so authors see them while editing."""
    if not findings:
        return ""
    worst = "failure" if any(f.is_error for f in findings) else "warning"
    title = "This document has problems to fix" if worst == "failure" else "This document needs attention"
    lines = [f'!!! {worst} "{title}"', ""]
    for finding in findings:
        where = f" (line {finding.line})" if finding.line else ""
        lines.append(f"    - **{finding.severity.value.capitalize()}**{where}: {markdown_text(finding.message)} - "
                     f"{markdown_text(finding.fix)}")
    return "\n".join(lines) + "\n\n"


# --- document pages ---------------------------------------------------------------

KIND_NAMES = {"statement-of-purpose": "Statement of Purpose", "childrens-guide": "Children's guide",
              "policy": "Policy", "procedure": "Procedure"}
STATE_BADGES = {"overdue": "Overdue for review", "due-soon": "Review due soon", "in-date": "In date"}
REGULATION_MAP = "regulation-map.md"
REVIEW_SCHEDULE = "review-schedule.md"
TOPICS = "topics.md"


def badge(state: str) -> str:
    return f'<span class="review-badge review-badge--{state}">{STATE_BADGES[state]}</span>' if state else ""


def regulation_links(handbook: Handbook, document: Document) -> str:
    links = []
    for citation in document.regulations:
        regulation = handbook.registry.resolve(citation)
        if regulation is None:
            links.append(f"{citation} (not in the registry)")
            continue
        on_map = f"{link_from(document.path, REGULATION_MAP)}#{regulation.anchor}"
        links.append(f"[{regulation.ref} {_cell(regulation.title)}]({on_map}) "
                     f"([legislation.gov.uk]({regulation.url}){{: .external }})")
    return "<br>".join(links) or "None"


def approval_text(document: Document) -> str:
    """The approval of the version shown, and only that version's."""
    if document.approval is not None:
        return (f"version {document.version} by {document.approval.by} on {long_date(document.approval.on)}")
    return f"version {document.version} not yet approved"


def document_control(handbook: Handbook, document: Document) -> str:
    """The block at the top of every governed document, from its front matter."""
    if not document.valid:
        return ""
    state = document.review_state(handbook.today)
    approved = approval_text(document)
    due = document.next_review
    next_review = (f"{long_date(due)} {badge(state)}" if document.status == "approved" and due is not None
                   else "not applicable while " + _cell(document.status))
    rows = [
        ("Version", _cell(f"{document.version} ({document.status})")),
        ("Kind", _cell(KIND_NAMES.get(document.kind, document.kind))),
        ("Owner", _cell(document.owner)),
        ("Approved", approved),
        ("Last reviewed", (f"{long_date(document.last_reviewed)} " if document.last_reviewed else "not yet ")
         + f"(every {document.review_every_months} months)"),
        ("Next review", next_review),
        ("For", _cell(", ".join(document.audience))),
        ("Topics", ", ".join(f"[{_cell(tag)}]({link_from(document.path, TOPICS)}#{topic_anchor(tag)})"
                             for tag in document.tags) or "None"),
        ("Regulations", regulation_links(handbook, document)),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    notice = ""
    if document.status == "draft":
        notice = ('!!! warning "Draft: not yet approved"\n\n    Nobody has approved this version yet. '
                  + ("Staff follow the approved version until this one is approved."
                     if document.previous_approval else "It is not in force until it is approved.") + "\n\n")
    elif document.status == "retired":
        notice = ('!!! danger "Retired: no longer in force"\n\n'
                  "    This document is kept for the record only. Do not follow it.\n\n")
    elif state == "overdue" and due is not None:
        notice = ('!!! danger "Overdue for review"\n\n'
                  f"    This document should have been reviewed by {long_date(due)}. "
                  f"{_cell(document.owner)}: review it now.\n\n")
    return (f'{notice}<div class="document-control" markdown data-search-exclude>\n\n'
            f"| Document control | Details |\n| --- | --- |\n{table}\n\n</div>\n\n")


def section_index(handbook: Handbook, document: Document) -> str:
    """For the Statement of Purpose: each Schedule 1 matter with a link to its section."""
    if document.kind != "statement-of-purpose" or not document.valid:
        return ""
    mapping = section_map(document.meta, "schedule_1")
    matters = handbook.registry.default_instrument.schedule_1
    rows = []
    for matter in matters:
        target = mapping.get(str(matter.number))
        where = f"[Go to the section]({_anchor(target)})" if target else "**No section**"
        rows.append(f"| {matter.number} | {_cell(matter.text)} | {where} |")
    schedule_url = handbook.registry.default_instrument.url.rstrip("/") + "/schedule/1"
    return ('<div class="schedule-1-index" markdown data-search-exclude>\n\n'
            f"## Schedule 1 index\n\nThe matters [Schedule 1]({schedule_url}){{: .external }} to the regulations "
            "says a Statement of Purpose must cover, and where this statement covers each one.\n\n"
            "| Matter | What the law asks for | Where we answer it |\n| --- | --- | --- |\n"
            + "\n".join(rows) + "\n\n</div>\n\n")


def guide_checklist(handbook: Handbook, document: Document) -> str:
    """For the children's guide: a note for adults showing where each legal item is answered."""
    if document.kind != "childrens-guide" or not document.valid:
        return ""
    mapping = section_map(document.meta, "guide_items")
    rows = [f"| {_cell(item.text)} | " + (f"[Go to the section]({_anchor(mapping[item.id])})" if item.id in mapping
                                          else "**No section**") + " |"
            for item in handbook.registry.default_instrument.childrens_guide]
    return ('\n\n??? note "For adults: how this guide meets the law"\n\n'
            "    The regulations say a children's guide explains these things. "
            "Each row links to the part of this guide that does.\n\n"
            "    | What the guide must explain | Where |\n    | --- | --- |\n"
            + "\n".join("    " + row for row in rows) + "\n")


# --- site-wide pages --------------------------------------------------------------

LEVEL_NAMES = {"required": "Required", "expected": "Expected", "none": "-"}


def _anchor(target) -> str:
    """A heading anchor from the front matter ("#our-ethos"), as a link target."""
    return "#" + quote(str(target).strip().lstrip("#"), safe="")


def _document_link(document: Document, from_page: str) -> str:
    suffix = "" if document.status == "approved" else f" ({_cell(document.status)})"
    return f"[{_cell(document.title)}]({link_from(from_page, document.path)}){suffix}"


def regulation_map(handbook: Handbook, page: str = REGULATION_MAP) -> str:
    lines = []
    for instrument in handbook.registry.instruments.values():
        lines += [f"## {instrument.title}", "",
                  f"[{instrument.citation or instrument.title} on legislation.gov.uk]({instrument.url}){{: .external }}", "",
                  "| Regulation | What it is about | Written document | Served by |", "| --- | --- | --- | --- |"]
        for regulation in instrument.regulations:
            serving = handbook.documents_serving(regulation.key)
            in_force = handbook.serving_in_force(regulation)
            served = "<br>".join(_document_link(d, page) for d in serving)
            withheld = [d for d in handbook.withheld if d.in_force and any(
                (r := handbook.registry.resolve(c)) is not None and r.key == regulation.key for c in d.regulations)]
            if not in_force and withheld:
                served = "Served by a document not included in this copy" + ("<br>" + served if served else "")
            elif not in_force and regulation.document == "required":
                served = '<strong class="gap gap--required">Missing: the build fails</strong>' + (
                    "<br>" + served if served else "")
            elif not in_force and regulation.document == "expected":
                served = '<span class="gap gap--expected">None yet</span>' + ("<br>" + served if served else "")
            lines.append(f'| <span id="{regulation.anchor}"></span>[{regulation.ref}]({regulation.url}){{: .external }} '
                         f"| {_cell(regulation.title)} | {LEVEL_NAMES[regulation.document]} | {served or '-'} |")
        lines.append("")
    lines += ["## Documents and the regulations they serve", "",
              "| Document | Kind | Status | Regulations |", "| --- | --- | --- | --- |"]
    for document in sorted((d for d in handbook.documents if d.valid), key=lambda d: d.title.lower()):
        refs = []
        for citation in document.regulations:
            cited = handbook.registry.resolve(citation)
            refs.append(f"[{cited.ref}](#{cited.anchor})" if cited else f"{_cell(citation)} (unknown)")
        lines.append(f"| [{_cell(document.title)}]({link_from(page, document.path)}) | "
                     f"{KIND_NAMES.get(document.kind, document.kind)} | {document.status} | {', '.join(refs) or '-'} |")
    return "\n".join(lines) + "\n"


def schedule_entries(handbook: Handbook) -> list[dict]:
    """Approved documents by next review date, overdue and due soon first."""
    order = {"overdue": 0, "due-soon": 1, "in-date": 2}
    entries = []
    for document in handbook.documents:
        if not document.in_force or document.next_review is None:
            continue
        state = document.review_state(handbook.today)
        reviewed, due = document.last_reviewed, document.next_review
        if reviewed is None or due is None:
            continue
        entries.append({
            "id": document.id, "title": document.title, "path": document.path, "owner": document.owner,
            "version": document.version, "last_reviewed": reviewed.isoformat(),
            "next_review": due.isoformat(), "state": state,
            "days_left": (due - handbook.today).days,
        })
    return sorted(entries, key=lambda e: (order[e["state"]], e["next_review"], e["title"]))


def review_schedule(handbook: Handbook, page: str = REVIEW_SCHEDULE) -> str:
    entries = schedule_entries(handbook)
    grades = readability_scores(handbook.root, [handbook.root / e["path"] for e in entries])
    lines = ["| Document | Owner | Last reviewed | Next review | State | Reading grade |",
             "| --- | --- | --- | --- | --- | --- |"]
    for entry in entries:
        lines.append(
            f"| [{_cell(entry['title'])}]({link_from(page, entry['path'])}) | {_cell(entry['owner'])} | "
            f"{long_date(dt.date.fromisoformat(entry['last_reviewed']))} | "
            f"{long_date(dt.date.fromisoformat(entry['next_review']))} | {badge(entry['state'])} | "
            f"{grades[entry['path']]:.1f} |")
    return "\n".join(lines) + "\n"


def topic_anchor(tag: str) -> str:
    return "topic-" + "".join(c if c.isalnum() else "-" for c in tag.lower()).strip("-")


def topics(handbook: Handbook, page: str = TOPICS) -> str:
    """Documents by topic, from the controlled list in data/tags.yml."""
    lines = []
    for tag in handbook.tags:
        tagged = sorted((d for d in handbook.documents if d.valid and d.status != "retired" and tag in d.tags),
                        key=lambda d: d.title.lower())
        lines += [f"## {markdown_text(tag)} {{ #{topic_anchor(tag)} }}", ""]
        lines += [f"- {_document_link(d, page)}" + (f": {_cell(d.summary)}" if d.summary else "") for d in tagged]
        lines += ["" if tagged else "No documents yet.", ""]
    return "\n".join(lines)


def history_section(document: Document, history, old_text: str | None, new_text: str, show_editors: bool) -> str:
    """The end of every document page: versions from the front matter, the edits that
    reached the main line (from git), and what changed since the previous approved version."""
    sop = document.kind == "statement-of-purpose"
    lines = ["## History", "", "| Version | Date | What changed | Approved |" + (" Ofsted told |" if sop else ""),
             "| --- | --- | --- | --- |" + (" --- |" if sop else "")]
    for change in document.changes:
        summary = _cell(change["summary"]) + (" (review, no changes)" if change.get("review_only") else "")
        told = change.get("ofsted_notified_on")
        ofsted = (f" {long_date(dt.date.fromisoformat(told))} |" if told else
                  (" not needed |" if change.get("review_only") else " not yet |")) if sop else ""
        approval = approval_of(change)
        approved = ("not needed (review)" if change.get("review_only") else
                    f"{_cell(approval.by)}, {long_date(approval.on)}" if approval else "not approved")
        lines.append(f"| {_cell(change['version'])} | {long_date(dt.date.fromisoformat(change['date']))} | {summary} | "
                     f"{approved} |{ofsted}")
    lines.append("")
    if history is not None and history.edits and show_editors:
        lines += ["Changes that reached the handbook, from its git history:", "",
                  "| Date | Edited by | Merged by | Change |", "| --- | --- | --- | --- |"]
        for edit in history.edits:
            lines.append(f"| {long_date(dt.date.fromisoformat(edit.date))} | {_cell(', '.join(edit.edited_by))} | "
                         f"{_cell(edit.merged_by) or '-'} | {_cell(edit.subject)} |")
        lines.append("")
    if history is not None and history.previous is not None and old_text is not None:
        previous = history.previous
        approved = previous.approved_on
        when = f", approved {long_date(approved)}" if approved else ""
        changes = what_changed(old_text, new_text)
        lines += [f'??? abstract "What changed since version {_cell(previous.version)}{when}"', ""]
        if not changes:
            lines.append("    The text is the same; only the details above changed.")
        for kind, sentence in changes:
            mark = "ins" if kind == "added" else "del"
            lines.append(f"    - **{kind.capitalize()}:** <{mark}>{html_escape(sentence)}</{mark}>")
        lines.append("")
    return "\n".join(lines) + "\n"


def html_escape(text: str) -> str:
    return html.escape(text, quote=False)
