"""Jinja for documents, made safe: one sandboxed environment and one set of variables,
used by mkdocs-macros at build time and by `handbook check` to find template errors
before anything is published."""

from __future__ import annotations

import datetime as dt
import re

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .findings import Finding, error
from .handbook import Handbook
from .home import Facts, Placeholder, printing

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


def template_variables(handbook: Handbook) -> dict:
    """Everything a page may use in {{ ... }}: the home's facts and the handbook's views."""
    from . import views
    from .editions import inspector_edition

    edition = "inspector" if inspector_edition() else "staff"
    return {"home": handbook.home.facts, "edition": edition, **views.page_macros(handbook)}


def _pages(handbook: Handbook):
    """(path, text, first line of text in the file, page variables, document or None)."""
    for document in handbook.documents:
        if document.readable:
            yield document.path, document.body, document.body_first_line, document.meta, document
    docs = handbook.root / DOCS_DIR
    for path in sorted(docs.rglob("*.md")) if docs.is_dir() else []:
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


def check_templates(handbook: Handbook) -> list[Finding]:
    """Render every page's own text in the sandbox. The handbook's views (such as
    {{ review_schedule() }}) are trusted code that the site build runs; here they are
    stood in for, so a check stays quick and still catches a misspelt or unsafe call."""
    from .checks import SECTION_MAPS

    variables = {name: _not_run if callable(value) else value
                 for name, value in template_variables(handbook).items()}
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
                problem = _try(lambda: setattr(document, "rendered",
                                               environment.from_string(text).render(page_variables)))
            elif "{%" in text or "{#" in text or "{{" in _JINJA.sub("", text):
                problem = _try(lambda: environment.from_string(jinja_skeleton(text)).render(page_variables))
            else:  # only complete {{ expressions }}: check each distinct one once
                for match in _JINJA.finditer(text):
                    key = (match.group(0), frozenset(meta))
                    if key not in seen:
                        with printing() as by_expression:
                            outcome = _try(lambda: environment.from_string(match.group(0)).render(page_variables))
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


def _try(render) -> Exception | None:
    try:
        render()
    except Exception as exc:  # reported as a finding: a page's text must never crash the checks
        return exc
    return None


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
        return sandboxed_environment(functions=[v for v in variables.values() if callable(v)]).from_string(
            document.body).render({**document.meta, **variables})
    except Exception:
        return document.body
