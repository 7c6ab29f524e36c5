"""Publishing for real: `handbook publish` builds the staff intranet and the public website
from the fixture handbook, with the nginx configuration it renders. Debian's nginx serves them
on 127.0.0.1 (a free port, a temporary prefix, stopped by the test); the checks are made over
HTTP and, signed in, in Chromium. Then the public edition's content, the gate against facts kept
off the website, and the one-document PDF."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pypdf
import pytest
import yaml
from conftest import (
    FIXTURE,
    commit_all,
    copy_handbook,
    fixture_today,
    front_matter,
    handbook_command,
    mkdocs_build,
    write_document,
)
from playwright.sync_api import expect, sync_playwright
from site_fixtures import launch_chromium

pytestmark = pytest.mark.build

NGINX = "/usr/sbin/nginx"
USER, PASSWORD = "staff", "correct horse battery staple"
PUBLIC_HOST = "public.example.org"
ADDRESS = "1 Example Road, Testbury, TB1 1AA"
STAFF_PASSAGE = "Visitors sign in at the front door."   # in the fixture SoP, between {% if edition != "public" %}
DRAFT_WORD = "Wombatleaflet"                             # only in a draft marked for the website
HANDBOOK_404 = "404 - Not found"                        # Material's 404 page, as the handbook builds it


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The fixture handbook (with a draft marked for the website), in git, published."""
    folder = tmp_path_factory.mktemp("publish")
    root = copy_handbook(folder / "handbook")
    visiting_leaflet(root)
    commit_all(root, fixture_today())
    port = free_port()
    htpasswd = folder / "outside" / "handbook.htpasswd"
    htpasswd.parent.mkdir()
    subprocess.run(["htpasswd", "-B", "-b", "-c", str(htpasswd), USER, PASSWORD], check=True, capture_output=True)
    result = handbook_command(root, "publish", "--out", str(folder / "publish"), "--htpasswd", str(htpasswd),
                              "--listen", f"127.0.0.1:{port}", "--server-name", "localhost",
                              "--public-server-name", PUBLIC_HOST)
    assert result.returncode == 0, result.stdout + result.stderr
    return {"root": root, "out": folder / "publish", "port": port, "htpasswd": htpasswd}


@pytest.fixture(scope="module")
def nginx(published, tmp_path_factory):
    """Debian's nginx with the generated configuration, in the foreground, stopped at the end."""
    assert Path(NGINX).exists(), "Debian's nginx is missing: run `make test`"
    prefix = tmp_path_factory.mktemp("nginx")
    # Files a careless copy might leave in the served folder: the configuration must never serve them.
    staff = published["out"] / "staff"
    (staff / ".git").mkdir()
    (staff / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    (staff / "policies" / "missing-child.md").write_text("---\nid: missing-child\n---\n", encoding="utf-8")
    (staff / "data").mkdir()
    (staff / "data" / "home.yml").write_text("name: x\n", encoding="utf-8")
    (staff / "empty-folder").mkdir()
    process = start_nginx(prefix, published["out"] / "nginx" / "handbook.conf", published["port"])
    yield f"http://127.0.0.1:{published['port']}"
    stop_nginx(process)


def start_nginx(prefix: Path, config: Path, port: int) -> subprocess.Popen:
    """nginx in the foreground under `prefix`, with `config` in its http block, once it listens."""
    temp = "".join(f"    {kind}_temp_path {prefix}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                               "scgi"))
    (prefix / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\nerror_log {prefix}/error.log;\npid {prefix}/nginx.pid;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"    access_log {prefix}/access.log;\n{temp}"
        f"    include {config};\n}}\n", encoding="utf-8")
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c",
                                str(prefix / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read().decode()) from None
            time.sleep(0.05)
    stop_nginx(process)
    raise AssertionError("nginx did not start listening")


def stop_nginx(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


def get(url: str, host: str = "localhost", signed_in: bool = True, password: str = PASSWORD, context=None,
        **headers):
    """(status, headers, body) of a GET; errors are answers too."""
    request = urllib.request.Request(url, headers={"Host": host, **headers})
    if signed_in:
        token = base64.b64encode(f"{USER}:{password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


# --- the staff intranet on nginx -------------------------------------------------------------

def test_staff_sign_in_with_the_password_file(nginx):
    assert get(nginx + "/", signed_in=False)[0] == 401
    assert get(nginx + "/", password="wrong")[0] == 401
    assert get(nginx + "/policies/missing-child.html", signed_in=False)[0] == 401
    status, _, body = get(nginx + "/")
    assert status == 200 and b"Cura Care Homes handbook" in body


def test_every_response_carries_the_security_headers(nginx, published):
    status, headers, body = get(nginx + "/policies/missing-child.html")
    assert status == 200
    csp = headers["Content-Security-Policy"]
    scripts = re.findall(rb"<script>(.*?)</script>", body, re.S)
    assert scripts, "the page has inline scripts to allow"
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Robots-Tag"] == "noindex, nofollow"
    assert headers["Cache-Control"] == "no-cache"
    assert headers["ETag"] and headers["Server"] == "nginx"   # no version given away
    assert "Strict-Transport-Security" not in headers          # served over HTTP here: HSTS only with HTTPS
    for path in ("/", "/no-such-page.html"):
        assert get(nginx + path)[1]["Content-Security-Policy"] == csp
    assert get(nginx + "/", signed_in=False)[1]["X-Content-Type-Options"] == "nosniff"


def test_fingerprinted_assets_are_kept_a_year_and_compressed(nginx, published):
    (bundle,) = (published["out"] / "staff" / "assets" / "javascripts").glob("bundle.*.min.js")
    status, headers, _ = get(f"{nginx}/assets/javascripts/{bundle.name}", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, _ = get(nginx + "/assets/stylesheets/handbook.css", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Cache-Control"] == "no-cache"   # not fingerprinted: checked each time
    assert headers["Content-Encoding"] == "gzip"


def test_the_staff_edition_asks_search_engines_to_stay_out(nginx):
    status, headers, body = get(nginx + "/robots.txt")
    assert status == 200 and body.decode() == "User-agent: *\nDisallow: /\n"


@pytest.mark.parametrize("path", ["/no-such-page.html", "/.git/config", "/policies/missing-child.md",
                                  "/data/home.yml", "/empty-folder/", "/policies/", "/404.html"])
def test_what_is_not_a_page_is_the_handbooks_own_404(nginx, path):
    status, headers, body = get(nginx + path)
    assert status == 404
    assert HANDBOOK_404.encode() in body and b"Cura Care Homes handbook" in body
    assert headers["X-Robots-Tag"] == "noindex, nofollow" and "Content-Security-Policy" in headers
    assert b"[core]" not in body and b"id: missing-child" not in body


def test_over_https_nginx_sends_strict_transport_security(published, tmp_path):
    """The same editions, with the configuration made for HTTPS (a certificate made for the test)."""
    from handbook.export.publish import Server, nginx_config, script_hashes

    certificate, key = tmp_path / "handbook.pem", tmp_path / "handbook.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1",
                    "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True)
    port = free_port()
    out = published["out"]
    server = Server(htpasswd=published["htpasswd"], listen=f"127.0.0.1:{port}", tls_certificate=certificate,
                    tls_key=key)
    hashes = {edition: script_hashes(out / edition) for edition in ("staff", "public")}
    config = tmp_path / "handbook-https.conf"
    config.write_text(nginx_config(published["root"], out, server, hashes, "Cura Care Homes", fixture_today()),
                      encoding="utf-8")
    process = start_nginx(tmp_path, config, port)
    try:
        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE  # the test's own certificate
        status, headers, _ = get(f"https://127.0.0.1:{port}/index.html", context=insecure)
        assert status == 200
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert get(f"https://127.0.0.1:{port}/", signed_in=False, context=insecure)[0] == 401
        assert get(f"https://127.0.0.1:{port}/.git/config", context=insecure)[1]["Strict-Transport-Security"]
    finally:
        stop_nginx(process)


# --- the public website on nginx --------------------------------------------------------------

def test_the_public_website_needs_no_sign_in_and_is_hardened_too(nginx):
    status, headers, body = get(nginx + "/statement-of-purpose/statement-of-purpose.html", host=PUBLIC_HOST,
                                signed_in=False)
    assert status == 200 and b"Statement of Purpose" in body
    assert "X-Robots-Tag" not in headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert ADDRESS.encode() not in body
    assert get(nginx + "/policies/missing-child.html", host=PUBLIC_HOST, signed_in=False)[0] == 404


# --- Chromium, signed in ------------------------------------------------------------------------

@pytest.mark.browser
def test_chromium_signed_in_loads_pages_and_search_with_no_csp_violation_or_console_error(nginx):
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(http_credentials={"username": USER, "password": PASSWORD})
        context.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                                "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));")
        page = context.new_page()
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        for path in ("/", "/policies/missing-child.html"):
            response = page.goto(nginx + path)
            assert response.status == 200
            page.wait_for_load_state("networkidle")
        expect(page.locator("h1").first).to_contain_text("Missing child policy")
        page.keyboard.press("/")
        page.keyboard.type("missing")
        results = page.locator(".md-search-result__item > .md-search-result__link h1")
        expect(results.first).to_be_visible(timeout=10_000)
        assert "Missing child policy" in results.all_inner_texts()
        page.wait_for_load_state("networkidle")
        browser.close()
    assert problems == []


# --- the public edition ---------------------------------------------------------------------------

def files_of(folder: Path) -> dict[str, str]:
    texts = {}
    for path in folder.rglob("*"):
        if path.is_file():
            try:
                texts[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
    return texts


def test_the_public_edition_holds_the_statement_and_website_documents_only(published):
    public = published["out"] / "public"
    pages = sorted(p.relative_to(public).as_posix() for p in public.rglob("*.html"))
    assert pages == ["404.html", "index.html", "statement-of-purpose/childrens-guide.html",
                     "statement-of-purpose/statement-of-purpose.html"]
    texts = files_of(public)
    everything = "\n".join(texts.values())
    for staff_only in ("Missing child policy", "Safeguarding policy", "Handbook status", "Review schedule",
                       "Regulation map", "How to add or review a document"):
        assert f"<title>{staff_only}" not in everything
    assert DRAFT_WORD not in everything and "Visiting leaflet" not in everything   # a draft, even marked for it
    assert "document-notice--draft" not in everything
    assert not (public / "review-schedule.json").exists() and not (public / "review-schedule.ics").exists()
    assert "Sam Author" not in everything                        # no history from git: it names people
    assert "Sam Author" in (published["out"] / "staff" / "statement-of-purpose" / "statement-of-purpose.html"
                            ).read_text(encoding="utf-8")
    assert "http://127.0.0.1:8000" not in everything             # no canonical link to the intranet


def test_the_public_edition_holds_no_fact_kept_off_the_website(published):
    public = files_of(published["out"] / "public")
    facts = yaml.safe_load((FIXTURE / "data" / "home.yml").read_text(encoding="utf-8"))
    withheld = [facts["address"]["value"], facts["registered_manager"]["address"]["value"]]
    for name, text in public.items():
        for value in withheld:
            assert value not in text, name
            assert value.replace(" ", "") not in text.replace(" ", ""), name
    sop = public["statement-of-purpose/statement-of-purpose.html"]
    assert "not published on this website" in sop
    assert STAFF_PASSAGE not in sop and STAFF_PASSAGE not in public["search/search_index.json"]
    staff = (published["out"] / "staff" / "statement-of-purpose" / "statement-of-purpose.html").read_text("utf-8")
    assert ADDRESS in staff and STAFF_PASSAGE in staff and "not published on this website" not in staff
    # Its links to staff policies are text, not links to pages the website does not have.
    assert '<span class="unpublished-link">safeguarding policy</span>' in sop
    assert "../policies/" not in sop


def leaky_copy(tmp_path: Path, body_line: str) -> Path:
    root = copy_handbook(tmp_path / "handbook")
    sop = root / "statement-of-purpose" / "statement-of-purpose.md"
    sop.write_text(sop.read_text(encoding="utf-8").replace(
        "### Where the home is\n", f"### Where the home is\n\n{body_line}\n"), encoding="utf-8")
    return root


@pytest.mark.parametrize("line", [
    "Come and see us at 1 Example Road, Testbury, TB1 1AA.",
    "Come and see us at 1 example road,\ntestbury, TB1 1AA.",
])
def test_publish_refuses_a_page_that_holds_a_withheld_fact_and_changes_nothing(tmp_path, line):
    root = leaky_copy(tmp_path, line)
    out = tmp_path / "publish"
    (out / "nginx").mkdir(parents=True)
    (out / "nginx" / "handbook.conf").write_text("# the last good publish\n", encoding="utf-8")
    result = handbook_command(root, "publish", "--out", str(out), "--htpasswd", str(tmp_path / "htpasswd"))
    assert result.returncode == 1
    assert result.stderr.startswith("ERROR: the public edition did not build; nothing was published - the build's "
                                    "lines below say why\n  ")
    assert ("statement-of-purpose/statement-of-purpose.md: the public website would show address and "
            "registered_manager.address from "
            "data/home.yml, which the home keeps off the website (website: false) - remove it from the text, or put "
            "the passage between {% if edition != \"public\" %} and {% endif %}") in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.relative_to(out).as_posix() for p in out.rglob("*")] == ["nginx", "nginx/handbook.conf"]
    assert (out / "nginx" / "handbook.conf").read_text(encoding="utf-8") == "# the last good publish\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".publish-")] == []


def test_the_public_build_alone_refuses_it_too(tmp_path):
    root = leaky_copy(tmp_path, "Our address: 1 Example Road, Testbury, TB1 1AA.")
    result = mkdocs_build(root, "--site-dir", str(tmp_path / "site"), HANDBOOK_EDITION="public")
    assert result.returncode == 1
    assert ("statement-of-purpose/statement-of-purpose.md: the public website would show address and "
            "registered_manager.address from data/home.yml") in result.stderr
    assert "search/search_index.json: the public website would show address and" in result.stderr
    assert mkdocs_build(root, "--site-dir", str(tmp_path / "staff")).returncode == 0   # staff may read it


@pytest.mark.parametrize("out, message", [
    ("ROOT", "ERROR: --out ROOT: that folder holds the handbook's repository, and publishing replaces it as a whole - "
             "use a folder of its own, such as publish\n"),
    ("OTHER", "ERROR: --out OTHER: it holds files that `handbook publish` did not make, and publishing replaces it as "
              "a whole - use an empty folder, or remove those files\n"),
])
def test_publish_never_replaces_a_folder_it_did_not_make(tmp_path, out, message):
    root = copy_handbook(tmp_path / "handbook")
    folder = {"ROOT": root, "OTHER": tmp_path / "other"}[out]
    if out == "OTHER":
        folder.mkdir()
        (folder / "notes.txt").write_text("mine", encoding="utf-8")
    result = handbook_command(root, "publish", "--out", str(folder), "--htpasswd", str(tmp_path / "htpasswd"))
    assert (result.returncode, result.stderr) == (1, message.replace(out, str(folder)))
    assert (root / "mkdocs.yml").is_file() and sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["handbook", "other"] if out == "OTHER" else ["handbook"])


def test_a_website_field_written_wrongly_stops_check_and_build_in_one_line(tmp_path):
    root = copy_handbook(tmp_path / "handbook")
    home = root / "data" / "home.yml"
    home.write_text(home.read_text(encoding="utf-8").replace(
        f'address: {{value: "{ADDRESS}", website: false}}\nlocation',
        f'address: {{value: "{ADDRESS}", website: public}}\nlocation'), encoding="utf-8")
    line = home.read_text(encoding="utf-8").splitlines().index(f'address: {{value: "{ADDRESS}", website: public}}') + 1
    message = (f"data/home.yml, line {line}: address: website: 'public' - a fact kept off the website is written "
               '{value: "...", website: false}; to publish it, write the value alone')
    checked = handbook_command(root, "check")
    assert (checked.returncode, checked.stderr) == (1, f"ERROR: {message}\n")
    built = mkdocs_build(root, "--site-dir", str(tmp_path / "site"))
    assert built.returncode == 1 and f"ERROR   -  {message}" in built.stderr and "Traceback" not in built.stderr
    assert not (tmp_path / "site").exists()


def test_publish_refuses_a_password_file_inside_the_repository(tmp_path):
    root = copy_handbook(tmp_path / "handbook")
    result = handbook_command(root, "publish", "--out", str(tmp_path / "publish"), "--htpasswd",
                              str(root / "htpasswd"))
    assert result.returncode == 1
    assert result.stderr == (f"ERROR: --htpasswd {root / 'htpasswd'}: keep it outside the handbook's repository, "
                             "which everyone who can read the repository can read - for example "
                             "/etc/nginx/cura-handbook.htpasswd\n")
    assert not (tmp_path / "publish").exists()


# --- one-document copies ----------------------------------------------------------------------------

def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages)


def test_a_one_document_pdf_of_the_statement_of_purpose(tmp_path):
    root = copy_handbook(tmp_path / "handbook")
    day = fixture_today()
    result = handbook_command(root, "export", "--document", "statement-of-purpose", "--dist", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stderr
    name = f"cura-care-homes-statement-of-purpose-version-1.0-{day.isoformat()}.pdf"
    assert result.stdout.startswith(f"Made {tmp_path / 'dist' / name} (")
    assert [p.name for p in (tmp_path / "dist").iterdir()] == [name]
    text = pdf_text(tmp_path / "dist" / name)
    assert "Statement of Purpose Cura Care Homes Copy made on" in text
    assert "Version 1.0 Approved 5 October 2026 by the Responsible Individual" in text
    assert ADDRESS in text                          # the copy for Ofsted keeps what the website leaves out
    from handbook.model.handbook import load_handbook
    handbook = load_handbook(root, day)
    sop_source = (root / "statement-of-purpose" / "statement-of-purpose.md").read_text(encoding="utf-8")
    others = [d.title for d in handbook.documents if d.id != "statement-of-purpose" and d.title not in sop_source]
    assert others, "some other document's title is never named by the statement"
    for title in others:
        assert title not in text
    outline = [item.title for item in pypdf.PdfReader(tmp_path / "dist" / name).outline if not isinstance(item, list)]
    assert outline and set(outline) == {"Statement of Purpose"}   # the cover and the one document


@pytest.mark.parametrize("args, message", [
    (["--document", "no-such-document"], "ERROR: --document no-such-document: no document has that id - use one of: "
     "anti-bullying, behaviour-management, childrens-guide, complaints, missing-child, safeguarding, "
     "statement-of-purpose\n"),
    (["--document", "statement-of-purpose", "--as-of", "2026-11-01"], "ERROR: --document and --as-of: a one-document "
     "copy is of the handbook as it stands - leave out --as-of\n"),
])
def test_a_one_document_copy_is_refused_in_one_line(tmp_path, args, message):
    root = copy_handbook(tmp_path / "handbook")
    result = handbook_command(root, "export", *args, "--dist", str(tmp_path / "dist"))
    assert (result.returncode, result.stderr) == (1, message)
    assert not (tmp_path / "dist").exists()


def visiting_leaflet(root: Path) -> None:
    """A draft, marked for the website."""
    write_document(root, "policies/visiting-leaflet.md",
                   front_matter(id="visiting-leaflet", title="Visiting leaflet", status="draft", regulations=[],
                                audience=["families"], website=True, last_reviewed=None, version="0.1",
                                changes=[{"version": "0.1", "date": fixture_today().isoformat(),
                                          "summary": "First draft."}]),
                   f"Draft text with the word {DRAFT_WORD}.\n")


def test_a_draft_needs_a_draft_copy(tmp_path):
    root = copy_handbook(tmp_path / "handbook")
    visiting_leaflet(root)
    refused = handbook_command(root, "export", "--document", "visiting-leaflet", "--dist", str(tmp_path / "dist"))
    assert (refused.returncode, refused.stderr) == (1, (
        "ERROR: policies/visiting-leaflet.md: version 0.1 of Visiting leaflet is not approved yet; nothing was "
        "exported - approve it first, or make a draft copy with --draft\n"))
    assert not (tmp_path / "dist").exists()
    made = handbook_command(root, "export", "--document", "visiting-leaflet", "--draft", "--dist", str(tmp_path / "dist"))
    assert made.returncode == 0, made.stderr
    (pdf,) = (tmp_path / "dist").iterdir()
    assert pdf.name == f"cura-care-homes-visiting-leaflet-version-0.1-draft-{fixture_today().isoformat()}.pdf"
    text = pdf_text(pdf)
    assert "Draft: not yet approved. Copy made on" in text and "Version 0.1 (draft) Approved Not yet approved" in text
    assert DRAFT_WORD in text


def test_the_status_page_links_the_copy_to_send_to_ofsted_while_a_revision_waits(tmp_path):
    from conftest import commit_all

    root = copy_handbook(tmp_path / "handbook")
    commit_all(root, fixture_today())
    path = root / "statement-of-purpose" / "statement-of-purpose.md"
    text = path.read_text(encoding="utf-8")
    day = fixture_today() + dt.timedelta(days=3)
    revised = (f'version: "1.1"\nowner: Registered Manager\nlast_reviewed: {day.isoformat()}', )
    text = text.replace('version: "1.0"\nowner: Registered Manager\nlast_reviewed: 2026-10-05', revised[0], 1)
    text = text.replace("changes:\n", f"changes:\n  - version: \"1.1\"\n    date: {day.isoformat()}\n"
                                      f"    approved_by: Responsible Individual\n    approved_on: {day.isoformat()}\n"
                                      "    summary: New contact details.\n", 1)
    path.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(root, "--site-dir", str(site), HANDBOOK_TODAY=(day + dt.timedelta(days=1)).isoformat())
    assert result.returncode == 0, result.stderr
    name = f"cura-care-homes-statement-of-purpose-version-1.1-{(day + dt.timedelta(days=1)).isoformat()}.pdf"
    status = (site / "status.html").read_text(encoding="utf-8")
    deadline = day + dt.timedelta(days=28)
    assert f'<a href="copies/{name}">the copy to send to Ofsted</a>' in status
    assert f"must reach Ofsted by <strong>{deadline.day} {deadline:%B %Y}</strong>" in status
    copy = pdf_text(site / "copies" / name)
    assert "Version 1.1 Approved" in copy
    # A third attacker's review: built with the revision not committed (a preview), the copy named
    # the commit checked out, which does not hold what it shows.
    assert "from the handbook's records at reference" not in copy
    subprocess.run(["git", "commit", "-qam", "Revision 1.1"], cwd=root, check=True, capture_output=True)
    assert mkdocs_build(root, "--site-dir", str(site), HANDBOOK_TODAY=(day + dt.timedelta(days=1)).isoformat()
                        ).returncode == 0
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    assert f"from the handbook's records at reference {commit[:12]}" in pdf_text(site / "copies" / name)


def test_the_public_build_refuses_letters_that_only_look_latin_in_a_summary(tmp_path):
    """A postcode in Cherokee letters ("ᎢᏴ1 1AA" reads as TB1 1AA) in a field the document check
    does not read, the summary, reached the public website: letters of an alphabet the handbook
    never uses are refused in what its writers publish (pages, search index, a picture's
    metadata), as they can spell a withheld fact."""
    root = copy_handbook(tmp_path / "handbook")
    sop = root / "statement-of-purpose" / "statement-of-purpose.md"
    text = sop.read_text(encoding="utf-8")
    sop.write_text(re.sub(r"(?m)^summary: .*$", "summary: Find us at \u13a2\u13f41 1AA.", text, count=1), encoding="utf-8")
    assert sop.read_text(encoding="utf-8") != text
    result = mkdocs_build(root, "--site-dir", str(tmp_path / "site"), HANDBOOK_EDITION="public")
    assert result.returncode == 1
    assert ("search/search_index.json: the public website would show Cherokee letters, which look like Latin ones and "
            "can spell a fact the home keeps off the website unseen by its checks - retype the text in Latin "
            "letters") in result.stderr
    assert mkdocs_build(root, "--site-dir", str(tmp_path / "staff")).returncode == 0   # staff may read it


def _public_build_with_picture(root: Path, site: Path, name: str, comment: str | None = None) -> list[str]:
    """Add a small PNG (with `comment` in its metadata) to docs/assets/images/ and build the public
    website, which must fail: the lines the build refuses it with."""
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if comment is not None:
        info.add_text("Comment", comment)
    stream = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(stream, "PNG", pnginfo=info)
    (root / "docs" / "assets" / "images").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "assets" / "images" / name).write_bytes(stream.getvalue())
    sop = root / "statement-of-purpose" / "statement-of-purpose.md"  # published: the website shows its pictures
    sop.write_text(sop.read_text(encoding="utf-8") + f"\n![Our sign](../assets/images/{name})\n", encoding="utf-8")
    result = mkdocs_build(root, "--site-dir", str(site), HANDBOOK_EDITION="public")
    assert result.returncode == 1, result.stdout
    return [line.split(" -  ", 1)[1] for line in result.stderr.splitlines() if "the public website would" in line]


def test_the_public_build_refuses_a_pictures_metadata_in_letters_that_only_look_latin(tmp_path):
    """The same postcode in Cherokee letters in a PNG's comment: the picture's metadata is read, its
    pixels are not (read as text they are any letters), nor the theme's own scripts."""
    root = copy_handbook(tmp_path / "handbook")
    refused = _public_build_with_picture(root, tmp_path / "site", "sign.png", comment="Our front door, \u13a2\u13f41 1AA")
    assert refused == ["assets/images/sign.png: the public website would show Cherokee letters, which look like Latin "
                       "ones and can spell a fact the home keeps off the website unseen by its checks - retype the "
                       "text in Latin letters"]


WEBSITE_ALONE = ("which the staff edition does not: a passage left out changes how the text around it reads (a "
                 "link's reference, a list) - put {% if edition != \"public\" %} and {% endif %} around whole "
                 "paragraphs, each with a blank line before and after")


@pytest.mark.parametrize("passage, shown", [
    # A passage left out turned a link's reference definition, whose title staff never see, into a paragraph.
    ('{% if edition != "public" %}[staff-note]: https://example.org/staff{% endif %}\n'
     '"This sentence is shown on the public website alone"',
     'the sentence ""This sentence is shown on the public website alone""'),
    # The website's stand-in for the withheld address was the label of a reference staff never use.
    ("Where we live: [{{ home.address }}].\n\n[not published on this website]: https://example.org/only-here",
     "a link to https://example.org/only-here"),
])
def test_the_public_website_shows_nothing_the_staff_edition_does_not(tmp_path, passage, shown):
    """An attacker's review: the website showed a sentence, and a link, that staff never see."""
    root = copy_handbook(tmp_path / "handbook")
    guide = root / "statement-of-purpose" / "childrens-guide.md"  # on the website
    guide.write_text(guide.read_text(encoding="utf-8") + f"\n{passage}\n", encoding="utf-8")
    result = mkdocs_build(root, "--site-dir", str(tmp_path / "site"), HANDBOOK_EDITION="public")
    assert result.returncode == 1
    assert f"ERROR    -  statement-of-purpose/childrens-guide.md: the public website would show {shown}, {WEBSITE_ALONE}" \
        in result.stderr.splitlines(), result.stderr[-3000:]
    assert mkdocs_build(root, "--site-dir", str(tmp_path / "staff")).returncode == 0  # staff read it as written


def test_the_public_website_holds_only_the_pictures_its_documents_show(tmp_path):
    """An attacker's review: a picture only a staff document showed (how to hold a child safely) was
    published on the public website with every other file of docs/, where anyone can ask for it."""
    from PIL import Image

    root = copy_handbook(tmp_path / "handbook")
    pictures = root / "docs" / "assets" / "images"
    pictures.mkdir(parents=True)
    for name in ("holding-safely.png", "our-garden.png", "unused.png"):
        Image.new("RGB", (4, 4), "white").save(pictures / name)
    staff = root / "policies" / "behaviour-management.md"  # not on the website
    staff.write_text(staff.read_text(encoding="utf-8") + "\n![Holding safely](../assets/images/holding-safely.png)\n",
                     encoding="utf-8")
    sop = root / "statement-of-purpose" / "statement-of-purpose.md"
    sop.write_text(sop.read_text(encoding="utf-8") + "\n![Our garden](../assets/images/our-garden.png)\n", encoding="utf-8")
    for edition, shown in (("public", ["our-garden.png"]), ("staff", ["holding-safely.png", "our-garden.png", "unused.png"])):
        site = tmp_path / edition
        result = mkdocs_build(root, "--site-dir", str(site), HANDBOOK_EDITION=edition)
        assert result.returncode == 0, result.stderr[-2000:]
        assert sorted(p.name for p in (site / "assets" / "images").glob("*.png") if p.name != "favicon.png") == shown


def test_the_public_build_refuses_a_file_named_with_a_withheld_fact(tmp_path):
    """An attacker's review: a picture named after the home's street and postcode, linked from no
    page, was published on the public website, where anyone can ask for it by its name. Files'
    names are read as their contents are (a picture no published document shows is not published:
    the next test)."""
    root = copy_handbook(tmp_path / "handbook")
    refused = _public_build_with_picture(root, tmp_path / "site", "front-door-tb1-1aa.png")
    assert refused[-1] == ("assets/images/front-door-tb1-1aa.png: the public website would publish a file whose name "
                           "holds address and registered_manager.address from data/home.yml, which the home keeps off "
                           "the website (website: false): anyone can ask for a file by its name - rename the file")
    assert mkdocs_build(root, "--site-dir", str(tmp_path / "staff")).returncode == 0   # staff may see it
