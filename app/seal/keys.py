"""District encryption keys and school signing keys: generation, files, fingerprints.

The district holds one HPKE key pair; every school seals to its public key. Each school
holds one Ed25519 key pair; the district registers the school's public key (and checks its
fingerprint on paper or by phone) so that a sealed file proves which school made it.

A district private key is 32 secret bytes for both KEMs: the X25519 private key, or the
X-Wing seed from which the ML-KEM-768 and X25519 halves are expanded exactly as
draft-connolly-cfrg-xwing-kem says (so other X-Wing implementations load the same key).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.seal.ed25519 import public_key_problem
from app.seal.errors import KeyFileError, SealError, SealInputError, WeakKeyError
from app.seal.keyfile import (
    decode_key_file,
    encode_key_file,
    exists_error,
    read_key_source,
    write_new_file,
)
from app.seal.suites import KEMS, Kem, KemName

DISTRICT_PRIVATE_FILE = "district_private_key.json"
DISTRICT_PUBLIC_FILE = "district_public_key.json"
SCHOOL_PRIVATE_FILE = "school_private_key.json"
SCHOOL_PUBLIC_FILE = "school_public_key.json"

_DISTRICT_PUBLIC = "qingxin-district-public-key"
_DISTRICT_PRIVATE = "qingxin-district-private-key"
_SCHOOL_PUBLIC = "qingxin-school-public-key"
_SCHOOL_PRIVATE = "qingxin-school-private-key"
_ED25519 = "ed25519"
_SECRET_LEN = 32


def fingerprint(public_raw: bytes) -> str:
    """SHA-256 of the raw public key, first 20 bytes as ten groups of four hex digits:
    short enough to read over the phone, long enough (160 bits) that nobody can forge a
    key that matches."""
    return fingerprint_of_digest(hashlib.sha256(public_raw).digest())


def fingerprint_of_digest(digest: bytes) -> str:
    """The same fingerprint from a key id (a sealed file's header holds the full digest)."""
    text = digest[:20].hex().upper()
    return "-".join(text[i:i + 4] for i in range(0, 40, 4))


@dataclass(frozen=True)
class DistrictPublicKey:
    """What a school needs to seal: the KEM and the RFC 9180 SerializePublicKey bytes."""

    kem: KemName
    raw: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.raw)

    @property
    def key_id(self) -> bytes:
        """Full SHA-256, written in each sealed file's header to name its recipient."""
        return hashlib.sha256(self.raw).digest()

    def hpke_key(self) -> x25519.X25519PublicKey | hpke.MLKEM768X25519PublicKey:
        if self.kem == "x25519":
            return x25519.X25519PublicKey.from_public_bytes(self.raw)
        split = KEMS[self.kem].public_len - 32
        try:
            ml = mlkem.MLKEM768PublicKey.from_public_bytes(self.raw[:split])
        except UnsupportedAlgorithm:
            raise _no_mlkem() from None
        return hpke.MLKEM768X25519PublicKey(
            ml, x25519.X25519PublicKey.from_public_bytes(self.raw[split:]))


@dataclass(frozen=True, repr=False)
class DistrictPrivateKey:
    """The district's secret: 32 bytes whatever the KEM. repr never shows it."""

    kem: KemName
    secret: bytes

    def __repr__(self) -> str:
        return f"DistrictPrivateKey(kem={self.kem!r}, fingerprint={self.fingerprint!r})"

    @cached_property
    def _components(self) -> tuple[mlkem.MLKEM768PrivateKey | None, x25519.X25519PrivateKey]:
        """X-Wing: SHAKE256(seed, 96 bytes) = ML-KEM-768 seed (d || z) || X25519 key."""
        if self.kem == "x25519":
            return None, x25519.X25519PrivateKey.from_private_bytes(self.secret)
        expanded = hashlib.shake_256(self.secret).digest(96)
        try:
            ml = mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
        except UnsupportedAlgorithm:
            raise _no_mlkem() from None
        return ml, x25519.X25519PrivateKey.from_private_bytes(expanded[64:])

    def public_key(self) -> DistrictPublicKey:
        ml, xk = self._components
        raw = xk.public_key().public_bytes_raw()
        if ml is not None:
            raw = ml.public_key().public_bytes_raw() + raw
        return DistrictPublicKey(self.kem, raw)

    @property
    def fingerprint(self) -> str:
        return self.public_key().fingerprint

    def hpke_key(self) -> x25519.X25519PrivateKey | hpke.MLKEM768X25519PrivateKey:
        ml, xk = self._components
        return xk if ml is None else hpke.MLKEM768X25519PrivateKey(ml, xk)


@dataclass(frozen=True)
class KeyPairFiles:
    private_path: Path
    public_path: Path
    fingerprint: str


def new_district_key(kem: KemName = "x25519") -> DistrictPrivateKey:
    if kem not in KEMS:
        raise SealInputError(f"不认识的密钥类型 {kem}：可选 x25519 或 mlkem768x25519。")
    key = DistrictPrivateKey(kem, secrets.token_bytes(_SECRET_LEN))
    key.public_key()  # fails here, not at sealing time, if ML-KEM is unavailable
    return key


def generate_district_keypair(out_dir: Path, *, kem: KemName = "x25519",
                              passphrase: str | None = None) -> KeyPairFiles:
    """Write a new district key pair into `out_dir` (never over existing key files)."""
    key = new_district_key(kem)
    return _write_pair(out_dir, DISTRICT_PRIVATE_FILE, DISTRICT_PUBLIC_FILE,
                       dump_key(key, passphrase=passphrase), dump_key(key.public_key()),
                       key.fingerprint)


@dataclass(frozen=True)
class SchoolPublicKey:
    """A school's public key file: the key and the school code the file names (None in
    files written before key files carried one)."""

    key: Ed25519PublicKey
    school_code: str | None

    @property
    def fingerprint(self) -> str:
        return school_key_fingerprint(self.key)


def new_school_key() -> Ed25519PrivateKey:
    """A fresh signing key, checked like every other (§4 of the spec): generation cannot
    produce a small-order key, and if a broken library ever did, nothing is signed."""
    key = Ed25519PrivateKey.generate()
    check_school_public_key(key.public_key().public_bytes_raw(), "新生成的学校签名密钥")
    return key


def check_school_public_key(raw: bytes, what: str) -> None:
    """Refuse a key anybody could forge signatures for (the identity point, any small-order
    or non-canonical point) — at generation, registration and verification alike."""
    problem = public_key_problem(raw)
    if problem:
        raise WeakKeyError(f"{what}不能使用：{problem}。这样的密钥无法证明文件出自哪所学校，"
                           "已拒绝。")


def generate_school_keypair(out_dir: Path, *, school_code: str,
                            passphrase: str | None = None) -> KeyPairFiles:
    """Write a new school signing key pair for `school_code` into `out_dir` (never over
    existing key files). Both files name the school, so registration can check it."""
    key = new_school_key()
    return _write_pair(out_dir, SCHOOL_PRIVATE_FILE, SCHOOL_PUBLIC_FILE,
                       dump_key(key, passphrase=passphrase, school_code=school_code),
                       dump_key(key.public_key(), school_code=school_code),
                       school_key_fingerprint(key))


def school_key_fingerprint(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The fingerprint to print on reports and settings, for the district to register."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return fingerprint(public.public_bytes_raw())


def dump_key(key: DistrictPublicKey | DistrictPrivateKey | Ed25519PublicKey | Ed25519PrivateKey,
             *, passphrase: str | None = None, school_code: str | None = None) -> bytes:
    """A key file's bytes. `passphrase` applies to private keys only, `school_code` to
    school keys only."""
    if isinstance(key, DistrictPublicKey):
        return encode_key_file(_DISTRICT_PUBLIC, key.kem, key.raw, key.fingerprint)
    if isinstance(key, DistrictPrivateKey):
        public = key.public_key()
        return encode_key_file(_DISTRICT_PRIVATE, key.kem, public.raw, public.fingerprint,
                               key.secret, passphrase)
    if isinstance(key, Ed25519PublicKey):
        return encode_key_file(_SCHOOL_PUBLIC, _ED25519, key.public_bytes_raw(),
                               school_key_fingerprint(key), school_code=school_code)
    if isinstance(key, Ed25519PrivateKey):
        public_raw = key.public_key().public_bytes_raw()
        return encode_key_file(_SCHOOL_PRIVATE, _ED25519, public_raw, fingerprint(public_raw),
                               key.private_bytes_raw(), passphrase, school_code)
    raise TypeError(f"not a key: {type(key).__name__}")


def save_key(key: DistrictPublicKey | DistrictPrivateKey | Ed25519PublicKey | Ed25519PrivateKey,
             path: Path, *, passphrase: str | None = None, school_code: str | None = None
             ) -> None:
    """Create `path` holding the key; refuses to replace an existing file."""
    private = isinstance(key, DistrictPrivateKey | Ed25519PrivateKey)
    write_new_file(path, dump_key(key, passphrase=passphrase, school_code=school_code),
                   private)


def load_district_public_key(source: Path | bytes) -> DistrictPublicKey:
    data, name = read_key_source(source)
    content = decode_key_file(data, _DISTRICT_PUBLIC, name)
    kem = _known_kem(content.algorithm, name)
    if len(content.public_raw) != kem.public_len:
        raise KeyFileError(f"密钥文件 {name} 已损坏（公钥长度不对）。")
    key = DistrictPublicKey(kem.name, content.public_raw)
    try:
        key.hpke_key()
    except ValueError:
        raise KeyFileError(f"密钥文件 {name} 已损坏（公钥无效）。") from None
    return key


def load_district_private_key(source: Path | bytes,
                              passphrase: str | None = None) -> DistrictPrivateKey:
    data, name = read_key_source(source)
    content = decode_key_file(data, _DISTRICT_PRIVATE, name, passphrase)
    kem = _known_kem(content.algorithm, name)
    secret = content.secret_raw or b""
    if len(secret) != _SECRET_LEN:
        raise KeyFileError(f"密钥文件 {name} 已损坏（私钥长度不对）。")
    key = DistrictPrivateKey(kem.name, secret)
    if key.public_key().raw != content.public_raw:
        raise KeyFileError(f"密钥文件 {name} 已损坏（私钥与公钥不配对）。")
    return key


def load_school_public_key(source: Path | bytes) -> Ed25519PublicKey:
    return load_school_key_file(source).key


def load_school_key_file(source: Path | bytes) -> SchoolPublicKey:
    """A school's public key file, with the school code it names. A key outside §4's rule
    set (small order, non-canonical) is refused here, before anyone can register it."""
    data, name = read_key_source(source)
    content = decode_key_file(data, _SCHOOL_PUBLIC, name)
    _check_ed25519(content.algorithm, name)
    if len(content.public_raw) != 32:
        raise KeyFileError(f"密钥文件 {name} 已损坏（公钥长度不对）。")
    check_school_public_key(content.public_raw, f"密钥文件 {name} 中的学校公钥")
    return SchoolPublicKey(Ed25519PublicKey.from_public_bytes(content.public_raw),
                           content.school_code)


def load_school_private_key(source: Path | bytes,
                            passphrase: str | None = None) -> Ed25519PrivateKey:
    data, name = read_key_source(source)
    content = decode_key_file(data, _SCHOOL_PRIVATE, name, passphrase)
    _check_ed25519(content.algorithm, name)
    try:
        key = Ed25519PrivateKey.from_private_bytes(content.secret_raw or b"")
    except ValueError:
        raise KeyFileError(f"密钥文件 {name} 已损坏（私钥长度不对）。") from None
    if key.public_key().public_bytes_raw() != content.public_raw:
        raise KeyFileError(f"密钥文件 {name} 已损坏（私钥与公钥不配对）。")
    check_school_public_key(content.public_raw, f"密钥文件 {name} 中的学校密钥")
    return key


def _write_pair(out_dir: Path, private_name: str, public_name: str, private_data: bytes,
                public_data: bytes, fp: str) -> KeyPairFiles:
    """Checks both names before writing either, so a refusal leaves no half pair behind."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise KeyFileError(f"无法建立目录 {out_dir}。",
                           detail=f"{type(err).__name__}: {err.errno}") from None
    private_path, public_path = out_dir / private_name, out_dir / public_name
    for path in (private_path, public_path):
        if path.exists():
            raise exists_error(path)
    write_new_file(private_path, private_data, private=True)
    write_new_file(public_path, public_data, private=False)
    return KeyPairFiles(private_path, public_path, fp)


def _known_kem(algorithm: str, name: str) -> Kem:
    kem = KEMS.get(algorithm)
    if kem is None:
        raise KeyFileError(f"密钥文件 {name} 的算法 {algorithm} 本程序不认识，请升级青心。")
    return kem


def _check_ed25519(algorithm: str, name: str) -> None:
    if algorithm != _ED25519:
        raise KeyFileError(f"密钥文件 {name} 的算法 {algorithm} 不是 ed25519。")


def _no_mlkem() -> SealError:
    return SealError("本机的加密库不支持 ML-KEM-768，无法使用混合（抗量子）密钥。"
                     "请改用 x25519 密钥，或升级 cryptography。")
