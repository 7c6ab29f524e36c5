"""A provider with several homes. Ofsted registers and inspects each home on its own, while the
provider keeps one set of policies every home follows. The layout:

    data/provider.yml                  the provider's facts, written once (company, Responsible Individual,
                                       roles, national contacts): every home's facts start from these
    policies/                          the provider's policies, followed by every home
    homes/<id>/home.yml                the home's own facts (name, URN, address, registered manager, local
                                       contacts, registration stage); they add to or replace the provider's
    homes/<id>/statement-of-purpose/   the home's own Statement of Purpose and children's guide
    homes/<id>/policies/               optional: documents for this home only; a file with the same name as
                                       a provider policy replaces it for this home only

A handbook with no homes/ folder is a single home (data/home.yml, statement-of-purpose/,
policies/) and none of this applies. A home's edition is the provider's policies (less those
it replaces) and its own folder's documents, rendered with its own facts: it can reach no
other home's facts, documents or pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from handbook.model.documents import GOVERNED_FOLDERS
from handbook.model.home import HOME_FILE, FactProblem, Home, Placeholder, home_from_data, website_form
from handbook.sources.errors import HandbookError
from handbook.sources.letters import read_alike
from handbook.sources.yaml_files import YamlProblem, data_file_problem, line_of, read_yaml_file

HOMES_DIR = "homes"
PROVIDER_FILE = "data/provider.yml"
HOME_FACTS = "home.yml"
HOME_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_IN_A_HOME = re.compile(r"^homes/([^/]+)/")


def is_provider(root: Path) -> bool:
    """A handbook with a homes/ folder is a provider's, with one or more homes."""
    return (Path(root) / HOMES_DIR).is_dir()


def home_of(path: str) -> str | None:
    """The home whose folder holds `path` (relative to the repository root), if any."""
    match = _IN_A_HOME.match(path)
    return match.group(1) if match else None


def shared_path(path: str) -> str:
    """Where a document sits in the handbook's shape: homes/oak-lodge/policies/x.md -> policies/x.md."""
    return _IN_A_HOME.sub("", path, count=1)


@dataclass(frozen=True)
class HomeEdition:
    """One home of a provider: its facts (the provider's, with the home's added), its folder
    and the governed documents of its edition."""
    id: str
    folder: str                 # homes/<id>
    home: Home
    paths: list[Path]           # the governed documents of its edition, absolute

    @property
    def facts_file(self) -> str:
        return f"{self.folder}/{HOME_FACTS}"

    @property
    def site_folders(self) -> tuple[str, ...]:
        """The home's own folders the site is built from (what may be in them is checked)."""
        return home_folders(self.id)


def home_folders(home_id: str) -> tuple[str, ...]:
    """A home's own governed folders: homes/<id>/policies, homes/<id>/statement-of-purpose."""
    return tuple(f"{HOMES_DIR}/{home_id}/{name}" for name in GOVERNED_FOLDERS)


def home_ids(root: Path) -> list[str]:
    """The provider's homes, by id (the folder names in homes/), checking the layout first."""
    root = Path(root)
    _check_layout(root)
    ids = []
    for folder in sorted((root / HOMES_DIR).iterdir()):
        if folder.name.startswith((".", "_")):
            continue
        relative = f"{HOMES_DIR}/{folder.name}"
        if folder.is_symlink() or not folder.is_dir():
            raise HandbookError(f"{relative}: homes/ holds one folder per home, and this is not a folder - "
                                "remove it, or make it a home's folder (homes/<id>/home.yml and its "
                                "statement-of-purpose/)")
        if not HOME_ID.match(folder.name):
            raise HandbookError(f"{relative}: a home's folder name is its id, written in lower-case letters, digits "
                                "and hyphens, such as oak-lodge - rename the folder")
        ids.append(folder.name)
    if not ids:
        raise HandbookError(f"{HOMES_DIR}/: no home - add a folder per home, such as homes/oak-lodge/ with its "
                            "home.yml and statement-of-purpose/, or remove homes/ for a single home")
    return ids


def _check_layout(root: Path) -> None:
    if (root / HOME_FILE).exists():
        raise HandbookError(f"{HOME_FILE}: a handbook with homes/ keeps each home's facts in homes/<id>/home.yml "
                            f"and the provider's in {PROVIDER_FILE} - move them there and remove {HOME_FILE}")
    if (root / "statement-of-purpose").exists():
        raise HandbookError("statement-of-purpose/: in a handbook with homes/ each home has its own Statement of "
                            "Purpose - move it to homes/<id>/statement-of-purpose/")
    if not (root / PROVIDER_FILE).is_file():
        raise HandbookError(f"{PROVIDER_FILE}: missing - a handbook with homes/ writes the provider's facts (legal "
                            "form, registered provider, Responsible Individual, roles) once in this file")


def _read(root: Path, relative: str) -> dict:
    try:
        data = read_yaml_file(root / relative)
    except YamlProblem as problem:
        raise HandbookError(data_file_problem(relative, problem)) from None
    if not isinstance(data, dict):
        raise HandbookError(f"{relative}: expected 'fact: value' lines - see README, 'Adding a home'")
    return data


def _merged(provider: dict, home: dict) -> dict:
    """The provider's facts with the home's added; the home's win, mapping by mapping."""
    merged = dict(provider)
    for key, value in home.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and set(value) != {"to_confirm"}:
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_home_edition(root: Path, home_id: str) -> HomeEdition:
    """One home of a provider. Raises HandbookError for an unknown id, a home without its
    facts, and a URN or name another home already has."""
    root = Path(root)
    if not is_provider(root):
        raise HandbookError(f"{HOMES_DIR}/{home_id}: no such home - this handbook is a single home's ({HOME_FILE}, "
                            f"no {HOMES_DIR}/ folder): leave out the home")
    ids = home_ids(root)
    if home_id not in ids:
        raise HandbookError(f"{HOMES_DIR}/{home_id}: no such home - the homes are {', '.join(ids)} "
                            f"(the folders in {HOMES_DIR}/)")
    provider = _read(root, PROVIDER_FILE)
    for name in EACH_HOMES_OWN:  # written once for every home, it would be two homes' name or URN (a review)
        if name in provider:
            raise HandbookError(f"{PROVIDER_FILE}, line {_line_of(root / PROVIDER_FILE, name)}: {name} is each home's own, "
                                f"but {PROVIDER_FILE} gives it to every home - write it in each home's "
                                f"{HOMES_DIR}/<id>/{HOME_FACTS} instead")
    folder = f"{HOMES_DIR}/{home_id}"
    facts_file = f"{folder}/{HOME_FACTS}"
    if not (root / facts_file).is_file():
        raise HandbookError(f"{facts_file}: missing - write the home's own facts there (name, ofsted_urn, address, "
                            "registered_manager, registration and its local contacts)")
    own = _read(root, facts_file)
    _refuse_duplicates(root, home_id, own, ids)
    try:
        home = home_from_data(_merged(provider, own), source=facts_file)
    except FactProblem as problem:  # named in the file that writes it, on its line
        written_in = facts_file if _written(own, problem.place) else PROVIDER_FILE
        line = line_of((root / written_in).read_text(encoding="utf-8"), problem.place)
        raise HandbookError(f"{written_in}{f', line {line}' if line else ''}: {problem.detail}") from None
    home.written_in = {where: PROVIDER_FILE for where, _ in home.placeholders if not _written(own, where)}
    return HomeEdition(home_id, folder, home, edition_paths(root, folder))


def _written(data, where: str) -> bool:
    """Does the home's own data give the fact at `where` ("contacts.lado.phone", "list[0].name")?"""
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", where):
        if part.startswith("[") and isinstance(data, list) and int(part[1:-1]) < len(data):
            data = data[int(part[1:-1])]
        elif isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return False
    return True


# The facts no two homes may share, written in each home's own file only.
EACH_HOMES_OWN = ("name", "ofsted_urn")


def _refuse_duplicates(root: Path, home_id: str, own: dict, ids: list[str]) -> None:
    """Each home has its own name and URN: two homes sharing one would mix their inspector copies.
    Compared as a reader reads them (letters.read_alike), whether written plainly or as
    {value: ..., website: false}."""
    for name in EACH_HOMES_OWN:
        value = _fact_text(own.get(name))
        if not value.strip():
            continue
        for other in ids:
            if other == home_id:
                continue
            facts_file = f"{HOMES_DIR}/{other}/{HOME_FACTS}"
            try:
                theirs = read_yaml_file(root / facts_file)
            except YamlProblem:
                continue  # reported when that home is loaded
            if isinstance(theirs, dict) and read_alike(_fact_text(theirs.get(name))) == read_alike(value):
                mine = f"{HOMES_DIR}/{home_id}/{HOME_FACTS}"
                raise HandbookError(f"{mine}, line {_line_of(root / mine, name)}: {name} '{value}' is also the "
                                    f"{name} of {facts_file} - each home has its own {name}; correct one of them")


def _fact_text(value) -> str:
    """A fact's words, written plainly or as {value: ..., website: false}; "" for anything else
    (a fact still to confirm, a list, a number, a malformed form the home's loading refuses)."""
    try:
        kept = website_form(value, "")
    except HandbookError:
        return ""
    value = value if kept is None else kept
    return value if isinstance(value, str) else ""


def _line_of(path: Path, key: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if re.match(rf"{re.escape(key)}\s*:", line):
            return number
    return 1


def other_homes_texts(root: Path, home_id: str) -> list[str]:
    """The text of every other home's own documents (for the pictures they show: pictures live in
    the shared docs/, and one home's, with any words in its metadata, went into every home's
    inspector copy)."""
    return [path.read_text(encoding="utf-8", errors="replace")
            for other in home_ids(root) if other != home_id for path in _markdown_under(root, f"{HOMES_DIR}/{other}")]


def edition_paths(root: Path, folder: str) -> list[Path]:
    """A home's documents: its own folder's, and the provider's policies it does not replace
    (a file in homes/<id>/policies/ replaces the provider's file of the same name)."""
    own = _markdown_under(root, folder)
    replaced = {shared_path(p.relative_to(root).as_posix()) for p in own}
    provider = [p for p in _markdown_under(root, "policies") if p.relative_to(root).as_posix() not in replaced]
    return sorted(provider + own)


def _markdown_under(root: Path, folder: str) -> list[Path]:
    """The documents in the provider's policies/ (folder "policies") or in a home's folder."""
    bases = [root / "policies"] if folder == "policies" else [root / folder / name for name in GOVERNED_FOLDERS]
    found: list[Path] = []
    for base in bases:
        # A symbolic link is never read through (the files check refuses it).
        if base.is_dir() and not base.is_symlink():
            found.extend(p for p in base.rglob("*.md") if not p.is_symlink()
                         and not any(part.startswith((".", "_")) for part in p.relative_to(root).parts))
    return found


def urn_label(home: Home) -> str:
    """The home's URN for file names, or "applying" while it has none yet."""
    urn = home.facts.get("ofsted_urn")
    return "applying" if isinstance(urn, Placeholder) or not urn else str(urn)
