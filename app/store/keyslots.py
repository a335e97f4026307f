"""Key slots: the database key, wrapped once per password (LUKS / KeePassXC style).

The database is encrypted with a random 256-bit key that nobody types. Each user's
password, and the recovery code printed at setup, opens a slot: Argon2id turns the
secret into a wrapping key, AES-256-GCM decrypts the slot's X25519 private key, and that
private key opens the keys sealed to the slot (HPKE, RFC 9180: DHKEM(X25519),
HKDF-SHA256, AES-256-GCM) — the database key, and whatever other named keys the slot is
granted. A wrong secret fails the GCM tag, so we know it is wrong without touching the
database. Changing a password rewrites one slot.

Why a key pair per slot: sealing a key to a slot needs only its public half. An admin
can therefore re-key the database (a user removed, a role lowered) and give the new key
to every remaining slot without knowing anyone's password (app/services/accounts/rekey.py).

Version 1 slots (before re-keying existed) wrap the database key directly under the
password key; they still open, have no public key, and are upgraded to version 2 the
next time their owner signs in (`upgrade_slot`). A re-key cannot reach them.

The slot file is JSON beside the database and holds no student data: the school's name
(for the login window, app/store/header.py), usernames, salts, KDF parameters, nonces,
public keys and ciphertexts. It is replaced atomically (write,
fsync, rename) so a crash leaves either the old or the new file.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.atomic import write_atomic
from app.errors import StoreError, WrongPasswordError
from app.seal import argon2
from app.seal.argon2 import KdfParams
from app.store.header import FORMAT

VERSION = 2
READABLE_VERSIONS = (1, 2)
DATABASE = "database"
"""The name under which a slot holds the database key."""
STAFF_KEY = "staff"
"""The name under which a staff slot holds the staff key (app/models/sealed.py)."""
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
RECOVERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read off paper
RECOVERY_GROUPS = 6
RECOVERY_GROUP_LEN = 5


DEFAULT_KDF = KdfParams()
"""Stored in each slot, so a later release can raise it."""


@dataclass
class Slot:
    id: str
    kind: str  # "password" or "recovery"
    user: str  # username for password slots, "" for the recovery slot
    salt: str
    nonce: str
    wrapped: str
    """Version 2: the slot's X25519 private key; version 1: the database key itself."""
    kdf: dict[str, int] = field(default_factory=dict)
    public: str = ""
    """The slot's X25519 public key; "" in a version 1 slot."""
    sealed: dict[str, str] = field(default_factory=dict)
    """Named keys sealed to `public` with HPKE: {"database": …} and any later grants."""

    @property
    def legacy(self) -> bool:
        """A version 1 slot: nothing can be sealed to it, only its owner can upgrade it."""
        return not self.public


@dataclass
class SlotFile:
    db_id: str
    slots: list[Slot]
    school: str = ""
    """The school's name, in clear for the login window (app/store/header.py)."""

    def find(self, kind: str, user: str = "") -> Slot | None:
        return next((s for s in self.slots if s.kind == kind and s.user == user), None)


def new_database_key() -> bytes:
    """A random 256-bit key (the database key, or the staff key)."""
    return secrets.token_bytes(32)


def new_recovery_code() -> str:
    """30 characters from a 32-letter alphabet: 150 bits, grouped for reading aloud."""
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(
        RECOVERY_GROUPS * RECOVERY_GROUP_LEN))
    return "-".join(chars[i:i + RECOVERY_GROUP_LEN] for i in range(0, len(chars),
                                                                 RECOVERY_GROUP_LEN))


def normalize_recovery_code(code: str) -> str:
    """Accept the code as typed: any case, with or without spaces and dashes."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(cleaned[i:i + RECOVERY_GROUP_LEN] for i in range(0, len(cleaned),
                                                                   RECOVERY_GROUP_LEN))


def _derive(secret: str, salt: bytes, kdf: KdfParams) -> bytes:
    """Through the program's one Argon2id lock: two at once can hang (app.seal.argon2)."""
    return argon2.derive(secret.encode("utf-8"), salt, kdf)


def _aad(db_id: str, slot: Slot) -> bytes:
    """Binds a slot to its database and owner: a slot copied elsewhere will not open."""
    return f"{FORMAT}|{db_id}|{slot.id}|{slot.kind}|{slot.user}".encode()


def _info(db_id: str, slot: Slot, name: str) -> bytes:
    """HPKE info for one named key in one slot: a sealed key moved to another slot, or
    read under another name, does not open."""
    return f"{FORMAT}|{db_id}|{slot.id}|{slot.kind}|{slot.user}|{name}".encode()


def make_slot(db_id: str, keys: dict[str, bytes], secret: str, kind: str, user: str = "",
              kdf: KdfParams | None = None) -> Slot:
    """A version 2 slot for `secret` holding `keys` (at least the database key)."""
    if DATABASE not in keys:
        raise ValueError("a slot must hold the database key")
    kdf = kdf or DEFAULT_KDF
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    private = X25519PrivateKey.generate()
    slot = Slot(id=uuid.uuid4().hex, kind=kind, user=user, salt=_b64(salt), nonce=_b64(nonce),
                wrapped="", kdf=asdict(kdf),
                public=_b64(private.public_key().public_bytes_raw()))
    wrapping_key = _derive(secret, salt, kdf)
    slot.wrapped = _b64(AESGCM(wrapping_key).encrypt(nonce, private.private_bytes_raw(),
                                                     _aad(db_id, slot)))
    for name, key in keys.items():
        seal_to_slot(db_id, slot, name, key)
    return slot


def seal_to_slot(db_id: str, slot: Slot, name: str, key: bytes) -> None:
    """Give `slot` the key `name` without its owner's password (its public key suffices)."""
    if slot.legacy:
        raise ValueError("a version 1 slot has no public key")
    public = X25519PublicKey.from_public_bytes(_unb64(slot.public))
    slot.sealed[name] = _b64(_SUITE.encrypt(key, public, _info(db_id, slot, name)))


def unlock_slot(slot_file: SlotFile, slot: Slot, secret: str) -> dict[str, bytes]:
    """Every key the slot holds, by name, or WrongPasswordError if `secret` is wrong."""
    kdf = KdfParams(**slot.kdf)
    wrapping_key = _derive(secret, _unb64(slot.salt), kdf)
    try:
        inner = AESGCM(wrapping_key).decrypt(
            _unb64(slot.nonce), _unb64(slot.wrapped), _aad(slot_file.db_id, slot))
    except InvalidTag:
        raise WrongPasswordError("用户名或密码不正确。") from None
    if slot.legacy:
        return {DATABASE: inner}
    private = X25519PrivateKey.from_private_bytes(inner)
    try:
        return {name: _SUITE.decrypt(_unb64(sealed), private,
                                     _info(slot_file.db_id, slot, name))
                for name, sealed in slot.sealed.items()}
    except InvalidTag:
        raise StoreError("密钥文件已损坏（密钥槽内容与其公钥不符）。请从备份恢复。",
                         detail=f"slot {slot.id} sealed key does not open") from None


def open_slot(slot_file: SlotFile, slot: Slot, secret: str) -> bytes:
    """The database key, or WrongPasswordError if the secret does not open this slot."""
    keys = unlock_slot(slot_file, slot, secret)
    if DATABASE not in keys:
        raise StoreError("密钥文件已损坏（密钥槽中没有数据库密钥）。请从备份恢复。",
                         detail=f"slot {slot.id} holds no database key")
    return keys[DATABASE]


def upgrade_slot(slot_file: SlotFile, slot: Slot, secret: str,
                 keys: dict[str, bytes]) -> bool:
    """Replace a version 1 slot by a version 2 one for the same secret (at sign-in, the
    only moment the secret is known). Returns whether the file changed."""
    if not slot.legacy:
        return False
    replace_slot(slot_file, make_slot(slot_file.db_id, keys, secret, slot.kind, slot.user))
    return True


def new_slot_file() -> SlotFile:
    return SlotFile(db_id=uuid.uuid4().hex, slots=[])


def read_slot_file(path: Path) -> SlotFile:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT:
            raise ValueError("format")
        if raw.get("version") not in READABLE_VERSIONS:
            raise StoreError("密钥文件的版本比本程序新，请升级青心。")
        school = raw.get("school", "")
        return SlotFile(db_id=raw["db_id"], slots=[Slot(**s) for s in raw["slots"]],
                        school=school if isinstance(school, str) else "")
    except FileNotFoundError:
        raise StoreError(
            f"找不到密钥文件 {path.name}，数据库无法打开。请从备份中一并恢复数据库和密钥文件。"
        ) from None
    except (ValueError, KeyError, TypeError):
        raise StoreError(f"密钥文件 {path.name} 已损坏，无法读取。请从备份恢复。") from None


def write_slot_file(path: Path, slot_file: SlotFile) -> None:
    """Atomic replace: a crash or a full disk leaves the previous file intact."""
    payload = {"format": FORMAT, "version": VERSION, "db_id": slot_file.db_id,
               "school": slot_file.school, "slots": [asdict(s) for s in slot_file.slots]}
    data = json.dumps(payload, indent=1).encode("utf-8")
    write_atomic(path, data, private=True, error=lambda message, detail: StoreError(
        f"无法写入密钥文件：{message}原有密钥未改变。", detail))


def replace_slot(slot_file: SlotFile, new: Slot) -> None:
    """Put `new` in place of the slot of the same kind and user (or add it)."""
    slot_file.slots = [s for s in slot_file.slots
                       if not (s.kind == new.kind and s.user == new.user)]
    slot_file.slots.append(new)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))
