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

ALLOWED = ("title", "hide")
HIDEABLE = ("navigation", "toc", "footer", "path", "tags")
PLAIN_TITLE = re.compile(r"[^<>&{}\"`\x00-\x1f\x7f]{1,120}")


def check_site_page_front_matter(handbook: Handbook) -> list[Finding]:
    return [finding for path, block in handbook.site_front_matter.items() for finding in _problems(path, block)]


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
        if key not in ALLOWED:
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
