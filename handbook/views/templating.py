"""The handbook's own templates (handbook/views/templates): trusted markup, fed by plain data.

One environment, with `StrictUndefined` (a misspelt field is an error, never an empty cell)
and autoescaping for HTML templates (`*.html`). Markdown templates (`*.md`) escape every
value with the `text` filter: the one rule for text inside Markdown, including table cells.
These templates are never given to documents: documents render in the sandbox of
handbook/loading/rendering.py."""

from __future__ import annotations

import html
import posixpath
from pathlib import Path

import jinja2

from handbook.sources.clock import long_date

TEMPLATES = Path(__file__).resolve().parent / "templates"


def markdown_text(value: object) -> str:
    """Text to show inside Markdown (a paragraph, a list item or a table cell): HTML is
    escaped, so a title can never become markup, and `|` and line breaks cannot break a
    table row."""
    return html.escape(str(value), quote=False).replace("|", "&#124;").replace("\n", " ")


def link_from(page_path: str, target_path: str) -> str:
    """A relative link from one source file to another."""
    return posixpath.relpath(target_path, posixpath.dirname(page_path) or ".")


_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_environment.filters.update(text=markdown_text, long_date=long_date)
_environment.globals.update(link_from=link_from)


def render(template: str, **data: object) -> str:
    return _environment.get_template(template).render(**data)
