"""The inspector export: offline, only what inspectors should see, verifiable,
reproducible, and never half-written."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pypdf
import pytest
from conftest import (
    REPO,
    built_once,
    commit_all,
    copy_handbook,
    fixture_today,
    front_matter,
    handbook_command,
    last_touched,
    reviewed_on,
    write_document,
)
from playwright.sync_api import expect, sync_playwright
from site_fixtures import ARTIFACTS, check_links, launch_chromium, serve_folder

from handbook.sources.clock import long_date

pytestmark = pytest.mark.browser

DRAFT_WORD = "Zebracornish"      # only in a draft document
STAFF_WORD = "Quokkastaffroom"   # only in a staff-only document
GIT_DATE = "2026-11-20T10:00:00+00:00"


def git(repo: Path, *args: str):
    env = {**os.environ, "GIT_AUTHOR_DATE": GIT_DATE, "GIT_COMMITTER_DATE": GIT_DATE,
           "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def signing_key_of(root: Path) -> Path:
    """Where the tests keep a copy's private key: beside it, outside the repository."""
    return root.parent / f"{root.name}-signing-key.pem"


LINK_TO_DRAFT = "how we practise leaving the building"
LINK_TO_STAFF_PAGE = "how shifts are swapped"


def make_repository(root: Path) -> None:
    """Add a draft and a staff-only document to the copy, give the home a signing key (its
    public half committed, its private half outside the repository) and commit it, like a real clone."""
    made = handbook_command(root, "keygen", "--private-key", str(signing_key_of(root)))
    assert made.returncode == 0, made.stderr
    dated = reviewed_on(fixture_today().isoformat())
    draft = {"changes": [{"version": "1.0", "date": dated["last_reviewed"], "summary": "First draft."}]}  # nobody approved it
    write_document(root, "policies/fire-drills-draft.md",
                   front_matter(id="fire-drills-draft", title="Fire drill procedure", status="draft",
                                regulations=[], audience=["staff", "inspectors"], **draft),
                   f"Draft text with the word {DRAFT_WORD}.\n")
    write_document(root, "policies/rota-swaps.md",
                   front_matter(id="rota-swaps", title="Swapping shifts", regulations=[], audience=["staff"], **dated),
                   f"Staff-only text with the word {STAFF_WORD}.\n")
    complaints = root / "policies/complaints.md"  # an approved document that links to both: the copy holds neither
    complaints.write_text(complaints.read_text() + f"\nSee also [{LINK_TO_DRAFT}](fire-drills-draft.md) and "
                                                   f"[{LINK_TO_STAFF_PAGE}](rota-swaps.md).\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Handbook for the export tests")


def export(root: Path, dist: str = "dist"):
    key = signing_key_of(root)
    signing = {"HANDBOOK_SIGNING_KEY": str(key)} if key.exists() else {}
    return handbook_command(root, "export", "--dist", dist, HANDBOOK_GIT_DATES="true", **signing)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The fixture handbook with a draft and a staff-only document, in git, exported into its
    dist/ and unzipped (built once for the run): (repository, zip, PDF, unzipped copy)."""
    def make(folder: Path) -> None:
        root = copy_handbook(folder / "handbook")
        make_repository(root)
        result = export(root)
        assert result.returncode == 0, result.stdout + result.stderr

    root = built_once(tmp_path_factory, "export", make) / "handbook"
    zips = list((root / "dist").glob("*.zip"))
    pdfs = [pdf for pdf in (root / "dist").glob("*.pdf") if "-booklet-" not in pdf.name]
    assert len(zips) == 1 and len(pdfs) == 1
    unzipped = tmp_path_factory.mktemp("export-unzipped")
    with zipfile.ZipFile(zips[0]) as bundle:
        bundle.extractall(unzipped)
    (site,) = list(unzipped.iterdir())
    return root, zips[0], pdfs[0], site


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_names_carry_home_date_and_commit(exported):
    root, bundle, pdf, site = exported
    commit = git(root, "rev-parse", "--short=7", "HEAD").strip()
    stem = f"cura-care-homes-handbook-{fixture_today().isoformat()}-{commit}"
    assert bundle.name == stem + ".zip" and pdf.name == stem + ".pdf" and site.name == stem


def test_only_approved_documents_for_inspectors_are_in_the_copy(exported):
    _, bundle, pdf, site = exported
    with zipfile.ZipFile(bundle) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")
        names = archive.namelist()
    assert DRAFT_WORD not in everything and STAFF_WORD not in everything
    assert "Fire drill procedure" not in everything and "Swapping shifts" not in everything
    assert not any("status.html" in n or "/how-to/" in n for n in names)
    # A link to a document the copy leaves out is its text (a strict build fails on a broken link).
    assert "fire-drills-draft" not in everything and "rota-swaps" not in everything
    complaints = (site / "policies/complaints.html").read_text()
    for words in (LINK_TO_DRAFT, LINK_TO_STAFF_PAGE):
        assert f'<span class="unpublished-link">{words}</span>' in complaints
    assert "Missing child policy" in (site / "search/search_index.json").read_text()
    text = pdf_text(pdf)
    assert DRAFT_WORD not in text and STAFF_WORD not in text and "Swapping shifts" not in text
    for title in ("Statement of Purpose", "Children's guide", "Missing child policy", "Regulation map",
                  "Schedule 1 index"):
        assert title in text


def test_pdf_has_cover_contents_with_page_numbers_and_document_control(exported):
    root, _, pdf, _ = exported
    commit = git(root, "rev-parse", "HEAD").strip()
    pages = [page.extract_text() for page in pypdf.PdfReader(pdf).pages]
    assert "Cura Care Homes handbook" in pages[0] and commit in pages[0]
    assert "Inspector copy made on" in pages[0]
    assert "Signed with the home's key" in pages[0]  # the copy is signed: its cover says so (not only the zip)
    contents = pages[1]
    assert contents.startswith("Contents") and "Facts still to confirm" not in contents  # a final copy holds none
    first_policy_page = int(contents.split("Missing child policy")[1].strip(" .").split()[0])
    first = pages[first_policy_page - 1]
    assert first.lstrip().startswith("Missing child policy")
    # The status line under the title; the full document control follows the text.
    assert "Version 1.1, approved 26 November 2026 by Responsible Individual. Next review by" in first
    assert "Owner Registered Manager" in "\n".join(pages[first_policy_page - 1:])


def test_manifest_lists_documents_and_every_file(exported):
    root, _, _, site = exported
    manifest = json.loads((site / "manifest.json").read_text())
    assert manifest["commit"] == git(root, "rev-parse", "HEAD").strip()
    assert manifest["made_on"] == fixture_today().isoformat()
    ids = [d["id"] for d in manifest["documents"]]
    assert "missing-child" in ids and "rota-swaps" not in ids and "fire-drills-draft" not in ids
    on_disk = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert sorted(manifest["files"]) == [p for p in on_disk if p not in ("manifest.json", "manifest.json.sig")]
    assert "Missing child policy" in (site / "inspector-copy.html").read_text()
    fingerprint = json.loads((site / "manifest.json.sig").read_text())["key"]
    assert manifest["signed"] is True and manifest["signing_key"] == fingerprint
    assert f"This copy is signed</strong> with the home's own key (key fingerprint <code>{fingerprint}</code>)" in (
        site / "inspector-copy.html").read_text()


def test_the_pdf_carries_no_embedded_file(exported):
    _, _, pdf, _ = exported
    reader = pypdf.PdfReader(pdf)
    assert reader.attachments == {}
    assert not [a for page in reader.pages for a in page.get("/Annots") or []
                if a.get_object().get("/Subtype") == "/FileAttachment"]


def test_verify_passes_on_a_fresh_bundle_and_fails_on_a_tampered_one(exported, tmp_path):
    root, bundle, pdf, site = exported
    good = handbook_command(root, "verify", str(bundle))
    assert good.returncode == 0 and "every file matches its manifest" in good.stdout
    assert good.stdout.startswith(f"{bundle}: signed with the home's key SHA256:")
    signed, identity, beside = good.stdout.splitlines()
    (booklet,) = (root / "dist").glob("*-booklet-*.pdf")  # made beside the copy, for a child: not part of it
    assert beside == (f"{bundle}: beside the zip, NOT part of this copy and not checked: {booklet.name} - the copy's "
                      f"PDF is {pdf.name}")
    assert signed.endswith(f"(the public key in {root / 'data/inspector-copy-key.pub'}); every file matches its "
                           f"manifest, and so does the PDF {pdf.name}")
    with zipfile.ZipFile(bundle) as archive:
        made = json.loads(archive.read(f"{site.name}/manifest.json"))
    assert (made["copy"], made["draft"]) == (site.name, False)
    assert identity == (f"{bundle}: the copy {site.name}: the handbook of {made['home']}, made on "
                        f"{long_date(fixture_today())} from commit {made['commit'][:7]}")

    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name.endswith("policies/missing-child.html"):
                data = data.replace(b"Missing child policy", b"Missing child policy (edited)")
            if name.endswith("policies/complaints.html"):
                continue
            target.writestr(name, data)
        target.writestr(f"{site.name}/extra.html", "<p>added later</p>")
    bad = handbook_command(root, "verify", str(tampered))
    assert bad.returncode == 1
    assert bad.stdout.splitlines() == [f"{tampered}: added: extra.html",
                                       f"{tampered}: removed: policies/complaints.html",
                                       f"{tampered}: changed: policies/missing-child.html"]
    assert "does NOT match its manifest" in bad.stderr


def test_a_page_changed_with_its_new_checksum_in_the_manifest_does_not_verify(exported, tmp_path):
    """Deliberate change: the page, then its SHA-256 in manifest.json, then re-zipped."""
    root, bundle, _, site = exported
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as target:
        page = source.read(f"{site.name}/policies/missing-child.html").replace(
            b"Missing child policy", b"Missing child policy (staff need not call the police)")
        manifest = json.loads(source.read(f"{site.name}/manifest.json"))
        manifest["files"]["policies/missing-child.html"] = hashlib.sha256(page).hexdigest()
        for name in source.namelist():
            data = source.read(name)
            if name.endswith("policies/missing-child.html"):
                data = page
            if name.endswith("/manifest.json"):
                data = (json.dumps(manifest, indent=2) + "\n").encode()
            target.writestr(name, data)
    result = handbook_command(root, "verify", str(forged))
    assert result.returncode == 1 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"ERROR: {forged}: the signature of manifest.json is not the home's (key SHA256:")


def test_two_exports_of_the_same_commit_are_identical(exported, tmp_path):
    root, bundle, pdf, _ = exported
    again = export(root, str(tmp_path / "dist-again"))   # outside the repository, which other tests share
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "dist-again" / bundle.name).read_bytes() == bundle.read_bytes()
    assert pdf_text(tmp_path / "dist-again" / pdf.name) == pdf_text(pdf)


def test_export_of_a_broken_handbook_leaves_dist_as_it_was(exported, handbook_copy):
    dist = handbook_copy / "dist"
    dist.mkdir()
    (dist / "old-export.zip").write_bytes(b"the previous export")
    path = handbook_copy / "policies/missing-child.md"
    path.write_text(path.read_text().replace("last_reviewed: 2026", "last_reviewed: 2019", 1))
    result = handbook_command(handbook_copy, "export")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = path.read_text().splitlines().index("last_reviewed: 2019-10-05") + 1
    assert f"ERROR: policies/missing-child.md, line {line}: review overdue since" in result.stdout
    assert "nothing was exported" in result.stderr
    assert [p.name for p in dist.iterdir()] == ["old-export.zip"]
    assert (dist / "old-export.zip").read_bytes() == b"the previous export"


@pytest.mark.parametrize("command", [["export"], ["export", "--document", "missing-child"]])
def test_a_copy_is_never_made_from_changes_its_commit_does_not_hold(tmp_path, command):
    """A copy names the commit it was made from: an edit not committed would be in the copy
    but not in the records the copy names (and a signed copy would vouch for it)."""
    root = copy_handbook(tmp_path / "handbook")
    commit_all(root, fixture_today())
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    path = root / "policies/missing-child.md"
    path.write_text(path.read_text().replace("straight away.", "straight away, unless it is late.", 1))
    (root / "docs" / "notes.md").write_text("# Notes\n")
    result = handbook_command(root, *command)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert result.stderr == (f"ERROR: policies/missing-child.md (and 1 more): not as commit {commit[:7]} holds it, and "
                             "the copy would name that commit as what it was made from - commit the change (or set it "
                             "aside with git stash), then make the copy again\n")
    assert not (root / "dist").exists()


def test_linkchecker_finds_no_error_in_the_unzipped_copy(exported):
    _, _, _, site = exported
    base, stop = serve_folder(site)
    try:
        assert check_links(base, site) == []
    finally:
        stop()


def test_copy_opens_from_disk_searches_and_asks_no_other_host(exported):
    _, _, _, site = exported
    ARTIFACTS.mkdir(exist_ok=True)
    requests = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_context().new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto((site / "index.html").as_uri())
        expect(page.locator(".copy-stamp")).to_contain_text("Inspector copy made on")
        page.keyboard.press("/")
        page.keyboard.type("missing")
        first = page.locator(".md-search-result__item > .md-search-result__link h1").first
        expect(first).to_have_text("Missing child policy", timeout=10_000)
        page.screenshot(path=ARTIFACTS / "export-offline-search.png")
        first.click()
        page.wait_for_url("**/policies/missing-child.html*")
        expect(page.locator(".document-control")).to_be_visible()
        browser.close()
    assert requests and all(url.startswith("file://") for url in requests), \
        [url for url in requests if not url.startswith("file://")]


def test_copy_says_when_it_is_out_of_date(exported):
    _, _, _, site = exported
    manifest = json.loads((site / "manifest.json").read_text())
    earliest = min(d["next_review"] for d in manifest["documents"])
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for clock, stale in ((manifest["made_on"] + "T12:00:00", False), (earliest + "T12:00:00", False),
                             (f"{int(earliest[:4]) + 1}{earliest[4:]}T12:00:00", True)):
            page = browser.new_context().new_page()
            page.clock.set_fixed_time(clock)
            page.goto((site / "policies/missing-child.html").as_uri())
            notice = page.locator(".copy-stamp__stale")
            (expect(notice).to_be_visible() if stale else expect(notice).to_be_hidden())
        browser.close()


# --- truthful copies: nothing the home does not stand behind ---------------------

def test_export_of_a_home_still_applying_refuses_then_makes_a_marked_draft_copy(real_repository, real_draft_copy):
    """The real handbook, in a repository of its own; its draft copy (`handbook export --draft`)
    is made once for the run by the `real_draft_copy` fixture (tests/conftest.py)."""
    root = real_repository
    today = last_touched(REPO)
    refused = handbook_command(root, "export", today=today)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip() == (
        "ERROR: no document for inspectors is approved yet; nothing was exported - while the home is applying "
        "for registration, make a draft copy with: make export DRAFT=1 (handbook export --draft)")
    assert not (root / "dist").exists() or not any((root / "dist").iterdir())

    bundle, pdf = real_draft_copy
    assert bundle.name.startswith("cura-care-homes-handbook-draft-") and pdf.name.startswith("cura-care-homes-handbook-draft-")
    (booklet,) = pdf.parent.glob("*-booklet-*.pdf")   # the children's guide for a child, marked a draft too
    assert re.fullmatch(r"cura-care-homes-childrens-guide-version-[\d.]+-booklet-a5-draft-[\d-]+\.pdf", booklet.name)
    assert "Draft: not yet approved" in pypdf.PdfReader(booklet).pages[0].extract_text()
    with zipfile.ZipFile(bundle) as archive:
        pages = [n for n in archive.namelist() if n.endswith(".html") and not n.endswith("404.html")]
        for name in pages:
            text = archive.read(name).decode()
            assert "Draft: facts still to confirm" in text, name
        policy = archive.read(next(n for n in pages if n.endswith("policies/missing-child.html"))).decode()
        assert "Draft: not yet approved" in policy
    pages = [page.extract_text() for page in pypdf.PdfReader(pdf).pages]
    assert "Draft: facts still to confirm" in pages[0]
    # An inspector's review: the PDF alone never said which facts were still to confirm. It lists
    # them first, after the contents, as the copy's "About this copy" page does.
    assert pages[1].startswith("Contents") and "Facts still to confirm" in pages[1].split("\n")[1]
    start = next(n for n, page in enumerate(pages) if n > 1 and page.lstrip().startswith("Facts still to confirm"))
    listed = " ".join(" ".join(pages[start:start + 3]).split())
    assert "the on-call manager's phone number Medicines policy, Missing child policy" in listed
    # the real handbook has no signing key yet: the copy says it is not signed, and verify says so too
    with zipfile.ZipFile(bundle) as archive:
        manifest = json.loads(archive.read(next(n for n in archive.namelist() if n.endswith("/manifest.json"))))
        about = archive.read(next(n for n in archive.namelist() if n.endswith("/inspector-copy.html"))).decode()
    assert manifest["signed"] is False and manifest["signing_key"] is None
    assert "This copy is not signed.</strong>" in about
    verified = handbook_command(root, "verify", str(bundle))
    assert verified.returncode == 1
    assert verified.stderr.startswith(f"{bundle}: not signed: it proves only that nothing changed by accident")


@pytest.mark.parametrize("stage", ["applying", "registered"])
def test_export_refuses_a_copy_that_would_print_a_fact_still_to_confirm(tmp_path, stage):
    root = copy_handbook(tmp_path / "handbook")
    home = root / "data" / "home.yml"
    if stage == "applying":  # (a registered home's page printing one is an error of the check's, below)
        home.write_text(home.read_text().replace("  stage: registered\n  registered_on: 2026-10-01\n", "  stage: applying\n"))
    index = root / "docs" / "index.md"
    index.write_text(index.read_text() + "\nCompany number: {{ home.company_number }}\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "A page printing a fact still to confirm")
    refused = export(root)
    assert refused.returncode == 1
    if stage == "applying":
        assert ("ERROR: company_number is still to confirm (company number, as shown on Companies House), printed by "
                "docs/index.md - confirm it in data/home.yml") in refused.stdout.splitlines()
        assert refused.stderr.startswith("ERROR: the copy would show 1 fact(s) still to confirm; nothing was exported")
    else:
        assert refused.stdout.splitlines() == [
            "ERROR: data/home.yml: company_number is still to confirm (company number, as shown on Companies House) but "
            "the home is registered and pages of its site print it: docs/index.md - write the confirmed fact in "
            "data/home.yml: staff rely on those pages now (or take the fact off them until it is known)"]
        assert refused.stderr == "ERROR: the handbook has 1 error(s); nothing was exported - fix them first\n"
    assert not (root / "dist").exists() or not any((root / "dist").iterdir())


def test_as_of_refuses_a_day_that_has_not_come(tmp_path):
    root = copy_handbook(tmp_path / "handbook")
    tomorrow = fixture_today() + dt.timedelta(days=1)
    result = handbook_command(root, "export", "--as-of", tomorrow.isoformat(), today=fixture_today())
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"ERROR: --as-of {tomorrow.isoformat()}: that day has not come yet - a copy can "
                                     "only show the handbook as it stood on a day up to today")


def test_the_real_pdf_is_tagged_and_splits_no_table_row(tmp_path, real_repository, real_draft_copy):
    """The real handbook's draft copy: a tagged PDF (PDF/UA), and no table row broken across
    two pages (each row's box is laid out on one page only)."""
    import weasyprint
    from weasyprint.formatting_structure.boxes import TableRowGroupBox

    from handbook.checks import load_and_check
    from handbook.export.pdf import handbook_html

    root = real_repository
    today = last_touched(REPO)
    bundle, pdf = real_draft_copy
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"(?m)^Tagged:\s+yes$", info), info
    # An inspector's review: the title a PDF viewer shows said "inspector copy", not that it is a draft.
    assert re.search(r"(?m)^Title:\s+Cura Care Homes handbook: Draft: facts still to confirm\. ", info), info

    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "copy")
    (site,) = (tmp_path / "copy").iterdir()
    handbook = load_and_check(root, today).for_inspectors(drafts=True)
    document = weasyprint.HTML(string=handbook_html(handbook, "commit", "Draft", site), base_url=site.as_uri() + "/").render()
    pages_of: dict[int, set[int]] = {}
    for number, page in enumerate(document.pages):
        for group in page._page_box.descendants():
            if isinstance(group, TableRowGroupBox) and not group.is_header:  # a header row repeats on each page
                for row in group.children:
                    pages_of.setdefault(id(row.element), set()).add(number)
    assert pages_of, "the PDF has tables"
    split = [pages for pages in pages_of.values() if len(pages) > 1]
    assert split == []


def test_every_page_after_the_cover_names_the_copy_and_a_draft_says_so(exported, real_draft_copy):
    """The running head: a page printed on its own still says which copy it comes from, and a
    page of the draft copy says it is a draft."""
    from handbook.views.editions import DRAFT_MARK

    _, _, pdf, _ = exported
    head = f"Cura Care Homes handbook: Inspector copy made on {long_date(fixture_today())}"
    pages = [page.extract_text() for page in pypdf.PdfReader(pdf).pages]
    assert head not in pages[0]  # the cover carries no running head
    assert [number for number, text in enumerate(pages[1:], start=2) if head not in text] == []
    _, draft_pdf = real_draft_copy
    draft_pages = [page.extract_text() for page in pypdf.PdfReader(draft_pdf).pages]
    assert [number for number, text in enumerate(draft_pages[1:], start=2) if DRAFT_MARK not in text] == []
    # The children's guide booklet made with it: a draft says so on every page, a final one on none.
    (draft_booklet,) = draft_pdf.parent.glob("*-booklet-*.pdf")
    booklet_pages = [page.extract_text() for page in pypdf.PdfReader(draft_booklet).pages]
    assert len(booklet_pages) > 5 and [n for n, text in enumerate(booklet_pages, 1) if "Draft: " not in text] == []
    # Only a final booklet's cover tells the child it is theirs to keep (an inspector's review: a draft's did).
    assert "A draft: not yet a copy to give a child to keep." in booklet_pages[0]
    assert "yours to keep" not in booklet_pages[0]
    (final_booklet,) = (exported[0] / "dist").glob("*-booklet-*.pdf")
    final_pages = [page.extract_text() for page in pypdf.PdfReader(final_booklet).pages]
    assert [n for n, text in enumerate(final_pages, 1) if "Draft" in text] == []
    assert "This copy is yours to keep." in final_pages[0]


def _page_parts(pdf: Path) -> list[tuple[str | None, str]]:
    """(the title of the part each page is in, by the PDF's bookmarks; the page's text)."""
    reader = pypdf.PdfReader(pdf)
    starts = sorted((reader.get_destination_page_number(item), item.title) for item in reader.outline
                    if not isinstance(item, list))
    # A long foot may wrap onto a second line: the page's text is read with its spaces made one.
    return [(next((title for start, title in reversed(starts) if start <= number), None),
             " ".join(page.extract_text().split())) for number, page in enumerate(reader.pages)]


def test_every_page_of_a_document_names_its_version_and_approval_at_its_foot(exported, real_draft_copy, real_repository):
    """A page of the inspectors' PDF printed on its own still says which document it is from, in
    which version, and whether that version is approved (a draft copy's drafts say they are not)."""
    from handbook.checks import load_and_check

    def feet(root: Path, today: dt.date, drafts: bool) -> dict[str, str]:
        documents = load_and_check(root, today).for_inspectors(drafts=drafts).documents
        return {"Regulation map": "Regulation map"} | {
            d.title: f"{d.title}, version {d.version}: " + (f"approved on {long_date(d.approval.on)}" if d.in_force
                                                            else "draft, not yet approved") for d in documents}

    for pdf, expected in [(exported[2], feet(exported[0], fixture_today(), drafts=False)),
                          (real_draft_copy[1], feet(real_repository, last_touched(REPO), drafts=True))]:
        pages = [(part, text) for part, text in _page_parts(pdf) if part in expected]
        assert {part for part, _ in pages} == set(expected)
        assert [(part, text[-300:]) for part, text in pages if expected[part] not in text] == []
    assert "draft, not yet approved" in " ".join(feet(real_repository, last_touched(REPO), drafts=True).values())


def test_the_export_makes_the_childrens_guide_an_a5_booklet_for_a_child(exported):
    """Beside the inspector copy, `make export` prints the children's guide for a child to keep:
    A5, tagged, named as the booklet of that version, holding the guide alone."""
    root, _, _, _ = exported
    (booklet,) = list((root / "dist").glob("*-booklet-*.pdf"))
    assert booklet.name == f"cura-care-homes-childrens-guide-version-1.0-booklet-a5-{fixture_today().isoformat()}.pdf"
    info = subprocess.run(["pdfinfo", str(booklet)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert re.search(r"Page size:\s+419\.5\d* x 595\.2\d* pts", info), info  # A5
    text = pdf_text(booklet)
    assert "This copy is yours to keep." in text and "Children's guide" in text
    for other in ("Missing child policy", "Regulation map", "Schedule 1 index"):
        assert other not in text


@pytest.mark.parametrize("changed", ["data/home.yml", "mkdocs.yml", "handbook/export/bundle.py"])
def test_a_copy_is_never_made_from_uncommitted_data_configuration_or_code(tmp_path, changed):
    """README, "Inspector copy": uncommitted documents, data, pages, configuration or code stop the
    export (the copy would name a commit that does not hold what made it)."""
    root = copy_handbook(tmp_path / "handbook")
    commit_all(root, fixture_today())
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    with (root / changed).open("a", encoding="utf-8") as out:
        out.write("\n# changed after the commit\n")
    result = handbook_command(root, "export")
    assert (result.returncode, result.stderr) == (1, (
        f"ERROR: {changed}: not as commit {commit[:7]} holds it, and the copy would name that commit as what it was "
        "made from - commit the change (or set it aside with git stash), then make the copy again\n"))
    assert not (root / "dist").exists()


def test_an_as_of_day_before_the_first_commit_is_refused(tmp_path):
    """README, "Inspector copy": a day before the repository's first commit is refused."""
    root = copy_handbook(tmp_path / "handbook")
    commit_all(root, fixture_today())
    before = fixture_today() - dt.timedelta(days=1)
    result = handbook_command(root, "export", "--as-of", before.isoformat())
    assert (result.returncode, result.stderr) == (1, (
        f"ERROR: no commit on or before {before.isoformat()}: the handbook's history starts later\n"))
    assert not (root / "dist").exists()
