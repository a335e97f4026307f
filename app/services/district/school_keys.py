"""The school's signing key and pseudonym key, kept inside the encrypted database.

The signing key is made at the first district export (or when settings first show the
fingerprint for registration) and never written to a file: the district registers its
public half, read out by fingerprint. The pseudonym key makes the codes under which
key students are reported when the district's policy says "pseudonymous" — the same
student keeps the same code every term, and nobody without this school's database can
turn a code back into a student.

Each secret is wrapped with AES-256-GCM under a key derived (HKDF-SHA256) from the
database key, on top of SQLCipher's page encryption: a plain dump of the opened database
does not show it. The wrap is bound to the kind of secret, so one cannot stand in for
the other. Because the wrap depends on the database key, re-keying the database
rewraps these rows in the re-keyed copy (`rewrap_secrets`, app/services/accounts/rekey.py);
backups keep the key they were made with.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes import NOTHING, ChangesWith
from app.errors import BadInputError, StoreError
from app.models import School, SchoolSecret
from app.seal import fingerprint, new_school_key, save_key
from app.services.capabilities import EXPORT_DISTRICT, require
from app.store.handle import Store

SIGNING = "signing_key"
PSEUDONYM = "pseudonym_key"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def _wrapping_key(db_key: bytes, kind: str) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"qingxin school secret v1|{kind}".encode("ascii"))
    return AESGCM(hkdf.derive(db_key))


def _load(session: Session, db_key: bytes, kind: str) -> bytes | None:
    row = session.scalar(select(SchoolSecret).where(SchoolSecret.kind == kind))
    if row is None:
        return None
    try:
        return _wrapping_key(db_key, kind).decrypt(row.nonce, row.wrapped, kind.encode())
    except InvalidTag:
        raise StoreError("学校密钥无法解开：数据库中的密钥记录已损坏。请从备份恢复。",
                         detail=f"school_secret {kind} does not unwrap") from None


def _create(session: Session, db_key: bytes, username: str, kind: str, secret: bytes,
            public: str) -> None:
    nonce = secrets.token_bytes(12)
    wrapped = _wrapping_key(db_key, kind).encrypt(nonce, secret, kind.encode())
    session.add(SchoolSecret(kind=kind, public=public, nonce=nonce, wrapped=wrapped,
                             created_by=username))
    session.flush()


def rewrap_secrets(session: Session, old_key: bytes, new_key: bytes) -> None:
    """Wrap every school secret under `new_key` (same secrets: the district keeps the
    school's registered public key; pseudonyms stay stable)."""
    for row in session.scalars(select(SchoolSecret)
                               .where(SchoolSecret.kind.in_((SIGNING, PSEUDONYM)))):
        raw = _load(session, old_key, row.kind)
        assert raw is not None  # the row was just read
        row.nonce = secrets.token_bytes(12)
        row.wrapped = _wrapping_key(new_key, row.kind).encrypt(row.nonce, raw,
                                                               row.kind.encode())


def signing_key_in(session: Session, store: Store) -> tuple[Ed25519PrivateKey, bool]:
    """The school's signing key inside a caller's write transaction, made if absent.
    Returns the key and whether it was just made (the caller's audit entry says so)."""
    raw = _load(session, store.db_key, SIGNING)
    if raw is not None:
        return Ed25519PrivateKey.from_private_bytes(raw), False
    key = new_school_key()
    public = base64.b64encode(key.public_key().public_bytes_raw()).decode("ascii")
    _create(session, store.db_key, store.user.username, SIGNING, key.private_bytes_raw(),
            public)
    return key, True


def school_signing_key(store: Store) -> Ed25519PrivateKey:
    """The signing key, made now if this school has none yet (staff only)."""
    require(store, EXPORT_DISTRICT)
    with store.write() as session:
        return signing_key_in(session, store)[0]


def school_public_key(store: Store) -> Ed25519PublicKey | None:
    """The public half, for the registration file sent to the district; None if the
    school has no signing key yet."""
    with store.read() as session:
        public = session.scalar(select(SchoolSecret.public)
                                .where(SchoolSecret.kind == SIGNING))
    if not public:
        return None
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(public))


def export_school_key(store: Store, out: Path,
                      school_code: str | None = None) -> ChangesWith[str]:
    """Write the school's public key file for the district to register (making the key
    pair first if this school has none) and return its fingerprint (`.value`), which the teacher
    reads back to the district by phone. The file names the school code (callers pass the
    deployment file's; default the database's), which the district's register binds to
    the key. Never replaces an existing file: a key file silently overwritten on a USB stick
    could be the one the district already holds."""
    code = school_code
    if not code:
        with store.read() as session:
            code = session.scalar(select(School.code).limit(1)) or ""
    if not code:
        raise BadInputError("没有学校代码：请让区里在部署文件 [school].code 中填写学校标识码。")
    school_signing_key(store)
    key = school_public_key(store)
    assert key is not None  # made just above
    save_key(key, out, school_code=code)
    return ChangesWith(fingerprint(key.public_bytes_raw()), NOTHING)


def school_key_fingerprint(store: Store) -> str | None:
    """What reports and settings print (e.g. "3F2A-9C01-…"), or None before the key
    exists. Reading it never creates a key: printing a report must not change data."""
    key = school_public_key(store)
    return fingerprint(key.public_bytes_raw()) if key is not None else None


def pseudonym_key_in(session: Session, store: Store) -> bytes:
    raw = _load(session, store.db_key, PSEUDONYM)
    if raw is None:
        raw = secrets.token_bytes(32)
        _create(session, store.db_key, store.user.username, PSEUDONYM, raw, "")
    return raw


def pseudonym(secret: bytes, student_id: int) -> str:
    """A stable code for a student: HMAC-SHA256(secret, id), 60 bits in Crockford base32
    as "XXXX-XXXX-XXXX". 60 bits make a collision among a school's 10,000 students
    (ever) about one in 10^10; the code says nothing about the student without `secret`."""
    digest = hmac.new(secret, f"student:{student_id}".encode("ascii"), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big") >> 4
    chars = "".join(_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(12)))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"
