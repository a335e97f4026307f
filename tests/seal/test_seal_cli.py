"""qingxin district keygen / school keygen / seal verify / seal open, through app.cli.main.

Only app.cli.seal_cmds is registered here, so these tests do not depend on the other
command modules being importable.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import pytest

import app.cli as cli
from app.cli import seal_cmds
from app.seal import (
    DistrictRegister,
    load_district_public_key,
    load_school_private_key,
    new_school_key,
    save_key,
    seal,
)
from tests.seal.seal_helpers import PERIOD, flip

PASSPHRASE_VAR = "QX_TEST_DISTRICT_PASSPHRASE"


@pytest.fixture(autouse=True)
def _seal_commands_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("app.cli.seal_cmds",))


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> dict[str, Path]:
    monkeypatch.setenv(PASSPHRASE_VAR, "区里的口令")
    assert cli.main(["district", "keygen", "--out", str(tmp_path / "district"),
                     "--kem", "mlkem768x25519", "--passphrase-env", PASSPHRASE_VAR]) == 0
    assert cli.main(["school", "keygen", "--out", str(tmp_path / "school"),
                     "--code", "4131011234"]) == 0
    assert cli.main(["district", "register-school", str(tmp_path / "school" /
                                                        "school_public_key.json"),
                     "--register", str(tmp_path / "district" / "district_register.json")]) == 0
    capsys.readouterr()
    return {"register": tmp_path / "district" / "district_register.json",
            "district_private": tmp_path / "district" / "district_private_key.json",
            "district_public": tmp_path / "district" / "district_public_key.json",
            "school_private": tmp_path / "school" / "school_private_key.json",
            "school_public": tmp_path / "school" / "school_public_key.json"}


@pytest.fixture
def sealed_file(tmp_path: Path, keys, meta, files) -> Path:
    path = tmp_path / "4131011234-2026-2027-1.qxseal"
    path.write_bytes(seal(files, meta, load_district_public_key(keys["district_public"]),
                          load_school_private_key(keys["school_private"])))
    return path


def _open_args(sealed_file: Path, keys, out: Path, *extra: str) -> list[str]:
    return ["seal", "open", str(sealed_file), "--key", str(keys["district_private"]),
            "--out", str(out), *(extra or ("--period", PERIOD)),
            "--passphrase-env", PASSPHRASE_VAR]


def test_the_handlers_register_on_a_plain_parser():
    parser = argparse.ArgumentParser(prog="qingxin")
    seal_cmds.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["seal", "verify", "x.qxseal", "--school-key", "s.json",
                              "--period", PERIOD])
    assert args.handler is seal_cmds._verify


@pytest.mark.parametrize("command", [
    ["seal", "verify", "x.qxseal", "--school-key", "s.json"],
    ["seal", "open", "x.qxseal", "--key", "k.json", "--out", "o"],
    ["seal", "verify", "x.qxseal", "--school-key", "s.json", "--period", PERIOD,
     "--any-period"],
])
def test_the_period_is_required_or_explicitly_waived(command, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(command)
    assert info.value.code == 2
    assert "--period" in capsys.readouterr().err


def test_keygen_prints_the_fingerprint(tmp_path, capsys):
    assert cli.main(["district", "keygen", "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    fingerprint = load_district_public_key(tmp_path / "district_public_key.json").fingerprint
    assert f"指纹：{fingerprint}" in out
    assert "没有设口令" in err
    assert cli.main(["district", "keygen", "--out", str(tmp_path)]) == 2
    assert "已存在，不会覆盖" in capsys.readouterr().err


def test_keygen_needs_the_named_variable(tmp_path, capsys):
    assert cli.main(["school", "keygen", "--out", str(tmp_path), "--code", "4131011234",
                     "--passphrase-env", "QX_TEST_UNSET_VARIABLE"]) == 2
    assert "QX_TEST_UNSET_VARIABLE 未设置或为空" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_verify_prints_the_manifest(sealed_file, keys, capsys):
    assert cli.main(["seal", "verify", str(sealed_file), "--school-key",
                     str(keys["school_public"]), "--period", PERIOD,
                     "--school-code", "4131011234"]) == 0
    out = capsys.readouterr().out
    assert "签名有效" in out and "报送序号：7" in out and "X-Wing" in out
    assert "青心实验中学" not in out and "key_students.csv" not in out  # not in clear
    assert "解密（seal open）后才能看到" in out


def test_verify_refuses_with_exit_code_2(sealed_file, keys, tmp_path, capsys):
    assert cli.main(["seal", "verify", str(sealed_file), "--school-key",
                     str(keys["school_public"]), "--period", "2025-2026-2"]) == 2
    assert "不是要求的 2025-2026-2" in capsys.readouterr().err

    other = tmp_path / "other_school.json"
    save_key(new_school_key().public_key(), other)
    assert cli.main(["seal", "verify", str(sealed_file), "--school-key", str(other),
                     "--any-period"]) == 2
    assert "签名核验失败" in capsys.readouterr().err

    damaged = tmp_path / "damaged.qxseal"
    damaged.write_bytes(flip(sealed_file.read_bytes(), 2000))
    assert cli.main(["seal", "verify", str(damaged), "--school-key",
                     str(keys["school_public"]), "--period", PERIOD]) == 2
    err = capsys.readouterr().err
    assert "签名无效" in err and "Traceback" not in err

    assert cli.main(["seal", "verify", str(tmp_path / "missing.qxseal"), "--school-key",
                     str(keys["school_public"]), "--period", PERIOD]) == 2
    assert "找不到文件" in capsys.readouterr().err


def test_open_writes_the_files_and_records_them(sealed_file, keys, files, tmp_path, capsys):
    out = tmp_path / "opened"
    assert cli.main(_open_args(sealed_file, keys, out, "--period", PERIOD)) == 0
    assert "各文件校验值与清单一致" in capsys.readouterr().out
    for name, content in files.items():
        assert (out / name).read_bytes() == content
    written = json.loads((out / seal_cmds.MANIFEST_OUT).read_text(encoding="utf-8"))
    assert written["manifest"]["period"] == PERIOD
    assert len(written["contents"]["files"]) == len(files)
    register = DistrictRegister.load(keys["register"])
    assert [(a.school_code, a.period, a.sequence) for a in register.accepted] == [
        ("4131011234", PERIOD, 7)]

    assert cli.main(_open_args(sealed_file, keys, out)) == 2
    assert "已有同名文件" in capsys.readouterr().err


def test_open_refuses_an_older_file(sealed_file, keys, meta, files, tmp_path, capsys):
    newer = tmp_path / "newer.qxseal"
    newer.write_bytes(seal(files, dataclasses.replace(meta, sequence=9),
                           load_district_public_key(keys["district_public"]),
                           load_school_private_key(keys["school_private"])))
    assert cli.main(_open_args(newer, keys, tmp_path / "a")) == 0
    capsys.readouterr()
    assert cli.main(_open_args(sealed_file, keys, tmp_path / "b")) == 2
    assert "旧报送文件（序号 7）" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()
    assert cli.main(["seal", "verify", str(sealed_file), str(newer), "--register",
                     str(keys["register"]), "--period", PERIOD]) == 2  # the worst of both
    out, err = capsys.readouterr()
    assert "已接收该校序号 9" in err and "这份文件已接收过" in out


def test_suites_and_registration_commands(sealed_file, keys, tmp_path, capsys):
    register = str(keys["register"])
    assert cli.main(["district", "suites", "--register", register]) == 0
    assert "X25519" in capsys.readouterr().out
    assert cli.main(["district", "suites", "--register", register, "--accept",
                     "x25519"]) == 0
    capsys.readouterr()
    assert cli.main(_open_args(sealed_file, keys, tmp_path / "o")) == 2  # an X-Wing file
    assert "不再接受 ML-KEM-768+X25519" in capsys.readouterr().err
    assert cli.main(["district", "register-school", str(keys["school_public"]),
                     "--register", register, "--code", "4131019999"]) == 2
    assert "不符" in capsys.readouterr().err


def test_open_with_a_wrong_passphrase(sealed_file, keys, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(PASSPHRASE_VAR, "不对的口令")
    assert cli.main(_open_args(sealed_file, keys, tmp_path / "opened")) == 2
    assert "口令不正确" in capsys.readouterr().err
    assert not (tmp_path / "opened").exists()


def test_open_without_a_passphrase_off_a_terminal(sealed_file, keys, tmp_path, monkeypatch,
                                                  capsys):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    args = _open_args(sealed_file, keys, tmp_path / "opened")[:-2]
    assert cli.main(args) == 2
    assert "--passphrase-env" in capsys.readouterr().err


def test_open_with_another_district_key(sealed_file, keys, tmp_path, capsys):
    assert cli.main(["district", "keygen", "--out", str(tmp_path / "other")]) == 0
    capsys.readouterr()
    assert cli.main(["seal", "open", str(sealed_file), "--key",
                     str(tmp_path / "other" / "district_private_key.json"), "--register",
                     str(keys["register"]), "--out", str(tmp_path / "opened"),
                     "--any-period"]) == 2
    assert "另一把区级密钥" in capsys.readouterr().err
