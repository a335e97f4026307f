"""district keygen|register-school|suites, school keygen, seal verify, seal open.

The district's side of the sealed export, and the school's signing key for setups done
without the GUI. Passphrases come from an environment variable named on the command line
(or a prompt when opening interactively), never from a flag's value: it would show in
the process list and shell history.

The district's register (`district_register.json`, beside its keys) holds the school
keys, the suites it accepts and every file it accepted; `seal open` and `district
aggregate` read it and record what they accept, `seal verify --register` checks against
it without recording. The period is always named (`--period`) or explicitly waived
(`--any-period`): it is never taken from the file being checked.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import os
import sys
from pathlib import Path

from app.cli.arguments import SEALED_SUFFIX, expand_file_arguments
from app.cli.common import command_group
from app.errors import BadInputError, QingxinError
from app.seal import (
    Contents,
    DistrictPrivateKey,
    DistrictRegister,
    Manifest,
    generate_district_keypair,
    generate_school_keypair,
    load_district_private_key,
    load_school_key_file,
    load_school_public_key,
    open_sealed,
    peek_manifest,
    verify,
)
from app.seal.errors import KeyFileError, PassphraseRequiredError
from app.seal.keyfile import write_new_file
from app.seal.layout import MAX_FILE_LEN
from app.seal.manifest import RESERVED_NAME, encode_contents, encode_manifest
from app.seal.register import REGISTER_FILE, register_beside
from app.seal.suites import KEMS
from app.winacl import restrict_to_owner

MANIFEST_OUT = RESERVED_NAME


def register(sub: argparse._SubParsersAction) -> None:
    district = command_group(sub, "district", "区级：密钥")
    p = district.add_parser("keygen", help="生成区级密钥对（私钥自留，公钥发给各校）")
    p.add_argument("--out", type=Path, required=True, help="写入的目录（已有密钥文件时拒绝）")
    p.add_argument("--kem", choices=sorted(KEMS), default="x25519",
                   help="x25519（默认）或 mlkem768x25519（抗量子混合）")
    _add_passphrase_env(p)
    p.set_defaults(handler=_district_keygen)

    p = district.add_parser("register-school",
                            help="登记学校签名公钥（电话核对指纹后）到区级登记簿")
    p.add_argument("school_key", type=Path, help="学校交来的公钥文件")
    p.add_argument("--code", default=None, help="学校代码（公钥文件已写明时可省略，须一致）")
    p.add_argument("--replace", action="store_true",
                   help="该校已登记过密钥时换用这把新密钥（旧密钥停用）")
    _add_register(p, required=True)
    p.set_defaults(handler=_register_school)

    p = district.add_parser("suites", help="查看或设定本区接受的加密方式")
    p.add_argument("--accept", nargs="+", choices=sorted(KEMS), default=None,
                   help="只接受这些加密方式（如 mlkem768x25519 即要求抗量子混合）")
    _add_register(p, required=True)
    p.set_defaults(handler=_suites)

    school = command_group(sub, "school", "学校签名密钥")
    p = school.add_parser("keygen", help="生成学校签名密钥对（Ed25519）")
    p.add_argument("--out", type=Path, required=True, help="写入的目录（已有密钥文件时拒绝）")
    p.add_argument("--code", required=True, help="学校代码（学校标识码），写入密钥文件")
    _add_passphrase_env(p)
    p.set_defaults(handler=_school_keygen)

    sealed = command_group(sub, "seal", "密封报送文件")
    p = sealed.add_parser("verify", help="核验签名（不需要区级私钥，不解密）")
    p.add_argument("files", type=Path, nargs="+",
                   help=".qxseal 文件，或含这些文件的文件夹（可用 * 通配）")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--school-key", type=Path, help="登记过的学校公钥文件")
    who.add_argument("--register", type=Path,
                     help="区级登记簿：按学校代码取公钥，并核对序号（不记录）")
    add_period_args(p)
    p.add_argument("--school-code", default=None, help="要求的学校代码")
    p.set_defaults(handler=_verify)

    p = sealed.add_parser("open", help="核验并解密，把文件写入目录，记入区级登记簿")
    p.add_argument("file", type=Path)
    p.add_argument("--key", type=Path, required=True, help="区级私钥文件")
    p.add_argument("--out", type=Path, required=True, help="写入的目录（同名文件已存在时拒绝）")
    _add_register(p, required=False)
    add_period_args(p)
    p.add_argument("--school-code", default=None, help="要求的学校代码")
    _add_passphrase_env(p)
    p.set_defaults(handler=_open)


def _add_passphrase_env(p: argparse.ArgumentParser) -> None:
    p.add_argument("--passphrase-env", metavar="VAR", default=None,
                   help="私钥口令所在的环境变量名（口令不要写在命令行上）")


def add_period_args(p: argparse.ArgumentParser, *, waivable: bool = True) -> None:
    """--period is required; `--any-period` is the explicit, visible way to skip it."""
    if not waivable:
        p.add_argument("--period", required=True, help="要汇总的学期，如 2026-2027-1")
        return
    period = p.add_mutually_exclusive_group(required=True)
    period.add_argument("--period", help="要求的学期，如 2026-2027-1（防止旧文件重报）")
    period.add_argument("--any-period", action="store_true",
                        help="不核对学期（明确放弃这项检查，例如查看旧文件时）")


def _add_register(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--register", type=Path, required=required,
                   help=f"区级登记簿（默认为区级私钥旁的 {REGISTER_FILE}）")


def register_for(args: argparse.Namespace) -> DistrictRegister:
    """The register named by --register, else the one beside --key."""
    return DistrictRegister.load(args.register or register_beside(args.key))


def _district_keygen(args: argparse.Namespace) -> int:
    passphrase = _env_passphrase(args.passphrase_env)
    pair = generate_district_keypair(args.out, kem=args.kem, passphrase=passphrase)
    print(f"已生成区级密钥对（{KEMS[args.kem].suite_label}）：")
    print(f"  私钥：{pair.private_path}（绝密：离线保存并另做备份；丢失后已报送的文件再也打不开）")
    print(f"  公钥：{pair.public_path}（放入各校的部署文件）")
    print(f"  指纹：{pair.fingerprint}（各校安装时核对）")
    _owner_only(pair.private_path)
    register_path = args.out / REGISTER_FILE
    if register_path.exists():
        print(f"  登记簿：{register_path}（已有，沿用）")
    else:
        DistrictRegister.create(register_path)
        print(f"  登记簿：{register_path}（新建：登记学校公钥、记录已接收的报送）")
    _warn_unprotected(passphrase)
    return 0


def _register_school(args: argparse.Namespace) -> int:
    register = DistrictRegister.load(args.register)
    key_file = load_school_key_file(args.school_key)
    entry = register.register_school(key_file, args.code, replace=args.replace)
    register.save()
    print(f"已登记学校 {entry.school_code} 的签名公钥：指纹 {entry.fingerprint}")
    print("  请确认这个指纹已与学校盖章的登记表、并经电话逐组核对一致。")
    return 0


def _suites(args: argparse.Namespace) -> int:
    register = DistrictRegister.load(args.register)
    if args.accept is not None:
        register.set_suites(args.accept)
        register.save()
    labels = "、".join(f"{KEMS[k].label}（{k}）" for k in register.accepted_suites)
    print(f"本区接受的加密方式：{labels}")
    if args.accept is not None:
        print("  用其他方式加密的报送文件将被拒绝；请同时在各校部署文件 [district] 中写明 "
              "accepted_suites 并换发区级公钥。")
    return 0


def _school_keygen(args: argparse.Namespace) -> int:
    passphrase = _env_passphrase(args.passphrase_env)
    pair = generate_school_keypair(args.out, school_code=args.code, passphrase=passphrase)
    print("已生成学校签名密钥对（Ed25519）：")
    print(f"  私钥：{pair.private_path}（留在本校，用于签名报送文件）")
    print(f"  公钥：{pair.public_path}（交区里登记）")
    print(f"  指纹：{pair.fingerprint}（打印后由校长签字，区里登记时核对）")
    _owner_only(pair.private_path)
    _warn_unprotected(passphrase)
    return 0


def _verify(args: argparse.Namespace) -> int:
    """Each file named (wildcards and folders expanded); the worst exit code of all."""
    files = expand_file_arguments(args.files, SEALED_SUFFIX)
    period = None if args.any_period else args.period
    register = DistrictRegister.load(args.register) if args.register is not None else None
    school_key = load_school_public_key(args.school_key) if register is None else None
    worst = 0
    for path in files:
        if len(files) > 1:
            print(f"{path}：")
        try:
            data = _read_sealed(path)
            key = register.key_for(peek_manifest(data)) if register is not None else school_key
            assert key is not None
            manifest = verify(data, key, expected_school_code=args.school_code,
                              expected_period=period)
            seen = (register.check_new(manifest, hashlib.sha256(data).hexdigest())
                    if register is not None else None)
        except QingxinError as err:
            print(f"错误：{path}：{err.message}", file=sys.stderr)
            worst = max(worst, err.exit_code)
            continue
        print("签名有效：文件自学校签名后未被改动。")
        if args.any_period:
            print("  注意：按 --any-period 没有核对学期。")
        if seen is not None:
            print("  登记簿：" + ("这份文件已接收过。" if seen
                                 else "序号比已接收的更新，可以接收。"))
        _print_manifest(manifest)
    return worst


def _open(args: argparse.Namespace) -> int:
    data = _read_sealed(args.file)
    register = register_for(args)
    key = register.key_for(peek_manifest(data))
    district_key = _load_district_key(args.key, args.passphrase_env)
    opened = open_sealed(data, district_key, key, expected_school_code=args.school_code,
                         expected_period=None if args.any_period else args.period)
    sha256 = hashlib.sha256(data).hexdigest()
    register.check_new(opened.manifest, sha256)
    files = opened.files
    targets = [args.out / name for name in [*files, MANIFEST_OUT]]
    taken = [str(t) for t in targets if t.exists()]
    if taken:
        raise BadInputError("目标目录中已有同名文件，未写出任何文件。请换一个空目录。",
                            problems=taken)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BadInputError(f"无法建立目录 {args.out}。",
                            detail=f"{type(err).__name__}: {err.errno}") from None
    for name, content in files.items():
        write_new_file(args.out / name, content, private=True)
        _owner_only(args.out / name)
    both = {"manifest": json.loads(encode_manifest(opened.manifest)),
            "contents": json.loads(encode_contents(opened.contents))}
    pretty = json.dumps(both, ensure_ascii=False, indent=2)
    write_new_file(args.out / MANIFEST_OUT, (pretty + "\n").encode("utf-8"), private=False)
    register.record(opened.manifest, sha256, args.file.name)
    register.save()
    print("签名有效，已解密，各文件校验值与清单一致；已记入区级登记簿。")
    if args.any_period:
        print("  注意：按 --any-period 没有核对学期。")
    _print_manifest(opened.manifest, opened.contents)
    print(f"已写入 {args.out}（{len(files)} 个文件和 {MANIFEST_OUT}）。")
    return 0


def _print_manifest(m: Manifest, contents: Contents | None = None) -> None:
    contents = contents or m.legacy_contents
    print(f"  学校代码：{m.school_code}    学期：{m.period}    报送序号：{m.sequence}"
          + ("（格式版本 1，无序号）" if m.format_version == 1 else ""))
    print(f"  学校签名密钥指纹：{m.school_key_fingerprint}")
    print(f"  加密：HPKE {m.suite_label}，区级密钥指纹 {m.district_key_fingerprint}")
    if contents is None:
        print("  文件清单在密文中，解密（seal open）后才能看到。")
        return
    print(f"  学校：{contents.school_name}    生成时间（UTC）：{contents.created}    "
          f"青心版本：{contents.app_version}")
    print(f"  文件（{len(contents.files)} 个）：")
    for f in contents.files:
        print(f"    {f.name}  {f.size:,} 字节  SHA-256 {f.sha256}")
    if contents.audit_anchor is not None:
        head = contents.audit_anchor
        print(f"  学校审计日志锚点：{head.last_id}:{head.last_hash}")
        print("    （请留存；学校管理员可用 qingxin audit verify --anchor 编号:哈希 "
              "核对日志中此条仍在）")


def _read_sealed(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_LEN:
            raise BadInputError(f"{path} 太大（超过 1 GB），不是青心密封报送文件。")
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInputError(f"找不到文件 {path}。") from None
    except OSError as err:
        raise BadInputError(f"无法读取 {path}。",
                            detail=f"{type(err).__name__}: {err.errno}") from None


def _load_district_key(path: Path, passphrase_env: str | None) -> DistrictPrivateKey:
    passphrase = _env_passphrase(passphrase_env)
    try:
        return load_district_private_key(path, passphrase)
    except PassphraseRequiredError:
        if not sys.stdin.isatty():
            raise KeyFileError(f"私钥文件 {path} 受口令保护：请用 --passphrase-env 指定"
                               "存放口令的环境变量，或在终端中运行以输入口令。") from None
    return load_district_private_key(path, getpass.getpass("区级私钥口令："))


#: The district private key as `seal open` loads it (file, env passphrase or prompt).
load_district_key = _load_district_key


def _env_passphrase(var: str | None) -> str | None:
    if var is None:
        return None
    value = os.environ.get(var)
    if not value:
        raise BadInputError(f"环境变量 {var} 未设置或为空，读不到口令。")
    return value


def _warn_unprotected(passphrase: str | None) -> None:
    if passphrase is None:
        print("注意：私钥文件没有设口令，任何拿到它的人都能使用。请存放在离线、加锁的介质上，"
              "或用 --passphrase-env 重新生成带口令的密钥。", file=sys.stderr)


def _owner_only(path: Path) -> None:
    """Mode 0o600 is POSIX only: on Windows the file's ACL is narrowed to this user."""
    if not restrict_to_owner(path):
        print(f"警告：未能把 {path} 设为仅当前用户可读（icacls 失败），请手动设置其访问权限。",
              file=sys.stderr)
