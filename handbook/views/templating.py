"""The handbook's own templates (handbook/views/templates): trusted markup, fed by plain data.

One environment, with `StrictUndefined` (a misspelt field is an error, never an empty cell)
and autoescaping for HTML templates (`*.html`). Markdown templates (`*.md`) escape every
value with the `text` filter: the one rule for text inside Markdown, including table cells.
These templates are never given to documents: documents render in the sandbox of
handbook/loading/rendering.py."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

import jinja2

from handbook.sources.clock import long_date

TEMPLATES = Path(__file__).resolve().parent / "templates"


# What Markdown would read as syntax in the middle of a line: code, emphasis, links and images
# ([ ]), attribute lists ({ }); escaped with a backslash, as Python-Markdown allows.
_MARKDOWN_MARKS = re.compile(r"([\\`*~\[\]{}])")
_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def markdown_text(value: object) -> str:
    """Text to show as it is inside Markdown (a paragraph, a list item or a table cell): HTML
    is escaped, so a title can never become markup; no character starts emphasis or code; and
    `|` and line breaks cannot break a table row."""
    text = html.escape(str(value), quote=False)
    text = _EDGE_UNDERSCORE.sub(r"\\_", _MARKDOWN_MARKS.sub(r"\\\1", text))
    return text.replace("|", "&#124;").replace("\n", " ")


def and_list(items: Iterable[object]) -> str:
    """"a", "a and b", "a, b and c"."""
    words = [str(item) for item in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def full_stop(text: object) -> str:
    text = str(text).rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def link_from(page_path: str, target_path: str) -> str:
    """A relative link from one source file to another, percent-encoded (a file name may hold
    spaces, quotes or brackets)."""
    return quote(posixpath.relpath(target_path, posixpath.dirname(page_path) or "."), safe="/#")


def page_url(page_path: str, target_path: str) -> str:
    """The address of the page built from `target_path`, relative to the page built from
    `page_path`, as MkDocs writes it with `use_directory_urls: false` (mkdocs.yml): for links in
    ready HTML, which MkDocs does not rewrite."""
    link = link_from(page_path, target_path)
    path, hash_mark, anchor = link.partition("#")
    return (path.removesuffix(".md") + ".html" if path.endswith(".md") else path) + hash_mark + anchor


_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_environment.filters.update(text=markdown_text, long_date=long_date, and_list=and_list, full_stop=full_stop)
_environment.globals.update(link_from=link_from)


def render(template: str, **data: object) -> str:
    return _environment.get_template(template).render(**data)
