"""Sealed columns: confidential content stored as ciphertext under the staff key.

SQLCipher encrypts the whole file under the database key, which every role's key slot
holds. What a class teacher may not read — counselling content, screening answers and
scores, notes, referral details — is sealed once more, per value, with AES-256-GCM under
the staff key, which only staff slots hold (app/services/accounts/keyring.py). A class teacher's
password with a copy of the files then opens the database but not these columns.

To make a column confidential, give it one of these types (one line):

    note: Mapped[str] = mapped_column(SealedText, default="")
    reporter: Mapped[str] = mapped_column(SealedString(60), default="")
    total: Mapped[float | None] = mapped_column(SealedFloat)

The stored type (TEXT, VARCHAR(n), DOUBLE) is unchanged, so making an existing column
sealed needs no schema change; existing values are sealed at the first staff sign-in
(app/services/accounts/staff_key.py). Never filter, sort or aggregate on a sealed column in SQL:
the database sees only ciphertext. Keep what SQL must see (codes, dates, ids, levels)
in clear columns.

Each value is stored as a BLOB (SQLite keeps a BLOB as it is in a TEXT or REAL column):
`qs\x01` ‖ nonce ‖ AES-256-GCM(raw DEFLATE of the UTF-8 text) ‖ tag. Compressing first
keeps the database from growing (the screening answers and score documents are most of
its size, and JSON compresses to a third); base64 text would have grown it by a third.
The associated data names the table and column (set by `label_sealed_columns` when the
models are imported), so a value copied into another column does not open. A value that
is not such a BLOB was written before sealing existed and is read as it is, until the
sealing pass rewrites it.

The staff key travels on the engine's dialect (`attach_staff_key`): a session without
it can write nothing sealed and reads of sealed values raise PermissionDeniedError.
"""

from __future__ import annotations

import secrets
import zlib
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Double, Engine, MetaData, String, Table, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from app.errors import PermissionDeniedError, StoreError

PREFIX = b"qs\x01"
_ATTRIBUTE = "qingxin_staff_key"
_AEAD = "qingxin_staff_aead"
NO_STAFF_KEY = ("保密内容只有心理教师和管理员可以查看。若您是心理教师或管理员，您的账户还没有"
                "收到保密密钥：请管理员登录一次（青心会自动授予），然后重新登录。")


def attach_staff_key(engine: Engine, key: bytes | None) -> None:
    """Let sessions on `engine` seal and open with `key` (None: they cannot)."""
    setattr(engine.dialect, _ATTRIBUTE, key)
    setattr(engine.dialect, _AEAD, AESGCM(key) if key is not None else None)


def staff_key_of(dialect: Dialect) -> bytes | None:
    return getattr(dialect, _ATTRIBUTE, None)


def _aead(dialect: Dialect) -> AESGCM:
    aead = getattr(dialect, _AEAD, None)
    if aead is None:
        raise PermissionDeniedError(NO_STAFF_KEY)
    return aead


def seal(aead: AESGCM, label: str, text: str) -> bytes:
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = deflate.compress(text.encode("utf-8")) + deflate.flush()
    nonce = secrets.token_bytes(12)
    return PREFIX + nonce + aead.encrypt(nonce, packed, label.encode("ascii"))


def is_sealed(stored: object) -> bool:
    return isinstance(stored, bytes) and stored.startswith(PREFIX)


def unseal(aead: AESGCM, label: str, stored: bytes) -> str:
    body = stored[len(PREFIX):]
    try:
        packed = aead.decrypt(body[:12], body[12:], label.encode("ascii"))
    except InvalidTag:
        raise StoreError("保密内容无法解开：数据已被改动，或不是用本校的保密密钥写入的。"
                         "请从备份恢复。", detail=f"sealed value in {label} fails its tag"
                         ) from None
    return zlib.decompress(packed, -15).decode("utf-8")


class _Sealed(TypeDecorator[Any]):
    """Shared by the three column types: text in, a sealed BLOB stored."""

    cache_ok = True
    label = ""
    """"table.column", the associated data; set by `label_sealed_columns`."""

    def plain_text(self, value: Any) -> str:
        """The text that is sealed for `value`."""
        return str(value)

    def _value(self, text: str) -> Any:
        return text

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        assert self.label, "sealed column without a label: import app.models"
        return seal(_aead(dialect), self.label, self.plain_text(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not is_sealed(value):
            return value  # written before sealing existed; the sealing pass rewrites it
        return self._value(unseal(_aead(dialect), self.label, value))


class SealedText(_Sealed):
    impl = Text
    cache_ok = True


class SealedString(_Sealed):
    """A sealed VARCHAR(n) column. SQLite ignores the length, so the ciphertext fits;
    the declared length still bounds what the program accepts."""

    impl = String
    cache_ok = True


class SealedFloat(_Sealed):
    """A sealed number (a score), as a BLOB in a DOUBLE (REAL) column."""

    impl = Double
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Any:
        """Without Float's own conversion, which would make the ciphertext a number (the
        declared column type stays DOUBLE)."""
        return lambda value: self.process_bind_param(value, dialect)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        return lambda value: self.process_result_value(value, dialect)

    def plain_text(self, value: Any) -> str:
        return repr(float(value))

    def _value(self, text: str) -> Any:
        return float(text)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, int | float):
            return float(value)  # written before sealing existed
        return super().process_result_value(value, dialect)


def is_sealed_column(column: Any) -> bool:
    return isinstance(column.type, _Sealed)


def sealed_names(table: Table) -> list[str]:
    return [c.name for c in table.columns if isinstance(c.type, _Sealed)]


def sealed_columns(metadata: MetaData) -> dict[str, list[str]]:
    """Table name → its sealed columns, for the sealing and re-sealing passes."""
    found: dict[str, list[str]] = {}
    for table in metadata.sorted_tables:
        names = sealed_names(table)
        if names:
            found[table.name] = names
    return found


def label_sealed_columns(metadata: MetaData) -> None:
    """Give each sealed column's type its "table.column" label. Each column must have
    its own type instance (pass the class, `SealedText`, or a fresh `SealedString(n)`)."""
    seen: set[int] = set()
    for table in metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, _Sealed):
                if id(column.type) in seen:
                    raise TypeError(f"{table.name}.{column.name} shares a sealed type "
                                    "instance with another column")
                seen.add(id(column.type))
                column.type.label = f"{table.name}.{column.name}"
