"""Markdown views of the handbook: the status page, document control, banners.
Plain functions of the handbook; the MkDocs glue only places their output."""

from __future__ import annotations

import posixpath

from .checks import DUE_SOON_DAYS, long_date
from .documents import Document
from .findings import Finding
from .handbook import Handbook


def page_macros(handbook: Handbook) -> dict:
    """The functions pages may call, e.g. {{ status_report() }} on docs/status.md."""
    return {
        "status_report": lambda: status_report(handbook),
    }


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def link_from(page_path: str, target_path: str) -> str:
    """A relative Markdown link target from one source file to another."""
    return posixpath.relpath(target_path, posixpath.dirname(page_path) or ".")


def status_report(handbook: Handbook, page_path: str = "docs/status.md") -> str:
    errors, warnings = handbook.errors, handbook.warnings
    lines = [f"Checked on {long_date(handbook.today)}: "
             f"**{len(errors)} error{'s' if len(errors) != 1 else ''}** "
             f"(the build fails until they are fixed) and "
             f"**{len(warnings)} warning{'s' if len(warnings) != 1 else ''}** (to plan for).", ""]
    if not handbook.findings:
        lines += ['!!! success "Everything is in order"', "",
                  "    Every document is in date and every required regulation has an approved document.", ""]
        return "\n".join(lines)
    for title, items, kind in (("Errors", errors, "failure"), ("Warnings", warnings, "warning")):
        if not items:
            continue
        lines += [f"## {title}", "", "| File | What is wrong | What to do |", "| --- | --- | --- |"]
        for finding in items:
            where = finding.path + (f", line {finding.line}" if finding.line else "")
            target = _site_target(handbook, page_path, finding.path)
            where = f"[{where}]({target})" if target else f"`{where}`"
            lines.append(f"| {where} | {_cell(finding.message)} | {_cell(finding.fix)} |")
        lines.append("")
    return "\n".join(lines)


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
        lines.append(f"    - **{finding.severity.value.capitalize()}**{where}: {finding.message} - {finding.fix}")
    return "\n".join(lines) + "\n\n"


def review_state(document: Document, handbook: Handbook) -> str:
    """'overdue', 'due-soon' or 'in-date' for an approved document; '' otherwise."""
    if document.status != "approved" or document.next_review is None:
        return ""
    days = (document.next_review - handbook.today).days
    if days < 0:
        return "overdue"
    return "due-soon" if days <= DUE_SOON_DAYS else "in-date"
