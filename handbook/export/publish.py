"""Publishing: the staff intranet and the public website built from one source, side by side,
with a ready nginx configuration (rendered from deploy/nginx/handbook.conf.j2) whose
Content-Security-Policy allows exactly the inline scripts the built pages hold, by their
SHA-256 hashes. Each edition is built as strictly as `make build`. Nothing in the output
folder changes unless everything was made."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import jinja2

from handbook.checks import load_and_check
from handbook.export.bundle import ExportRefused, build_problems
from handbook.sources.edition import EDITION_VAR
from handbook.sources.errors import BuildFailed, HandbookError

NGINX_TEMPLATE = "deploy/nginx/handbook.conf.j2"
NGINX_CONFIG = "nginx/handbook.conf"
EDITIONS = ("staff", "public")
STAFF_ROBOTS = "User-agent: *\nDisallow: /\n"   # the intranet asks every search engine to stay out
# Script types a browser runs (a <script type="application/json"> holds data and never runs).
_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
_SERVER_NAME = re.compile(r"^[A-Za-z0-9*_](?:[A-Za-z0-9.*_-]{0,252})$")
_LISTEN = re.compile(r"^(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:]+\]|localhost):)?\d{1,5}$")
_UNSAFE_PATH = re.compile(r'[\s"\\$;{}#\'`]')


@dataclass(frozen=True)
class Server:
    """Where and how nginx serves the editions."""
    htpasswd: Path                       # the staff's names and passwords, outside the repository
    server_name: str = "localhost"       # the intranet's host name
    listen: str = "80"                   # a port, or address:port
    public_server_name: str | None = None  # the public website's host name, to serve it too
    tls_certificate: Path | None = None
    tls_key: Path | None = None

    @property
    def tls(self) -> bool:
        return self.tls_certificate is not None


@dataclass
class Published:
    out: Path
    config: Path
    hashes: dict[str, list[str]]   # edition -> the CSP hashes of its inline scripts


def _check_path(option: str, path: Path, root: Path) -> Path:
    path = path.expanduser()
    if not path.is_absolute():
        raise HandbookError(f"{option} {path}: give the full path (starting with /), as nginx reads it")
    if _UNSAFE_PATH.search(str(path)):
        raise HandbookError(f"{option} {path}: the path holds a space, a quote or one of $ ; {{ }} # - "
                            "use a path without them")
    resolved = path.resolve()
    if resolved == root or root in resolved.parents:
        raise HandbookError(f"{option} {path}: keep it outside the handbook's repository, which everyone who can "
                            "read the repository can read - for example /etc/nginx/cura-handbook.htpasswd")
    return path


def check_server(server: Server, root: Path) -> Server:
    """The settings, refused in one line each when nginx could not use them safely."""
    root = root.resolve()
    for option, name in (("--server-name", server.server_name), ("--public-server-name", server.public_server_name)):
        if name is not None and not _SERVER_NAME.match(name):
            raise HandbookError(f"{option} {name}: not a host name - write one name such as handbook.example.org")
    if not _LISTEN.match(server.listen) or not 0 < int(server.listen.rsplit(":", 1)[-1]) < 65536:
        raise HandbookError(f"--listen {server.listen}: write a port (443) or an address and port (127.0.0.1:8080)")
    if (server.tls_certificate is None) != (server.tls_key is None):
        raise HandbookError("--tls-certificate and --tls-key: give both (HTTPS) or neither (HTTP)")
    _check_path("--htpasswd", server.htpasswd, root)
    for option, path in (("--tls-certificate", server.tls_certificate), ("--tls-key", server.tls_key)):
        if path is not None:
            _check_path(option, path, root)
    return server


class _InlineScripts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            values = dict(attrs)
            self._inside = "src" not in values and (values.get("type") or "").strip().lower() in _SCRIPT_TYPES
            if self._inside:
                self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.scripts[-1] += data


def script_hashes(site: Path) -> list[str]:
    """The SHA-256 (base64, as CSP writes it) of every inline script on every page of a built
    edition, each once, sorted."""
    hashes = set()
    for page in sorted(site.rglob("*.html")):
        parser = _InlineScripts()
        parser.feed(page.read_text(encoding="utf-8"))
        parser.close()
        hashes |= {base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() for s in parser.scripts}
    return sorted(hashes)


def build_edition(root: Path, site: Path, edition: str, today: dt.date, known_warnings: set[str]) -> None:
    env = {**os.environ, EDITION_VAR: "" if edition == "staff" else edition, "HANDBOOK_TODAY": today.isoformat(),
           "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                            cwd=root, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildFailed(f"the {edition} edition did not build; nothing was published - the build's lines below "
                          "say why", build_problems(result.stderr + "\n" + result.stdout, known_warnings))


def nginx_text(value: object) -> str:
    """Text safe inside a quoted nginx string: letters, digits, spaces and plain punctuation."""
    return re.sub(r"[^\w .,()&'-]", "", str(value))


def nginx_config(root: Path, out: Path, server: Server, hashes: dict[str, list[str]], home: str,
                 today: dt.date) -> str:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(root), undefined=jinja2.StrictUndefined,
                                     trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    environment.filters["nginx_text"] = nginx_text
    try:
        template = environment.get_template(NGINX_TEMPLATE)
    except jinja2.TemplateNotFound:
        raise HandbookError(f"{NGINX_TEMPLATE}: missing - restore it from the repository") from None
    return template.render(
        home=home, made=today.isoformat(), out=str(out), htpasswd=str(server.htpasswd), server_name=server.server_name,
        public_server_name=server.public_server_name, listen=server.listen, tls=server.tls,
        tls_certificate=str(server.tls_certificate or ""), tls_key=str(server.tls_key or ""),
        staff_hashes=hashes["staff"], public_hashes=hashes["public"])


def check_out(out: Path, root: Path) -> None:
    """`out` is replaced as a whole: never the repository or a folder holding it, and never a
    folder of other files."""
    if out == root or out in root.parents:
        raise HandbookError(f"--out {out}: that folder holds the handbook's repository, and publishing replaces it "
                            "as a whole - use a folder of its own, such as publish")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / NGINX_CONFIG).is_file())):
        raise HandbookError(f"--out {out}: it holds files that `handbook publish` did not make, and publishing "
                            "replaces it as a whole - use an empty folder, or remove those files")


def publish(root: Path, out: Path, today: dt.date, server: Server) -> Published:
    """Check, then build the staff and public editions into `out` (publish/staff, publish/public)
    with the nginx configuration (publish/nginx/handbook.conf). Raises ExportRefused when the
    handbook has errors; `out` is then left exactly as it was."""
    root = root.resolve()
    out = out.resolve()
    check_server(server, root)
    check_out(out, root)
    full = load_and_check(root, today)
    if full.errors:
        raise ExportRefused(full.errors, f"the handbook has {len(full.errors)} error(s); nothing was published - "
                                         "fix them first")
    known = {str(f) for f in full.warnings}
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".publish-", dir=out.parent))  # same disk: the final move is atomic
    try:
        # The editions are built side by side (each build is a process of its own, so on a
        # machine with two cores each has one); if any fails, the first in EDITIONS says why.
        with ThreadPoolExecutor(max_workers=len(EDITIONS)) as builds:
            built = [builds.submit(build_edition, root, work / edition, edition, today, known) for edition in EDITIONS]
        for build in built:
            build.result()
        hashes = {edition: script_hashes(work / edition) for edition in EDITIONS}
        (work / "staff" / "robots.txt").write_text(STAFF_ROBOTS, encoding="utf-8")
        (work / "nginx").mkdir()
        (work / NGINX_CONFIG).write_text(
            nginx_config(root, out, server, hashes, str(full.home.facts["name"]), today), encoding="utf-8")
        for folder in (work, *[p for p in work.rglob("*") if p.is_dir()]):
            folder.chmod(0o755)  # nginx's workers read the editions as another user
        previous = None
        if out.exists():
            previous = out.parent / f"{work.name}-previous"
            os.replace(out, previous)
        os.replace(work, out)
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Published(out, out / NGINX_CONFIG, hashes)
