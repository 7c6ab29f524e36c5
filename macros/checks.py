"""Every check on the handbook, written once. Each takes the loaded handbook and returns
findings; `check_handbook` runs them all. No MkDocs objects in here."""

from __future__ import annotations

import datetime as dt
import difflib
from functools import lru_cache
from pathlib import Path

import fastjsonschema
import jsonschema

from .documents import Document
from .headings import heading_anchors
from .findings import Finding, error, sort_key, warning
from .handbook import Handbook
from .home import HOME_FILE, TAGS_FILE
from .registry import REGISTRY_FILE
from .yaml_files import read_yaml_file

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "front-matter.schema.yml"
DUE_SOON_DAYS = 60
OFSTED_NOTICE_DAYS = 28  # reg 16(3)(b): revisions of the Statement of Purpose go to HMCI within 28 days


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_handbook(handbook: Handbook) -> list[Finding]:
    from .templating import check_templates

    # In this order: the front-matter check marks which documents are valid, and the
    # template check fills in each document's text, which the section maps read.
    checks = (check_readable, check_front_matter, check_templates, check_dates, check_versions,
              check_approvals, check_unique_ids, check_regulation_references, check_reviews, check_coverage,
              check_section_maps, check_ofsted_notification, check_home_facts, check_registry_evidence)
    return sorted((finding for check in checks for finding in check(handbook)), key=sort_key)


# --- reading and metadata ---------------------------------------------------------

def check_readable(handbook: Handbook) -> list[Finding]:
    return [error("front-matter", path, problem.message, problem.fix, line=problem.line)
            for path, problem in handbook.unreadable.items()]


@lru_cache(maxsize=1)
def _base_schema() -> dict:
    return read_yaml_file(SCHEMA_FILE)


def front_matter_schema(roles: list[str], tags: list[str]) -> dict:
    schema = dict(_base_schema())
    properties = dict(schema["properties"])
    properties["owner"] = {**properties["owner"], "enum": roles}
    change = dict(properties["changes"]["items"])
    change["properties"] = {**change["properties"],
                            "approved_by": {**change["properties"]["approved_by"], "enum": roles}}
    properties["changes"] = {**properties["changes"], "items": change}
    properties["tags"] = {**properties["tags"], "items": {"enum": tags}}
    schema["properties"] = properties
    return schema


def _field_name(path) -> str:
    name = ""
    for part in path:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _describe(value) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    if value is None:
        return "nothing"
    return repr(value)


_TYPE_WORDS = {"string": "text", "integer": "a whole number", "array": "a list",
               "object": "a group of 'name: value' fields", "boolean": "yes or no"}


def _schema_finding(document: Document, problem: jsonschema.ValidationError, schema: dict) -> Finding:
    field = _field_name(problem.absolute_path)
    top = str(problem.absolute_path[0]) if problem.absolute_path else None
    hint = problem.schema.get("hint") if isinstance(problem.schema, dict) else None
    value = problem.instance
    kind = problem.validator
    if kind == "required":
        missing = [name for name in problem.validator_value if name not in value]
        name = missing[0]
        full = f"{field}[{name}]" if field else name
        properties = problem.schema.get("properties") or schema["properties"]
        item_hint = (properties.get(name) or {}).get("hint", "add it")
        where = f" in {field}" if field else ""
        return error("front-matter", document.path, f"missing field '{name}'{where}",
                     f"add {name}: - {item_hint}" if not field else f"add {name} to that entry: {item_hint}",
                     field=full, line=document.line_of(top or name))
    if kind == "additionalProperties":
        known = list((problem.schema.get("properties") or {}).keys())
        extras = [name for name in value if name not in known]
        name = extras[0]
        if not field and name in ("approved_by", "approved_on"):
            return error("front-matter", document.path, f"{name} belongs to the version it approves, not to "
                         "the whole document", f"move {name} into the changes entry of the version that was "
                         "approved; if nobody has approved it yet, remove it and set status: draft",
                         field=name, line=document.line_of(name))
        close = difflib.get_close_matches(name, known, n=1)
        fix = (f"did you mean '{close[0]}'? Rename it" if close
               else f"remove it; the fields you can use are: {', '.join(known)}")
        return error("front-matter", document.path, f"unknown field '{name}'" + (f" in {field}" if field else ""),
                     fix, field=name if not field else f"{field}.{name}", line=document.line_of(name))
    if kind == "enum":
        allowed = ", ".join(str(v) for v in problem.validator_value)
        source = {"owner": f"the roles in {HOME_FILE}", "changes": f"the roles in {HOME_FILE}",
                  "tags": f"the topics in {TAGS_FILE}"}.get(top)
        fix = f"use one of {source}: {allowed}" if source else f"use one of: {allowed}"
        return error("front-matter", document.path, f"{field}: {_describe(value)} is not an allowed value",
                     fix, field=field, line=document.line_of(top))
    if kind == "type":
        expected = problem.validator_value
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in (expected if isinstance(expected, list) else [expected]))
        return error("front-matter", document.path, f"{field} should be {words}, not {_describe(value)}",
                     hint or "correct the value", field=field, line=document.line_of(top))
    if kind == "format":
        return error("front-matter", document.path, f"{field}: {_describe(value)} is not a real date",
                     hint or "write the date as YYYY-MM-DD", field=field, line=document.line_of(top))
    if kind == "uniqueItems":
        return error("front-matter", document.path, f"{field} lists the same value twice",
                     "remove the repeated value", field=field, line=document.line_of(top))
    return error("front-matter", document.path, f"{field}: {_describe(value)} is not valid",
                 hint or "correct the value", field=field, line=document.line_of(top))


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def check_front_matter(handbook: Handbook) -> list[Finding]:
    """Validate each document's front matter against the schema. fastjsonschema (the schema
    compiled to Python) answers "valid?" quickly for thousands of documents; jsonschema
    then explains each problem in a document that is not."""
    schema = front_matter_schema(handbook.home.roles, handbook.tags)
    is_valid = fastjsonschema.compile(schema, formats={"date": _is_date})
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    findings = []
    for document in handbook.documents:
        if not document.readable:
            continue
        try:
            is_valid(document.meta)
            document.valid = True
            continue
        except fastjsonschema.JsonSchemaException:
            pass
        problems = sorted(validator.iter_errors(document.meta), key=lambda p: [str(x) for x in p.absolute_path])
        document.valid = not problems
        seen = set()
        for problem in problems:
            finding = _schema_finding(document, problem, schema)
            if (finding.field, finding.message) not in seen:
                seen.add((finding.field, finding.message))
                findings.append(finding)
    return findings


def check_dates(handbook: Handbook) -> list[Finding]:
    """Approval, review and change dates cannot be in the future."""
    findings = []
    today = handbook.today
    for document in _valid(handbook):
        dated = [("last_reviewed", document.last_reviewed)]
        for i, change in enumerate(document.changes, start=1):
            dated += [(f"changes[{i}].{name}", dt.date.fromisoformat(change[name]))
                      for name in ("date", "approved_on", "ofsted_notified_on") if change.get(name)]
        for field, day in dated:
            if day and day > today:
                findings.append(error(
                    "future-date", document.path,
                    f"{field} is {long_date(day)}, which is after today ({long_date(today)})",
                    "write the date the approval, review or change really happened",
                    field=field, line=document.line_of(field.split("[")[0])))
    return findings


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in str(version).split("."))


def check_versions(handbook: Handbook) -> list[Finding]:
    findings = []
    for document in _valid(handbook):
        versions = [str(change["version"]) for change in document.changes]
        if document.version not in versions:
            findings.append(error(
                "version-history", document.path,
                f"version {document.version} has no entry in changes",
                f"add a changes entry with version: \"{document.version}\", the date and a one-line summary",
                field="changes", line=document.line_of("changes")))
        elif max(versions, key=version_key) != document.version:
            findings.append(error(
                "version-history", document.path,
                f"version is {document.version} but changes already lists version {max(versions, key=version_key)}",
                "set version to the newest entry in changes", field="version", line=document.line_of("version")))
    return findings


def check_approvals(handbook: Handbook) -> list[Finding]:
    """An approved document shows the approval of its own version: the changes entry of the
    version in force records who approved it and when, on or after the day it was made."""
    findings = []
    for document in _valid(handbook):
        change = document.current_change
        if change is None:
            continue  # check_versions reports the missing entry
        made = dt.date.fromisoformat(change["date"])
        half = [name for name in ("approved_by", "approved_on") if change.get(name)]
        number = document.changes.index(change) + 1
        line = document.line_of("changes")
        if len(half) == 1:
            missing = "approved_on" if half == ["approved_by"] else "approved_by"
            findings.append(error(
                "approval", document.path, f"version {document.version} records {half[0]} but not {missing}",
                f"add {missing} to that changes entry, or remove {half[0]} if nobody has approved it",
                field=f"changes[{number}].{missing}", line=line))
            continue
        approval = document.approval
        if approval is not None and approval.on < made:
            findings.append(error(
                "approval", document.path,
                f"version {document.version} is dated {long_date(made)} but its approval is dated "
                f"{long_date(approval.on)}, before the version existed",
                f"record the date {approval.by} approved version {document.version}",
                field=f"changes[{number}].approved_on", line=line))
        if document.status != "approved" or approval is not None:
            continue
        earlier = document.previous_approval
        shown = (f"; the approval shown ({long_date(earlier[1].on)}) is for version {earlier[0]}" if earlier else "")
        findings.append(error(
            "approval", document.path,
            f"version {document.version} ({long_date(made)}) has no approval{shown}",
            f"record who approved {document.version} and when (approved_by and approved_on on its changes "
            "entry), or set status: draft until it is approved", field=f"changes[{number}]", line=line))
    return findings


def check_unique_ids(handbook: Handbook) -> list[Finding]:
    first_seen: dict[str, str] = {}
    findings = []
    for document in handbook.documents:
        doc_id = document.meta.get("id") if document.readable else None
        if not isinstance(doc_id, str):
            continue
        if doc_id in first_seen:
            findings.append(error(
                "duplicate-id", document.path, f"id '{doc_id}' is already used by {first_seen[doc_id]}",
                "give this document its own id (usually its file name)", field="id", line=document.line_of("id")))
        else:
            first_seen[doc_id] = document.path
    return findings


def check_regulation_references(handbook: Handbook) -> list[Finding]:
    findings = []
    for document in _valid(handbook):
        for citation in document.regulations:
            if handbook.registry.resolve(citation) is None:
                similar = handbook.registry.similar(citation)
                hint = f"; known references for that regulation: {', '.join(similar)}" if similar else ""
                findings.append(error(
                    "unknown-regulation", document.path,
                    f"regulations: '{citation}' is not in the regulation registry{hint}",
                    f"correct the reference, or add the regulation to {REGISTRY_FILE} after checking it on "
                    "legislation.gov.uk", field="regulations", line=document.line_of("regulations")))
    return findings


def check_reviews(handbook: Handbook) -> list[Finding]:
    findings = []
    for document in _valid(handbook):
        if document.status != "approved" or document.next_review is None:
            continue
        due = document.next_review
        every = f"every {document.review_every_months} month{'s' if document.review_every_months != 1 else ''}"
        basis = f"last reviewed {long_date(document.last_reviewed)}, {every}"
        line = document.line_of("last_reviewed")
        if due < handbook.today:
            findings.append(error(
                "review-overdue", document.path,
                f"review overdue since {long_date(due)} ({basis}). Owner: {document.owner}",
                "review the document, then set last_reviewed to the review date and add a changes entry",
                field="last_reviewed", line=line))
        elif (due - handbook.today).days <= DUE_SOON_DAYS:
            findings.append(warning(
                "review-due-soon", document.path,
                f"review due on {long_date(due)}, in {(due - handbook.today).days} days ({basis}). "
                f"Owner: {document.owner}",
                "plan the review before that date", field="last_reviewed", line=line))
    return findings


def counts_for_coverage(handbook: Handbook, document: Document) -> bool:
    """Approved documents serve the law. While the home is applying for registration, its
    drafts do too: they are what it will ask its Responsible Individual to approve."""
    if document.in_force:
        return True
    return document.valid and document.status == "draft" and not handbook.home.registration.registered


def serving_in_force(handbook: Handbook, regulation) -> list[Document]:
    """The documents that count for a regulation: of the right kind, and in force (or, while
    applying, drafts)."""
    return [d for d in handbook.documents_serving(regulation.key)
            if counts_for_coverage(handbook, d) and (not regulation.kind or d.kind == regulation.kind)]


def check_coverage(handbook: Handbook) -> list[Finding]:
    """Required regulations need an approved document (of the right kind); expected ones
    are reported when nothing approved serves them. While applying, drafts count."""
    findings = []
    applying = not handbook.home.registration.registered
    for regulation in handbook.registry.regulations:
        if regulation.document == "none":
            continue
        serving = handbook.documents_serving(regulation.key)
        in_force = serving_in_force(handbook, regulation)
        if in_force:
            continue
        what = f"a {regulation.kind.replace('-', ' ')} document" if regulation.kind else "a document"
        others = [d for d in serving if d not in in_force]
        why = ""
        if others:
            why = " (" + "; ".join(
                f"{d.path} is {d.status}" if d.kind == regulation.kind or not regulation.kind
                else f"{d.path} is a {d.kind}, not {what}" for d in others) + ")"
        if applying:
            message = f"{regulation.label} ({regulation.title}) has no document{why}"
            fix = f"write {what} that serves it (a draft will do until the home is registered) and list " \
                  f"\"{regulation.ref}\" in its regulations"
        else:
            message = f"{regulation.label} ({regulation.title}) has no approved document{why}"
            fix = f"approve {what} that serves it and list \"{regulation.ref}\" in its regulations"
        if regulation.document == "required":
            findings.append(error("required-regulation", REGISTRY_FILE, message, fix, field=regulation.key))
        else:
            findings.append(warning("expected-regulation", REGISTRY_FILE, message, fix, field=regulation.key))
    if applying:
        drafts = [d for d in _valid(handbook) if d.status == "draft"]
        if drafts:
            findings.append(warning(
                "awaiting-approval", drafts[0].path if len(drafts) == 1 else REGISTRY_FILE,
                f"{len(drafts)} document{'s' if len(drafts) != 1 else ''} still need{'s' if len(drafts) == 1 else ''} "
                "approval before the application for registration: " + ", ".join(d.path for d in drafts),
                "when the Responsible Individual approves a document, add approved_by and approved_on to the "
                "changes entry of its version and set status: approved"))
    return findings


def check_ofsted_notification(handbook: Handbook) -> list[Finding]:
    """Each revision of an approved Statement of Purpose is notified to Ofsted, with a copy,
    within 28 days (reg 16(3)). A review that changed nothing is not a revision."""
    findings = []
    for document in _valid(handbook):
        if document.kind != "statement-of-purpose" or document.status != "approved":
            continue
        for number, change in enumerate(document.changes, start=1):
            told = change.get("ofsted_notified_on")
            if told and handbook.printed.get(document.path) and change is document.current_change:
                findings.append(error(
                    "ofsted-notification", document.path,
                    f"revision {change['version']} records ofsted_notified_on, but the statement still prints "
                    f"facts to confirm ({', '.join(sorted(handbook.printed[document.path]))})",
                    f"confirm those facts in {HOME_FILE} first; Ofsted must be sent the statement as it stands",
                    field=f"changes[{number}].ofsted_notified_on", line=document.line_of("changes")))
            if told and dt.date.fromisoformat(told) < dt.date.fromisoformat(change["date"]):
                findings.append(error(
                    "ofsted-notification", document.path,
                    f"revision {change['version']} of {long_date(dt.date.fromisoformat(change['date']))} records "
                    f"ofsted_notified_on {long_date(dt.date.fromisoformat(told))}, before the revision was made",
                    "write the date the revised statement was really sent to Ofsted",
                    field=f"changes[{number}].ofsted_notified_on", line=document.line_of("changes")))
            if change.get("review_only") or told or not handbook.home.registration.registered:
                continue
            revised = dt.date.fromisoformat(change["date"])
            deadline = revised + dt.timedelta(days=OFSTED_NOTICE_DAYS)
            what = f"revision {change['version']} of {long_date(revised)} has no ofsted_notified_on"
            fix = ("send Ofsted the revised Statement of Purpose, then add ofsted_notified_on: "
                   "YYYY-MM-DD (the date you sent it) to that changes entry")
            if handbook.today > deadline:
                findings.append(error(
                    "ofsted-notification", document.path,
                    f"{what}: Ofsted had to be told by {long_date(deadline)} (regulation 16(3), within "
                    f"{OFSTED_NOTICE_DAYS} days)", fix, field=f"changes[{number}]", line=document.line_of("changes")))
            else:
                findings.append(warning(
                    "ofsted-notification", document.path,
                    f"{what}: tell Ofsted by {long_date(deadline)} (regulation 16(3), within {OFSTED_NOTICE_DAYS} days)",
                    fix, field=f"changes[{number}]", line=document.line_of("changes")))
    return findings


# Which front-matter field maps which legal list to sections, and for which kind of document.
SECTION_MAPS = {
    "schedule_1": ("statement-of-purpose", "Schedule 1 matter", "the Statement of Purpose"),
    "guide_items": ("childrens-guide", "children's guide item", "the children's guide"),
}


def legal_items(handbook: Handbook, field: str) -> list[tuple[str, str]]:
    """(key, what the law asks) for each item a section map must cover."""
    instrument = handbook.registry.default_instrument
    if field == "schedule_1":
        return [(str(m.number), m.text) for m in instrument.schedule_1]
    return [(g.id, g.text) for g in instrument.childrens_guide]


def check_section_maps(handbook: Handbook) -> list[Finding]:
    """The Statement of Purpose answers every Schedule 1 matter, and the children's guide
    every item of its legal definition, each in a section that exists."""
    findings = []
    for document in _valid(handbook):
        for field, (kind, item_name, whose) in SECTION_MAPS.items():
            mapping = {str(key): value for key, value in (document.meta.get(field) or {}).items()}
            line = document.line_of(field)
            if document.kind != kind:
                if mapping:
                    findings.append(error("section-map", document.path, f"{field} belongs only in {whose}",
                                          f"remove {field} from this {document.kind}", field=field, line=line))
                continue
            anchors = heading_anchors(document.rendered if document.rendered is not None else document.body)
            items = legal_items(handbook, field)
            known = {key for key, _ in items}
            for key, text in items:
                if key not in mapping:
                    findings.append(error(
                        "section-map", document.path, f"{item_name} {key} ({text}) has no section in {whose}",
                        f"write a section that answers it and add {key}: \"#its-heading-anchor\" under {field}",
                        field=f"{field}.{key}", line=line))
                elif mapping[key].lstrip("#") not in anchors:
                    close = difflib.get_close_matches(mapping[key].lstrip("#"), list(anchors), n=1)
                    hint = f"; did you mean #{close[0]}?" if close else ""
                    findings.append(error(
                        "section-map", document.path,
                        f"{field}: {item_name} {key} points to {mapping[key]}, which is not a heading in {whose}",
                        f"use the anchor of the heading that answers it{hint}", field=f"{field}.{key}", line=line))
            for key in sorted(set(mapping) - known):
                findings.append(error(
                    "section-map", document.path, f"{field}: there is no {item_name} '{key}'",
                    f"use only: {', '.join(k for k, _ in items)}", field=f"{field}.{key}", line=line))
    return findings


def check_home_facts(handbook: Handbook) -> list[Finding]:
    """A fact still to confirm may appear in a draft (a warning); a document the home has
    approved stands behind every word it prints, so printing one there is an error."""
    placeholders = handbook.home.placeholders
    if not placeholders:
        return []
    findings = []
    for where, needed in placeholders:
        approved = sorted(path for path, printed in handbook.printed.items()
                          if where in printed and (d := handbook.document(path)) is not None and d.in_force)
        if approved:
            findings.append(error(
                "home-placeholder", HOME_FILE,
                f"{where} is still to confirm ({needed}) but approved documents print it: {', '.join(approved)}",
                f"write the confirmed fact in {HOME_FILE}, or return those documents to draft until it is known",
                field=where))
    names = ", ".join(where for where, _ in placeholders)
    findings.append(warning("home-placeholder", HOME_FILE,
                            f"{len(placeholders)} facts about the home are not known yet: {names}",
                            "replace each {to_confirm: ...} with the real fact once it is confirmed"))
    return findings


def check_registry_evidence(handbook: Handbook) -> list[Finding]:
    """The registry keeps its own rule: a required entry quotes the provision's words naming
    the document and links it on legislation.gov.uk; unverified entries are counted."""
    findings = []
    for regulation in handbook.registry.regulations:
        if regulation.document == "required" and not (
                regulation.quote and regulation.url.startswith("https://www.legislation.gov.uk/")):
            findings.append(error(
                "registry-evidence", REGISTRY_FILE,
                f"{regulation.label} is required but has no quote of the provision's words or no "
                "legislation.gov.uk link",
                "add quote: with the words of the provision that name the document, and its url on "
                "legislation.gov.uk", field=regulation.key))
    unverified = [r.ref for r in handbook.registry.regulations if r.to_verify]
    if unverified:
        findings.append(warning(
            "law-to-verify", REGISTRY_FILE,
            f"{len(unverified)} entr{'ies' if len(unverified) != 1 else 'y'} of the regulation registry "
            f"{'are' if len(unverified) != 1 else 'is'} still to verify against legislation.gov.uk: "
            + ", ".join(unverified),
            "read each provision on legislation.gov.uk, correct the entry, then remove its to_verify"))
    return findings


def _valid(handbook: Handbook):
    return (d for d in handbook.documents if d.valid)
