"""The key file envelope: one small JSON format for all four kinds of key.

cryptography writes PEM for X25519 and Ed25519 but has no encoding for the X-Wing hybrid,
and its passphrase-protected PKCS#8 uses PBKDF2 with 2,048 rounds — weak for a district
private key that opens every school's reports. So every key file is the same JSON object
with a type tag and the raw RFC 9180 / RFC 8032 key bytes in base64, readable in any
language; a private key may be wrapped with Argon2id + AES-256-GCM, as the store's key
slots are. docs/SEALED_FORMAT.md describes the fields.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.seal import argon2
from app.seal.argon2 import KdfParams
from app.seal.errors import (
    KeyFileError,
    PassphraseRequiredError,
    SealInputError,
    WrongPassphraseError,
)
from app.seal.manifest import check_school_code

VERSION = 1
PROTECTION_NONE = "none"
PROTECTION_ARGON2ID = "argon2id-aes-256-gcm"
MAX_KEY_FILE_BYTES = 64 * 1024

TYPE_LABELS = {
    "qingxin-district-public-key": "区级公钥文件",
    "qingxin-district-private-key": "区级私钥文件",
    "qingxin-school-public-key": "学校公钥文件",
    "qingxin-school-private-key": "学校私钥文件",
}


DEFAULT_KDF = KdfParams()
"""Stored in each file, so a later release can raise it."""


@dataclass(frozen=True)
class KeyFileContent:
    type: str
    algorithm: str
    public_raw: bytes
    secret_raw: bytes | None
    school_code: str | None = None
    """School key files name the school they were made for (older ones may not)."""


def encode_key_file(type_tag: str, algorithm: str, public_raw: bytes, fingerprint: str,
                    secret_raw: bytes | None = None, passphrase: str | None = None,
                    school_code: str | None = None) -> bytes:
    """The file's bytes. The comment is for whoever opens it in Notepad; readers ignore it."""
    obj: dict[str, object] = {
        "type": type_tag, "version": VERSION, "algorithm": algorithm,
        "comment": _comment(type_tag, fingerprint),
        "fingerprint": fingerprint, "public_key": _b64(public_raw),
    }
    if school_code is not None:
        _check_code(school_code)
        obj["school_code"] = school_code
    if secret_raw is not None:
        if passphrase is None:
            obj["protection"] = PROTECTION_NONE
            obj["private_key"] = _b64(secret_raw)
        else:
            obj.update(_wrap(secret_raw, passphrase, _aad(type_tag, algorithm, public_raw)))
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def decode_key_file(data: bytes, expected_type: str, source: str,
                    passphrase: str | None = None) -> KeyFileContent:
    """Parse and, for a private key, unwrap. Lengths are checked by the caller, who knows
    the algorithm; here we only make sure the file is what the caller asked for."""
    obj = _parse_json(data, source)
    type_tag = obj.get("type")
    if type_tag != expected_type:
        if type_tag in TYPE_LABELS:
            raise KeyFileError(f"{source} 是{TYPE_LABELS[type_tag]}，"
                               f"这里需要的是{TYPE_LABELS[expected_type]}。")
        raise KeyFileError(f"{source} 不是青心密钥文件。")
    if obj.get("version") != VERSION:
        raise KeyFileError(f"密钥文件 {source} 的版本（{obj.get('version')}）本程序不认识，"
                           "请升级青心。")
    algorithm = _text(obj, "algorithm", source)
    public_raw = _unb64(_text(obj, "public_key", source), source)
    secret_raw = None
    if expected_type.endswith("private-key"):
        protection = obj.get("protection")
        if protection == PROTECTION_NONE:
            secret_raw = _unb64(_text(obj, "private_key", source), source)
        elif protection == PROTECTION_ARGON2ID:
            if not passphrase:
                raise PassphraseRequiredError(source)
            secret_raw = _unwrap(obj, passphrase, _aad(expected_type, algorithm, public_raw),
                                 source)
        else:
            raise KeyFileError(f"密钥文件 {source} 的保护方式（{protection}）本程序不认识。")
    school_code = obj.get("school_code")
    if school_code is not None and (not isinstance(school_code, str)
                                    or check_school_code(school_code)):
        raise KeyFileError(f"密钥文件 {source} 中的学校代码 {school_code!r} 不合规。")
    return KeyFileContent(expected_type, algorithm, public_raw, secret_raw, school_code)


def read_key_source(source: Path | bytes) -> tuple[bytes, str]:
    """Bytes and a name for messages. Missing files and huge files get a clear message."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), "密钥"
    try:
        if source.stat().st_size > MAX_KEY_FILE_BYTES:
            raise KeyFileError(f"{source} 太大，不是青心密钥文件。")
        return source.read_bytes(), str(source)
    except FileNotFoundError:
        raise KeyFileError(f"找不到密钥文件 {source}。") from None
    except OSError as err:
        raise KeyFileError(f"无法读取密钥文件 {source}。",
                           detail=f"{type(err).__name__}: {err.errno}") from None


def write_new_file(path: Path, data: bytes, private: bool) -> None:
    """Never overwrites: replacing a district private key would lock every sealed file made
    for it away for good. A private key file is created readable by its owner only.

    Written whole or not at all: the bytes go to a temporary file in the same folder,
    fsynced, which is then published under `path` by a hard link (refused when `path`
    exists) — so a crash or a full disk leaves no truncated key file behind."""
    if path.exists():
        raise exists_error(path)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(temp, flags, 0o600 if private else 0o644)
    except OSError as err:
        raise KeyFileError(f"无法创建 {path}（目录不存在或只读？）。",
                           detail=f"{type(err).__name__}: {err.errno}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _publish(temp, path)
    except FileExistsError:
        raise exists_error(path) from None
    except OSError as err:
        raise KeyFileError(f"写入 {path} 失败（磁盘已满？）。",
                           detail=f"{type(err).__name__}: {err.errno}") from None
    finally:
        temp.unlink(missing_ok=True)


def _publish(temp: Path, path: Path) -> None:
    """`temp` becomes `path` unless `path` exists. A hard link never replaces a file; where
    the folder cannot hold links (a FAT32 USB stick) a rename does the same on Windows, and
    elsewhere the existence check just made is the guard."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise
    except OSError:
        if os.name != "nt" and path.exists():
            raise FileExistsError(path) from None
        os.rename(temp, path)


def _check_code(code: str) -> None:
    problem = check_school_code(code)
    if problem:
        raise SealInputError(problem + "。")


def exists_error(path: Path) -> KeyFileError:
    return KeyFileError(f"{path} 已存在，不会覆盖。"
                        "请换一个目录，或先把旧密钥文件移走并妥善保存。")


def _comment(type_tag: str, fingerprint: str) -> str:
    if type_tag.endswith("private-key"):
        return (f"青心{TYPE_LABELS[type_tag]}（指纹 {fingerprint}）。绝密：不要复制到联网电脑，"
                "不要发给任何人；丢失后用它加密的文件将无法打开。")
    return f"青心{TYPE_LABELS[type_tag]}（指纹 {fingerprint}）。可以公开，核对指纹后再使用。"


def _aad(type_tag: str, algorithm: str, public_raw: bytes) -> bytes:
    """Binds the wrapped secret to its file type, algorithm and public key: a secret pasted
    under another public key does not unwrap."""
    return f"{type_tag}|{VERSION}|{algorithm}|{_b64(public_raw)}".encode("ascii")


def _derive(passphrase: str, salt: bytes, kdf: KdfParams) -> bytes:
    """NFC first: the same passphrase typed through different input methods must match."""
    normalized = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return argon2.derive(normalized, salt, kdf)


def _wrap(secret_raw: bytes, passphrase: str, aad: bytes) -> dict[str, object]:
    if not passphrase:
        raise SealInputError("口令不能为空。")
    kdf = DEFAULT_KDF
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    wrapped = AESGCM(_derive(passphrase, salt, kdf)).encrypt(nonce, secret_raw, aad)
    return {"protection": PROTECTION_ARGON2ID,
            "kdf": {"name": "argon2id", "salt": _b64(salt), **asdict(kdf)},
            "nonce": _b64(nonce), "encrypted_private_key": _b64(wrapped)}


def _unwrap(obj: dict, passphrase: str, aad: bytes, source: str) -> bytes:
    try:
        kdf_obj = obj["kdf"]
        kdf = KdfParams(memory_kib=int(kdf_obj["memory_kib"]),
                        iterations=int(kdf_obj["iterations"]), lanes=int(kdf_obj["lanes"]))
        if not (1 <= kdf.lanes <= 64 and 1 <= kdf.iterations <= 64
                and 8 * kdf.lanes <= kdf.memory_kib <= 4 * 1024 * 1024):
            raise ValueError("kdf parameters out of range")
        salt = _unb64(kdf_obj["salt"], source)
        nonce = _unb64(obj["nonce"], source)
        wrapped = _unb64(obj["encrypted_private_key"], source)
        key = _derive(passphrase, salt, kdf)
    except (KeyError, TypeError, ValueError):
        raise KeyFileError(f"密钥文件 {source} 已损坏（口令保护参数不全）。") from None
    try:
        return AESGCM(key).decrypt(nonce, wrapped, aad)
    except (InvalidTag, ValueError):
        raise WrongPassphraseError(source) from None


def _parse_json(data: bytes, source: str) -> dict:
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise KeyFileError(f"{source} 不是青心密钥文件。") from None
    if not isinstance(obj, dict):
        raise KeyFileError(f"{source} 不是青心密钥文件。")
    return obj


def _text(obj: dict, key: str, source: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise KeyFileError(f"密钥文件 {source} 已损坏（缺少 {key}）。")
    return value


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, source: str) -> bytes:
    try:
        if not isinstance(text, str):
            raise ValueError("not text")
        return base64.b64decode(text.encode("ascii"), validate=True)
    except ValueError:  # binascii.Error and UnicodeEncodeError are ValueErrors
        raise KeyFileError(f"密钥文件 {source} 已损坏（base64 编码错误）。") from None
