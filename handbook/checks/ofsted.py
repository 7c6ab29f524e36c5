"""The Ofsted duty for the Statement of Purpose: each revision sent to HMCI within the notice
period regulation 16(3) sets (read from data/regulations.yml)."""

from __future__ import annotations

import datetime as dt

from handbook.checks.common import valid_documents
from handbook.model.documents import Document, approval_of
from handbook.model.findings import Finding, error, warning
from handbook.model.handbook import Handbook
from handbook.sources.clock import long_date


def check_ofsted_notification(handbook: Handbook) -> list[Finding]:
    """Each revision of an approved Statement of Purpose is notified to Ofsted, with a copy,
    within 28 days (reg 16(3)). A review that changed nothing is not a revision."""
    findings = []
    notice_days = handbook.registry.statement_of_purpose_notice_days()
    for document in valid_documents(handbook):
        findings += _notices_that_cannot_be(document)
        if document.kind != "statement-of-purpose" or document.status != "approved":
            continue
        for number, change in enumerate(document.changes, start=1):
            told = change.get("ofsted_notified_on")
            if told and handbook.printed.get(document.path) and change is document.current_change:
                findings.append(error(
                    "ofsted-notification", document.path,
                    f"revision {change['version']} records ofsted_notified_on, but the statement still prints "
                    f"facts to confirm ({', '.join(sorted(handbook.printed[document.path]))})",
                    f"confirm those facts in {handbook.home.source} first; Ofsted must be sent the statement as it stands",
                    field=f"changes[{number}].ofsted_notified_on", line=document.line_of("changes")))
            if told and dt.date.fromisoformat(told) < dt.date.fromisoformat(change["date"]):
                findings.append(error(
                    "ofsted-notification", document.path,
                    f"revision {change['version']} of {long_date(dt.date.fromisoformat(change['date']))} records "
                    f"ofsted_notified_on {long_date(dt.date.fromisoformat(told))}, before the revision was made",
                    "write the date the revised statement was really sent to Ofsted",
                    field=f"changes[{number}].ofsted_notified_on", line=document.line_of("changes")))
            if (change.get("review_only") or told or not handbook.home.registration.registered
                    or approval_of(change) is None):  # a version never approved was never in force: nothing to send
                continue
            revised = dt.date.fromisoformat(change["date"])
            deadline = revised + dt.timedelta(days=notice_days)
            what = f"revision {change['version']} of {long_date(revised)} has no ofsted_notified_on"
            fix = ("send Ofsted the revised Statement of Purpose, then add ofsted_notified_on: "
                   "YYYY-MM-DD (the date you sent it) to that changes entry")
            if handbook.today > deadline:
                findings.append(error(
                    "ofsted-notification", document.path,
                    f"{what}: Ofsted had to be told by {long_date(deadline)} (regulation 16(3), within "
                    f"{notice_days} days)", fix, field=f"changes[{number}]", line=document.line_of("changes")))
            else:
                findings.append(warning(
                    "ofsted-notification", document.path,
                    f"{what}: tell Ofsted by {long_date(deadline)} (regulation 16(3), within {notice_days} days)",
                    fix, field=f"changes[{number}]", line=document.line_of("changes")))
    return findings


def _notices_that_cannot_be(document: Document) -> list[Finding]:
    """A notice to Ofsted recorded where none can have been sent: on a document other than the
    Statement of Purpose (regulation 16(3) asks for the statement's revisions only), on a version
    nobody approved, or before its approval."""
    findings = []
    for number, change in enumerate(document.changes, start=1):
        told = change.get("ofsted_notified_on")
        if not told:
            continue
        field = f"changes[{number}].ofsted_notified_on"
        approval = approval_of(change)
        if document.kind != "statement-of-purpose":
            what = (f"version {change['version']} records ofsted_notified_on, but only the Statement of Purpose's "
                    "revisions are sent to Ofsted (regulation 16(3))")
            fix = "remove ofsted_notified_on; record in the notifications log anything else sent to Ofsted"
        elif change.get("review_only"):
            what = (f"changes entry {number} (a review of version {change['version']}) records ofsted_notified_on, but "
                    "a review that changed nothing is not a revision: the statement is sent to Ofsted when it is revised")
            fix = "remove ofsted_notified_on; record the notice on the entry of the revision that was sent"
        elif approval is None:
            what = (f"revision {change['version']} records ofsted_notified_on, but nobody approved it: Ofsted is sent "
                    "the statement as approved")
            fix = ("remove ofsted_notified_on; once the revision is approved and sent, record approved_by, approved_on "
                   "and then ofsted_notified_on")
        elif dt.date.fromisoformat(told) < approval.on:
            what = (f"revision {change['version']} records ofsted_notified_on {long_date(dt.date.fromisoformat(told))}, "
                    f"before it was approved on {long_date(approval.on)}")
            fix = "write the date the approved statement was really sent to Ofsted"
        else:
            continue
        findings.append(error("ofsted-notification", document.path, what, fix, field=field,
                              line=document.line_of("changes")))
    return findings

