"""MkDocs events for the handbook (listed under `hooks:` in mkdocs.yml): the only module that
imports MkDocs. Kept short: the work is done by the rest of the `handbook` package.

- governed documents in policies/ and statement-of-purpose/ join the site in place;
- Jinja runs in a sandbox and a template error fails the build;
- findings are logged one per line; any error stops `mkdocs build`, while `mkdocs serve`
  keeps serving and shows them on the pages and the status page;
- only the files the allowlist names (handbook/checks/files.py) reach the site;
- every page's article passes the sanitiser gate (handbook/views/safe_html.py) or the build fails.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import html
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from markupsafe import escape
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from handbook.checks.files import publishable
from handbook.checks.provider import check_provider
from handbook.checks.site_page_front_matter import SITE_PAGE_FIELDS
from handbook.loading.rendering import (
    PageRenderer,
    calls_page_functions,
    has_template_syntax,
    render_text,
    rendered_as_given,
    template_finding,
)
from handbook.model.documents import GOVERNED_FOLDERS
from handbook.model.findings import one_line
from handbook.model.handbook import DOCS_DIR, Handbook
from handbook.model.provider import HOME_FACTS, HOMES_DIR, other_homes_texts, shared_path
from handbook.model.reserved import ANCHOR
from handbook.sources.edition import inspector_edition, public_edition
from handbook.sources.errors import HandbookError
from handbook.sources.files import PICTURE_FORMATS
from handbook.sources.git import NotARepository, ShallowClone
from handbook.sources.letters import never_used_alphabet
from handbook.style.readability import prepare as prepare_readability
from handbook.views.document_links import document_links_for
from handbook.views.document_page import UNPLACED, document_details, document_top, search_tags, sections_not_made
from handbook.views.editions import (
    COPIES_FOLDER,
    COPY_PAGE,
    PUBLIC_HOME,
    VALID_AS_OF_SCRIPT,
    copy_page,
    copy_stamp,
    document_copy_name,
    ofsted_copy_due,
    pictures_not_named,
    public_home,
    readable_text,
    shown_on_website_alone,
    staff_only,
    withheld_fact_in,
    written_text,
)
from handbook.views.feeds import CALENDAR_NAME, JSON_NAME, review_calendar, review_json
from handbook.views.history import load_histories
from handbook.views.provider import PROVIDER_PAGE, PROVIDER_TITLE, provider_page, relink
from handbook.views.safe_html import PageGate, Removed, article_content, removed_by_sanitiser, text_only
from handbook.views.site_pages import findings_banner, page_functions, refused_page
from handbook.views.templating import ReadyHtml, link_from

log = logging.getLogger("handbook")
if not log.handlers:  # our own handler: handbook warnings must never trip `mkdocs build --strict`
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(levelname)-8s -  %(message)s"))
    log.addHandler(_handler)
    log.propagate = False
    log.setLevel(logging.INFO)

_command = {"name": "build"}
DATES_PLUGIN_KEY = "git_revision_date_localized"  # what mkdocs-git-revision-date-localized-plugin sets, before the hooks run
_build: dict = {}  # per-build state: the documents' git histories, the pages the sanitiser refused


def on_startup(command, dirty):
    _command["name"] = command
    _command["dirty"] = dirty


# --- `make serve`: rebuild what a change touches ----------------------------------------------
# `mkdocs serve --dirty` rebuilds only the pages whose files changed. The handbook adds what
# depends on them: a page that lists every document (status, review schedule, regulation map,
# topics) when what it shows changed, every page whose findings changed, every page when the navigation changed (a title,
# a topic, a document added or removed), and everything when the code, the configuration, the
# data or the theme changed (the handbook's modules are then imported afresh). The handbook is
# loaded and checked in full on every rebuild, so every finding is current.
_WHOLE_SITE = ("handbook", "macros", "data", "overrides", "mkdocs.yml")


def _whole_site_stamp(root: str) -> dict[str, int]:
    """The modification time of every file every page depends on (for a provider, each home's
    facts too: another home's show on the provider's page, and this home's on every page)."""
    stamp = {}
    homes = os.path.join(root, HOMES_DIR)
    facts = [os.path.join(HOMES_DIR, home, HOME_FACTS) for home in sorted(os.listdir(homes))] if os.path.isdir(homes) else []
    for name in (*_WHOLE_SITE, *facts):
        path = os.path.join(root, name)
        for dirpath, dirnames, filenames in os.walk(path) if os.path.isdir(path) else [("", [], [path])]:
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for filename in filenames:
                with contextlib.suppress(OSError):
                    stamp[os.path.join(dirpath, filename)] = os.stat(os.path.join(dirpath, filename)).st_mtime_ns
    return stamp


def on_serve(server, config, builder):
    """`mkdocs serve` reloads when a governed document changes, in whichever folders this handbook
    has; a change to code, data or the theme rebuilds everything with fresh imports."""
    root = os.path.dirname(os.path.abspath(config.config_file_path))
    for folder in (*GOVERNED_FOLDERS, HOMES_DIR):
        if os.path.isdir(os.path.join(root, folder)):
            server.watch(os.path.join(root, folder))
    site_dir = config.site_dir
    _build["stamp"] = _whole_site_stamp(root)
    build = server.builder

    def rebuild(*args, **kwargs):
        stamp = _whole_site_stamp(root)
        if stamp != _build.get("stamp"):
            _build["stamp"] = stamp
            # `mkdocs serve` keeps imported packages: drop ours so edits to macros/ and handbook/ take effect,
            # and build every page again.
            for name in [n for n in sys.modules if n.split(".")[0] in ("macros", "handbook")]:
                del sys.modules[name]
            _build.pop("shape", None)
            if _command.get("dirty"):
                shutil.rmtree(site_dir, ignore_errors=True)
        return build(*args, **kwargs)

    server.builder = rebuild
    # A saved document is graded again for the review schedule: load the dictionary now, while idle.
    threading.Thread(target=prepare_readability, daemon=True).start()
    return server


def _shape(handbook: Handbook) -> tuple:
    """What every page's navigation shows of the documents."""
    return tuple((d.path, d.title, tuple(d.tags[:1]) if d.valid else (), d.status if d.valid else "")
                 for d in handbook.documents)


def _dirty_rebuild(files, handbook: Handbook, site_dir: str) -> None:
    """Mark for rebuilding (by removing their built copy: MkDocs rebuilds a page it cannot
    find) the pages that depend on a changed document, besides the changed pages themselves:
    a page listing every document when what it lists changed (its text is rendered here to
    see), a page whose findings changed, and every page when the navigation changed."""
    shape = _shape(handbook)
    findings: dict[str, list[str]] = {}
    for finding in handbook.findings:
        findings.setdefault(finding.path, []).append(str(finding))
    whole = _build.get("shape") != shape
    before, views_before = _build.get("findings", {}), _build.get("views", {})
    views: dict[str, str | None] = {}
    _build["shape"], _build["findings"], _build["views"] = shape, findings, views
    if whole:  # every page again, and nothing left of a page that is gone
        shutil.rmtree(site_dir, ignore_errors=True)
    renderer = PageRenderer(handbook, page_functions(handbook))  # each view whole (its tables in place), to compare
    for file in files.documentation_pages():
        path = _source_path(handbook, file.src_uri)
        changed = whole or before.get(path) != findings.get(path)
        if path in handbook.site_pages and calls_page_functions(handbook.site_pages[path][0]):
            views[path] = renderer.attempt(handbook.site_pages[path][0])[1]
            changed = changed or views[path] is None or views_before.get(path) != views[path]
        if changed:
            with contextlib.suppress(OSError):
                os.remove(file.abs_dest_path)


def _serving() -> bool:
    return _command["name"] == "serve"


def _handbook(config) -> Handbook:
    return config.plugins["macros"].handbook


def on_config(config):
    macros = config.plugins["macros"]
    problem = getattr(macros, "handbook_problem", None)
    if problem is not None:  # a data file could not be used at all: say so in one line
        raise PluginError(one_line(str(problem)))
    handbook = _handbook(config)
    if public_edition() and handbook.home_id is not None:  # as `handbook publish` refuses a provider's handbook
        raise PluginError(f"HANDBOOK_EDITION=public: the public website is made for a single home's handbook; "
                          f"a provider's home ({handbook.home_id}) has none yet - build its staff site or its "
                          "inspector copy instead")
    _finish_gate()  # a gate left by an earlier build (`make serve` rebuilds in this process)
    _build["refused"] = []
    _build["gate"] = PageGate(len(handbook.documents) + len(handbook.site_pages),
                              beside=not _serving() and not public_edition())
    # mkdocs-macros renders each page and its title with its own Jinja environment and its own
    # variables (config, page, git, environment...). Pages are rendered by the handbook's
    # renderer instead: the sandbox and the variables the check used, and nothing else.
    # Ready HTML kept out of the pages' Markdown (handbook/views/templating.py): the regulation
    # map's tables go back in before search reads the page; the review schedule's and the topics'
    # tables, and each document's control and history, after it (search leaves them out).
    _build["searched"], _build["unsearched"], _build["details"] = ReadyHtml(), ReadyHtml(), ReadyHtml()
    _build["ready"], _build["listed_after_search"] = {}, {}
    renderer = _build["renderer"] = PageRenderer(handbook, page_functions(
        handbook, searched=_build["searched"], unsearched=_build["unsearched"]))
    _build["text_renderer"] = PageRenderer(handbook)  # for old versions' text, once per build
    macros._env = renderer.environment
    macros.render = lambda markdown, force_rendering=False: _render_page(macros, handbook, renderer, markdown)

    try:  # the public website shows no history from git (it would name the people who edited)
        _build["histories"] = {} if public_edition() else load_histories(handbook.root, handbook.documents)
    except NotARepository as problem:  # a copy outside git still builds, without the pages' history
        log.warning(str(problem))
        _build["histories"] = {}
    except ShallowClone as problem:
        if not _serving():
            raise PluginError(str(problem)) from None
        log.warning(str(problem))
        _build["histories"] = {}
    config.nav = expand_nav(config.nav, handbook)
    # A link to a document the edition leaves out (a draft in a final inspector copy, a staff
    # document on the website) becomes its text; a link to a draft or retired document says so.
    _build["document_links"] = document_links_for(handbook)
    config.markdown_extensions.append(_build["document_links"])
    if inspector_edition():
        config.nav = _inspector_nav(config.nav) + [{"About this copy": COPY_PAGE}]
        config.extra_javascript.append(VALID_AS_OF_SCRIPT)
        config.site_url = None  # the copy has no home address: no canonical links to the intranet
    elif public_edition():
        config.nav = _public_nav(config.nav)
        config.site_url = None  # no canonical links to the intranet from the public website
    elif handbook.home_id is not None:  # a provider's home: its staff site also shows every home side by side
        config.nav.append({PROVIDER_TITLE: PROVIDER_PAGE})
    for finding in handbook.warnings:
        log.warning(str(finding))
    for finding in handbook.errors:
        log.error(str(finding))
    # A file that must not be published stops even `mkdocs serve`: MkDocs would walk a linked
    # folder, wherever it points, before any page is shown.
    if handbook.errors and (not _serving() or any(f.check == "files" for f in handbook.errors)):
        count = len(handbook.errors)
        raise PluginError(f"the handbook has {count} error{'s' if count != 1 else ''} (listed above); "
                          "nothing was built - fix each one, then build again")
    if not _serving():
        # The loaded handbook lives as long as the build: Python's collector need not walk its
        # objects again at every collection (a second of a build at thousands of documents).
        # Not while serving, where each rebuild loads the handbook anew; and the build's end
        # unfreezes them (on_post_build, on_build_error), for a process that goes on after it.
        gc.freeze()
    return config


def _render_page(macros, handbook: Handbook, renderer: PageRenderer, text: str) -> str:
    """A page's Markdown (or its title) rendered as the check rendered it. A problem the check
    did not already stop the build for stops it here, in one line naming the file; while
    serving, the page shows that line instead."""
    if not has_template_syntax(text):
        # Nothing for Jinja to do (mkdocs-macros' own `render_macros: false`, decided by the
        # text): the page is left as it is. The check has already read it: the content policy
        # applies to every page, and the sandbox renders every page that has template syntax.
        return text
    path = macros.page.file.src_uri
    document = handbook.document(path)
    if document is not None and (loaded := rendered_as_given(handbook, document, text)) is not None:
        return loaded  # as loading rendered it, with the same facts in the same sandbox
    meta = document.meta if document is not None and document.readable else {}
    problem, rendered = renderer.attempt(text, meta, document=document is not None)
    if problem is None:
        return rendered or ""
    finding = template_finding(_source_path(handbook, path), problem)
    if not _serving():
        raise PluginError(str(finding))
    return html.escape(str(finding), quote=False)


def expand_nav(items, handbook):
    """In mkdocs.yml's nav, "policies/*" stands for every governed document in that folder,
    by title, and "policies/* by topic" groups them under their first topic (in the order
    of data/tags.yml), so adding a document never means editing the navigation. With
    Material's navigation.prune, a page then carries only its own topic's entries."""
    if isinstance(items, str) and "/*" in items:
        folder, _, grouping = items.partition("/*")
        documents = sorted((d for d in handbook.documents if shared_path(d.path).startswith(folder + "/")),
                           key=lambda d: d.title.lower())
        # Titles are text: the theme prints navigation titles as HTML, so they are escaped here
        # (as Markup, so the theme's own escaping of the same title in an attribute keeps it once).
        if grouping.strip() != "by topic":
            return [{escape(d.title): d.path} for d in documents]
        topics: dict[str, list[dict]] = {tag: [] for tag in handbook.tags}
        other: list[dict] = []
        for document in documents:
            (topics[document.tags[0]] if document.valid and document.tags else other).append(
                {escape(document.title): document.path})
        grouped = [{escape(tag): _in_groups(entries)} for tag, entries in topics.items() if entries]
        return grouped + ([{"Other documents": _in_groups(other)}] if other else [])
    if isinstance(items, list):
        return [expand_nav(item, handbook) for item in items]
    if isinstance(items, dict):
        return {title: expand_nav(value, handbook) for title, value in items.items()}
    return items


NAV_GROUP_SIZE = 50


def _in_groups(entries: list[dict]) -> list[dict]:
    """A long topic is split into groups of at most NAV_GROUP_SIZE documents, labelled by
    the first letters of their titles ("A to C"), so with navigation.prune a page carries a
    bounded number of links however large the handbook grows."""
    if len(entries) <= NAV_GROUP_SIZE:
        return entries
    groups: list[dict] = []
    seen: dict[str, int] = {}
    for start in range(0, len(entries), NAV_GROUP_SIZE):
        chunk = entries[start:start + NAV_GROUP_SIZE]
        first, last = (escape(html.unescape(next(iter(entry)))[:1].upper()) for entry in (chunk[0], chunk[-1]))
        label = first if first == last else f"{first} to {last}"
        seen[label] = seen.get(label, 0) + 1
        groups.append({label if seen[label] == 1 else f"{label} ({seen[label]})": chunk})
    return groups


def _inspector_nav(items):
    """The nav without the pages that are for staff only."""
    kept = []
    for item in items:
        if isinstance(item, str) and staff_only(item):
            continue
        if isinstance(item, dict):
            title, value = next(iter(item.items()))
            if isinstance(value, list):
                value = _inspector_nav(value)
                if not value:
                    continue
            elif isinstance(value, str) and staff_only(value):
                continue
            item = {title: value}
        kept.append(item)
    return kept


def _public_nav(items):
    """The nav of the public website: its home page and the governed documents it holds."""
    def published(value) -> bool:
        return isinstance(value, str) and (value == PUBLIC_HOME or value.split("/")[0] in GOVERNED_FOLDERS)

    kept = []
    for item in items:
        if isinstance(item, dict):
            title, value = next(iter(item.items()))
            if isinstance(value, list):
                value = _public_nav(value)
                if value:
                    kept.append({title: value})
            elif published(value):
                kept.append({title: value})
        elif published(item):
            kept.append(item)
    return kept


def on_files(files, config):
    root = os.path.abspath(os.path.dirname(config.config_file_path))
    handbook = _handbook(config)
    included = {d.path for d in handbook.documents}
    if public_edition():  # the website's own home page; none of the intranet's pages
        for file in list(files.documentation_pages()):
            files.remove(file)
        files.append(File.generated(config, PUBLIC_HOME, content=public_home(handbook)))
        # nor a picture only they show (a staff document's, a draft's: an attacker's review)
        pictures = _docs_pictures(files, config)
        for picture in pictures_not_named(pictures, [d.body for d in handbook.documents]):
            files.remove(pictures[picture])
    if inspector_edition():
        for file in [f for f in files.documentation_pages() if staff_only(f.src_uri)]:
            files.remove(file)
        files.append(File.generated(config, COPY_PAGE, content=copy_page(handbook)))
    elif handbook.home_id is not None and not public_edition():  # every home's errors: the provider's staff only
        try:  # every home, side by side: another home's data file that cannot be read stops it in one line
            provider = check_provider(handbook.root, handbook.today)
        except HandbookError as problem:
            raise PluginError(one_line(str(problem))) from None
        files.append(File.generated(config, PROVIDER_PAGE, content=provider_page(provider)))
    # The allowlist: a file from docs/ or from the theme's overrides/ that may not be published is
    # left out (the files check has already failed the build for it). The installed theme's own files
    # are not the handbook's, even when the virtual environment lies inside the repository (.venv).
    own_folders = [os.path.abspath(config.docs_dir)] + (
        [os.path.abspath(config.theme.custom_dir)] if config.theme.custom_dir else [])
    for file in list(files):
        source = file.abs_src_path
        if file.generated_by is None and source and any(
                os.path.commonpath([os.path.abspath(source), folder]) == folder for folder in own_folders):
            relative = os.path.relpath(source, root).replace(os.sep, "/")
            linked = os.path.realpath(source) != os.path.join(os.path.realpath(root), *relative.split("/"))
            if not publishable(relative) or linked:
                files.remove(file)
    if handbook.home_id is not None:  # a picture another home's own documents show, and this edition never names
        pictures = _docs_pictures(files, config)
        ours = [d.body for d in handbook.documents] + [text for text, _ in handbook.site_pages.values()]
        theirs = other_homes_texts(handbook.root, handbook.home_id)
        for picture in pictures_not_named(pictures, ours) - pictures_not_named(pictures, theirs):
            files.remove(pictures[picture])
    for folder in (*GOVERNED_FOLDERS, HOMES_DIR):  # homes/: only this home's documents are in `included`
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, folder)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
            for name in sorted(filenames):
                if name.startswith((".", "_")):
                    continue
                relative = os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/")
                if relative not in included:
                    continue  # not a governed document, or left out of this edition (drafts, retired and
                    # staff-only for inspectors)
                if files.get_file_from_path(relative) is not None:
                    raise PluginError(f"{relative} exists in docs/ as well as in {folder}/ - keep only one copy")
                file = File(relative, src_dir=root, dest_dir=config.site_dir,
                            use_directory_urls=config.use_directory_urls)
                files.append(file)
    if not (public_edition() or inspector_edition()):
        due = ofsted_copy_due(handbook)  # the status page links the copy of the revised statement to send
        if due is not None:
            files.append(File.generated(config, f"{COPIES_FOLDER}/{document_copy_name(handbook, due)}",
                                        content=_document_pdf_bytes(handbook, due)))
    if not public_edition():
        files.append(File.generated(config, JSON_NAME, content=review_json(handbook)))
        files.append(File.generated(config, CALENDAR_NAME, content=review_calendar(handbook, config.site_url or "")))
    if _serving() and _command.get("dirty"):
        _dirty_rebuild(files, handbook, config.site_dir)
    return files


def _docs_pictures(files, config) -> dict:
    """The pictures from docs/ (not the theme's own), by their place on the site."""
    docs = os.path.abspath(config.docs_dir)
    return {f.src_uri: f for f in files if PurePosixPath(f.src_uri).suffix.lower() in PICTURE_FORMATS
            and f.abs_src_path and os.path.commonpath([os.path.abspath(f.abs_src_path), docs]) == docs}


def _document_pdf_bytes(handbook: Handbook, document) -> bytes:
    from handbook.export.document_copy import document_pdf  # noqa: PLC0415 - 60 ms: only while a copy is due

    with tempfile.TemporaryDirectory(prefix="handbook-copy-") as folder:
        path = Path(folder) / "copy.pdf"
        document_pdf(handbook, document, path)
        return path.read_bytes()


def _source_path(handbook: Handbook, src_uri: str) -> str:
    """The file a page comes from, as findings name it: a governed document's own path, or a
    page of the site's under docs/."""
    return src_uri if handbook.document(src_uri) is not None else f"{DOCS_DIR}/{src_uri}"


def on_page_markdown(markdown, page, config, files):
    handbook = _handbook(config)
    markdown = relink(handbook, page.file.src_uri, markdown)  # a provider's home: links lead to its documents
    document = handbook.document(page.file.src_uri)
    findings = handbook.findings_for(_source_path(handbook, page.file.src_uri))
    _build["document_links"].page = page.file.src_uri
    if inspector_edition():  # findings are for the team; the copy carries its date stamp instead
        banner = copy_stamp(handbook, link_from(page.file.src_uri, COPY_PAGE))
    elif public_edition():
        banner = ""
    else:
        banner = findings_banner(findings)
    if any(f.check == "front-matter" for f in findings) or (document is not None and not document.valid):
        # Front matter that needs fixing first (shown only by `mkdocs serve`: the build stops):
        # none of it reaches the theme, which prints fields such as `description` as they are.
        page.meta.clear()
    if document is None:  # a page of docs/: the theme is given only what such a page may set (the check refuses
        # more), and the dates plugin's own date of the page's last commit
        for key in [key for key in page.meta if key not in SITE_PAGE_FIELDS and not key.startswith(DATES_PLUGIN_KEY)]:
            del page.meta[key]
    else:  # the theme prints page.meta.title as HTML: a title is text
        page.meta["title"] = escape(document.title)
    if document is None or not document.valid:  # not governed, or its front matter needs fixing first
        return banner + markdown
    if public_edition():
        _refuse_what_the_website_alone_shows(config, handbook, document)
    # Material would show `status` as its page-status icon; it is in document control instead.
    # Material's search weighs a page's `tags` most: they become the words people type to find
    # the document (its search_terms), not its topics (those are on the topics page); escaped, as
    # search shows them in its results as HTML.
    page.meta.pop("status", None)
    page.meta["tags"] = search_tags(document)
    history = _build["histories"].get(document.path)
    renderer = _build["text_renderer"]
    old_text = render_text(handbook, history.previous, renderer) if history and history.previous else None
    new_text = render_text(handbook, document, renderer) if old_text is not None else ""
    details = document_details(handbook, document, history, old_text, new_text,
                               show_editors=not (inspector_edition() or public_edition()), standalone=public_edition(),
                               ready_html=_build["details"])
    _build["ready"][page.file.src_uri] = _build["details"].take()
    return banner + document_top(handbook, document) + markdown + details


def _refuse_what_the_website_alone_shows(config, handbook: Handbook, document) -> None:
    """The public website shows a document as its staff edition does, with passages left out and
    no more (handbook/views/editions.py, shown_on_website_alone): anything else refuses the build."""
    loaded = config.plugins["macros"].handbook_as_loaded
    shown = shown_on_website_alone(render_text(handbook, document),
                                   render_text(dataclasses.replace(loaded, edition="staff"), document),
                                   render_text(dataclasses.replace(handbook, edition="staff"), document))
    if shown is not None:
        line = (f"{document.path}: the public website would show {one_line(shown)}, which the staff edition does not: "
                "a passage left out changes how the text around it reads (a link's reference, a list) - put "
                "{% if edition != \"public\" %} and {% endif %} around whole paragraphs, each with a blank line "
                "before and after")
        log.error(line)
        _build.setdefault("refused", []).append(line)


def on_page_content(html, page, config, files):
    """The regulation map's tables go back into the page, for search to read. Search shows a
    snippet of the text it matched; a table's cells run together there ("Who How to contact
    them ..."), so a document's tables are left out of the search index.
    A page of docs/ is titled by its title's words alone, escaped as a document's title is
    (on_page_markdown): without a title in its front matter it takes its first heading, whose {{ }}
    mkdocs-macros renders into the title as HTML. The theme prints a title as it is in the
    navigation of every page, outside the article the last gate reads, and, when the front matter
    has none, through `striptags` in the page's <title>, which turns escaped text back into markup."""
    _harmless_contents(page.toc)
    document = _handbook(config).document(page.file.src_uri)
    if document is None and page.title:
        page.meta["title"] = page.title = escape(text_only(page.title))
    html = _filled(_build["searched"], html, _build["searched"].take(), page.file.src_uri)
    _build["listed_after_search"][page.file.src_uri] = _build["unsearched"].take()
    if document is None:
        return html
    return html.replace("<table>", "<table data-search-exclude>")


def _harmless_contents(links) -> None:
    """The theme prints each heading's id into the page's contents list and its skip link as it is,
    outside the article the last gate reads. An id the check refuses (a quote in it would end the
    link: handbook/model/reserved.py, ANCHOR) is percent-encoded there, which a browser still
    follows to the heading, for a page built all the same (`make serve` goes on past errors)."""
    for link in links:
        if not ANCHOR.fullmatch(link.id):
            link.id = quote(link.id, safe="")
        _harmless_contents(link.children)


def on_page_context(context, page, config, nav):
    """A document's control and history go into the page after search has read it (MkDocs runs
    the hooks' events after the plugins'): search leaves them out, and need not read them."""
    blocks = _build["ready"].pop(page.file.src_uri, None)
    if blocks:
        page.content, placed = _build["details"].fill(page.content, blocks)
        if not placed or sections_not_made(page.content):
            _unplaced(page.file.src_uri)
    listed = _build["listed_after_search"].pop(page.file.src_uri, None)
    if listed is not None:
        page.content = _filled(_build["unsearched"], page.content, listed, page.file.src_uri)
    return context


def _filled(ready: ReadyHtml, html: str, blocks: dict[str, str], path: str) -> str:
    """A listing page's tables put back. A table made by a render that was not kept (a page
    function's output is not always used) is no loss; a placeholder left in the page is."""
    html, placed = ready.fill(html, blocks)
    if not placed and ready.left_in(html):
        _unplaced(path)
    return html


def _unplaced(path: str) -> None:
    raise PluginError(f"{path}: {UNPLACED}")


_ROOT_ABSOLUTE = re.compile(r'((?:href|src)=")/(?!/)')


def on_post_template(output, template_name, config):
    """MkDocs gives the 404 page links from the site's root, so it works at any depth on a web
    server. The inspector copy is opened from disk, where the root is the disk's: there its
    404 page links relative to itself (it sits at the top of the copy)."""
    if inspector_edition() and template_name == "404.html":
        output = _ROOT_ABSOLUTE.sub(r"\1./", output).replace('"base": "/"', '"base": "."')
    return output


def on_post_page(output, page, config):
    """The last gate: the page's article, as built, through the sanitiser. A page it would
    change is never left as it is: its file holds only the refusal, and the build fails once
    every page has been seen, listing each. In a build, the pages are gated in a worker beside
    it (handbook/views/safe_html.py, PageGate) and answered in on_post_build."""
    article = article_content(output)
    gate: PageGate = _build["gate"]
    if article is not None and gate.beside:
        gate.submit(page.file.src_uri, page.file.abs_dest_path, article)
        return output
    removed = removed_by_sanitiser(article) if article is not None else None
    if removed is None:
        if not public_edition():
            return output
        line = _public_problem(page.file.src_uri, output, _handbook(config).home.withheld_texts(), output)
        return output if line is None else _refusal(page.file.src_uri, line)
    return _refusal(page.file.src_uri, _sanitiser_line(page.file.src_uri, removed))


def _sanitiser_line(path: str, removed: Removed) -> str:
    return (f"{path}: the built page holds {removed}, which the handbook does not publish - remove "
            "it; a document may hold Markdown and the HTML listed in README.md, 'Security'")


def _refusal(path: str, line: str) -> str:
    """Say why the page of `path` is refused, count it against the build, and give what its file holds instead."""
    log.error(line)
    _build.setdefault("refused", []).append(line)
    return refused_page(path, line)


def _finish_gate() -> None:
    """The answers of the gate's worker: each refused page's file is replaced by its refusal."""
    gate: PageGate | None = _build.pop("gate", None)
    if gate is None:
        return
    try:
        for path, written_to, removed in gate.answers():
            with open(written_to, "w", encoding="utf-8") as out:
                out.write(_refusal(path, _sanitiser_line(path, removed)))
    finally:
        gate.close()


def on_build_error(error):
    """A build that stops after pages were written still leaves no refused page as it was built."""
    gc.unfreeze()
    _finish_gate()


def _public_problem(where_published: str, text: str, withheld: dict[str, str], written: str | None) -> str | None:
    """Why the public website may not show `text`, in one line, or None: it holds a fact the home
    keeps off the website, or what its writers put there (`written`: the text of a page, the search
    index, a picture's metadata) holds letters of an alphabet the handbook never uses that look
    Latin (they can spell such a fact where the reading of withheld facts does not see it)."""
    if (fact := withheld_fact_in(text, withheld)) is not None:
        return (f"{where_published}: the public website would show {fact} from data/home.yml, which the home keeps "
                "off the website (website: false) - remove it from the text, or put the passage between "
                "{% if edition != \"public\" %} and {% endif %}")
    if withheld and written and (alphabet := never_used_alphabet(written)) is not None:
        return (f"{where_published}: the public website would show {alphabet} letters, which look like Latin ones and "
                "can spell a fact the home keeps off the website unseen by its checks - retype the text in Latin "
                "letters")
    return None


_FILE_NAME_SEPARATORS = re.compile(r"[-_./]+")


def _public_sweep(config) -> None:
    """The last gate of the public website: no file it holds (pages, search index, sitemap)
    contains a fact the home keeps off the website, whatever route put it there, and no file is
    named with one (a picture named after the home's street and postcode)."""
    withheld = _handbook(config).home.withheld_texts()
    site = config.site_dir
    for folder, _, names in os.walk(site):
        for name in sorted(names):
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, site).replace(os.sep, "/")
            if (fact := withheld_fact_in(_FILE_NAME_SEPARATORS.sub(" ", relative), withheld)) is not None:
                line: str | None = (f"{relative}: the public website would publish a file whose name holds {fact} from "
                                    "data/home.yml, which the home keeps off the website (website: false): anyone can "
                                    "ask for a file by its name - rename the file")
            else:
                with open(path, "rb") as stream:
                    content = stream.read()
                text = readable_text(name, content)
                line = _public_problem(relative, text, withheld, written_text(name, content, text)) if text else None
            if line is not None:
                if line not in _build.setdefault("refused", []):
                    log.error(line)
                    _build["refused"].append(line)


def on_post_build(config):
    gc.unfreeze()
    _finish_gate()
    if public_edition():
        _public_sweep(config)
    refused = _build.get("refused", [])
    if refused and not _serving():
        raise PluginError(f"{len(refused)} page(s) hold what the handbook does not publish (listed above); "
                          "nothing was built - fix each one, then build again")
