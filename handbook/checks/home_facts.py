"""Facts about the home: plain words, never markup or invisible characters; and those still to
confirm, listed while drafts print them, refused in what the home has approved."""

from __future__ import annotations

from collections.abc import Iterator

from handbook.model.findings import Finding, error, warning
from handbook.model.handbook import DOCS_DIR, Handbook
from handbook.model.home import Facts, Placeholder
from handbook.sources.clock import long_date
from handbook.sources.files import control_characters
from handbook.sources.letters import invisible_characters
from handbook.sources.yaml_files import line_of

# What a page would read as markup in a fact it prints (HTML, emphasis, code, a link, a table's
# cell: a "|" in a fact printed in a table row adds a cell, which moved a sentence out of the staff
# edition's row and into the website's; Markdown's escape, a backslash, which changes what follows the fact),
# while the PDF's cover and running head, and the copy's file names, print the fact as it is written.
MARKUP = "<>*`[]|\\"


def _markup_in_facts(handbook: Handbook) -> list[Finding]:
    """A fact is printed the same everywhere only if it is plain words."""
    findings = []
    for where, text in _texts(handbook.home.facts, ""):
        if marks := sorted({c for c in text if c in MARKUP}, key=MARKUP.index):
            findings.append(error(
                "home-facts", handbook.home.file_of(where),
                f"{where} holds {' '.join(marks)}, which a page would read as markup, while the PDF's cover and the "
                "copy's file names print the fact as it is written", f"write {where} as plain words, without {MARKUP}",
                field=where))
        if invisible := invisible_characters(text):
            findings.append(error(
                "home-facts", handbook.home.file_of(where),
                f"{where} holds an invisible character ({', '.join(invisible)}): it reads like another text but is not "
                "the same, so a check comparing it (one home's name or URN with another's) would miss it",
                f"type {where} again, without it", field=where))
        if controls := [c for c in control_characters(text) if c not in invisible]:
            findings.append(error(
                "home-facts", handbook.home.file_of(where),
                f"{where} holds {', '.join(controls)}, a control character: printed, it can rewrite the line around it",
                f"type {where} again as plain words, without it", field=where))
    return findings


def _texts(value, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, Facts):
        for key, item in value.items():
            yield from _texts(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{where}[{index}]")
    elif isinstance(value, Placeholder):
        yield where, value.description
    elif isinstance(value, str):
        yield where, value


def check_home_facts(handbook: Handbook) -> list[Finding]:
    return _markup_in_facts(handbook) + _registration_dates(handbook) + _placeholders(handbook)


def _registration_dates(handbook: Handbook) -> list[Finding]:
    """The registration's dates record what happened: neither is after today, and the home was
    registered after it applied. The copies for Ofsted print them on their covers."""
    registration = handbook.home.registration
    file = handbook.home.file_of("registration")
    findings = []

    def line(name: str) -> int | None:
        path = handbook.root / file
        return line_of(path.read_text(encoding="utf-8"), f"registration.{name}") if path.is_file() else None

    for name, day in (("applied_on", registration.applied_on), ("registered_on", registration.registered_on)):
        if day is not None and day > handbook.today:
            findings.append(error(
                "home-facts", file,
                f"registration.{name} is {long_date(day)}, which is after today ({long_date(handbook.today)})",
                "write the date it really happened: the day the application was sent (applied_on), or the date on "
                "the registration certificate (registered_on)", field=f"registration.{name}", line=line(name)))
    if registration.applied_on and registration.registered_on and registration.registered_on < registration.applied_on:
        findings.append(error(
            "home-facts", file,
            f"registration.registered_on ({long_date(registration.registered_on)}) is before applied_on "
            f"({long_date(registration.applied_on)}): a home is registered after it applies",
            "correct the date that is wrong", field="registration.registered_on", line=line("registered_on")))
    return findings


def _placeholders(handbook: Handbook) -> list[Finding]:
    """A fact still to confirm may appear in a draft (a warning); a document the home has
    approved stands behind every word it prints, so printing one there is an error, and so is
    a page of the site (docs/) printing one once the home is registered: staff caring for children
    rely on it (the home page gives the numbers to call first). Each is reported on the file it is
    written in: data/home.yml, or for a provider's home its homes/<id>/home.yml or, for what every
    home shares, data/provider.yml."""
    placeholders = handbook.home.placeholders
    if not placeholders:
        return []
    findings = []
    by_file: dict[str, list[str]] = {}
    for where, needed in placeholders:
        facts_file = handbook.home.file_of(where)
        by_file.setdefault(facts_file, []).append(where)
        approved = sorted(path for path, printed in handbook.printed.items()
                          if where in printed and (d := handbook.document(path)) is not None and d.in_force)
        pages = sorted(path for path, printed in handbook.printed.items()
                       if where in printed and path.startswith(f"{DOCS_DIR}/")) if handbook.home.registration.registered else []
        if approved:
            findings.append(error(
                "home-placeholder", facts_file,
                f"{where} is still to confirm ({needed}) but approved documents print it: {', '.join(approved)}",
                f"write the confirmed fact in {facts_file}, or return those documents to draft until it is known",
                field=where))
        if pages:
            findings.append(error(
                "home-placeholder", facts_file,
                f"{where} is still to confirm ({needed}) but the home is registered and pages of its site print it: "
                f"{', '.join(pages)}", f"write the confirmed fact in {facts_file}: staff rely on those pages now "
                "(or take the fact off them until it is known)", field=where))
    for facts_file, places in by_file.items():
        findings.append(warning("home-placeholder", facts_file,
                                f"{len(places)} facts about the home are not known yet: {', '.join(places)}",
                                "replace each {to_confirm: ...} with the real fact once it is confirmed"))
    return findings
