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
from pathlib import Path

import pytest
from conftest import REPO, run
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handbook.export.bundle import MANIFEST, SIGNATURE, ZIP_TIME, signature_file
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
    listing = {"home": "Cura Care Homes", "made_on": "2026-11-26", "as_in_force_on": None,
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
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
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
    assert command.stdout == f"{path}: every file matches its manifest\n"
    assert command.stderr == (f"{path}: {UNSIGNED} - ask the home for a signed copy, or accept it with "
                              "--allow-unsigned\n")
    accepted = run([sys.executable, "-m", "handbook.cli", "verify", "--allow-unsigned", str(path)], REPO)
    assert accepted.returncode == 0 and f"{path}: {UNSIGNED} (accepted with --allow-unsigned)" in accepted.stderr


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
    assert verify(path, HOME_PUBLIC).pdf_missing == "copy.pdf"
    public_key = tmp_path / "home.pub"
    public_key.write_bytes(HOME_PUBLIC.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH))
    said = run([sys.executable, "-m", "handbook.cli", "verify", "--public-key", str(public_key), str(path)], REPO)
    assert said.returncode == 0 and said.stdout.endswith(
        "every file matches its manifest; the PDF it lists, copy.pdf, is not beside the zip and was NOT checked (put "
        "it beside the zip, or name it with --pdf FILE)\n"), said.stdout + said.stderr


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
    path = write(tmp_path, zip_bytes(entries()))
    key_file = tmp_path / "home.pub"
    from handbook.export.signing import public_key_line

    key_file.write_text(public_key_line(HOME_PUBLIC, "test"))
    command = run([sys.executable, "-m", "handbook.cli", "verify", "--public-key", str(key_file), str(path)], REPO)
    assert command.returncode == 0, command.stderr
    assert command.stdout == (f"{path}: signed with the home's key {fingerprint(HOME_PUBLIC)}; every file matches "
                              "its manifest\n")


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
    data = bytearray(zip_bytes(entries(), method=zipfile.ZIP_STORED))
    position = data.find(b"What staff do")
    data[position] ^= 0x20
    path = write(tmp_path, bytes(data))
    assert f"the entry '{FOLDER}/policies/missing-child.html' is damaged (Bad CRC-32" in refused(path)


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
