"""The district's register: which key each school signs with, which suites the district
still accepts, and every file it has accepted (school code, period, sequence, SHA-256).

It lives beside the district's keys (`district_register.json`, made by `district keygen`)
and is the one place the district side looks a school's key up: registration binds a
school code to a public key only after the fingerprint was read back by phone
(SEALED_FORMAT.md §8), so no school can sign for another. The accepted files make replay
visible: a file whose sequence number is lower than one already accepted from that
school for that term is an old file sent again, and is refused whatever its `created`
time (the school PC's clock) says. The same file accepted twice is not a replay — the
district may run its aggregate again.

Nothing in it is secret (codes, public keys, hashes), but it is the district's memory:
it is written whole to a temporary file and moved into place, so a crash leaves the old
register or the new one, never half of one.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.seal.errors import (
    RegisterError,
    ReplayError,
    SuiteNotAcceptedError,
)
from app.seal.keys import SchoolPublicKey, check_school_public_key, fingerprint
from app.seal.manifest import Manifest, check_school_code
from app.seal.suites import KEMS

REGISTER_FILE = "district_register.json"
_TYPE = "qingxin-district-register"
_VERSION = 1
_MAX_BYTES = 64 << 20


@dataclass(frozen=True)
class RegisteredKey:
    school_code: str
    public_raw: bytes
    registered: str
    retired: str | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_raw)

    @property
    def key(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.public_raw)


@dataclass(frozen=True)
class Accepted:
    school_code: str
    period: str
    sequence: int
    sha256: str
    file: str
    accepted: str


@dataclass
class DistrictRegister:
    path: Path
    accepted_suites: tuple[str, ...] = tuple(KEMS)
    keys: list[RegisteredKey] = field(default_factory=list)
    accepted: list[Accepted] = field(default_factory=list)

    # --- files -------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path) -> DistrictRegister:
        """A new, empty register at `path` (never over an existing one)."""
        if path.exists():
            raise RegisterError(f"{path} 已存在，不会覆盖。")
        register = cls(path)
        register.save()
        return register

    @classmethod
    def load(cls, path: Path) -> DistrictRegister:
        try:
            if path.stat().st_size > _MAX_BYTES:
                raise RegisterError(f"{path} 太大，不是青心区级登记簿。")
            obj = json.loads(path.read_bytes().decode("utf-8"))
        except FileNotFoundError:
            raise RegisterError(
                f"找不到区级登记簿 {path}。它由 district keygen 建在区级密钥旁边；"
                "也可以用 --register 指定。") from None
        except (OSError, UnicodeDecodeError, ValueError) as err:
            raise RegisterError(f"区级登记簿 {path} 无法读取。",
                                detail=type(err).__name__) from None
        try:
            if obj["type"] != _TYPE or obj["version"] != _VERSION:
                raise ValueError("type/version")
            suites = tuple(str(s) for s in obj["accepted_suites"])
            if not suites or any(s not in KEMS for s in suites):
                raise ValueError("accepted_suites")
            keys = [RegisteredKey(str(k["school_code"]),
                                  base64.b64decode(k["public_key"], validate=True),
                                  str(k["registered"]), _optional_text(k["retired"]))
                    for k in obj["schools"]]
            for k in keys:
                check_school_public_key(k.public_raw, f"登记簿中学校 {k.school_code} 的公钥")
            _check_bindings(path, keys)
            accepted = [Accepted(str(a["school_code"]), str(a["period"]), int(a["sequence"]),
                                 str(a["sha256"]), str(a["file"]), str(a["accepted"]))
                        for a in obj["accepted"]]
        except (KeyError, TypeError, ValueError):
            raise RegisterError(f"区级登记簿 {path} 已损坏（字段不全或类型不对）。") from None
        return cls(path, suites, keys, accepted)

    def save(self) -> None:
        obj = {
            "type": _TYPE, "version": _VERSION, "accepted_suites": list(self.accepted_suites),
            "schools": [{"school_code": k.school_code,
                         "public_key": base64.b64encode(k.public_raw).decode("ascii"),
                         "fingerprint": k.fingerprint, "registered": k.registered,
                         "retired": k.retired} for k in self.keys],
            "accepted": [{"school_code": a.school_code, "period": a.period,
                          "sequence": a.sequence, "sha256": a.sha256, "file": a.file,
                          "accepted": a.accepted} for a in self.accepted],
        }
        data = (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except OSError as err:
            tmp.unlink(missing_ok=True)
            raise RegisterError(f"无法写入区级登记簿 {self.path}（只读或磁盘已满？）。",
                                detail=f"{type(err).__name__}: {err.errno}") from None

    # --- schools and suites ------------------------------------------------------------

    def register_school(self, key_file: SchoolPublicKey, code: str | None = None, *,
                        replace: bool = False, now: datetime | None = None) -> RegisteredKey:
        """Bind `code` (default: the code the key file names) to the key. A code that
        already has a key keeps it unless `replace` (key rotation: the old key is retired,
        not forgotten); a key already registered for another school is refused."""
        file_code = key_file.school_code
        if code is None:
            if file_code is None:
                raise RegisterError("这个学校公钥文件没有写明学校代码（旧版本生成），"
                                    "请用 --code 指定。")
            code = file_code
        elif file_code is not None and file_code != code:
            raise RegisterError(f"学校公钥文件写明的学校代码是 {file_code}，与指定的 {code} "
                                "不符，未登记。请核对文件是否来自这所学校。")
        problem = check_school_code(code)
        if problem:
            raise RegisterError(problem + "。")
        raw = key_file.key.public_bytes_raw()
        check_school_public_key(raw, "这个学校公钥")
        for k in self.keys:
            if k.public_raw == raw:
                if k.school_code != code:
                    raise RegisterError(f"这把公钥（指纹 {k.fingerprint}）已登记给学校 "
                                        f"{k.school_code}，不能再登记给 {code}。")
                if k.retired is None:
                    return k
                raise RegisterError(f"这把公钥已于 {k.retired} 停用，不能重新启用。")
        current = self.active_key(code)
        stamp = _utc(now)
        if current is not None:
            if not replace:
                raise RegisterError(
                    f"学校 {code} 已登记公钥（指纹 {current.fingerprint}）。换密钥时请在电话"
                    "核对新指纹后加 --replace，旧密钥将停用。")
            self.keys[self.keys.index(current)] = RegisteredKey(
                current.school_code, current.public_raw, current.registered, stamp)
        entry = RegisteredKey(code, raw, stamp)
        self.keys.append(entry)
        return entry

    def active_key(self, code: str) -> RegisteredKey | None:
        return next((k for k in self.keys if k.school_code == code and k.retired is None),
                    None)

    def key_for(self, manifest: Manifest) -> Ed25519PublicKey:
        """The key to verify `manifest`'s file with: the school's active key, chosen by the
        code the file claims (the file's signature must then hold under it)."""
        code = manifest.school_code
        for k in self.keys:
            if (k.school_code == code and k.retired is not None
                    and k.fingerprint == manifest.school_key_fingerprint):
                raise RegisterError(f"这份文件由学校 {code} 已于 {k.retired} 停用的密钥签名，"
                                    "已拒绝。请学校用现在登记的密钥重新生成。")
        current = self.active_key(code)
        if current is None:
            raise RegisterError(f"登记簿中没有学校代码 {code} 的公钥：请先用 district "
                                "register-school 登记（核对指纹后）。")
        return current.key

    def set_suites(self, kems: Iterable[str]) -> None:
        chosen = tuple(k for k in KEMS if k in set(kems))
        unknown = sorted(set(kems) - set(KEMS))
        if unknown or not chosen:
            raise RegisterError(f"可接受的加密方式应从 {'、'.join(KEMS)} 中选择至少一种。")
        self.accepted_suites = chosen

    def check_suite(self, manifest: Manifest) -> None:
        if manifest.kem not in self.accepted_suites:
            labels = "、".join(KEMS[k].label for k in self.accepted_suites)
            raise SuiteNotAcceptedError(
                f"本区已不再接受 {KEMS[manifest.kem].label} 加密的报送文件（现只接受 {labels}）。"
                "请学校更新部署文件中的区级公钥后重新生成报送文件。",
                f"kem={manifest.kem}")

    # --- accepted files ----------------------------------------------------------------

    def latest(self, code: str, period: str) -> Accepted | None:
        entries = [a for a in self.accepted if a.school_code == code and a.period == period]
        return max(entries, key=lambda a: a.sequence, default=None)

    def check_new(self, manifest: Manifest, sha256: str) -> bool:
        """Refuse a replay or an older file; True when this very file was accepted before
        (running the aggregate again is allowed), False when it is new."""
        self.check_suite(manifest)
        last = self.latest(manifest.school_code, manifest.period)
        if last is None or manifest.sequence > last.sequence:
            return False
        if manifest.sequence == last.sequence and sha256 == last.sha256:
            return True
        if manifest.sequence == last.sequence:
            raise ReplayError(
                f"学校 {manifest.school_code} 学期 {manifest.period} 序号 {manifest.sequence} "
                f"已接收过另一份文件（{last.file}，{last.accepted}），同一序号不能有两份，已拒绝。",
                f"sequence={manifest.sequence} sha256={sha256} registered={last.sha256}")
        raise ReplayError(
            f"这是学校 {manifest.school_code} 的旧报送文件（序号 {manifest.sequence}）：学期 "
            f"{manifest.period} 已接收该校序号 {last.sequence} 的更新报送（{last.file}，"
            f"{last.accepted}）。旧文件不能再次报送，已拒绝。",
            f"sequence={manifest.sequence} latest={last.sequence}")

    def record(self, manifest: Manifest, sha256: str, file_name: str,
               now: datetime | None = None) -> None:
        if not self.check_new(manifest, sha256):
            self.accepted.append(Accepted(manifest.school_code, manifest.period,
                                          manifest.sequence, sha256, file_name, _utc(now)))


def _check_bindings(path: Path, keys: list[RegisteredKey]) -> None:
    """One key, one school; one active key per school — as `register_school` keeps them.
    A register edited by hand (or merged from two) that breaks either would let one
    school's key sign for two codes, so it is refused by name, not used."""
    owner: dict[bytes, str] = {}
    active: dict[str, int] = {}
    for k in keys:
        other = owner.setdefault(k.public_raw, k.school_code)
        if other != k.school_code:
            raise RegisterError(f"区级登记簿 {path} 中同一把公钥（指纹 {k.fingerprint}）登记给了"
                                f"学校 {other} 和 {k.school_code}：一把密钥只能属于一所学校，"
                                "请核对后用 register-school 重新登记。")
        if k.retired is None:
            active[k.school_code] = active.get(k.school_code, 0) + 1
            if active[k.school_code] > 1:
                raise RegisterError(f"区级登记簿 {path} 中学校 {k.school_code} 有两把在用的公钥："
                                    "换密钥时旧密钥应停用（register-school --replace），"
                                    "请核对后重新登记。")


def register_beside(key_path: Path) -> Path:
    """Where the register lives by default: beside the district's private key file."""
    return key_path.parent / REGISTER_FILE


def _optional_text(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError("retired")
    return value


def _utc(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
