"""The bureau's Ed25519 signing keys: created in ``instance/keys/`` on first use, rotated by command.

Each key has a short id (the first four hex digits of the SHA-256 of its public key) that travels in
every signature, so certificates signed with an old key still verify after a rotation. Private keys
never leave the directory (files of mode 600); the public halves are published as JSON.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

try:  # libsodium (PyNaCl) checks an Ed25519 signature in about half the time OpenSSL takes
    from nacl.bindings import crypto_sign_open
    from nacl.exceptions import BadSignatureError
except ImportError:  # pragma: no cover - without PyNaCl, OpenSSL (cryptography) checks them
    crypto_sign_open = None

CURRENT = "current"
KEY_ID_HEX = 4
#: Loaded public keys per directory, with the directory listing they were loaded from. A rotation
#: (in this process or another worker) changes the listing, so the cache reloads by itself.
_public_cache: dict[Path, tuple[frozenset[str], list["PublicKey"]]] = {}
#: Public keys by id per directory, for verifying scans, with when the directory was last listed.
_verifying_cache: dict[Path, tuple[float, dict[str, "PublicKey"]]] = {}
#: How long a worker trusts its verifying keys before listing the directory again (a key it does
#: not know is looked for at once, so a rotation never makes a new certificate look altered).
VERIFYING_KEYS_TTL = 5.0


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:KEY_ID_HEX]


SIGNATURE_BYTES = 64


@dataclass(frozen=True)
class PublicKey:
    key_id: str
    key: Ed25519PublicKey
    created_at: str
    #: The 32 bytes of the key, for libsodium.
    raw: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "raw", self.key.public_bytes(serialization.Encoding.Raw,
                                                              serialization.PublicFormat.Raw))

    def verify(self, signature: bytes, message: bytes) -> bool:
        """Does the Ed25519 signature hold for the message? Every public scan asks, so libsodium
        answers when PyNaCl is installed (the same verdict as OpenSSL's for any signature made with
        the private key; both refuse a non-canonical S), else OpenSSL through cryptography."""
        if crypto_sign_open is not None:
            if len(signature) != SIGNATURE_BYTES:
                return False
            try:
                crypto_sign_open(signature + message, self.raw)
            except BadSignatureError:
                return False
            return True
        try:
            self.key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def as_json(self) -> dict:
        return {"kid": self.key_id, "alg": "Ed25519", "public_key": b64url(self.raw), "created_at": self.created_at}


class KeyRing:
    """The signing keys in one directory: every key ever used, and which one signs now."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _private_path(self, key_id: str) -> Path:
        return self.directory / f"{key_id}.pem"

    def _load_private(self, key_id: str) -> Ed25519PrivateKey:
        key = serialization.load_pem_private_key(self._private_path(key_id).read_bytes(), password=None)
        assert isinstance(key, Ed25519PrivateKey)
        return key

    def current_key_id(self) -> str:
        """The signing key's id; the first key is created here on first use."""
        pointer = self.directory / CURRENT
        if not pointer.exists():
            return self.rotate()
        return pointer.read_text().strip()

    def rotate(self) -> str:
        """Create a new key and make it the signing key; old keys stay to verify what they signed."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        existing = {p.stem for p in self.directory.glob("*.pem")}
        while True:
            key = Ed25519PrivateKey.generate()
            key_id = key_id_of(key.public_key())
            if key_id not in existing:
                break
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        descriptor = os.open(self._private_path(key_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        created = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        (self.directory / f"{key_id}.json").write_text(json.dumps({"created_at": created}))
        pointer = self.directory / f".{CURRENT}.tmp"
        pointer.write_text(key_id)
        pointer.replace(self.directory / CURRENT)  # atomic: other workers see the old or the new id
        return key_id

    def sign(self, message: bytes) -> tuple[str, bytes]:
        key_id = self.current_key_id()
        return key_id, self._load_private(key_id).sign(message)

    def public_keys(self) -> list[PublicKey]:
        self.current_key_id()
        listing = frozenset(os.listdir(self.directory))
        cached = _public_cache.get(self.directory)
        if cached is not None and cached[0] == listing:
            return cached[1]
        keys = []
        for path in sorted(self.directory.glob("*.pem")):
            meta = self.directory / f"{path.stem}.json"
            created = json.loads(meta.read_text())["created_at"] if meta.exists() else ""
            keys.append(PublicKey(path.stem, self._load_private(path.stem).public_key(), created))
        keys.sort(key=lambda k: k.created_at)
        _public_cache[self.directory] = (listing, keys)
        return keys

    def public_key(self, key_id: str) -> PublicKey | None:
        return next((k for k in self.public_keys() if k.key_id == key_id), None)

    def verifying_key(self, key_id: str) -> PublicKey | None:
        """The public key with this id, for checking a signature on every scan without touching the
        directory: keys are listed again after ``VERIFYING_KEYS_TTL`` seconds, or when the id is new."""
        now = time.monotonic()
        cached = _verifying_cache.get(self.directory)
        if cached is None or now - cached[0] > VERIFYING_KEYS_TTL or key_id not in cached[1]:
            cached = (now, {k.key_id: k for k in self.public_keys()})
            _verifying_cache[self.directory] = cached
        return cached[1].get(key_id)


def published_keys(keys: list[PublicKey], current: str, issuer: str) -> dict:
    """The JSON document of public keys that offline verifiers save."""
    return {"issuer": issuer, "current": current, "keys": [k.as_json() for k in keys]}


def keys_from_published(document: dict) -> dict[str, PublicKey]:
    """Public keys from a published document, by key id (for offline verification)."""
    keys = {}
    for entry in document.get("keys", []):
        if entry.get("alg") != "Ed25519":
            continue
        key = Ed25519PublicKey.from_public_bytes(from_b64url(entry["public_key"]))
        keys[entry["kid"]] = PublicKey(entry["kid"], key, entry.get("created_at", ""))
    return keys
