"""Audit details sealed write-only: every session writes them, only the staff key reads.

A class teacher's session writes audit events (opening a file, a refused read, a login)
but must not hold the staff key, and an event's detail says what was done. So details
are sealed with HPKE (RFC 9180: DHKEM(X25519), HKDF-SHA256, AES-256-GCM — app/seal's
suite) to the school's **audit public key**, kept in clear in `school_secret` (kind
"audit_key", column `public`). Its private half is stored in the same row, wrapped with
AES-256-GCM under the staff key: writing needs only the public key, reading needs the
staff key, which only staff slots hold (keyring.py).

A sealed detail is `qa\\x01` ‖ key id (8 bytes of SHA-256 of the public key) ‖ enc (32)
‖ ciphertext, stored as a BLOB in the TEXT column. The hash chain covers these bytes
(audit._digest), so verifying the chain needs no key, and a sealed detail moved to
another event breaks the chain. An empty detail stays empty.

When the staff key is replaced (a re-key after a staff account was removed or lowered)
the pair is replaced too (`rotate`): a lowered account that kept its old staff key could
otherwise open every later detail with the old private key. Old private keys stay,
rewrapped under the new staff key, as kind "audit_key@<key id>": sealed details cannot
be sealed again without rewriting the chain.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import StoreError
from app.models import SchoolSecret
from app.models.sealed import staff_key_of
from app.seal.suites import KEMS, hpke_suite

KIND = "audit_key"
PREFIX = b"qa\x01"
_KID_LEN = 8
_INFO = b"qingxin audit detail v1\x00"
_WRAP_AAD = b"qingxin audit private key v1\x00"
_SUITE = hpke_suite(KEMS["x25519"])
_PUBLIC = "qingxin_audit_public"
_PRIVATE = "qingxin_audit_private"
NO_KEY_TEXT = "（保密：本账户还没有保密密钥）"
"""Shown for a sealed detail to staff whose slot still waits for the staff key."""


_ANY_KEY = (SchoolSecret.kind == KIND) | SchoolSecret.kind.startswith(KIND + "@",
                                                                    autoescape=True)


def key_id(public: bytes) -> bytes:
    return hashlib.sha256(public).digest()[:_KID_LEN]


def _retired(kid: bytes) -> str:
    return f"{KIND}@{kid.hex()}"


def is_sealed_detail(stored: object) -> bool:
    return isinstance(stored, bytes) and stored.startswith(PREFIX)


def make_key(session: Session, staff: bytes, username: str = "#staff-key") -> None:
    """A new current pair (the caller retired the old one, if any)."""
    private = X25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    nonce = secrets.token_bytes(12)
    session.add(SchoolSecret(
        kind=KIND, public=base64.b64encode(public).decode("ascii"), nonce=nonce,
        wrapped=AESGCM(staff).encrypt(nonce, private.private_bytes_raw(),
                                      _WRAP_AAD + key_id(public)),
        created_by=username))
    session.flush()
    session.info.pop(_PUBLIC, None)


def ensure_key(session: Session, staff: bytes) -> None:
    """The school's pair, made now if it has none (new school, or the first staff
    sign-in after the upgrade that brought sealed audit details)."""
    if session.scalar(select(SchoolSecret.id).where(SchoolSecret.kind == KIND)) is None:
        make_key(session, staff)


def rotate(session: Session, old: bytes, new: bytes) -> None:
    """Retire the current pair and make a new one; every private key, old and new, ends
    wrapped under `new` (the staff key that replaces `old`)."""
    for row in session.scalars(select(SchoolSecret).where(
            _ANY_KEY)):
        kid = key_id(base64.b64decode(row.public))
        private = _unwrap(row, old)
        row.kind = _retired(kid)
        row.nonce = secrets.token_bytes(12)
        row.wrapped = AESGCM(new).encrypt(row.nonce, private, _WRAP_AAD + kid)
    session.flush()
    make_key(session, new)
    session.info.pop(_PRIVATE, None)


def seal_detail(session: Session, text: str) -> str | bytes:
    """What `audit.record` stores: the detail sealed to the audit public key; as it is
    when empty, or while the school has no pair yet (upgraded, no staff sign-in since:
    the first one seals these, audit.seal_clear_details)."""
    if not text:
        return text
    cached = session.info.get(_PUBLIC)
    if cached is None:
        public = session.scalar(select(SchoolSecret.public).where(SchoolSecret.kind == KIND))
        if public is None:
            return text
        raw = base64.b64decode(public)
        cached = session.info[_PUBLIC] = (key_id(raw), X25519PublicKey.from_public_bytes(raw))
    kid, key = cached
    return PREFIX + kid + _SUITE.encrypt(text.encode("utf-8"), key, _INFO + kid)


def open_detail(session: Session, stored: str | bytes) -> str:
    """The detail's text for staff reading the log (the admin's audit page, `audit list`,
    the backup reminder). Without the staff key on this session: NO_KEY_TEXT."""
    if not is_sealed_detail(stored):
        return stored if isinstance(stored, str) else stored.decode("utf-8", "replace")
    assert isinstance(stored, bytes)
    keys = _private_keys(session)
    if keys is None:
        return NO_KEY_TEXT
    kid = stored[len(PREFIX):len(PREFIX) + _KID_LEN]
    private = keys.get(kid)
    try:
        if private is None:
            raise InvalidTag
        return _SUITE.decrypt(stored[len(PREFIX) + _KID_LEN:], private,
                              _INFO + kid).decode("utf-8")
    except InvalidTag:
        raise StoreError("审计日志的加密详情无法解开：数据已被改动，或审计密钥缺失。请从备份恢复。",
                         detail=f"audit detail sealed to key {kid.hex()} does not open") from None


def _private_keys(session: Session) -> dict[bytes, X25519PrivateKey] | None:
    """Every audit private key by key id, unwrapped once per session; None without the
    staff key."""
    cached = session.info.get(_PRIVATE)
    if cached is not None:
        return cached
    staff = staff_key_of(session.get_bind().dialect)
    if staff is None:
        return None
    keys = {}
    for row in session.scalars(select(SchoolSecret).where(
            _ANY_KEY)):
        keys[key_id(base64.b64decode(row.public))] = \
            X25519PrivateKey.from_private_bytes(_unwrap(row, staff))
    session.info[_PRIVATE] = keys
    return keys


def _unwrap(row: SchoolSecret, staff: bytes) -> bytes:
    kid = key_id(base64.b64decode(row.public))
    try:
        return AESGCM(staff).decrypt(row.nonce, row.wrapped, _WRAP_AAD + kid)
    except InvalidTag:
        raise StoreError("审计密钥与保密密钥不配套（密钥文件与数据库不配套？）。"
                         "请从备份一并恢复数据库和密钥文件。",
                         detail=f"audit key {kid.hex()} does not unwrap") from None
