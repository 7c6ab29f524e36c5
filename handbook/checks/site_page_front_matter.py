"""The front matter of the site's own pages (docs/): a title and what to hide, nothing else.
MkDocs and the theme print a page's front matter into the page's head and header as it is
(a `description`, a `subtitle`, a `template`, a redirect `location`...), outside the article the
sanitiser reads: a field there could put a script on every page of the intranet. So a page in
docs/ may set only `title` (plain text) and `hide` (parts of the theme to leave out)."""

from __future__ import annotations

import re

from handbook.model.findings import Finding, error
from handbook.model.handbook import DOCS_DIR, Handbook
from handbook.sources.yaml_files import YamlProblem, parse_yaml

SITE_PAGE_FIELDS = ("title", "hide")
HIDEABLE = ("navigation", "toc", "footer", "path", "tags")
PLAIN_TITLE = re.compile(r"[^<>&{}\"`\x00-\x1f\x7f]{1,120}")


# What MkDocs reads as a setting on the first line of a page with no front matter between ---
# lines ("MultiMarkdown" metadata, mkdocs/utils/meta.py): `description: ...` there is taken out
# of the text and printed by the theme into the page's head as it is (a `template` or a redirect
# `location` replaces the page), where neither the check nor the last gate reads it.
MULTIMARKDOWN_SETTING = re.compile(r"[ ]{0,3}([A-Za-z0-9_-]+):")


def check_site_page_front_matter(handbook: Handbook) -> list[Finding]:
    return [finding for path, block in handbook.site_front_matter.items() for finding in _problems(path, block)] + [
        _setting_line(path, setting.group(1), first_line) for path, (text, first_line) in handbook.site_pages.items()
        if path not in handbook.site_front_matter and (setting := MULTIMARKDOWN_SETTING.match(text))]


def _setting_line(path: str, key: str, line: int) -> Finding:
    return error("front-matter", path, f"the page starts with '{key[:40]}:', which MkDocs reads as a setting for the "
                 "theme, not as text: the line would not be shown, and the theme would print it into the page as it is",
                 "put a blank line above it, or start the page with its front matter between --- lines (title and "
                 "hide only)", line=line)


def _problems(path: str, block: str) -> list[Finding]:
    try:
        meta = parse_yaml(block, first_line=2)
    except YamlProblem as problem:
        return [error("front-matter", path, f"its front matter is not valid YAML ({problem.message})",
                      "write it as `title: ...` and `hide: [...]` only", line=problem.line)]
    if meta is None:
        return []
    if not isinstance(meta, dict):
        return [error("front-matter", path, "its front matter is not a set of fields",
                      "write it as `title: ...` and `hide: [...]` only", line=2)]
    findings = []
    lines = block.split("\n")
    for key, value in meta.items():
        line = next((n + 2 for n, text in enumerate(lines) if text.startswith(f"{key}:")), 2)
        if key not in SITE_PAGE_FIELDS:
            findings.append(error(
                "front-matter", path, f"the field '{str(key)[:40]}' is not one a page of the site may set: the theme "
                "would print it into every reader's page as it is", f"remove it; a page in {DOCS_DIR}/ may set only "
                "title and hide", field=str(key), line=line))
        elif key == "title" and not (isinstance(value, str) and PLAIN_TITLE.fullmatch(value)):
            findings.append(error(
                "front-matter", path, "its title is not plain text of up to 120 characters (no <, >, &, braces, "
                "quotes or backticks)", "write the title as plain words", field="title", line=line))
        elif key == "hide" and not (isinstance(value, list) and all(v in HIDEABLE for v in value)):
            findings.append(error(
                "front-matter", path, f"hide lists something the theme cannot hide (it may list {', '.join(HIDEABLE)})",
                "list only those", field="hide", line=line))
    return findings
