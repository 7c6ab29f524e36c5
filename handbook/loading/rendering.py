"""Jinja for documents, made safe: one sandboxed environment and one set of variables,
used by mkdocs-macros at build time and, while loading, to render every page once: that
finds template errors before anything is published, fills in the text the section maps
read, and notes which facts still to confirm each page prints."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from handbook.model.findings import Finding, error
from handbook.model.handbook import Handbook
from handbook.model.home import Facts, Placeholder, printing
from handbook.model.registry import SECTION_MAPS
from handbook.sources.edition import edition_name

DOCS_DIR = "docs"


class HandbookUndefined(jinja2.StrictUndefined):
    """Any use of a name that does not exist is an error, worded for the page's author."""

    @property
    def _undefined_message(self) -> str:
        owner = self._undefined_obj
        if isinstance(owner, Facts):
            return f"'{owner.where}.{self._undefined_name}' is not in data/home.yml"
        return super()._undefined_message


class HandbookSandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, narrowed to what documents need: attributes of plain values and of
    the home's facts only (never of modules, MkDocs objects or files), and calls only to the
    handbook's own page functions and to methods of plain values such as text."""

    SAFE_VALUES = (Facts, Placeholder, str, int, float, bool, list, tuple, dict, dt.date, type(None))

    def __init__(self, *args, functions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.functions = list(functions)

    def is_safe_attribute(self, obj, attr, value) -> bool:
        return isinstance(obj, self.SAFE_VALUES) and super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if any(obj is function for function in self.functions):
            return True
        owner = getattr(obj, "__self__", None)
        return isinstance(owner, self.SAFE_VALUES) and not isinstance(owner, type)


def sandboxed_environment(loader=None, functions=()) -> jinja2.Environment:
    """No attribute starting with an underscore, no calls into Python internals, no
    changing data: text in a policy cannot run code on the build machine."""
    return HandbookSandbox(loader=loader, undefined=HandbookUndefined, functions=functions)


# The handbook's page functions, such as {{ review_schedule() }} on docs/review-schedule.md.
# The views provide them to the site build (handbook.views.pages.page_functions); while
# loading, each is stood in for, so a check stays quick and still catches a misspelt call.
PAGE_FUNCTIONS = ("status_report", "regulation_map", "review_schedule", "topics")


def template_variables(handbook: Handbook, functions: dict[str, Callable[[], str]] | None = None) -> dict:
    """Everything a page may use in {{ ... }}: the home's facts, the edition and the page
    functions (stand-ins unless the real ones are given)."""
    functions = functions if functions is not None else {name: _not_run for name in PAGE_FUNCTIONS}
    return {"home": handbook.home.facts, "edition": edition_name(), **functions}


def _pages(handbook: Handbook):
    """(path, text, first line of text in the file, page variables, document or None)."""
    for document in handbook.documents:
        if document.readable:
            yield document.path, document.body, document.body_first_line, document.meta, document
    docs = handbook.root / DOCS_DIR
    for path in sorted(docs.rglob("*.md")) if docs.is_dir() and not docs.is_symlink() else []:
        if path.is_symlink():  # never read through a link (it could be /dev/zero): the files check refuses it
            continue
        text = path.read_text(encoding="utf-8")
        yield path.relative_to(handbook.root).as_posix(), text, 1, {}, None


def _not_run(*args, **kwargs) -> str:
    return ""


_RAW_BLOCK = r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}"
_JINJA = re.compile(rf"({_RAW_BLOCK}|\{{\{{.*?\}}\}}|\{{%.*?%\}}|\{{#.*?#\}})", re.DOTALL)


_OPENERS = ("{{", "{%", "{#")


def jinja_skeleton(text: str) -> str:
    """Only the Jinja in `text`, with the prose between reduced to its line breaks: it
    renders with the same errors, on the same lines, in a fraction of the time. Prose
    holding a stray opener (an unclosed {{) is kept, so Jinja still reports it."""
    parts = _JINJA.split(text)
    return "".join(part if index % 2 or any(o in part for o in _OPENERS) else "\n" * part.count("\n")
                   for index, part in enumerate(parts))


def render_pages(handbook: Handbook) -> list[Finding]:
    """Render every page's own text in the sandbox, with stand-ins for the page functions.
    Fills in `rendered` for the documents whose sections are mapped, and `handbook.printed`
    with the facts still to confirm each page prints; returns a finding per broken page."""
    variables = template_variables(handbook)
    environment = sandboxed_environment(functions=[_not_run])
    mapped_kinds = {kind for kind, _, _ in SECTION_MAPS.values()}
    seen: dict[tuple, tuple[Exception | None, set]] = {}  # the same {{ expression }} is checked once per run
    findings = []
    for path, text, first_line, meta, document in _pages(handbook):
        if "{{" not in text and "{%" not in text:
            if document is not None and document.meta.get("kind") in mapped_kinds:
                document.rendered = text
            continue
        page_variables = {**meta, **variables}
        problem, line = None, None
        with printing() as printed:
            if document is not None and document.meta.get("kind") in mapped_kinds:
                # The section maps check this document's headings: render it in full.
                problem, document.rendered = _render(environment, text, page_variables)
            elif "{%" in text or "{#" in text or "{{" in _JINJA.sub("", text):
                problem, _ = _render(environment, jinja_skeleton(text), page_variables)
            else:  # only complete {{ expressions }}: check each distinct one once
                for match in _JINJA.finditer(text):
                    key = (match.group(0), frozenset(meta))
                    if key not in seen:
                        with printing() as by_expression:
                            outcome, _ = _render(environment, match.group(0), page_variables)
                        seen[key] = (outcome, by_expression)
                    printed |= seen[key][1]
                    if seen[key][0] is not None:
                        problem, line = seen[key][0], text.count("\n", 0, match.start()) + 1
                        break
        if printed:
            handbook.printed[path] = printed
        if problem is not None:
            findings.append(_template_finding(path, problem, line, first_line))
    return findings


def _render(environment: jinja2.Environment, text: str, variables: dict) -> tuple[Exception | None, str | None]:
    """(the problem, None) or (None, the rendered text)."""
    try:
        return None, environment.from_string(text).render(variables)
    except Exception as exc:  # reported as a finding: a page's text must never crash the checks
        return exc, None


def _template_finding(path: str, exc: Exception, line: int | None, first_line: int) -> Finding:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        line = exc.lineno if line is None else line
    where = {"line": line + first_line - 1} if line else {}
    if isinstance(exc, SecurityError):
        return error("template", path,
                     f"a {{{{ }}}} expression tries to reach Python internals, which is not allowed ({exc})",
                     "remove it; documents may only use the handbook's facts, such as {{ home.name }}", **where)
    if isinstance(exc, jinja2.UndefinedError):
        return error("template", path, f"a {{{{ }}}} expression uses something that does not exist ({exc.message})",
                     "check the spelling against data/home.yml (for example {{ home.contacts.ofsted.phone }}), "
                     "or remove the braces", **where)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return error("template", path, f"a {{{{ }}}} or {{% %}} expression is not complete ({exc.message})",
                     "close every {{ with }} and every {% with %}; to show braces as text, put them between "
                     "{% raw %} and {% endraw %}", **where)
    return error("template", path, f"a {{{{ }}}} expression failed ({type(exc).__name__}: {exc})",
                 "check the expression's arguments, or remove it", **where)


def render_text(handbook: Handbook, document) -> str:
    """A document's text with its facts filled in, for showing; the raw text if it no
    longer renders (an old version may use a fact that has since been renamed)."""
    variables = template_variables(handbook)
    try:
        return sandboxed_environment(functions=[_not_run]).from_string(
            document.body).render({**document.meta, **variables})
    except Exception:
        return document.body
