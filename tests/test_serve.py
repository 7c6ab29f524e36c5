"""`mkdocs serve` keeps serving a broken handbook and shows the problems where authors look,
reloads when a governed document changes, and still never runs code from a page."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from html.parser import HTMLParser

import pytest
from conftest import BIN, command_environment

pytestmark = pytest.mark.build


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve(handbook_copy):
    port = _free_port()
    env = command_environment(handbook_copy)

    def start():
        # As `make serve` runs it: --dirty, so a save rebuilds what depends on the saved file.
        process = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
                                   cwd=handbook_copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True)
        processes.append(process)
        return f"http://127.0.0.1:{port}/"

    processes = []
    yield handbook_copy, start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def fetch(url: str, wait: float = 30, expect: str | None = None) -> str:
    deadline = time.monotonic() + wait
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                last = response.read().decode()
                if expect is None or expect in last:
                    return last
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never showed {expect!r}; last response: {last[:300]!r}")


def test_serve_shows_problems_on_the_page_and_status_page_and_reloads(serve):
    root, start = serve
    policy = root / "policies/missing-child.md"
    original = policy.read_text()
    broken = original.replace("last_reviewed: ", "last_reviewed: 2020-01-15\nold_reviewed: ", 1)
    policy.write_text(broken.replace("    date: ", "    date: \"2026-02-30\"\n    old_date: ", 1))
    base = start()

    page = fetch(base + "policies/missing-child.html", expect="This document has problems to fix")
    assert "unknown field" in page and "old_reviewed" in page
    status = fetch(base + "status.html", expect="old_reviewed")
    assert "policies/missing-child.md" in status

    policy.write_text(original)  # fixed: the banner goes away without restarting
    fetch(base + "policies/missing-child.html", expect="Missing child policy")
    deadline = time.monotonic() + 30
    while "This document has problems to fix" in fetch(base + "policies/missing-child.html"):
        assert time.monotonic() < deadline, "the page never reloaded"
        time.sleep(0.5)
    # The pages that list every document's findings are rebuilt with it.
    assert "old_reviewed" not in fetch(base + "status.html")


def test_serve_gives_the_theme_none_of_a_site_page_s_refused_front_matter(serve):
    """The build stops on a field a page of the site may not set; `mkdocs serve` goes on, and the
    theme would print the field into the page's head as it is."""
    root, start = serve
    index = root / "docs/index.md"
    index.write_text(index.read_text().replace("title: Home\n", "title: Home\ndescription: '\"><b id=INJECTED>'\n", 1))
    page = fetch(start(), expect="This document has problems to fix")
    assert "is not one a page of the site may set" in page
    assert "INJECTED" not in page


def test_serve_shows_a_page_the_last_gate_refuses_as_a_notice_naming_the_problem(serve):
    """The last gate reads each built page (the check reads each document first, so only what the
    theme adds reaches it here): while serving, the page's file holds a notice in its place."""
    root, start = serve
    (root / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ super() }}{% if page.file.src_uri == "policies/missing-child.md" %}'
        "<marquee>Approved.</marquee>{% endif %}{% endblock %}\n", encoding="utf-8")
    page = fetch(start() + "policies/missing-child.html", expect="This page was not built")
    assert '<html lang="en-GB">' in page and "<title>Page not built: policies/missing-child.md</title>" in page
    assert ("<strong>The problem:</strong> policies/missing-child.md: the built page holds a &lt;marquee&gt; element, "
            "which the handbook does not publish - remove it") in page
    assert "Approved." not in page


def test_serve_prints_no_heading_id_into_the_contents_list_as_it_is(serve):
    """An attacker's review: the contents list and the skip link printed a heading's id as it is,
    so a quote in it ended the link and `autofocus onfocus=...` ran a script as the page opened.
    The check refuses such an id; `make serve` builds the page all the same, its links encoded."""
    root, start = serve
    policy = root / "policies/missing-child.md"
    policy.write_text(policy.read_text() + "\n## What staff do {: id='x\" autofocus onfocus=\"alert(1)' }\n\nText.\n")
    page = fetch(start() + "policies/missing-child.html", expect="This document has problems to fix")
    assert "holds more than letters, digits, - and _" in page
    assert _attribute_names(page).isdisjoint({"autofocus", "onfocus"})
    assert 'href="#x%22%20autofocus%20onfocus%3D%22alert%281%29"' in page


def _attribute_names(page: str) -> set[str]:
    names: set[str] = set()

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            names.update(name for name, _ in attrs)

    Reader().feed(page)
    return names


def test_serve_gives_the_theme_none_of_the_settings_mkdocs_reads_at_the_top_of_a_site_page(serve):
    """An attacker's review: `description: ...` on a page's first line, with no front matter between
    --- lines, is a setting MkDocs reads ("MultiMarkdown"), which the theme printed into the head."""
    root, start = serve
    page_file = root / "docs/how-to/read-a-failed-check.md"
    text = page_file.read_text()
    body = text[text.index("\n---\n", 4) + 5:]  # its front matter taken away
    page_file.write_text('description: `"><script>alert(document.domain)</script>`\nauthor: `"><img src=x '
                         'onerror=alert(2)>`\n\n' + body)
    page = fetch(start() + "how-to/read-a-failed-check.html", expect="This document has problems to fix")
    assert "the page starts with 'description:', which MkDocs reads as a setting for the theme" in page
    assert "alert(document.domain)" not in page and "onerror" not in page


def test_serve_rebuilds_what_a_saved_document_changes(serve):
    root, start = serve
    base = start()
    fetch(base + "policies/anti-bullying.html", expect="Anti-bullying")
    policy = root / "policies/anti-bullying.md"
    policy.write_text(policy.read_text() + "\nWe also meet every Zanzibarian visitor at the door.\n")
    assert "Zanzibarian" in fetch(base + "policies/anti-bullying.html", expect="Zanzibarian")
    # A document moved to another topic joins that topic's navigation on the other pages too.
    assert "Anti-bullying policy" not in fetch(base + "policies/safeguarding.html")  # only "anti-bullying policy" in its text
    policy.write_text(policy.read_text().replace("tags: [Bullying, Safeguarding]", "tags: [Safeguarding, Bullying]"))
    fetch(base + "policies/safeguarding.html", expect="Anti-bullying policy")
    # The handbook's code changed: every page is built again with it.
    top = root / "handbook" / "views" / "templates" / "document_top.md"
    top.write_text(top.read_text().replace("Document control and history", "Document control, history"))
    fetch(base + "policies/complaints.html", expect="Document control, history")


PAYLOADS = {
    "Python internals": "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "a module reached through the MkDocs configuration":
        "{{ config.plugins['macros/mkdocs_hooks.py'].os.system('touch MARKER') }}",
    "a file object reached through the site's files": "{{ files.documentation_pages()[0].abs_src_path }}",
}


@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_serve_renders_pages_in_the_sandbox(serve, payload):
    """While serving, pages are still rendered by mkdocs-macros: the sandbox must hold there too."""
    root, start = serve
    marker = root / "PWNED"
    policy = root / "policies/anti-bullying.md"
    policy.write_text(policy.read_text() + "\n" + PAYLOADS[payload].replace("MARKER", str(marker)) + "\n")
    base = start()
    page = fetch(base + "policies/anti-bullying.html", expect="This document has problems to fix")
    # The handbook's own renderer (the sandbox the check uses) refused it: the page names the problem.
    assert "a {{ }} expression" in page
    assert not marker.exists()
