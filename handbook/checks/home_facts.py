"""Facts about the home still to confirm: listed while drafts print them, refused in what the
home has approved."""

from __future__ import annotations

from handbook.model.findings import Finding, error, warning
from handbook.model.handbook import Handbook


def check_home_facts(handbook: Handbook) -> list[Finding]:
    """A fact still to confirm may appear in a draft (a warning); a document the home has
    approved stands behind every word it prints, so printing one there is an error."""
    placeholders = handbook.home.placeholders
    facts_file = handbook.home.source  # data/home.yml, or a provider's homes/<id>/home.yml
    if not placeholders:
        return []
    findings = []
    for where, needed in placeholders:
        approved = sorted(path for path, printed in handbook.printed.items()
                          if where in printed and (d := handbook.document(path)) is not None and d.in_force)
        if approved:
            findings.append(error(
                "home-placeholder", facts_file,
                f"{where} is still to confirm ({needed}) but approved documents print it: {', '.join(approved)}",
                f"write the confirmed fact in {facts_file}, or return those documents to draft until it is known",
                field=where))
    names = ", ".join(where for where, _ in placeholders)
    findings.append(warning("home-placeholder", facts_file,
                            f"{len(placeholders)} facts about the home are not known yet: {names}",
                            "replace each {to_confirm: ...} with the real fact once it is confirmed"))
    return findings

