"""A provider's homes end to end: `handbook check` for every home, each home's staff site and
inspector copy (zip and PDF) holding that home's edition only, named with the home and its URN."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pypdf
import pytest
from conftest import BIN, REPO, commit_all, handbook_command, mkdocs_build, run
from PIL import Image
from provider_fixtures import HOMES, IDENTITY, PROVIDER_TODAY, copy_provider

TODAY = PROVIDER_TODAY.isoformat()


def others(home: str) -> list[str]:
    return [mark for other, marks in IDENTITY.items() if other != home for mark in marks]


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> Path:
    root = copy_provider(tmp_path_factory.mktemp("provider") / "handbook")
    commit_all(root, PROVIDER_TODAY)
    return root


@pytest.mark.build
def test_check_covers_every_home_and_names_them(provider):
    result = handbook_command(provider, "check", today=PROVIDER_TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == f"Checked 3 homes (13 documents) on {TODAY}: 0 errors, 33 warnings."
    assert ("WARNING: homes/elm-cottage/home.yml: [elm-cottage] 1 facts about the home are not known yet: ofsted_urn"
            " - replace each {to_confirm: ...} with the real fact once it is confirmed") in result.stdout.splitlines()
    data = json.loads(handbook_command(provider, "check", "--format", "json", today=PROVIDER_TODAY).stdout)
    assert list(data["homes"]) == list(HOMES) and data["errors"] == 0
    one = handbook_command(provider, "check", "--home", "oak-lodge", today=PROVIDER_TODAY)
    assert one.returncode == 0 and one.stdout.splitlines()[-1] == f"Checked 8 documents on {TODAY}: 0 errors, 16 warnings."


@pytest.mark.build
def test_an_overdue_provider_policy_fails_the_check_once(provider):
    result = handbook_command(provider, "check", today=PROVIDER_TODAY.replace(year=2028))
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith("ERROR: policies/safeguarding.md,")]
    assert lines == ["ERROR: policies/safeguarding.md, line 9: [birch-house, elm-cottage, oak-lodge] review overdue since 5 "
                     "October 2027 (last reviewed 5 October 2026, every 12 months). Owner: Designated Safeguarding "
                     "Lead - review the document; if nothing needs changing, set last_reviewed to the review date and "
                     "add a changes entry with the same version, review_only: true and a summary such as \"Reviewed; "
                     "no changes needed\"; if it changes, raise the version and record the change and its approval"]


@pytest.mark.build
@pytest.mark.parametrize("args", [["check", "--home", "nope"], ["export", "--home", "nope"]])
def test_an_unknown_home_is_one_line_and_a_failing_exit(provider, args):
    result = handbook_command(provider, *args, today=PROVIDER_TODAY)
    assert result.returncode == 1
    assert result.stderr == ("ERROR: homes/nope: no such home - the homes are birch-house, elm-cottage, oak-lodge "
                             "(the folders in homes/)\n")
    assert not (provider / "dist").exists()


@pytest.mark.build
def test_the_site_build_needs_a_home_and_says_which_there_are(provider, tmp_path):
    result = mkdocs_build(provider, "--site-dir", str(tmp_path / "site"), today=PROVIDER_TODAY)
    assert result.returncode == 1
    assert ("homes/: this handbook has 3 homes (birch-house, elm-cottage, oak-lodge) - name the one to build or "
            "export: make build HOME_ID=birch-house") in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "site").exists()


@pytest.mark.build
def test_another_homes_unreadable_facts_stop_the_staff_site_in_one_line(tmp_path):
    """A home's staff site shows every home side by side (the provider page), so it needs every
    home's facts: one it cannot read stops the build in one line, not with a traceback."""
    provider = copy_provider(tmp_path / "handbook")  # its own copy: the module's is shared
    home = provider / "homes" / "birch-house" / "home.yml"
    home.write_text(home.read_text() + "name: [unclosed\n")
    result = mkdocs_build(provider, "--site-dir", str(tmp_path / "site"), today=PROVIDER_TODAY, HANDBOOK_HOME="oak-lodge")
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert [line for line in result.stderr.splitlines() if "homes/birch-house/home.yml" in line], result.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.build
def test_a_homes_staff_site_holds_its_own_documents_and_the_provider_page(provider, tmp_path):
    site = tmp_path / "site"
    result = mkdocs_build(provider, "--site-dir", str(site), today=PROVIDER_TODAY, HANDBOOK_HOME="birch-house")
    assert result.returncode == 0, result.stderr
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert [p for p in pages if p.startswith(("homes/", "policies/"))] == [
        "homes/birch-house/policies/missing-child.html", "homes/birch-house/statement-of-purpose/childrens-guide.html",
        "homes/birch-house/statement-of-purpose/statement-of-purpose.html", "policies/anti-bullying.html",
        "policies/behaviour-management.html", "policies/complaints.html", "policies/safeguarding.html"]
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="homes/birch-house/policies/missing-child.html#if-a-child-is-missing-now"' in index
    assert "Birch House handbook" in index
    # Only the provider's page (and the search index that indexes it) names the other homes.
    provider_page = (site / "provider.html").read_text(encoding="utf-8")
    assert all(name in provider_page for name in ("Oak Lodge", "Birch House", "Elm Cottage"))
    for page in site.rglob("*"):
        if page.is_file() and page.suffix in (".html", ".json", ".ics") and page.name not in (
                "provider.html", "search_index.json"):
            text = page.read_text(encoding="utf-8")
            assert not [mark for mark in others("birch-house") if mark in text], page


@pytest.mark.build
def test_a_picture_another_homes_documents_show_is_not_in_this_homes_site(tmp_path):
    """An attacker's review: pictures live in the shared docs/, so Birch House's picture of its river
    path (and the gate code in its metadata) was in Oak Lodge's site and inspector copy."""
    provider = copy_provider(tmp_path / "handbook")  # its own copy: the module's is shared
    pictures = provider / "docs" / "assets" / "images"
    pictures.mkdir(parents=True)
    Image.new("RGB", (8, 8), "green").save(pictures / "birch-house-river-path.png")
    Image.new("RGB", (8, 8), "blue").save(pictures / "front-door.png")
    procedure = provider / "homes" / "birch-house" / "policies" / "missing-child.md"
    procedure.write_text(procedure.read_text() + "\n![The river path gate](../../../assets/images/birch-house-river-path.png)\n")
    for home, shown in (("oak-lodge", ["front-door.png"]), ("birch-house", ["birch-house-river-path.png", "front-door.png"])):
        site = tmp_path / home
        result = mkdocs_build(provider, "--site-dir", str(site), today=PROVIDER_TODAY, HANDBOOK_HOME=home)
        assert result.returncode == 0, result.stderr
        assert sorted(p.name for p in site.rglob("*.png") if p.name in ("birch-house-river-path.png", "front-door.png")) \
            == shown


@pytest.mark.build
def test_a_homes_final_copy_turns_links_to_its_drafts_into_words_and_it_has_no_website(provider, tmp_path):
    """A review: Elm Cottage's final inspector copy (its Statement of Purpose and guide still drafts,
    so left out) failed to build, as the provider's policies linked to them where the home's edition
    did not look; and a home's public website build wrote the provider's page of every home's errors."""
    site = tmp_path / "inspector"
    result = mkdocs_build(provider, "--site-dir", str(site), today=PROVIDER_TODAY, HANDBOOK_HOME="elm-cottage",
                          HANDBOOK_EDITION="inspector")
    assert result.returncode == 0, result.stderr
    assert not (site / "homes").exists()
    page = (site / "policies/safeguarding.html").read_text(encoding="utf-8")
    assert '<span class="unpublished-link">Statement of Purpose</span>' in page and "statement-of-purpose.html" not in page
    public = tmp_path / "public"
    result = mkdocs_build(provider, "--site-dir", str(public), today=PROVIDER_TODAY, HANDBOOK_HOME="oak-lodge",
                          HANDBOOK_EDITION="public")
    assert result.returncode == 1 and not public.exists()
    assert ("ERROR   -  HANDBOOK_EDITION=public: the public website is made for a single home's handbook; a provider's "
            "home (oak-lodge) has none yet - build its staff site or its inspector copy instead"
            ) in result.stderr.splitlines(), result.stderr


@pytest.mark.build
def test_a_pull_request_is_checked_in_each_homes_own_folder(tmp_path):
    """A review: `handbook check --base` compared only the provider's folders. A home's approval and
    Ofsted notice could be rewritten, its text changed without a version, its procedure deleted, and
    the check passed; while an unchanged branch failed, taking the home's own missing child
    procedure (it replaces the provider's) for the provider's policy deleted."""
    root = copy_provider(tmp_path / "handbook")
    commit_all(root, PROVIDER_TODAY)
    run(["git", "checkout", "-q", "-b", "change"], root)
    unchanged = handbook_command(root, "check", "--base", "main", today=PROVIDER_TODAY)
    assert unchanged.returncode == 0, unchanged.stdout
    review = handbook_command(root, "review", "--base", "main", today=PROVIDER_TODAY)
    assert (review.returncode, review.stdout) == (0, (
        "The reviewer's summary is made for a single home's handbook, and this one has homes (homes/): no summary was "
        "made. `handbook check --base` checks the change home by home; read each changed file in the pull request "
        "itself.\n"))
    statement = root / "homes/oak-lodge/statement-of-purpose/statement-of-purpose.md"
    text = statement.read_text(encoding="utf-8")
    statement.write_text(text.replace("ofsted_notified_on: 2026-10-12", "ofsted_notified_on: 2026-10-07")
                         + "\nWe also run a holiday club.\n", encoding="utf-8")
    (root / "homes/birch-house/policies/missing-child.md").unlink()
    result = handbook_command(root, "check", "--base", "main", today=PROVIDER_TODAY)
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR: homes/")]
    assert errors == [
        "ERROR: homes/birch-house/policies/missing-child.md: [birch-house] the document was deleted (it is on main) - "
        "put it back and set status: retired instead, with a changes entry saying why, so its history stays",
        "ERROR: homes/oak-lodge/statement-of-purpose/statement-of-purpose.md, line 7: [oak-lodge] the text changed but "
        "version is still 1.0 - set version to \"1.1\" and add a changes entry: version: \"1.1\", date: "
        f"{TODAY}, summary: what changed and why",
        "ERROR: homes/oak-lodge/statement-of-purpose/statement-of-purpose.md, line 14: [oak-lodge] the changes entry for "
        "version 1.0 has ofsted_notified_on 2026-10-07, but 2026-10-12 on main: a record of what happened is never "
        "rewritten - put back ofsted_notified_on as it is on main; to correct it, add a new changes entry that says "
        "what was wrong"], result.stdout


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


@pytest.mark.browser
@pytest.mark.parametrize("home, name, draft", [
    ("oak-lodge", "oak-lodge-sc000001-handbook", False),
    ("birch-house", "birch-house-sc000002-handbook", False),
    ("elm-cottage", "elm-cottage-applying-handbook-draft", True),
])
def test_each_homes_inspector_copy_holds_that_home_only(provider, tmp_path, home, name, draft):
    dist = tmp_path / "dist"
    result = run([str(BIN / "handbook"), "export", "--home", home, "--dist", str(dist), *(["--draft"] if draft else [])],
                 provider, today=PROVIDER_TODAY)
    assert result.returncode == 0, result.stdout + result.stderr
    made = sorted(p.name for p in dist.iterdir() if "-booklet-" not in p.name)
    assert len(made) == 2 and all(p.startswith(f"{name}-{TODAY}-") for p in made), made
    (booklet,) = dist.glob("*-booklet-*.pdf")   # the home's own children's guide, for a child to keep
    assert booklet.name.startswith(f"{home}-childrens-guide-version-")
    bundle = next(dist.glob("*.zip"))
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        text = "\n".join(archive.read(n).decode("utf-8", "replace") for n in names)
    assert not [n for n in names if "/homes/" in n and f"/homes/{home}/" not in n]
    assert "provider.html" not in "\n".join(names)
    pdf = pdf_text(next(dist.glob("*-handbook-*.pdf")))
    for where, content in (("zip", text), ("pdf", pdf), ("booklet", pdf_text(booklet))):
        assert IDENTITY[home][0] in content, where
        assert not [mark for mark in others(home) if mark in content], where


@pytest.mark.build
def test_make_takes_the_home_as_home_id_and_changes_nothing_without_it():
    def planned(*args: str) -> list[str]:
        done = run(["make", "-n", *args], REPO)
        assert done.returncode == 0, done.stderr
        return [line for line in done.stdout.splitlines() if "mkdocs" in line or "handbook " in line]

    assert planned("build") == [".venv/bin/mkdocs build --strict --site-dir .site-build || { rm -rf .site-build; exit 1; }"]
    assert planned("build", "HOME_ID=oak-lodge") == [
        "HANDBOOK_HOME=oak-lodge .venv/bin/mkdocs build --strict --site-dir .site-build || { rm -rf .site-build; exit 1; }"]
    assert planned("serve", "HOME_ID=oak-lodge") == [
        "HANDBOOK_HOME=oak-lodge .venv/bin/mkdocs serve --dirty --dev-addr 127.0.0.1:8000"]
    assert planned("export", "HOME_ID=oak-lodge") == [".venv/bin/handbook export  --home oak-lodge"]
    # and against origin/main, where the repository has one (a clone has; the first repository has not)
    base = " --base origin/main" if run(["git", "rev-parse", "--verify", "-q", "origin/main"], REPO).returncode == 0 else ""
    assert planned("check", "HOME_ID=oak-lodge") == [f".venv/bin/handbook check --home oak-lodge{base}"]
    # A branch named is compared against even when it does not exist: a misspelt one is an error (a new
    # user's review: `make check BASE=mian` checked without the comparison and passed).
    assert planned("check", "BASE=mian") == [".venv/bin/handbook check --base mian"]
