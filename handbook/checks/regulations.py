"""The law: every cited regulation exists, every regulation that needs a document has one,
and the registry shows its evidence."""

from __future__ import annotations

from handbook.checks.common import valid_documents
from handbook.model.findings import Finding, error, warning
from handbook.model.handbook import Handbook
from handbook.model.registry import REGISTRY_FILE


def check_regulation_references(handbook: Handbook) -> list[Finding]:
    findings = []
    for document in valid_documents(handbook):
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


def check_coverage(handbook: Handbook) -> list[Finding]:
    """Required regulations need an approved document (of the right kind); expected ones
    are reported when nothing approved serves them. While applying, drafts count."""
    findings = []
    applying = not handbook.home.registration.registered
    for regulation in handbook.registry.regulations:
        if regulation.document == "none":
            continue
        serving = handbook.documents_serving(regulation.key)
        in_force = handbook.serving_in_force(regulation)
        if in_force:
            continue
        what = f"a {regulation.kind.replace('-', ' ')} document" if regulation.kind else "a document"
        others = [d for d in serving if d not in in_force]
        why = ""
        if others:
            why = " (" + "; ".join(
                f"{d.path} is {d.status}" if d.kind == regulation.kind or not regulation.kind
                else f"{d.path} is a {d.kind}, not {what}" for d in others) + ")"
        broken = [d.path for d in handbook.documents if not d.valid and _cites(handbook, d, regulation.key)]
        if broken and not others:
            why = (f" ({' and '.join(broken)} list{'s' if len(broken) == 1 else ''} it, but "
                   f"{'has an error' if len(broken) == 1 else 'have errors'} of {'its' if len(broken) == 1 else 'their'} "
                   "own: fix that first)")
        if applying:
            message = f"{regulation.label} ({regulation.title}) has no document{why}"
            fix = f"write {what} that serves it (a draft will do until the home is registered) and list " \
                  f"\"{regulation.ref}\" in its regulations"
        else:
            message = f"{regulation.label} ({regulation.title}) has no approved document{why}"
            fix = f"approve {what} that serves it and list \"{regulation.ref}\" in its regulations"
        if broken and not others:  # the document is there (a new user's review: "write a document" sent them astray)
            fix = f"fix the errors reported for {' and '.join(broken)} first"
        if regulation.document == "required":
            findings.append(error("required-regulation", REGISTRY_FILE, message, fix, field=regulation.key))
        else:
            findings.append(warning("expected-regulation", REGISTRY_FILE, message, fix, field=regulation.key))
    if applying:
        drafts = [d for d in valid_documents(handbook) if d.status == "draft"]
        if drafts:
            findings.append(warning(
                "awaiting-approval", drafts[0].path if len(drafts) == 1 else REGISTRY_FILE,
                f"{len(drafts)} document{'s' if len(drafts) != 1 else ''} still need{'s' if len(drafts) == 1 else ''} "
                "approval before the application for registration: " + ", ".join(d.path for d in drafts),
                "when the Responsible Individual approves a document, add approved_by and approved_on to the "
                "changes entry of its version and set status: approved"))
    return findings


def _cites(handbook: Handbook, document, key: str) -> bool:
    """Whether a document's front matter, valid or not, lists the regulation `key`."""
    cited = document.meta.get("regulations") if isinstance(document.meta, dict) else None
    return isinstance(cited, list) and any(
        isinstance(c, str) and (found := handbook.registry.resolve(c)) is not None and found.key == key for c in cited)


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

