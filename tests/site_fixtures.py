"""Building the fixture handbook once for the browser tests (in a git repository of its own,
so pages carry their git dates), serving it on 127.0.0.1, and a headless Chromium (Debian's,
driven by Playwright)."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import shutil
import threading
from pathlib import Path

from conftest import BIN, FIXTURE, REPO, commit_all, copy_handbook, copy_real_handbook, fixture_today, run

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts"


def earliest_review() -> tuple[dt.date, str]:
    """The first next-review date among the fixture's approved documents, and that document's path."""
    from handbook.checks import load_and_check

    handbook = load_and_check(FIXTURE, fixture_today())
    first = min((d for d in handbook.documents if d.in_force), key=lambda d: d.next_review)
    return first.next_review, first.path


def build_site(site: Path, today: dt.date, real: bool = False, **env) -> Path:
    """Build the fixture handbook (or the real one) into `site`, from a git repository of its
    own; returns that repository."""
    source = site.parent / (site.name + "-source")
    repo = copy_real_handbook(source) if real else copy_handbook(source)
    commit_all(repo, today)
    result = run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(site)], repo, today=today,
                 HANDBOOK_GIT_DATES="true", **env)
    assert result.returncode == 0, result.stderr
    return repo


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
