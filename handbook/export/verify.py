"""`handbook verify`: is this zip the copy the home made?

Before anything is extracted or trusted, the zip must be laid out exactly as the export writes
it, every byte accounted for: its entries back to back from the first byte, then the directory,
then the end record, with no comment, no extra field, no folder entry and the details the export
gives every file. Anything else could show one tool different files from another (a name in an
extra field that unzip reads and Python does not, a second zip before or inside this one, a
second directory, a comment unzip prints), so it is refused with one line, and so are two
entries with the same name (an unzip tool would extract only one of them), an encrypted entry,
an entry whose name or details differ between its local header and the central directory, a
name that would land outside the copy's folder, an entry too large or compressed too far (a zip
bomb), a compression method other than deflate (or none), and a malformed manifest.

Then what it proves:
- signed copy (manifest.json.sig beside manifest.json): the signature is checked against the
  home's public key (data/inspector-copy-key.pub, or --public-key); a valid signature proves the
  manifest is the home's, and every file is compared with the manifest's SHA-256, so a page
  changed on purpose (even with its new checksum written into the manifest) is found;
- unsigned copy: the files match the manifest, which proves only that nothing changed by
  accident: anyone can rewrite the manifest."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from handbook.export.layout import FILE_MODE, MANIFEST, SIGNATURE, zip_entry
from handbook.export.signing import ALGORITHM, fingerprint, signature_matches
from handbook.sources.clock import long_date
from handbook.sources.errors import HandbookError
from handbook.sources.files import has_controls, same_name

MAX_ENTRIES = 20_000
MAX_ENTRY_BYTES = 64 * 1024 * 1024        # the largest file an export holds is well under 1 MB
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 100                           # HTML and JSON compress about 5 to 10 times
RATIO_FROM_BYTES = 1024 * 1024            # small files may compress further; they cannot be a bomb
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
LOCAL_SIGNATURE = b"PK\x03\x04"
CENTRAL_HEADER_BYTES = 46                 # before its name (the export writes no extra field and no comment)
END_RECORD = struct.Struct("<4sHHHHIIH")  # the end of central directory record, with no comment after it
END_SIGNATURE = b"PK\x05\x06"
ZIP64_LOCATOR = b"PK\x06\x07"             # where a Zip64 end record is, just before the end record
ZIP64_LOCATOR_BYTES = 20
UTF8_NAME = 0x800                         # the only flag the export sets: for a name that is not ASCII
# What the export writes in every entry, and another tool could read otherwise than Python's
# zipfile (a name in an extra field, a comment, a text flag, a version): the details that do not
# (the time, the permissions of a plain file) may differ in a copy zipped again with Python's
# zipfile, whose changed files are then listed.
FIXED_DETAILS = ("internal_attr", "volume", "extra", "comment", "create_version", "extract_version", "reserved")
CREATE_SYSTEMS = (0, 3)                   # the system the zip was written on: Windows, or Unix (Linux, macOS)
ARCHIVE_BIT = 0x20                        # the one MS-DOS attribute a plain file may carry
SHOWS_OTHER_FILES = "a zip built to show different files to different tools"
# An entry's details: what another tool writes too, when it makes an unchanged copy's zip again
# (an inspector's review found an innocent re-zip told only that it was built to deceive).
MADE_AGAIN = ("the zip was made again by another tool (check the zip exactly as the home sent it), or built to show "
              "different files to different tools")
PDF_START = b"%PDF"
MAX_COPY_NAME_BYTES = 251                 # a file name's 255 bytes, less ".zip"
MAX_DIRECTORY_BYTES = MAX_ENTRIES * 1024  # each entry's 46 bytes and its name: far more than a copy's
MAX_PDF_BYTES = 512 * 1024 * 1024         # the handbook's PDF is a few MB
SHA256 = re.compile(r"[0-9a-f]{64}")
UNSIGNED = "not signed: it proves only that nothing changed by accident"

# What reading a damaged zip may raise, in the standard library's zipfile and zlib.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError,
           struct.error, OverflowError, IndexError, KeyError)


@dataclass
class Verification:
    differences: list[str] = field(default_factory=list)   # "added: x", "removed: x", "changed: x"
    signed_by: str | None = None   # the key's fingerprint, when the signature is the home's
    manifest: dict = field(default_factory=dict)
    pdf_checked: str | None = None  # the PDF's file name, when it was found and compared
    pdf_unchecked: str | None = None  # why no PDF was checked, in words for the reader, when none was
    pdfs_beside: list[str] = field(default_factory=list)  # the other PDFs beside the zip: not part of the copy

    @property
    def matches(self) -> bool:
        return not self.differences

    @property
    def whole(self) -> bool:
        """Every file and the PDF were checked, and match: the copy is verified (signed or not)."""
        return self.matches and self.pdf_unchecked is None

    def identity(self, bundle: Path) -> str:
        """What the signed manifest says this copy is: its name, home, day, commit and whether it is
        a draft, in one line (a file can be renamed; this cannot)."""
        listing = self.manifest
        home = "".join(c if c.isprintable() else " " for c in listing["home"])  # one line, whatever it holds
        said = f"the handbook of {home}, made on {long_date(dt.date.fromisoformat(listing['made_on']))} from commit " \
               f"{listing['commit'][:7]}"
        if listing.get("as_in_force_on"):
            said += f", as it stood on {long_date(dt.date.fromisoformat(listing['as_in_force_on']))}"
        if "copy" not in listing:
            return (f"the copy of {said} (its manifest neither names the copy nor says whether it is a draft: it "
                    "was made by an older version of the handbook's tools; rely on the draft mark on its pages, not "
                    "on the file name)")
        said = f"the copy {listing['copy']}: " + ("a DRAFT copy of " if listing.get("draft") else "") + said
        if bundle.name != f"{listing['copy']}.zip":
            said += " (the zip's file name is not the copy's own: rely on this line, not on the file name)"
        return said


class Refused(HandbookError):
    """A zip that is not a sound handbook export: the problem, in words, is kept for the export's
    own check of the copy it made."""

    def __init__(self, bundle: Path, problem: str):
        super().__init__(f"{bundle}: {problem} - do not rely on this copy; ask the home for a new one")
        self.problem = problem


def _ends_in_a_comment(raw: BinaryIO) -> bool:
    """Whether an end record lies before the last 22 bytes (within the 64 KB a comment can take)."""
    size = raw.seek(0, 2)
    raw.seek(max(size - END_RECORD.size - 0xFFFF, 0))
    return END_SIGNATURE in raw.read()


def _regular_file(path: Path, fix: str) -> None:
    """One line unless `path` is a file (a folder, a pipe or a device is never a copy: a pipe would
    be read for ever)."""
    if not path.exists():
        raise HandbookError(f"{path}: no such file - check the file name")
    if not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file (a pipe or a device)"
        raise HandbookError(f"{path}: {kind}, not a file the export made - {fix}")


def verify(bundle: Path, public_key: Ed25519PublicKey | None = None, pdf: Path | None = None) -> Verification:
    """Check `bundle` against its manifest (and the manifest against the home's key, if the
    copy is signed), and the PDF made with it: `pdf`, or the one the manifest names if it lies
    beside the zip. Raises HandbookError, one line, for a zip that is not a sound handbook
    export or whose signature is not the home's."""
    _regular_file(bundle, "give the .zip file the export made")
    with bundle.open("rb") as raw:
        if raw.read(len(PDF_START)) == PDF_START:
            raise HandbookError(f"{bundle}: a PDF, not the copy's zip - verify the .zip file the export made, and name "
                                "its PDF with --pdf FILE")
        # Before Python's zipfile reads the whole directory into memory: its size and count.
        if raw.seek(0, 2) > MAX_TOTAL_BYTES:
            raise Refused(bundle, "larger than any handbook export")
        raw.seek(max(raw.tell() - END_RECORD.size, 0))
        end = raw.read(END_RECORD.size)
        if len(end) == END_RECORD.size and end.startswith(END_SIGNATURE):
            *_, count, directory, _, _ = END_RECORD.unpack(end)
            if count > MAX_ENTRIES or directory > MAX_DIRECTORY_BYTES:
                raise Refused(bundle, f"a directory of {directory} bytes listing {count} entr"
                                     f"{'y' if count == 1 else 'ies'}, more than any handbook export holds")
            raw.seek(max(raw.tell() - END_RECORD.size - ZIP64_LOCATOR_BYTES, 0))
            if raw.read(len(ZIP64_LOCATOR)) == ZIP64_LOCATOR:  # zipfile would follow it to a directory of any size
                raise Refused(bundle, "the zip holds a Zip64 record before its end record, which the export never "
                                     f"writes (a second directory): {SHOWS_OTHER_FILES}")
        elif END_SIGNATURE in end or _ends_in_a_comment(raw):
            # Python's zipfile would look for the end record further back (behind a comment),
            # and read a directory of any size first.
            raise Refused(bundle, "the zip holds bytes its directory does not account for, after its last entry (a "
                                 f"comment, or a second directory): {SHOWS_OTHER_FILES}")
    try:
        archive = zipfile.ZipFile(bundle)
    except (*DAMAGED, UnicodeDecodeError) as problem:
        raise Refused(bundle, f"not a readable zip file ({_reason(problem)})") from None
    with archive, bundle.open("rb") as raw:
        entries = _sound_entries(bundle, archive, raw)
        files = {info.filename: info for info in entries}
        folder, listing = _find_manifest(bundle, raw, files)
        expected = read_manifest(bundle, listing)
        if expected.get("copy", folder.rstrip("/")) != folder.rstrip("/"):
            raise Refused(bundle, f"its folder is named {folder.rstrip('/')!r}, but its manifest says the copy is "
                                 f"{expected['copy']!r}: the copy was renamed")
        result = Verification(manifest=expected)
        signature_name = folder + SIGNATURE
        if signature_name in files:
            result.signed_by = _check_signature(bundle, _read(bundle, raw, files[signature_name]), listing,
                                                public_key)
        elif expected.get("signed"):
            raise Refused(bundle, f"the manifest says the copy is signed, but {SIGNATURE} is missing")
        found: dict[str, str] = {}
        for name, info in files.items():
            if not name.startswith(folder):  # else it could stand in for the page of the same name in the copy
                raise Refused(bundle, f"the entry {name!r} lies outside the copy's folder {folder.rstrip('/')!r}, "
                                     "where the export puts every file")
            relative = name[len(folder):]
            if relative in (MANIFEST, SIGNATURE):
                continue
            found[relative] = hashlib.sha256(_read(bundle, raw, info)).hexdigest()
    listed: dict[str, str] = expected["files"]
    result.differences += [f"added: {r}" for r in sorted(set(found) - set(listed))]
    result.differences += [f"removed: {r}" for r in sorted(set(listed) - set(found))]
    result.differences += [f"changed: {r}" for r in sorted(set(found) & set(listed)) if found[r] != listed[r]]
    checked = _check_pdf(bundle, expected.get("pdf"), pdf, result)
    # An inspector may be sent more than one PDF (a decoy named like the copy's, or the booklet made
    # beside it): verify names the one it checked, and each other one as not part of the copy.
    result.pdfs_beside = sorted(other.name for other in bundle.parent.glob("*.pdf")
                                if other.is_file() and (checked is None or not other.samefile(checked)))
    return result


def _check_pdf(bundle: Path, listed: dict | None, pdf: Path | None, result: Verification) -> Path | None:
    """Compare the copy's PDF with the manifest, and give its path (None when none was checked)."""
    if pdf is None and listed is not None:
        beside = bundle.parent / listed["file"]
        pdf = beside if beside.is_file() else None
    if pdf is None:
        result.pdf_unchecked = (
            f"the PDF it lists, {listed['file']}, is not beside the zip and was NOT checked - put it beside the zip, "
            "or name it with --pdf FILE" if listed else
            "its manifest lists no PDF (the copy was made by an older version of the handbook's tools), so only the "
            "zip's files were checked, and no PDF")
        return None
    if listed is None:
        raise Refused(bundle, f"the manifest lists no PDF, so {pdf.name} cannot be checked against it")
    _regular_file(pdf, "name the PDF the export made with the zip")
    digest = hashlib.sha256()
    try:
        with pdf.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 16), b""):
                digest.update(block)
                if stream.tell() > MAX_PDF_BYTES:
                    raise HandbookError(f"{pdf}: larger than any PDF the export makes - name the PDF the export made "
                                        "with the zip")
    except OSError as problem:
        raise HandbookError(f"{pdf}: cannot be read ({problem.strerror}) - check the file name") from None
    result.pdf_checked = pdf.name
    if digest.hexdigest() != listed["sha256"]:
        result.differences.append(f"changed: {pdf.name} (the PDF)")
    return pdf


def _reason(problem: BaseException) -> str:
    text = str(problem).strip() or type(problem).__name__
    return text.splitlines()[0][:160]


def _sound_entries(bundle: Path, archive: zipfile.ZipFile, raw: BinaryIO) -> list[zipfile.ZipInfo]:
    """The entries, once the zip's structure is known to be sound (see the module's docstring)."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise Refused(bundle, f"{len(entries)} entries, more than any handbook export holds")
    seen: set[str] = set()
    alike: dict[str, str] = {}  # same_name(name) -> the first entry's name
    total = 0
    for info in entries:
        name = info.filename
        if name in seen:
            raise Refused(bundle, f"two entries are named {name!r}: an unzip tool would extract only one of them")
        seen.add(name)
        if (first := alike.setdefault(same_name(name), name)) != name:
            raise Refused(bundle, f"the entries {first!r} and {name!r} differ only in capitals or in how an accent is "
                                 "written: unzipped on Windows or a Mac, one would replace the other")
        if info.orig_filename != name:  # Python's zipfile cuts a name at a NUL; other tools may not
            raise Refused(bundle, f"the name of the entry {name!r} goes on after a NUL character: "
                                 f"{SHOWS_OTHER_FILES}")
        if has_controls(name):
            raise Refused(bundle, f"the name of the entry {name!r} holds a control character, which could rewrite "
                                 "what verify prints on screen")
        if _unsafe(name):
            raise Refused(bundle, f"the entry {name!r} would be extracted outside the copy's folder")
        if info.flag_bits & 0x1:
            raise Refused(bundle, f"the entry {name!r} is encrypted, which the export never does")
        if info.compress_type not in METHODS:
            raise Refused(bundle, f"the entry {name!r} is compressed with a method the export never uses")
        if info.is_dir():
            raise Refused(bundle, f"the entry {name!r} is a folder entry, which the export never writes")
        if info.file_size > MAX_ENTRY_BYTES:
            raise Refused(bundle, f"the entry {name!r} is {info.file_size} bytes, larger than any file of a copy")
        if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise Refused(bundle, f"the entry {name!r} expands {info.file_size // max(info.compress_size, 1)} times "
                                 "over (a zip bomb)")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise Refused(bundle, "the entries add up to more than any handbook export holds (a zip bomb)")
        _as_the_export_writes(bundle, info)
    _every_byte_accounted_for(bundle, entries, raw)
    return entries


def _name_bytes(info: zipfile.ZipInfo) -> bytes:
    return info.orig_filename.encode("utf-8" if info.flag_bits & UTF8_NAME else "cp437", "surrogateescape")


def _as_the_export_writes(bundle: Path, info: zipfile.ZipInfo) -> None:
    """One line unless the entry's details that other tools read are those the export gives every
    file (bundle.zip_entry): no extra field (where another name can hide), no comment, a plain file."""
    made = zip_entry(info.filename)
    differ = [detail for detail in FIXED_DETAILS if getattr(info, detail) != getattr(made, detail)]
    if info.create_system not in CREATE_SYSTEMS:
        differ.append("create_system")
    # The UTF-8 flag, exactly when the name is not ASCII: without it, unzip reads the name in cp437.
    if info.flag_bits != (0 if info.orig_filename.isascii() else UTF8_NAME):
        differ.append("flag_bits")
    # A plain file its reader may read: not a link, a folder or a device, not executable or
    # writable by others, not hidden or read-only to Windows.
    mode = info.external_attr >> 16
    if (stat.S_IFMT(mode) not in (0, stat.S_IFREG) or stat.S_IMODE(mode) & ~FILE_MODE
            or (mode and not mode & stat.S_IRUSR) or info.external_attr & 0xFFFF & ~ARCHIVE_BIT):
        differ.append("external_attr")
    if differ:
        shown = ", ".join(d.replace("_", " ") for d in differ)
        raise Refused(bundle, f"the entry {info.filename!r} has details the export never writes ({shown}): "
                             f"{MADE_AGAIN}")


def _every_byte_accounted_for(bundle: Path, entries: list[zipfile.ZipInfo], raw: BinaryIO) -> None:
    """One line unless the entries lie back to back from the zip's first byte, each local header
    agreeing with the directory, and the directory and its end record follow them to the last
    byte: nothing hidden before, between or after them (a second zip, a second directory, a
    comment), which some tool other than this one would read."""
    size = raw.seek(0, 2)
    offsets = [info.header_offset for info in entries]
    if offsets != sorted(offsets):
        raise Refused(bundle, "its directory lists the entries in another order than they lie in the zip, which the "
                             f"export never writes: {SHOWS_OTHER_FILES}")
    position = 0
    previous = None
    for info in entries:
        if info.header_offset != position:
            raise Refused(bundle, f"the entries {previous!r} and {info.filename!r} share their data (a zip bomb, or "
                                 f"{SHOWS_OTHER_FILES})" if info.header_offset < position else
                                 f"{info.header_offset - position} bytes lie hidden before the entry {info.filename!r}, "
                                 f"where the export writes none: {SHOWS_OTHER_FILES}")
        position = _local_end(bundle, info, raw, size)
        previous = info.filename
    raw.seek(max(size - END_RECORD.size, 0))
    end = raw.read(END_RECORD.size)
    directory = sum(CENTRAL_HEADER_BYTES + len(_name_bytes(info)) for info in entries)
    if len(end) < END_RECORD.size or END_RECORD.unpack(end) != (END_SIGNATURE, 0, 0, len(entries), len(entries),
                                                                 directory, position, 0):
        raise Refused(bundle, f"the zip holds bytes its directory does not account for, after its last entry (a "
                             f"comment, or a second directory): {SHOWS_OTHER_FILES}")
    if position + directory + END_RECORD.size != size:
        raise Refused(bundle, f"the zip holds {size - position - directory - END_RECORD.size} bytes its directory "
                             f"does not account for, after its last entry: {SHOWS_OTHER_FILES}")


def _unsafe(name: str) -> bool:
    """A name that could land outside the copy's folder, or hold a control character."""
    if not name or "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name) or has_controls(name):
        return True
    parts = name.rstrip("/").split("/")
    return any(part in ("", ".", "..") for part in parts)


def _local_end(bundle: Path, info: zipfile.ZipInfo, raw: BinaryIO, zip_size: int) -> int:
    """Where the entry's data ends, once its local header agrees with the central directory in
    every detail (name, flags, method, time, sizes and checksum) and carries no extra field."""
    start = info.header_offset
    if not 0 <= start < zip_size:
        raise Refused(bundle, f"the entry {info.filename!r} points outside the zip")
    raw.seek(start)
    header = raw.read(LOCAL_HEADER.size)
    if len(header) < LOCAL_HEADER.size:
        raise Refused(bundle, f"the entry {info.filename!r} points outside the zip")
    (signature, version, flags, method, time, date, crc, compressed, size, name_length,
     extra_length) = LOCAL_HEADER.unpack(header)
    if signature != LOCAL_SIGNATURE:
        raise Refused(bundle, f"the entry {info.filename!r} has no local header where the directory says")
    local_name = raw.read(name_length)
    if local_name != _name_bytes(info):
        shown = local_name.decode("utf-8", "replace")
        raise Refused(bundle, f"the entry {info.filename!r} is named {shown!r} in its local header: different tools "
                             "would extract different files")
    expected = (info.extract_version, info.flag_bits, info.compress_type, _dos_time(info), info.CRC,
                info.compress_size, info.file_size, 0)
    if (version, flags, method, (time, date), crc, compressed, size, extra_length) != expected:
        raise Refused(bundle, f"the local header of {info.filename!r} does not match the zip's directory")
    end = start + LOCAL_HEADER.size + name_length + info.compress_size
    if end > zip_size:
        raise Refused(bundle, f"the entry {info.filename!r} runs past the end of the zip")
    return end


def _dos_time(info: zipfile.ZipInfo) -> tuple[int, int]:
    year, month, day, hour, minute, second = info.date_time
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


def _find_manifest(bundle: Path, raw: BinaryIO, files: dict) -> tuple[str, bytes]:
    manifests = [n for n in files if n.count("/") == 1 and n.endswith("/" + MANIFEST)]
    if len(manifests) != 1:
        raise Refused(bundle, f"no {MANIFEST} at the top of the bundle: this is not a handbook export")
    info = files[manifests[0]]
    if info.file_size > MAX_MANIFEST_BYTES:
        raise Refused(bundle, f"{MANIFEST} is larger than any manifest the export writes")
    return manifests[0].split("/")[0] + "/", _read(bundle, raw, info)


def _read(bundle: Path, raw: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """The entry's contents, read from its own bytes in the zip (once the layout is known to be
    sound): every byte of its data must be the file, its size and checksum as the directory says.
    Python's zipfile stops reading at the size the directory gives, and so would hash a page whose
    data goes on with more (a script unzip writes too), or a deflate stream that never ends."""
    raw.seek(info.header_offset + LOCAL_HEADER.size + len(_name_bytes(info)))
    data = raw.read(info.compress_size)
    if info.compress_type == zipfile.ZIP_STORED:
        contents, ended = data, len(data) == info.file_size
    else:
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            contents = inflate.decompress(data, info.file_size + 1)
        except zlib.error as problem:
            raise Refused(bundle, f"the entry {info.filename!r} is damaged ({_reason(problem)})") from None
        ended = inflate.eof and not inflate.unused_data and not inflate.unconsumed_tail
    if not ended or len(contents) != info.file_size:
        raise Refused(bundle, f"the data of the entry {info.filename!r} does not end where its size says: "
                             f"{SHOWS_OTHER_FILES}")
    if zlib.crc32(contents) != info.CRC:
        raise Refused(bundle, f"the entry {info.filename!r} is damaged (Bad CRC-32)")
    return contents


# --- the manifest -------------------------------------------------------------------

def _no_duplicate_keys(pairs: list) -> dict:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1}) if len(set(keys)) != len(keys) else []
    if repeated:
        raise ValueError(f"the key {repeated[0]!r} appears twice")
    return dict(pairs)


def read_manifest(bundle: Path, listing: bytes) -> dict:
    """The manifest, once it is known to be what the export writes; one line if it is not."""
    def malformed(what: str) -> HandbookError:
        return Refused(bundle, f"{MANIFEST} is malformed: {what}")

    try:
        data = json.loads(listing.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError:
        raise malformed("it is not UTF-8 text") from None
    except RecursionError:
        raise malformed("it is nested too deeply") from None
    except ValueError as problem:
        raise malformed(f"it is not valid JSON ({_reason(problem)})") from None
    if not isinstance(data, dict):
        raise malformed("it is not a JSON object")
    for key in ("home", "made_on", "commit"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise malformed(f"'{key}' is missing or not text")
    for key in ("made_on", "as_in_force_on"):
        try:
            if key == "made_on" or data.get(key) is not None:
                dt.date.fromisoformat(data[key])
        except (TypeError, ValueError):
            raise malformed(f"'{key}' is not a date") from None
    for key in ("signed", "draft"):
        if not isinstance(data.get(key, False), bool):
            raise malformed(f"'{key}' is not true or false")
    if "copy" in data and not (isinstance(data["copy"], str) and len(data["copy"].encode()) <= MAX_COPY_NAME_BYTES
                               and not _unsafe(data["copy"]) and "/" not in data["copy"]):
        raise malformed("'copy' is not the copy's name")
    files = data.get("files")
    if not isinstance(files, dict) or not files:
        raise malformed("'files' is missing or empty")
    for name, digest in files.items():
        if _unsafe(name) or name in (MANIFEST, SIGNATURE):
            raise malformed(f"it lists {name[:120]!r}, which cannot be a file of the copy")
        if not isinstance(digest, str) or not SHA256.fullmatch(digest):
            raise malformed(f"the checksum of {name[:120]!r} is not a SHA-256")
    pdf = data.get("pdf")
    if pdf is not None and not (isinstance(pdf, dict) and isinstance(pdf.get("file"), str)
                                and re.fullmatch(r"[^/\\\x00]+\.pdf", pdf["file"]) and not _unsafe(pdf["file"])
                                and isinstance(pdf.get("sha256"), str)
                                and SHA256.fullmatch(pdf["sha256"])):
        raise malformed("'pdf' is not a file name and its SHA-256")
    return data


# --- the signature ------------------------------------------------------------------

def _check_signature(bundle: Path, raw: bytes, listing: bytes, public_key: Ed25519PublicKey | None) -> str:
    """The key's fingerprint, if the signature of the manifest is the home's; one line if not."""
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
        if not isinstance(data, dict) or data.get("algorithm") != ALGORITHM or not isinstance(data.get("signature"), str):
            raise ValueError("not what the export writes")
        signature = base64.b64decode(data["signature"], validate=True)
    except (UnicodeDecodeError, RecursionError, ValueError, binascii.Error):
        raise Refused(bundle, f"{SIGNATURE} is malformed") from None
    if public_key is None:
        raise HandbookError(f"{bundle}: the copy is signed, but there is no public key to check it with - run the "
                            "command in the handbook's repository (data/inspector-copy-key.pub), or give the home's "
                            "public key with --public-key FILE")
    expected = fingerprint(public_key)
    if not signature_matches(public_key, signature, listing):
        raise Refused(bundle, f"the signature of {MANIFEST} is not the home's (key {expected}): the copy was changed "
                             "after it was made, or signed with another key")
    return expected
