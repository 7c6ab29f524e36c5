"""Building the fixture handbook once for the browser tests (in a git repository of its own,
so pages carry their git dates), serving it on 127.0.0.1, and a headless Chromium (Debian's,
driven by Playwright)."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import shutil
import subprocess
import tempfile
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from conftest import BIN, REPO, commit_all, copy_handbook, copy_real_handbook, fixture_today, run

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts"


def earliest_review() -> tuple[dt.date, str]:
    """The first next-review date among the fixture's approved documents, and that document's path."""
    from handbook.checks import load_and_check

    with tempfile.TemporaryDirectory() as folder:  # a copy: the fixture's data/ links to the repository's schema,
        handbook = load_and_check(copy_handbook(Path(folder) / "handbook"), fixture_today())  # a link never followed
    first = min((d for d in handbook.documents if d.in_force), key=lambda d: d.next_review)
    return first.next_review, first.path


def build_site(folder: Path, today: dt.date, real: bool = False, **env) -> None:
    """Build the fixture handbook (or the real one) into folder/site, from a git repository of
    its own in folder/handbook."""
    repo = copy_real_handbook(folder / "handbook") if real else copy_handbook(folder / "handbook")
    commit_all(repo, today)
    result = run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(folder / "site")], repo, today=today,
                 HANDBOOK_GIT_DATES="true", **env)
    assert result.returncode == 0, result.stderr


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def end_headers(self):
        # linkchecker waits 0.1 to 0.6 s between two requests to a host unless the server
        # answers with a `LinkChecker` header, which lets linkcheckerrc's maxrequestspersecond
        # raise the rate (linkcheckerrc(5)). This server is ours, on 127.0.0.1, for the tests.
        self.send_header("LinkChecker", "test server")
        super().end_headers()


def serve_folder(folder: Path):
    """Serve a folder on 127.0.0.1 on a free port; returns (base URL, stop function)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}/", stop


def launch_chromium(playwright):
    assert shutil.which(CHROMIUM) or Path(CHROMIUM).exists(), "Debian's chromium is missing: run `make test`"
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# --- links and anchors --------------------------------------------------------------------
# linkchecker follows every link of the served tree (pages, files, the search index) and says
# what is missing. It would check each #anchor by fetching and reading its page once for every
# anchor (400 requests for the real handbook, 45 s); the anchors are checked here instead, each
# page read once: every `#id` link between the tree's pages must name an id (or an <a name>) of
# the page it leads to.

def check_links(base: str, folder: Path) -> list[str]:
    """linkchecker's errors and warnings for the tree served at `base`, then each broken
    #anchor among the pages of `folder`; [] when every link and anchor resolves."""
    result = subprocess.run([str(BIN / "linkchecker"), "--no-status", "-f", str(LINKCHECKERRC), base + "index.html"],
                            capture_output=True, text=True, timeout=600)
    problems = [] if result.returncode == 0 else [result.stdout[-4000:] + result.stderr[-2000:]]
    return problems + broken_anchors(folder)


LINKCHECKERRC = Path(__file__).parent / "linkcheckerrc"


class _Anchors(HTMLParser):
    """A page's ids and <a name>s, and the address of each link on it, with its line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"])
        if tag == "a" and found.get("name"):
            self.ids.add(found["name"])
        if tag in ("a", "area") and found.get("href"):
            self.links.append((self.getpos()[0], found["href"]))

    handle_startendtag = handle_starttag


def broken_anchors(folder: Path) -> list[str]:
    """`page:line: href` for each link from a page of `folder` to an id that its target page
    (in `folder`) does not have. A link to a page that is not there is linkchecker's to report."""
    pages = {}
    for path in sorted(folder.rglob("*.html")):
        page = _Anchors()
        page.feed(path.read_text(encoding="utf-8"))
        page.close()
        pages[path.resolve()] = page
    broken = []
    for path, page in pages.items():
        for line, href in page.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.fragment:
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if target in pages and unquote(parts.fragment) not in pages[target].ids:
                broken.append(f"{path.relative_to(folder.resolve())}:{line}: {href}")
    return broken
