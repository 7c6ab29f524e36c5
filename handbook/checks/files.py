"""What may be in the folders the site is built from: an allowlist, not whatever lies there.
Only governed documents, the site's own pages and assets, and the theme's templates reach the
site and the inspector copy; any other file, and any symbolic link, is an error naming it.

- policies/ and statement-of-purpose/: governed documents (.md) only;
- docs/: the site's pages (.md) and, under docs/assets/, its stylesheets, scripts and images;
- overrides/: the theme's templates (.html).

Names starting with a dot are never read or published, so they are not checked (a symbolic
link always is); in policies/ and statement-of-purpose/ neither are names starting with "_",
which the loader and the site build leave out."""

from __future__ import annotations

from pathlib import PurePosixPath

from handbook.model.documents import GOVERNED_FOLDERS
from handbook.model.findings import Finding, error
from handbook.model.handbook import Handbook
from handbook.model.provider import shared_path
from handbook.sources.files import PICTURE_FORMATS, SourceFile, name_problem, same_name

ASSETS = "docs/assets/"
ASSET_TYPES = (".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".webp")
TEMPLATES = "overrides/"
# The theme's templates are .html, and the sitemap's, which MkDocs renders rather than copies.
SITEMAP_TEMPLATE = TEMPLATES + "sitemap.xml"


def publishable(path: str) -> bool:
    """May this file (relative to the repository root) be published in the site? A provider's
    home folder (homes/<id>/policies/, homes/<id>/statement-of-purpose/) is a governed folder."""
    path = shared_path(path)
    folder = path.split("/", 1)[0]
    if folder in GOVERNED_FOLDERS:
        return path.endswith(".md")
    if folder == "docs":
        return path.endswith(".md") or (path.startswith(ASSETS) and path.lower().endswith(ASSET_TYPES))
    if path.startswith(TEMPLATES):
        return path.endswith(".html") or path == SITEMAP_TEMPLATE
    return False


def ignored(path: str) -> bool:
    """Never read, never published: hidden names, and "_" names in the governed folders."""
    parts = PurePosixPath(shared_path(path)).parts
    if any(part.startswith(".") for part in parts):
        return True
    return parts[0] in GOVERNED_FOLDERS and any(part.startswith("_") for part in parts[1:])


def check_files(handbook: Handbook) -> list[Finding]:
    return [finding for file in handbook.files if (finding := _finding(file)) is not None] + _same_names(handbook)


def _same_names(handbook: Handbook) -> list[Finding]:
    """Two files whose names differ only in capitals or in how an accent is written: unzipped on
    Windows or a Mac, one page of the inspectors' copy would replace the other."""
    findings: list[Finding] = []
    seen: dict[str, str] = {}  # same_name(where the file is in the built copy) -> the first path with it
    for file in handbook.files:
        if ignored(file.path) or file.path.startswith("overrides/"):
            continue
        first = seen.setdefault(same_name(_built(file.path)), file.path)
        if first == file.path:
            continue
        if same_name(first) == same_name(file.path):
            problem = f"its name differs from {first} only in capitals or in how an accent is written"
        else:  # docs/Policies/x.md beside policies/x.md: two pages Policies/x.html and policies/x.html
            problem = (f"its page, {_built(file.path)}, differs from the page of {first} only in capitals or in how "
                       "an accent is written")
        findings.append(error("files", file.path, f"{problem}: copied to Windows or a Mac, one would replace the other",
                              "rename one of them"))
    return findings


def _built(path: str) -> str:
    """Where a file is in the built site and copy: docs/ is the site's root, and a page is .html."""
    path = path.removeprefix("docs/")
    return path.removesuffix(".md") + ".html" if path.endswith(".md") else path


def _finding(file: SourceFile) -> Finding | None:
    if file.kind == "symlink":
        return error("files", file.path,
                     "a symbolic link, which the handbook never follows: it could bring a file from outside the "
                     "repository into the site and the inspector copy",
                     "put the file itself here, or remove the link")
    if ignored(file.path):
        return None
    if problem := name_problem(file.path):
        return error("files", file.path, f"{problem}, so the inspector copy cannot hold it",
                     "rename it with letters, digits, - and _")
    if file.kind != "file":
        return error("files", file.path, "not a regular file (a device, a pipe or a socket)", "remove it")
    if publishable(file.path):
        return _picture_finding(file)
    folder = shared_path(file.path).split("/", 1)[0]
    if folder in GOVERNED_FOLDERS:
        return error("files", file.path,
                     f"not a governed document: {folder}/ holds only documents written in Markdown (.md), and a "
                     "file of any other type would be published as it is",
                     "remove it, or keep it outside the handbook's folders; a picture belongs in docs/assets/images/")
    if folder == "docs":
        return error("files", file.path,
                     "docs/ holds the site's pages (.md) and, under docs/assets/, its stylesheets, scripts and "
                     f"pictures ({', '.join(ASSET_TYPES)}); this file is neither and would be published as it is",
                     "remove it, or keep it outside the handbook's folders")
    return error("files", file.path, "overrides/ holds only the theme's templates (.html, and sitemap.xml); this file would be "
                 "published as it is", "remove it, or keep it outside the handbook's folders")


def _picture_finding(file: SourceFile) -> Finding | None:
    named = PICTURE_FORMATS.get(PurePosixPath(file.path).suffix.lower())
    if file.holds is None or named is None or file.holds == named:
        return None
    held = f"a {file.holds} picture" if file.holds else "no picture Pillow can read (an SVG drawing, for example)"
    return error("files", file.path,
                 f"its name says it is a {named} picture, but it holds {held}: a browser would show it broken while "
                 "the inspectors' PDF could draw what it holds, so readers would not all see the same",
                 f"save the picture as {named}, or give it the name of the format it is in")
