"""The files in the folders the site is built from, as they are on disk: walked without
following symbolic links, so a link to a file or folder elsewhere is seen as a link (and
refused by the checks), never read through."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from handbook.sources.letters import CONTROLS

# What a picture's name says it holds, as Pillow names the format.
PICTURE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}


@dataclass(frozen=True)
class SourceFile:
    path: str          # relative to the repository root, with forward slashes
    kind: str          # "file", "symlink" or "other" (a device, a pipe, a socket)
    holds: str | None = None  # a picture's format, as Pillow reads it ("" if it reads none); None if not a picture


def picture_format(path: Path) -> str:
    """The format Pillow reads in the file (from its first bytes), or "" if it reads none.
    Browsers show a picture by what it holds, and the PDF maker draws one that Pillow cannot
    read as SVG if it can: a "picture" must be what its name says, so all readers see the same."""
    from PIL import Image  # only when the handbook has pictures

    try:
        with Image.open(path) as image:
            return image.format or ""
    except Exception:  # Pillow's many ways of saying it is not a picture it can read
        return ""


_CONTROLS = re.compile(f"[\t{CONTROLS}]")  # a tab too: a name or a title holds none


def has_controls(name: str) -> bool:
    return _CONTROLS.search(name) is not None


def control_characters(text: str) -> list[str]:
    """The control characters, line separators and direction marks in `text`, each as U+XXXX."""
    return sorted({f"U+{ord(c):04X}" for c in _CONTROLS.findall(text)})


# What Windows does not allow in a file name (a backslash is a folder there, a colon a drive), and
# the names it keeps for its devices, whatever follows the first dot: "con.html" is the console.
# Inspectors may unzip the copy on Windows, where such a file is skipped or lands elsewhere.
WINDOWS_FORBIDDEN = '\\:*?"<>|'
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in "123456789¹²³")})


def name_problem(path: str) -> str | None:
    """Why the inspector copy cannot hold a file of this name (relative to the repository root,
    with forward slashes), or None if it can."""
    if has_controls(path):
        return "its name holds a control character or a direction mark, which printed could change the line around it"
    if forbidden := sorted({c for c in path if c in WINDOWS_FORBIDDEN}):
        return f"its name holds {' and '.join(forbidden)}, which Windows does not allow in a file name"
    for part in path.split("/"):
        if part.endswith((".", " ")):
            return f"'{part}' in its name ends with a dot or a space, which Windows drops from a name"
        if part.split(".", 1)[0].rstrip(" ").lower() in WINDOWS_DEVICES:
            return (f"'{part}' in its name is the name of a device on Windows (CON, PRN, AUX, NUL, COM1 to COM9 and "
                    "LPT1 to LPT9 are, whatever follows the dot)")
    return None


def same_name(path: str) -> str:
    """What a file system that ignores capitals and how an accent is written (Windows, a Mac)
    makes of a name: two paths with the same are one file there."""
    return unicodedata.normalize("NFC", path).casefold()


def files_under(root: Path, folders: tuple[str, ...]) -> list[SourceFile]:
    """Every file, symbolic link and special file under `folders`, sorted by path. Names
    starting with a dot are skipped, except symbolic links, which are always listed."""
    found: list[SourceFile] = []
    for folder in folders:
        base = root / folder
        if base.is_symlink():
            found.append(SourceFile(folder, "symlink"))
            continue
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
            relative_dir = Path(dirpath).relative_to(root).as_posix()
            for name in sorted(dirnames + filenames):
                path = Path(dirpath) / name
                kind = _kind(path)
                if kind == "symlink" or (not name.startswith(".") and kind != "dir"):
                    picture = kind == "file" and path.suffix.lower() in PICTURE_FORMATS
                    found.append(SourceFile(f"{relative_dir}/{name}", kind, picture_format(path) if picture else None))
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and _kind(Path(dirpath) / d) == "dir")
    return sorted(found, key=lambda f: f.path)


def _kind(path: Path) -> str:
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "other"
