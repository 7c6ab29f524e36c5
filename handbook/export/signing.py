"""The home's signature on an inspector copy: Ed25519 (through `cryptography`).

The export signs the exact bytes of the copy's manifest.json (which lists the SHA-256 of every
file) with the home's private key, and puts the signature beside it. `handbook verify` checks
it against the home's public key, kept in the repository (data/inspector-copy-key.pub) and
given to inspectors. The private key never enters the repository: the export reads it from the
file named by HANDBOOK_SIGNING_KEY. Without it the copy is made unsigned, and says so."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from handbook.export import PUBLIC_KEY_FILE
from handbook.sources.errors import HandbookError

SIGNING_KEY_VAR = "HANDBOOK_SIGNING_KEY"
ALGORITHM = "Ed25519"
MAX_KEY_FILE = 64 * 1024


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """The key's fingerprint as `ssh-keygen -l` prints it: SHA256: and the digest in base64."""
    blob = base64.b64decode(public_key.public_bytes(serialization.Encoding.OpenSSH,
                                                    serialization.PublicFormat.OpenSSH).split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def _read_small(path: Path, what: str) -> bytes:
    try:
        if not path.is_file():
            raise HandbookError(f"{path}: the {what} file does not exist - check the path")
        if path.stat().st_size > MAX_KEY_FILE:
            raise HandbookError(f"{path}: too large to be a {what} - check the path")
        return path.read_bytes()
    except OSError as problem:
        raise HandbookError(f"{path}: the {what} cannot be read ({problem.strerror}) - check the path") from None


def read_public_key(path: Path) -> Ed25519PublicKey:
    """A public key as one OpenSSH line (ssh-ed25519 AAAA...) or in PEM."""
    data = _read_small(path, "public key")
    try:
        key = (serialization.load_pem_public_key(data) if data.lstrip().startswith(b"-----")
               else serialization.load_ssh_public_key(data.strip()))
    except (ValueError, UnsupportedAlgorithm):
        raise HandbookError(f"{path}: not a public key - the file must hold one line starting 'ssh-ed25519 '") from None
    if not isinstance(key, Ed25519PublicKey):
        raise HandbookError(f"{path}: not an Ed25519 public key - make the key pair with: handbook keygen")
    return key


def public_key_line(public_key: Ed25519PublicKey, comment: str) -> str:
    line = public_key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    return f"{line} {comment}\n"


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.private.public_key())

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def signing_key(root: Path) -> SigningKey | None:
    """The home's private key, from the file HANDBOOK_SIGNING_KEY names; None when it is not
    set. It must be outside the repository and match data/inspector-copy-key.pub."""
    named = os.environ.get(SIGNING_KEY_VAR, "").strip()
    if not named:
        return None
    path = Path(named).expanduser().resolve()
    if path == root.resolve() or root.resolve() in path.parents:
        raise HandbookError(f"{SIGNING_KEY_VAR}={named}: the private key is inside the repository - move it out "
                            "(anyone who can read the repository could sign a copy in the home's name)")
    data = _read_small(path, "private key")
    try:
        key = (serialization.load_ssh_private_key(data, password=None) if b"OPENSSH PRIVATE KEY" in data
               else serialization.load_pem_private_key(data, password=None))
    except TypeError:
        raise HandbookError(f"{path}: the private key is protected by a passphrase, which the export cannot ask for "
                            "- keep an unprotected copy where only the person making exports can read it") from None
    except (ValueError, UnsupportedAlgorithm):
        raise HandbookError(f"{path}: not a private key - make the key pair with: handbook keygen") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise HandbookError(f"{path}: not an Ed25519 private key - make the key pair with: handbook keygen")
    published = root / PUBLIC_KEY_FILE
    if not published.is_file():
        raise HandbookError(f"{PUBLIC_KEY_FILE}: missing, so nobody could check a signed copy - commit the public "
                            f"key that belongs to {path} (handbook keygen writes both)")
    if fingerprint(read_public_key(published)) != fingerprint(key.public_key()):
        raise HandbookError(f"{SIGNING_KEY_VAR}={named}: this private key does not belong to the public key in "
                            f"{PUBLIC_KEY_FILE} - use the home's key, or commit its public key")
    return SigningKey(key)


def signature_matches(public_key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def create_key_pair(root: Path, private_path: Path, comment: str) -> str:
    """Write a new key pair: the private key (PEM, readable by its owner only) to
    `private_path`, outside the repository, and the public key to data/inspector-copy-key.pub.
    Returns the fingerprint."""
    private_path = private_path.expanduser().resolve()
    if private_path == root.resolve() or root.resolve() in private_path.parents:
        raise HandbookError(f"{private_path}: inside the repository - keep the private key outside it")
    if private_path.exists():
        raise HandbookError(f"{private_path}: already exists - choose another file; an old key is never overwritten")
    published = root / PUBLIC_KEY_FILE
    if published.exists():
        raise HandbookError(f"{PUBLIC_KEY_FILE}: the home already has a key - to replace it, remove that file first "
                            "(copies signed with the old key then no longer verify against the repository)")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileNotFoundError:
        raise HandbookError(f"{private_path.parent}: no such folder - make it first (outside the repository), or "
                            "choose another place for the private key") from None
    except OSError as problem:
        raise HandbookError(f"{private_path}: cannot be written ({problem.strerror}) - choose another place for the "
                            "private key") from None
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(pem)
    published.write_text(public_key_line(key.public_key(), comment), encoding="utf-8")
    return fingerprint(key.public_key())
