"""Jinja for documents, made safe: one sandboxed environment and one set of variables,
used by mkdocs-macros at build time and by `handbook check` to find template errors
before anything is published."""

from __future__ import annotations

import datetime as dt

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .findings import Finding, error
from .handbook import Handbook
from .home import Facts, Placeholder

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


def check_templates(handbook: Handbook) -> list[Finding]:
    """Render every page's own text in the sandbox. The handbook's views (such as
    {{ review_schedule() }}) are trusted code that the site build runs; here they are
    stood in for, so a check stays quick and still catches a misspelt or unsafe call."""
    variables = {name: _not_run if callable(value) else value
                 for name, value in template_variables(handbook).items()}
    environment = sandboxed_environment(functions=[_not_run])
    findings = []
    for path, text, first_line, meta, document in _pages(handbook):
        if "{{" not in text and "{%" not in text:
            if document is not None:
                document.rendered = text
            continue
        try:
            rendered = environment.from_string(text).render({**meta, **variables})
            if document is not None:
                document.rendered = rendered
        except SecurityError as exc:
            findings.append(error(
                "template", path, f"a {{{{ }}}} expression tries to reach Python internals, which is not allowed ({exc})",
                "remove it; documents may only use the handbook's facts, such as {{ home.name }}"))
        except jinja2.UndefinedError as exc:
            findings.append(error(
                "template", path, f"a {{{{ }}}} expression uses something that does not exist ({exc.message})",
                "check the spelling against data/home.yml (for example {{ home.contacts.ofsted.phone }}), "
                "or remove the braces"))
        except jinja2.TemplateSyntaxError as exc:
            findings.append(error(
                "template", path, f"a {{{{ }}}} or {{% %}} expression is not complete ({exc.message})",
                "close every {{ with }} and every {% with %}; to show braces as text, put them between "
                "{% raw %} and {% endraw %}", line=(exc.lineno or 1) + first_line - 1))
        except Exception as exc:  # a macro failed on this page's input: report it, never crash
            findings.append(error(
                "template", path, f"a {{{{ }}}} expression failed ({type(exc).__name__}: {exc})",
                "check the expression's arguments, or remove it"))
    return findings


def render_text(handbook: Handbook, document) -> str:
    """A document's text with its facts filled in, for showing; the raw text if it no
    longer renders (an old version may use a fact that has since been renamed)."""
    variables = template_variables(handbook)
    try:
        return sandboxed_environment(functions=[v for v in variables.values() if callable(v)]).from_string(
            document.body).render({**document.meta, **variables})
    except Exception:
        return document.body
