"""`handbook verify` proves what it says: it refuses a zip that is not soundly made (duplicate,
encrypted, mislabelled, overlapping, oversized or over-compressed entries, a malformed
manifest), each with one line; a signed copy changed on purpose does not verify, even with the
new checksum written into its manifest; an unsigned copy says that it proves only that nothing
changed by accident. And, on generated and mutated zips, it never fails with anything but a
one-line finding, in bounded time."""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import REPO, run
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handbook.export.bundle import signature_file
from handbook.export.layout import MANIFEST, SIGNATURE, zip_entry
from handbook.export.signing import SigningKey, fingerprint
from handbook.export.verify import MAX_ENTRY_BYTES, UNSIGNED, verify
from handbook.sources.errors import HandbookError

pytestmark = pytest.mark.build

FOLDER = "cura-care-homes-handbook-2026-11-26-abcdef0"
PAGES = {
    "index.html": b"<html><body><p>The handbook</p></body></html>\n",
    "policies/missing-child.html": b"<html><body><p>What staff do when a child is missing.</p></body></html>\n",
    "policies/complaints.html": b"<html><body><p>How to complain.</p></body></html>\n",
    "search/search_index.json": b'{"docs": []}\n',
}
HOME_KEY = SigningKey(Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
OTHER_KEY = SigningKey(Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33))))
HOME_PUBLIC = HOME_KEY.private.public_key()


def manifest_bytes(pages: dict[str, bytes], signed_by: str | None, **changes) -> bytes:
    listing = {"copy": FOLDER, "draft": False, "home": "Cura Care Homes", "made_on": "2026-11-26", "as_in_force_on": None,
               "commit": "abcdef0123456789abcdef0123456789abcdef01", "signed": signed_by is not None,
               "signing_key": signed_by, "documents": [],
               "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(pages.items())}}
    listing.update(changes)
    return (json.dumps(listing, indent=2) + "\n").encode()


def entries(pages: dict[str, bytes] | None = None, key: SigningKey | None = HOME_KEY,
            listing: bytes | None = None) -> list[tuple[str, bytes]]:
    """The entries of a copy as the export makes them: pages, manifest and (signed) signature."""
    pages = dict(PAGES if pages is None else pages)
    listing = listing if listing is not None else manifest_bytes(pages, key.fingerprint if key else None)
    made = [(f"{FOLDER}/{name}", data) for name, data in sorted(pages.items())]
    made.append((f"{FOLDER}/{MANIFEST}", listing))
    if key is not None:
        made.append((f"{FOLDER}/{SIGNATURE}", signature_file(key, listing).encode()))
    return made


def zip_bytes(items: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as bundle:
        for name, data in items:
            entry = zip_entry(name)  # as the export makes each entry
            entry.compress_type = method
            bundle.writestr(entry, data)
    return stream.getvalue()


def write(tmp_path: Path, data: bytes, name: str = "copy.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path: Path, public_key=HOME_PUBLIC) -> str:
    with pytest.raises(HandbookError) as caught:
        verify(path, public_key)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message


# --- a sound copy, signed or not ------------------------------------------------------------

def test_a_signed_copy_as_made_verifies(tmp_path):
    result = verify(write(tmp_path, zip_bytes(entries())), HOME_PUBLIC)
    assert result.matches and result.signed_by == HOME_KEY.fingerprint


def test_an_unsigned_copy_as_made_matches_but_is_not_signed(tmp_path):
    result = verify(write(tmp_path, zip_bytes(entries(key=None))), HOME_PUBLIC)
    assert result.matches and result.signed_by is None


@pytest.mark.parametrize("other", ["policies/Missing-child.html", "policies/missing-child.html"])
def test_two_entries_one_file_on_windows_or_a_mac_are_refused(tmp_path, other):
    page = "policies/caf\u00e9.html" if other == "policies/missing-child.html" else "policies/missing-child.html"
    second = "policies/cafe\u0301.html" if other == "policies/missing-child.html" else other
    pages = {**PAGES, page: b"<p>One.</p>\n", second: b"<p>The other.</p>\n"}
    path = write(tmp_path, zip_bytes(entries(pages)))
    page, second = sorted([page, second])  # the export writes the entries in order
    assert refused(path) == (f"{path}: the entries '{FOLDER}/{page}' and '{FOLDER}/{second}' differ only in capitals "
                             "or in how an accent is written: unzipped on Windows or a Mac, one would replace the "
                             "other - do not rely on this copy; ask the home for a new one")


def test_a_page_outside_the_copys_folder_cannot_stand_in_for_the_signed_one(tmp_path):
    """A changed page in the copy's folder, and the signed page again outside it, under the
    name the folder's page has once the folder is taken off: unzipped, the copy shows the change."""
    changed = [(name, b"<p>Staff need not report a missing child.</p>\n" if name.endswith("missing-child.html")
                else data) for name, data in entries()]
    path = write(tmp_path, zip_bytes(changed + [("policies/missing-child.html", PAGES["policies/missing-child.html"])]))
    assert refused(path) == (f"{path}: the entry 'policies/missing-child.html' lies outside the copy's folder "
                             f"'{FOLDER}', where the export puts every file - do not rely on this copy; ask the home "
                             "for a new one")


# --- deliberate change ---------------------------------------------------------------------

def _recomputed(key: SigningKey | None) -> bytes:
    """A page changed on purpose, its new SHA-256 written into manifest.json, and re-zipped
    with the signature the copy had (if any)."""
    changed = {**PAGES, "policies/missing-child.html": b"<p>Staff need not report a missing child.</p>\n"}
    original = entries(key=key)
    forged = manifest_bytes(changed, key.fingerprint if key else None)
    items = [(f"{FOLDER}/{n}", d) for n, d in sorted(changed.items())] + [(f"{FOLDER}/{MANIFEST}", forged)]
    items += [(name, data) for name, data in original if name.endswith(SIGNATURE)]
    return zip_bytes(items)


def test_a_page_changed_with_its_checksum_recomputed_fails_the_signature(tmp_path):
    path = write(tmp_path, _recomputed(HOME_KEY))
    assert refused(path) == (f"{path}: the signature of manifest.json is not the home's (key {HOME_KEY.fingerprint}): "
                             "the copy was changed after it was made, or signed with another key - do not rely on "
                             "this copy; ask the home for a new one")


def test_a_manifest_re_signed_with_another_key_fails(tmp_path):
    changed = {**PAGES, "index.html": b"<p>Changed</p>"}
    path = write(tmp_path, zip_bytes(entries(changed, key=OTHER_KEY)))
    assert "the signature of manifest.json is not the home's" in refused(path)


@pytest.mark.parametrize("field, value", [("commit", "0" * 40), ("made_on", "2027-01-01")])
def test_a_changed_commit_or_date_fails_the_signature(tmp_path, field, value):
    original = entries()
    forged = manifest_bytes(PAGES, HOME_KEY.fingerprint, **{field: value})
    items = [(n, forged if n.endswith("/" + MANIFEST) else d) for n, d in original]
    assert "the signature of manifest.json is not the home's" in refused(write(tmp_path, zip_bytes(items)))


def test_an_unsigned_forgery_is_reported_as_unsigned_by_the_command(tmp_path):
    """Without a signature a recomputed checksum cannot be told from the original: the command
    says so and fails, unless the reader accepts an unsigned copy on purpose."""
    path = write(tmp_path, _recomputed(None))
    result = verify(path, HOME_PUBLIC)
    assert result.matches and result.signed_by is None
    command = run([sys.executable, "-m", "handbook.cli", "verify", str(path)], REPO)
    assert command.returncode == 1 and "Traceback" not in command.stderr
    assert command.stdout == ""   # no reassuring line about a manifest anyone could have rewritten
    assert command.stderr == (f"{path}: {UNSIGNED} - ask the home for a signed copy, or accept it with "
                              "--allow-unsigned\n"
                              f"{path}: its manifest lists no PDF (the copy was made by an older version of the "
                              "handbook's tools), so only the zip's files were checked, and no PDF\n")
    accepted = run([sys.executable, "-m", "handbook.cli", "verify", "--allow-unsigned", str(path)], REPO)
    assert accepted.stderr.startswith(f"{path}: {UNSIGNED} (accepted with --allow-unsigned)\n")
    assert accepted.stdout == (
        f"{path}: every file matches its manifest, which anyone who changed a file could have rewritten\n"
        f"{path}: by its manifest, which is not signed: the copy {FOLDER}: the handbook of Cura Care Homes, made on "
        "26 November 2026 from commit abcdef0 (the zip's file name is not the copy's own: rely on this line, not on "
        "the file name)\n")
    # accepted unsigned, but a copy whose manifest lists no PDF (made before copies listed theirs) still fails
    assert accepted.returncode == 1 and accepted.stderr.endswith(
        f"{path}: its manifest lists no PDF (the copy was made by an older version of the handbook's tools), so only "
        "the zip's files were checked, and no PDF\n")


def test_a_copy_whose_signature_was_removed_fails_when_the_home_has_a_key(tmp_path):
    """An inspector's review: a copy whose pages were changed, its manifest rewritten with
    "signed": false and its signature removed, passed `verify --allow-unsigned --public-key
    home.pub`. A home that has a key signs its copies: an unsigned one is refused."""
    path = write(tmp_path, _recomputed(None))
    key_file = tmp_path / "home.pub"
    key_file.write_bytes(HOME_PUBLIC.public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo))
    command = run([sys.executable, "-m", "handbook.cli", "verify", "--allow-unsigned", "--public-key", str(key_file),
                   str(path)], REPO)
    assert (command.returncode, command.stdout) == (1, "")
    assert command.stderr == (f"{path}: NOT signed, though the home has a signing key (the public key in {key_file}): "
                              "its copies are signed, so this one was made without the key or had its signature "
                              "removed - do not rely on it; ask the home for a signed copy\n")


PDF = b"%PDF-1.7 the handbook\n"


def _with_pdf(tmp_path: Path, pdf: bytes) -> Path:
    listing = manifest_bytes(PAGES, HOME_KEY.fingerprint,
                             pdf={"file": "copy.pdf", "sha256": hashlib.sha256(PDF).hexdigest()})
    (tmp_path / "copy.pdf").write_bytes(pdf)
    return write(tmp_path, zip_bytes(entries(listing=listing)))


def test_the_pdf_beside_the_zip_is_checked_against_the_signed_manifest(tmp_path):
    result = verify(_with_pdf(tmp_path, PDF), HOME_PUBLIC)
    assert result.matches and result.pdf_checked == "copy.pdf"
    changed = verify(_with_pdf(tmp_path, PDF.replace(b"handbook", b"handbook, edited")), HOME_PUBLIC)
    assert changed.differences == ["changed: copy.pdf (the PDF)"]


def test_verify_says_when_the_pdf_it_lists_was_not_checked(tmp_path):
    path = _with_pdf(tmp_path, PDF)
    (tmp_path / "copy.pdf").unlink()
    assert verify(path, HOME_PUBLIC).pdf_unchecked.startswith("the PDF it lists, copy.pdf, is not beside the zip")
    public_key = tmp_path / "home.pub"
    public_key.write_bytes(HOME_PUBLIC.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH))
    said = run([sys.executable, "-m", "handbook.cli", "verify", "--public-key", str(public_key), str(path)], REPO)
    # the PDF is what an inspector reads: a copy whose PDF was not checked is not verified
    assert said.returncode == 1 and said.stderr == (
        f"{path}: the PDF it lists, copy.pdf, is not beside the zip and was NOT checked - put it beside the zip, or "
        "name it with --pdf FILE\n"), said.stdout + said.stderr
    assert said.stdout.splitlines()[0].endswith("every file matches its manifest")


def test_verify_names_every_other_pdf_beside_the_zip_as_not_part_of_the_copy(tmp_path):
    """An inspector's reviewer: a decoy PDF beside the zip, named like the copy's, passed unmentioned."""
    path = _with_pdf(tmp_path, PDF)
    for name in ("copy-final.pdf", "booklet.pdf"):
        (tmp_path / name).write_bytes(PDF.replace(b"handbook", b"handbook, edited"))
    (tmp_path / "notes.txt").write_text("not a PDF")
    assert verify(path, HOME_PUBLIC).pdfs_beside == ["booklet.pdf", "copy-final.pdf"]
    public_key = tmp_path / "home.pub"
    public_key.write_bytes(HOME_PUBLIC.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH))
    said = run([sys.executable, "-m", "handbook.cli", "verify", "--public-key", str(public_key), str(path)], REPO)
    assert said.returncode == 0, said.stdout + said.stderr
    assert said.stdout.splitlines()[-1] == (f"{path}: beside the zip, NOT part of this copy and not checked: booklet.pdf, "
                                           "copy-final.pdf - the copy's PDF is copy.pdf")
    # The PDF named with --pdf is the copy's: every PDF beside the zip is another.
    elsewhere = tmp_path / "sent" / "copy.pdf"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(PDF)
    assert verify(path, HOME_PUBLIC, elsewhere).pdfs_beside == ["booklet.pdf", "copy-final.pdf", "copy.pdf"]
    # With the copy's PDF missing, none of the others is taken for it.
    (tmp_path / "copy.pdf").unlink()
    said = run([sys.executable, "-m", "handbook.cli", "verify", "--public-key", str(public_key), str(path)], REPO)
    assert said.returncode == 1
    assert said.stdout.splitlines()[-1] == (f"{path}: beside the zip, not checked: booklet.pdf, copy-final.pdf - to "
                                           "check one as the copy's PDF, name it with --pdf FILE")


def test_a_pdf_given_for_a_copy_whose_manifest_lists_none_is_refused(tmp_path):
    path = write(tmp_path, zip_bytes(entries()))
    (tmp_path / "other.pdf").write_bytes(PDF)
    with pytest.raises(HandbookError, match="the manifest lists no PDF, so other.pdf cannot be checked against it"):
        verify(path, HOME_PUBLIC, tmp_path / "other.pdf")


def test_a_signature_removed_from_a_copy_that_says_it_is_signed_fails(tmp_path):
    items = [(n, d) for n, d in entries() if not n.endswith(SIGNATURE)]
    assert "the manifest says the copy is signed, but manifest.json.sig is missing" in refused(
        write(tmp_path, zip_bytes(items)))


def test_a_signed_copy_with_no_public_key_to_check_it_is_refused(tmp_path):
    path = write(tmp_path, zip_bytes(entries()))
    with pytest.raises(HandbookError, match="the copy is signed, but there is no public key to check it with"):
        verify(path, None)


def test_the_command_reads_the_public_key_given(tmp_path):
    path = _with_pdf(tmp_path, PDF)
    key_file = tmp_path / "home.pub"
    from handbook.export.signing import public_key_line

    key_file.write_text(public_key_line(HOME_PUBLIC, "test"))
    command = run([sys.executable, "-m", "handbook.cli", "verify", "--public-key", str(key_file), str(path)], REPO)
    assert command.returncode == 0, command.stderr
    assert command.stdout == (
        f"{path}: signed with the home's key {fingerprint(HOME_PUBLIC)} (the public key in {key_file}); every file "
        "matches its manifest, and so does the PDF copy.pdf\n"
        f"{path}: the copy {FOLDER}: the handbook of Cura Care Homes, made on 26 November 2026 from commit abcdef0 "
        "(the zip's file name is not the copy's own: rely on this line, not on the file name)\n")


# --- a zip that is not soundly made --------------------------------------------------------

def test_two_entries_with_the_same_name_are_refused(tmp_path):
    items = entries()
    items.insert(1, (f"{FOLDER}/policies/missing-child.html", b"<p>the tampered one</p>"))
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = zip_bytes(items)
    path = write(tmp_path, data)
    assert refused(path) == (f"{path}: two entries are named '{FOLDER}/policies/missing-child.html': an unzip tool "
                             "would extract only one of them - do not rely on this copy; ask the home for a new one")


def test_an_encrypted_entry_is_refused(tmp_path):
    data = bytearray(zip_bytes(entries()))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.infolist()[0]
    # the encryption flag of the first entry, in its local header and in the central directory
    for offset in (info.header_offset + 6, _central_offsets(bytes(data))[0] + 8):
        flags = struct.unpack_from("<H", data, offset)[0]
        struct.pack_into("<H", data, offset, flags | 0x1)
    path = write(tmp_path, bytes(data))
    assert refused(path) == (f"{path}: the entry '{info.filename}' is encrypted, which the export never does - do "
                             "not rely on this copy; ask the home for a new one")


def _central_offsets(data: bytes) -> list[int]:
    return [m.start() for m in re.finditer(rb"PK\x01\x02", data)]


def test_an_entry_named_differently_in_its_local_header_is_refused(tmp_path):
    data = bytearray(zip_bytes(entries()))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith("index.html"))
    start = info.header_offset + 30
    assert data[start:start + len(info.filename)] == info.filename.encode()
    data[start + len(info.filename) - 10:start + len(info.filename)] = b"evil.html_"[:10]
    path = write(tmp_path, bytes(data))
    message = refused(path)
    assert message.startswith(f"{path}: the entry '{FOLDER}/index.html' is named ")
    assert "in its local header: different tools would extract different files" in message


def test_entries_sharing_their_data_are_refused(tmp_path):
    """Two directory records pointing at one local entry: the 'overlapping files' zip bomb."""
    data = bytearray(zip_bytes(entries()))
    offsets = _central_offsets(bytes(data))
    first_local = struct.unpack_from("<I", data, offsets[0] + 42)[0]
    struct.pack_into("<I", data, offsets[1] + 42, first_local)
    path = write(tmp_path, bytes(data))
    message = refused(path)
    assert "share their data" in message or "is named" in message


def test_an_oversized_entry_is_refused(tmp_path):
    data = bytearray(zip_bytes(entries()))
    offsets = _central_offsets(bytes(data))
    struct.pack_into("<I", data, offsets[0] + 24, MAX_ENTRY_BYTES + 1)  # the uncompressed size it claims
    path = write(tmp_path, bytes(data))
    assert f"is {MAX_ENTRY_BYTES + 1} bytes, larger than any file of a copy" in refused(path)


def test_an_over_compressed_entry_is_refused(tmp_path):
    bomb = {**PAGES, "policies/zeros.html": b"\0" * (8 * 1024 * 1024)}
    path = write(tmp_path, zip_bytes(entries(bomb)))
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"{FOLDER}/policies/zeros.html")
    ratio = info.file_size // info.compress_size
    assert ratio > 100
    assert refused(path) == (f"{path}: the entry '{FOLDER}/policies/zeros.html' expands {ratio} times over (a zip "
                             "bomb) - do not rely on this copy; ask the home for a new one")


@pytest.mark.parametrize("name", ["../evil.html", "/etc/evil.html", f"{FOLDER}/../../evil.html",
                                  f"{FOLDER}\\..\\evil.html", "C:/evil.html"])
def test_a_name_that_would_land_outside_the_folder_is_refused(tmp_path, name):
    path = write(tmp_path, zip_bytes(entries() + [(name, b"x")]))
    assert "would be extracted outside the copy's folder" in refused(path)


def test_a_compression_method_the_export_never_uses_is_refused(tmp_path):
    path = write(tmp_path, zip_bytes(entries(), method=zipfile.ZIP_BZIP2))
    assert "is compressed with a method the export never uses" in refused(path)


def test_a_damaged_entry_is_refused(tmp_path):
    data = bytearray(zip_bytes(entries()))
    for position in [0, *_central_offsets(bytes(data))[:1]]:  # a wrong checksum in both headers of the first entry
        struct.pack_into("<I", data, position + (14 if position == 0 else 16), 0x12345678)
    path = write(tmp_path, bytes(data))
    assert f"the entry '{FOLDER}/index.html' is damaged (Bad CRC-32" in refused(path)


def test_not_a_zip_and_a_missing_file(tmp_path):
    path = write(tmp_path, b"this is not a zip")
    assert refused(path) == (f"{path}: not a readable zip file (File is not a zip file) - do not rely on this copy; "
                             "ask the home for a new one")
    with pytest.raises(HandbookError, match="no such file - check the file name"):
        verify(tmp_path / "missing.zip", HOME_PUBLIC)


MALFORMED = {
    "not JSON": (b"{not json", "manifest.json is malformed: it is not valid JSON"),
    "not UTF-8": (b"\xff\xfe{}", "manifest.json is malformed: it is not UTF-8 text"),
    "a list": (b"[]", "manifest.json is malformed: it is not a JSON object"),
    "nested too deeply": (b"[" * 100_000 + b"]" * 100_000, "manifest.json is malformed: it is nested too deeply"),
    "a duplicate key": (b'{"files": {}, "files": {}}', "manifest.json is malformed: it is not valid JSON (the key "
                                                       "'files' appears twice)"),
    "no files": (manifest_bytes({}, None), "manifest.json is malformed: 'files' is missing or empty"),
    "no commit": (manifest_bytes(PAGES, None, commit=None), "manifest.json is malformed: 'commit' is missing or not text"),
    "a bad date": (manifest_bytes(PAGES, None, made_on="yesterday"), "manifest.json is malformed: 'made_on' is not a date"),
    "a bad checksum": (manifest_bytes(PAGES, None, files={"index.html": "abc"}),
                       "manifest.json is malformed: the checksum of 'index.html' is not a SHA-256"),
    "an unsafe name": (manifest_bytes(PAGES, None, files={"../x": "0" * 64}),
                       "manifest.json is malformed: it lists '../x', which cannot be a file of the copy"),
    "signed not true or false": (manifest_bytes(PAGES, None, signed="yes"),
                                 "manifest.json is malformed: 'signed' is not true or false"),
    "a PDF elsewhere": (manifest_bytes(PAGES, None, pdf={"file": "../../x.pdf", "sha256": "0" * 64}),
                        "manifest.json is malformed: 'pdf' is not a file name and its SHA-256"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_manifest_is_refused_in_one_line(tmp_path, name):
    listing, expected = MALFORMED[name]
    path = write(tmp_path, zip_bytes(entries(key=None, listing=listing)))
    message = refused(path)
    assert message.startswith(f"{path}: {expected}"), message
    assert message.endswith(" - do not rely on this copy; ask the home for a new one")


def test_a_malformed_signature_file_is_refused(tmp_path):
    items = [(n, b"not a signature" if n.endswith(SIGNATURE) else d) for n, d in entries()]
    assert "manifest.json.sig is malformed" in refused(write(tmp_path, zip_bytes(items)))


def test_the_command_prints_one_line_and_no_traceback(tmp_path):
    path = write(tmp_path, b"PK\x05\x06" + b"\0" * 18)
    command = run([sys.executable, "-m", "handbook.cli", "verify", str(path)], REPO)
    assert command.returncode == 1 and command.stdout == ""
    assert command.stderr.count("\n") == 1 and command.stderr.startswith(f"ERROR: {path}: ")


# --- property: generated and mutated zips ---------------------------------------------------

SIGNED = zip_bytes(entries())
SIGNED_FILES = {name: data for name, data in entries()}


def _outcome(tmp_path: Path, data: bytes):
    path = tmp_path / "generated.zip"
    path.write_bytes(data)
    started = time.monotonic()
    try:
        result = verify(path, HOME_PUBLIC)
    except HandbookError as finding:
        assert "\n" not in str(finding) and str(finding).startswith(f"{path}: ")
        result = None
    assert time.monotonic() - started < 2
    return result


DIRECTORY = SIGNED.find(b"PK\x01\x02")  # the central directory and its end record: the zip's structure
position = st.one_of(st.integers(0, len(SIGNED) - 1), st.integers(DIRECTORY, len(SIGNED) - 1))
mutation = st.one_of(
    st.tuples(st.just("flip"), position, st.integers(1, 255)),
    st.tuples(st.just("cut"), position, st.just(0)),
    st.tuples(st.just("insert"), position, st.integers(0, 255)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_copies_give_a_finding_or_the_very_files_the_home_made(tmp_path, changes):
    data = bytearray(SIGNED)
    for kind, position, value in changes:
        position = min(position, len(data))
        if kind == "flip" and position < len(data):
            data[position] ^= value
        elif kind == "cut":
            del data[position:]
        elif kind == "insert":
            data[position:position] = bytes([value])
    result = _outcome(tmp_path, bytes(data))
    if result is not None and result.matches and result.signed_by:
        # verify said "as the home made it": then an unzip tool reads exactly those files
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
            assert {n: archive.read(n) for n in archive.namelist()} == SIGNED_FILES


names = st.one_of(st.sampled_from([f"{FOLDER}/{MANIFEST}", f"{FOLDER}/{SIGNATURE}", f"{FOLDER}/index.html",
                                   f"{FOLDER}/policies/complaints.html", "../x", "/x", FOLDER + "/"]),
                  st.text(min_size=1, max_size=30))
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                                       max_size=4), max_leaves=20)
contents = st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode()),
                     st.sampled_from([data for _, data in entries()]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(st.tuples(names, contents), max_size=8),
       method=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
def test_generated_zips_give_a_finding_or_a_verification(tmp_path, items, method):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names, on purpose
        try:
            data = zip_bytes(items, method)
        except (ValueError, UnicodeEncodeError):
            return  # a name the zipfile module itself will not write
    result = _outcome(tmp_path, data)
    if result is not None and result.signed_by:
        assert result.manifest == json.loads(next(d for n, d in entries() if n.endswith("/" + MANIFEST)))


# --- a zip laid out otherwise than the export writes it: what another tool would read ------------
# Each of these passed before: Python's zipfile read the copy's files, and unzip, 7-Zip or a
# streaming reader read others (the forged safeguarding page of the review's attack).

FORGED = b"<html><body><p>Tell the LADO within ONE MONTH.</p></body></html>\n"
HIDDEN = "bytes lie hidden before the entry"
OTHER_TOOLS = "a zip built to show different files to different tools - do not rely on this copy; ask the home for " \
              "a new one"
MADE_AGAIN = ("the zip was made again by another tool (check the zip exactly as the home sent it), or built to show "
              "different files to different tools - do not rely on this copy; ask the home for a new one")


def _zip_with(edit, items: list[tuple[str, bytes]] | None = None, comment: bytes = b"") -> bytes:
    """The copy's entries written as the export writes them, with `edit(entry)` applied to each."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as bundle:
        for name, data in items or entries():
            entry = zip_entry(name)
            edit(entry)
            bundle.writestr(entry, data)
        bundle.comment = comment
    return stream.getvalue()


def _unicode_path(name: str) -> bytes:
    """An Info-ZIP Unicode Path extra field: unzip, 7-Zip and libarchive extract the entry as `name`."""
    data = b"\x01" + struct.pack("<I", 0) + name.encode()
    return struct.pack("<HH", 0x7075, len(data)) + data


def test_a_name_in_an_extra_field_that_unzip_reads_is_refused(tmp_path):
    def renamed(entry):
        if entry.filename.endswith("missing-child.html"):
            entry.extra = _unicode_path(f"{FOLDER}/assets/zz-original.html")
    path = write(tmp_path, _zip_with(renamed))
    assert refused(path) == (f"{path}: the entry '{FOLDER}/policies/missing-child.html' has details the export "
                             f"never writes (extra): {MADE_AGAIN}")


@pytest.mark.parametrize("detail, value, shown", [
    ("comment", b"superseded: the LADO is now told within a month", "comment"),
    ("external_attr", 0o120777 << 16, "external attr"),   # a symbolic link to unzip
    ("external_attr", 0x10, "external attr"),             # a folder to a Windows tool
    ("internal_attr", 1, "internal attr"),                # text, which unzip -a rewrites
])
def test_an_entry_with_details_the_export_never_writes_is_refused(tmp_path, detail, value, shown):
    def edited(entry):
        if entry.filename.endswith("index.html"):
            setattr(entry, detail, value)
    path = write(tmp_path, _zip_with(edited))
    assert refused(path) == (f"{path}: the entry '{FOLDER}/index.html' has details the export never writes "
                             f"({shown}): {MADE_AGAIN}")


def test_a_folder_entry_is_refused(tmp_path):
    path = write(tmp_path, zip_bytes(entries() + [(f"{FOLDER}/assets/zz/", FORGED)]))
    assert refused(path) == (f"{path}: the entry '{FOLDER}/assets/zz/' is a folder entry, which the export never "
                             "writes - do not rely on this copy; ask the home for a new one")


def test_a_name_that_goes_on_after_a_nul_is_refused(tmp_path):
    data = zip_bytes(entries()).replace(b"/index.html", b"/index\0html")
    path = write(tmp_path, data)
    assert refused(path) == (f"{path}: the name of the entry '{FOLDER}/index' goes on after a NUL character: "
                             f"{OTHER_TOOLS}")


def test_a_zip_comment_that_unzip_prints_is_refused(tmp_path):
    path = write(tmp_path, _zip_with(lambda entry: None, comment=b"IMPORTANT: the safeguarding policy was superseded"))
    assert refused(path) == (f"{path}: the zip holds bytes its directory does not account for, after its last entry "
                             f"(a comment, or a second directory): {OTHER_TOOLS}")


def test_bytes_before_between_or_after_the_entries_are_refused(tmp_path):
    genuine = zip_bytes(entries())
    forged_zip = zip_bytes([(f"{FOLDER}/policies/missing-child.html", FORGED)])
    prepended = write(tmp_path, forged_zip + genuine, "prepended.zip")   # a streaming reader reads the forged page
    assert refused(prepended) == (f"{prepended}: {len(forged_zip)} {HIDDEN} '{FOLDER}/index.html', where the export "
                                  f"writes none: {OTHER_TOOLS}")

    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as bundle:
        for number, (name, data) in enumerate(entries()):
            if number == 1:  # a forged local entry hidden between the first two
                bundle.fp.seek(bundle.start_dir)
                bundle.fp.write(forged_zip[:forged_zip.find(b"PK\x01\x02")])
                bundle.start_dir = bundle.fp.tell()
            bundle.writestr(zip_entry(name), data)
    gap = write(tmp_path, stream.getvalue(), "gap.zip")
    second = entries()[1][0]
    assert refused(gap) == (f"{gap}: {forged_zip.find(b'PK' + bytes([1, 2]))} {HIDDEN} '{second}', where the export "
                            f"writes none: {OTHER_TOOLS}")

    trailing = write(tmp_path, genuine + b"more", "trailing.zip")
    assert refused(trailing) == (f"{trailing}: the zip holds bytes its directory does not account for, after its last "
                                 f"entry (a comment, or a second directory): {OTHER_TOOLS}")


def test_a_second_directory_behind_a_zip64_end_record_is_refused(tmp_path):
    genuine = zip_bytes(entries())
    end = genuine.rfind(b"PK\x05\x06")
    count, size, offset = struct.unpack_from("<HII", genuine, end + 10)
    record = struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, offset)
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, end, 1)
    path = write(tmp_path, genuine[:end] + record + locator + genuine[end:])
    assert refused(path) == (f"{path}: the zip holds a Zip64 record before its end record, which the export never "
                             f"writes (a second directory): {OTHER_TOOLS}")


def test_a_pdf_carrying_the_zip_is_refused_and_named_for_what_it_is(tmp_path):
    path = write(tmp_path, PDF + zip_bytes(entries()), "copy (signed copy).pdf")
    with pytest.raises(HandbookError) as caught:
        verify(path, HOME_PUBLIC)
    assert str(caught.value) == (f"{path}: a PDF, not the copy's zip - verify the .zip file the export made, and name "
                                 "its PDF with --pdf FILE")


def test_a_renamed_copy_is_refused_and_a_signed_one_says_what_it_is(tmp_path):
    final = FOLDER.replace("2026-11-26", "2027-03-10")
    draft_listing = manifest_bytes(PAGES, HOME_KEY.fingerprint, draft=True)
    renamed = [(name.replace(FOLDER, final), data) for name, data in entries(listing=draft_listing)]
    path = write(tmp_path, zip_bytes(renamed), f"{final}.zip")
    assert refused(path) == (f"{path}: its folder is named '{final}', but its manifest says the copy is '{FOLDER}': "
                             "the copy was renamed - do not rely on this copy; ask the home for a new one")
    as_made = write(tmp_path, zip_bytes(entries(listing=draft_listing)), f"{FOLDER}.zip")
    assert verify(as_made, HOME_PUBLIC).identity(as_made) == (
        f"the copy {FOLDER}: a DRAFT copy of the handbook of Cura Care Homes, made on 26 November 2026 from commit "
        "abcdef0")


@pytest.mark.parametrize("inside", ["", "policies"], ids=["the copy's own folder", "a folder in the copy"])
def test_the_key_of_an_exported_copy_is_never_the_homes(tmp_path, inside):
    """A forged copy carrying its own mkdocs.yml and key: verified from inside it, its key would
    vouch for it. The key is taken only from the home's handbook, or named with --public-key."""
    from handbook.export.signing import public_key_line

    copy = tmp_path / FOLDER
    folder = copy / inside
    (folder / "data").mkdir(parents=True)
    (folder / "mkdocs.yml").write_text("site_name: forged\n")
    (folder / "data" / "inspector-copy-key.pub").write_text(public_key_line(HOME_PUBLIC, "forged"))
    (copy / MANIFEST).write_bytes(manifest_bytes(PAGES, HOME_KEY.fingerprint))
    (copy / "inspector-copy.html").write_text("<p>About this copy</p>\n")
    path = write(tmp_path, zip_bytes(entries()), f"{FOLDER}.zip")
    said = run([sys.executable, "-m", "handbook.cli", "verify", str(path)], folder)
    assert said.returncode == 1 and said.stderr == (
        f"ERROR: {copy}: an exported copy, not the home's handbook, so a key found in it proves nothing - give the "
        "home's public key with --public-key FILE\n")


def test_a_pipe_is_refused_in_one_line_instead_of_read_for_ever(tmp_path):
    import os

    pipe = tmp_path / "copy.zip"
    os.mkfifo(pipe)
    with pytest.raises(HandbookError) as caught:
        verify(pipe, HOME_PUBLIC)
    assert str(caught.value) == (f"{pipe}: not a regular file (a pipe or a device), not a file the export made - give "
                                 "the .zip file the export made")
    (tmp_path / "with-pdf").mkdir()
    path = _with_pdf(tmp_path / "with-pdf", PDF)
    with pytest.raises(HandbookError) as caught:
        verify(path, HOME_PUBLIC, Path("/dev/zero"))
    assert str(caught.value) == ("/dev/zero: not a regular file (a pipe or a device), not a file the export made - "
                                 "name the PDF the export made with the zip")


# --- the second review: what Python's zipfile reads, and what unzip does -------------------------

GENUINE = PAGES["policies/missing-child.html"]
SCRIPT = b"<script>document.body.innerHTML = 'Tell the LADO within ONE MONTH.'</script>"


def _raw_zip(entries_: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip written byte by byte: (name, the entry's data as stored, method, CRC-32, size), each
    with the details the export gives, so only the data differs from what the export writes."""
    local, central = b"", b""
    for name, data, method, crc, size in entries_:
        encoded = name.encode()
        header = struct.pack("<HHHHHIIIHH", 20, 0, method, 0, 33, crc, len(data), size, len(encoded), 0)
        central += (b"PK\x01\x02" + struct.pack("<BBHHHHHIIIHHHHHII", 20, 3, 20, 0, method, 0, 33, crc, len(data),
                                                size, len(encoded), 0, 0, 0, 0, 0o644 << 16, len(local)) + encoded)
        local += b"PK\x03\x04" + header + encoded + data
    return local + central + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries_), len(entries_),
                                         len(central), len(local), 0)


def _deflated(data: bytes, finish: bool = True) -> bytes:
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return squeeze.compress(data) + squeeze.flush(zlib.Z_FINISH if finish else zlib.Z_SYNC_FLUSH)


@pytest.mark.parametrize("data, method", [
    (_deflated(GENUINE) + _deflated(SCRIPT), zipfile.ZIP_DEFLATED),   # unzip writes the script too, "No errors"
    (GENUINE + SCRIPT, zipfile.ZIP_STORED),                           # unzip warns, and writes it all
    (_deflated(GENUINE, finish=False), zipfile.ZIP_DEFLATED),         # no last block: unzip writes an empty page
], ids=["after the deflate stream", "stored, longer than its size", "a deflate stream that never ends"])
def test_an_entry_whose_data_does_not_end_at_its_size_is_refused(tmp_path, data, method):
    """Python's zipfile stops at the size the directory gives and checks the checksum of that much:
    verify read the genuine page while unzip wrote the page with a script that rewrites it."""
    items = [(name, content, zipfile.ZIP_DEFLATED, zlib.crc32(content), len(content)) for name, content in entries()]
    items = [(name, _deflated(content), *rest) for name, content, *rest in items]
    target = f"{FOLDER}/policies/missing-child.html"
    items = [(name, data, method, zlib.crc32(GENUINE), len(GENUINE)) if name == target else item
             for item in items for name in [item[0]]]
    path = write(tmp_path, _raw_zip(items))
    assert refused(path) == (f"{path}: the data of the entry '{target}' does not end where its size says: "
                             f"{OTHER_TOOLS}")
    as_made = [(name, _deflated(GENUINE), zipfile.ZIP_DEFLATED, crc, size) if name == target else (name, data, kind, crc, size)
               for name, data, kind, crc, size in items]
    assert verify(write(tmp_path, _raw_zip(as_made), "as-made.zip"), HOME_PUBLIC).matches  # the builder itself


@pytest.mark.parametrize("detail, value, shown", [
    ("extract_version", 63, "extract version"),           # unzip skips an entry that needs version 6.3
    ("create_system", 19, "create system"),
    ("external_attr", 0o100000 << 16, "external attr"),  # no permissions: unreadable once extracted
    ("external_attr", 0o106777 << 16, "external attr"),  # setuid, writable by anyone
    ("external_attr", (0o644 << 16) | 0x02, "external attr"),  # hidden to Windows
])
def test_an_entry_the_export_would_write_otherwise_is_refused(tmp_path, detail, value, shown):
    def edited(entry):
        if entry.filename.endswith("index.html"):
            setattr(entry, detail, value)
    data = _zip_with(edited)
    if detail == "extract_version":  # zipfile writes its own: set it in both headers
        data = data.replace(struct.pack("<4sH", b"PK\x03\x04", 20), struct.pack("<4sH", b"PK\x03\x04", 63), 1)
        data = data.replace(struct.pack("<4sBBH", b"PK\x01\x02", 20, 3, 20), struct.pack("<4sBBH", b"PK\x01\x02", 20, 3, 63), 1)
    path = write(tmp_path, data)
    assert refused(path) == (f"{path}: the entry '{FOLDER}/index.html' has details the export never writes ({shown}): "
                             f"{MADE_AGAIN}")


def test_a_name_that_is_not_ascii_must_say_it_is_utf_8(tmp_path):
    """Without the UTF-8 flag, unzip reads the name's bytes in cp437: café.html is written caf\\x82.html."""
    pages = {**PAGES, "policies/café.html": b"<p>The caf\xc3\xa9</p>\n"}
    data = bytearray(zip_bytes(entries(pages)))
    name = f"{FOLDER}/policies/café.html".encode()
    local = data.find(name) - 30
    central = data.find(name, local + 31) - 46
    for header, flags_at in [(local, 6), (central, 8)]:
        struct.pack_into("<H", data, header + flags_at, 0)
    path = write(tmp_path, bytes(data))
    shown = name.decode("cp437")
    assert refused(path) == (f"{path}: the entry {shown!r} has details the export never writes (flag bits): "
                             f"{MADE_AGAIN}")


def test_a_name_with_a_control_character_is_refused_before_it_is_printed(tmp_path):
    """An added file's name printed as is: "\\r" and escape sequences drew a success on screen over
    the "does NOT match" line."""
    name = f"{FOLDER}/x\r\x1b[2K{FOLDER}.zip: signed with the home's key"
    path = write(tmp_path, zip_bytes(entries() + [(name, b"x")]))
    assert refused(path) == (f"{path}: the name of the entry {name!r} holds a control character, which could "
                             "rewrite what verify prints on screen - do not rely on this copy; ask the home for a new "
                             "one")


def test_entries_listed_in_another_order_than_they_lie_are_refused_as_such(tmp_path):
    data = bytearray(zip_bytes(entries()))
    first, second = _central_offsets(bytes(data))[:2]
    end = data.find(b"PK\x05\x06")
    directory = bytes(data[first:end])
    one, two = directory[:second - first], directory[second - first:]
    rest = two[two.find(b"PK\x01\x02", 4):] if two.find(b"PK\x01\x02", 4) > 0 else b""
    two = two[:len(two) - len(rest)]
    data[first:end] = two + one + rest
    path = write(tmp_path, bytes(data))
    assert refused(path) == (f"{path}: its directory lists the entries in another order than they lie in the zip, "
                             f"which the export never writes: {OTHER_TOOLS}")


def test_the_export_refuses_a_copy_that_would_not_pass_verify(tmp_path):
    """The export verifies the copy it made, PDF included, before anything reaches dist/: a file
    verify refuses would otherwise be found first by the inspector."""
    from handbook.export.bundle import _passes_verify

    zeros = {**PAGES, "search/search_index.json": b"\0" * (8 * 1024 * 1024)}
    path = write(tmp_path, zip_bytes(entries(zeros, key=None)))
    with pytest.raises(HandbookError) as caught:
        _passes_verify(path, None, tmp_path / "copy.pdf")
    ratio = str(caught.value).split("expands ")[1].split(" ")[0]
    assert str(caught.value) == (f"the copy made does not pass handbook verify (the entry '{FOLDER}/search/"
                                 f"search_index.json' expands {ratio} times over (a zip bomb)); nothing was exported")


def test_keygen_into_a_folder_that_does_not_exist_says_so_in_one_line(tmp_path):
    from conftest import copy_handbook

    root = copy_handbook(tmp_path / "handbook")
    missing = tmp_path / "no-such-folder" / "key.pem"
    said = run([sys.executable, "-m", "handbook.cli", "keygen", "--private-key", str(missing)], root)
    assert (said.returncode, said.stderr) == (1, f"ERROR: {missing.parent}: no such folder - make it first (outside "
                                                 "the repository), or choose another place for the private key\n")


def test_a_copy_unzipped_inside_the_homes_repository_is_checked_with_the_repositorys_key(tmp_path):
    """Run from inside a copy unzipped in dist/ of the home's repository, the key is the
    repository's own (outside the copy): verify uses it, and a name with a soft hyphen is no
    control character."""
    from handbook.export.signing import public_key_line

    repository = tmp_path / "handbook"
    (repository / "data").mkdir(parents=True)
    (repository / "mkdocs.yml").write_text("site_name: the home\n")
    key_file = repository / "data" / "inspector-copy-key.pub"
    key_file.write_text(public_key_line(HOME_PUBLIC, "the home"))
    dist = repository / "dist"
    pages = {**PAGES, "policies/well\u00adbeing.html": b"<p>Wellbeing</p>\n"}
    listing = manifest_bytes(pages, HOME_KEY.fingerprint, pdf={"file": f"{FOLDER}.pdf",
                                                               "sha256": hashlib.sha256(PDF).hexdigest()})
    dist.mkdir()
    (dist / f"{FOLDER}.pdf").write_bytes(PDF)
    path = write(dist, zip_bytes(entries(pages, listing=listing)), f"{FOLDER}.zip")
    with zipfile.ZipFile(path) as archive:
        archive.extractall(dist)
    said = run([sys.executable, "-m", "handbook.cli", "verify", str(path)], dist / FOLDER)
    assert said.returncode == 0, said.stderr
    assert said.stdout.splitlines()[0] == (
        f"{path}: signed with the home's key {fingerprint(HOME_PUBLIC)} (the public key in {key_file}); every file "
        f"matches its manifest, and so does the PDF {FOLDER}.pdf")


# --- the third review ---------------------------------------------------------------------------

def test_an_entry_marked_as_made_on_vms_is_refused(tmp_path):
    """The upper byte of "version needed" in the directory (Python's ZipInfo.reserved): set to 2,
    unzip asks before extracting the entry "stored in VMS format", and leaves it out unasked."""
    data = bytearray(zip_bytes(entries()))
    first = _central_offsets(bytes(data))[0]
    data[first + 7] = 2
    path = write(tmp_path, bytes(data))
    assert refused(path) == (f"{path}: the entry '{FOLDER}/index.html' has details the export never writes "
                             f"(reserved): {MADE_AGAIN}")


def test_a_directory_too_large_for_any_copy_is_refused_before_it_is_read(tmp_path):
    """Python's zipfile reads the whole directory before verify counts its entries: a directory of
    hundreds of MB took minutes and gigabytes. Its size in the end record is read first."""
    genuine = bytearray(zip_bytes(entries()))
    end = genuine.rfind(b"PK\x05\x06")
    struct.pack_into("<I", genuine, end + 12, 100 * 1024 * 1024)
    path = write(tmp_path, bytes(genuine))
    assert refused(path) == (f"{path}: a directory of {100 * 1024 * 1024} bytes listing {len(entries())} entries, "
                             "more than any handbook export holds - do not rely on this copy; ask the home for a new one")
    commented = write(tmp_path, _zip_with(lambda entry: None, comment=b"x" * 100), "commented.zip")
    assert refused(commented).startswith(f"{commented}: the zip holds bytes its directory does not account for, after "
                                         "its last entry (a comment, or a second directory)")


@pytest.mark.parametrize("given", ["zip", "pdf"])
def test_a_path_with_a_control_character_is_refused_before_it_is_printed(tmp_path, given):
    """The zip's or the PDF's own path, printed in each line of verify's answer: an escape sequence
    in it drew a success over the "does NOT match" line."""
    folder = tmp_path / "copy\x1b[2J"
    folder.mkdir()
    path = write(folder, zip_bytes(entries()))
    args = [str(path)] if given == "zip" else [str(write(tmp_path, zip_bytes(entries()))), "--pdf", str(path)]
    said = run([sys.executable, "-m", "handbook.cli", "verify", *args], REPO)
    assert said.returncode == 1 and said.stdout == "" and "\x1b" not in said.stderr
    assert said.stderr.startswith("ERROR: ") and said.stderr.endswith(
        "the file's name holds a control character or a direction mark - rename the file, then verify it\n")


def test_a_long_copy_name_the_file_system_allows_is_accepted(tmp_path):
    long_folder = "h" * 180 + FOLDER[15:]
    listing = manifest_bytes(PAGES, HOME_KEY.fingerprint, copy=long_folder)
    items = [(name.replace(FOLDER, long_folder), data) for name, data in entries(listing=listing)]
    assert verify(write(tmp_path, zip_bytes(items)), HOME_PUBLIC).matches


def test_the_about_page_marks_a_copy_whose_manifest_unzip_left_out(tmp_path):
    """A copy that carries its own key, unzipped without its manifest: its "About this copy" page
    and its signature still mark it as a copy (two of its three marks), so its key is not taken;
    one file named manifest.json above a repository does not make the repository a copy."""
    from handbook.export.signing import public_key_line

    copy = tmp_path / FOLDER
    (copy / "data").mkdir(parents=True)
    (copy / "mkdocs.yml").write_text("site_name: forged\n")
    (copy / "data" / "inspector-copy-key.pub").write_text(public_key_line(HOME_PUBLIC, "forged"))
    (copy / "inspector-copy.html").write_text("<p>About this copy</p>\n")
    (copy / SIGNATURE).write_text("{}\n")
    path = write(tmp_path, zip_bytes(entries()), f"{FOLDER}.zip")
    said = run([sys.executable, "-m", "handbook.cli", "verify", str(path)], copy)
    assert said.returncode == 1 and "an exported copy, not the home's handbook" in said.stderr
    (copy / "inspector-copy.html").unlink()
    (copy / SIGNATURE).unlink()  # manifest.json alone: a repository's own file, say, not a copy
    (copy / MANIFEST).write_text("{}\n")
    said = run([sys.executable, "-m", "handbook.cli", "verify", str(path)], copy)
    assert "an exported copy" not in said.stderr and "(the public key in " in said.stdout


def test_the_about_page_name_is_the_one_the_export_builds():
    from handbook.export.layout import ABOUT_PAGE
    from handbook.views.editions import COPY_PAGE

    assert ABOUT_PAGE == COPY_PAGE.removesuffix(".md") + ".html"


def test_verify_from_a_folder_that_was_deleted_says_so_in_one_line(tmp_path):
    import os
    import subprocess

    path = _with_pdf(tmp_path, PDF)
    gone = tmp_path / "gone"
    gone.mkdir()
    said = subprocess.run(["bash", "-c", f'cd "{gone}" && rmdir "{gone}" && "{sys.executable}" -m handbook.cli verify '
                           f'"{path}"'], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert (said.returncode, said.stderr) == (1, "ERROR: the current folder cannot be read (No such file or directory) "
                                                 "- give the home's public key with --public-key FILE\n")


def test_an_unsigned_draft_renamed_as_a_final_copy_says_it_is_a_draft(tmp_path):
    """An inspector's review: a draft copy renamed without "draft" passed verify, which named no
    copy for an unsigned one; it now says, from the manifest, which copy it is."""
    pages = dict(PAGES)
    listing = manifest_bytes(pages, None, draft=True, pdf=None)
    path = write(tmp_path, zip_bytes(entries(pages, key=None, listing=listing)), name=f"{FOLDER}.zip")
    accepted = run([sys.executable, "-m", "handbook.cli", "verify", "--allow-unsigned", str(path)], REPO)
    assert (f"{path}: by its manifest, which is not signed: the copy {FOLDER}: a DRAFT copy of the handbook of Cura "
            "Care Homes, made on 26 November 2026 from commit abcdef0") in accepted.stdout.splitlines(), accepted.stdout
    renamed = path.rename(tmp_path / "cura-care-homes-handbook-final.zip")
    again = run([sys.executable, "-m", "handbook.cli", "verify", "--allow-unsigned", str(renamed)], REPO)
    assert "a DRAFT copy of the handbook of Cura Care Homes" in again.stdout
    assert "(the zip's file name is not the copy's own: rely on this line, not on the file name)" in again.stdout
