"""The fixture provider (tests/fixtures/provider): a fictional provider of three fictional homes.
Oak Lodge and Birch House are registered; Elm Cottage is applying. Birch House replaces the
provider's missing child policy with its own procedure; Oak Lodge has a home-only document."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from conftest import FROM_REPOSITORY, REPO, copy_source

PROVIDER = REPO / "tests" / "fixtures" / "provider"
PROVIDER_TODAY = dt.date(2026, 11, 26)   # the newest date in the fixture's documents
HOMES = ("birch-house", "elm-cottage", "oak-lodge")
# What identifies each home: what must never appear in another home's edition.
IDENTITY = {
    "oak-lodge": ["Oak Lodge", "SC000001", "Oakbury", "rope swing", "Rope swing safety"],
    "birch-house": ["Birch House", "SC000002", "Birchford", "river path", "Missing child procedure for Birch House"],
    "elm-cottage": ["Elm Cottage", "Elmstead", "vegetable patch"],
}


def copy_provider(copy: Path, code: bool = True) -> Path:
    """A throwaway provider's handbook: the fixture's content, the repository's docs/ pages and
    (unless `code` is False, for in-process tests) its code and configuration."""
    copy.mkdir(parents=True)
    for source in [REPO / name for name in FROM_REPOSITORY if code or name == "docs"]:
        copy_source(source, copy / source.name)
    for name in ("data", "policies", "homes"):
        shutil.copytree(PROVIDER / name, copy / name)
    shutil.copytree(PROVIDER / "docs", copy / "docs", dirs_exist_ok=True)
    return copy
