"""Key files: round trips, passphrases, refusals, and key generation on disk."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from app.seal import (
    SealError,
    dump_key,
    generate_district_keypair,
    generate_school_keypair,
    load_district_private_key,
    load_district_public_key,
    load_school_key_file,
    load_school_private_key,
    load_school_public_key,
    new_district_key,
    new_school_key,
    save_key,
    school_key_fingerprint,
)
from app.seal.errors import KeyFileError, PassphraseRequiredError, WrongPassphraseError
from app.seal.keys import DISTRICT_PRIVATE_FILE, DISTRICT_PUBLIC_FILE, SCHOOL_PRIVATE_FILE
from tests.seal.seal_helpers import KEMS

PASSPHRASE = "区教育局-报送口令-2026"


def test_district_keys_round_trip(district_key):
    public = district_key.public_key()
    assert load_district_public_key(dump_key(public)) == public
    loaded = load_district_private_key(dump_key(district_key))
    assert loaded.secret == district_key.secret and loaded.kem == district_key.kem
    assert district_key.secret.hex() not in repr(district_key)


def test_school_keys_round_trip(school_key):
    public = load_school_public_key(dump_key(school_key.public_key()))
    assert public.public_bytes_raw() == school_key.public_key().public_bytes_raw()
    private = load_school_private_key(dump_key(school_key))
    assert private.private_bytes_raw() == school_key.private_bytes_raw()


def test_a_passphrase_protects_a_district_key(district_key):
    data = dump_key(district_key, passphrase=PASSPHRASE)
    assert district_key.secret.hex() not in data.decode()
    assert json.loads(data)["protection"] == "argon2id-aes-256-gcm"
    assert load_district_private_key(data, PASSPHRASE).secret == district_key.secret
    with pytest.raises(WrongPassphraseError, match="口令不正确"):
        load_district_private_key(data, "wrong passphrase")
    with pytest.raises(PassphraseRequiredError, match="受口令保护"):
        load_district_private_key(data)


def test_a_passphrase_protects_a_school_key(school_key):
    data = dump_key(school_key, passphrase=PASSPHRASE)
    loaded = load_school_private_key(data, PASSPHRASE)
    assert loaded.private_bytes_raw() == school_key.private_bytes_raw()
    with pytest.raises(WrongPassphraseError, match="口令不正确"):
        load_school_private_key(data, PASSPHRASE + "x")


def test_the_passphrase_is_compared_after_unicode_normalisation(school_key):
    data = dump_key(school_key, passphrase="caf\u00e9")
    assert load_school_private_key(data, "cafe\u0301")


def test_a_wrapped_key_cannot_be_moved_under_another_public_key(school_key):
    protected = json.loads(dump_key(school_key, passphrase=PASSPHRASE))
    protected["public_key"] = json.loads(dump_key(new_school_key().public_key()))["public_key"]
    with pytest.raises(WrongPassphraseError):
        load_school_private_key(json.dumps(protected).encode(), PASSPHRASE)


def test_key_files_of_the_wrong_kind_are_named(district_key, school_key):
    with pytest.raises(KeyFileError, match="是区级公钥文件，这里需要的是区级私钥文件"):
        load_district_private_key(dump_key(district_key.public_key()))
    with pytest.raises(KeyFileError, match="是学校私钥文件，这里需要的是学校公钥文件"):
        load_school_public_key(dump_key(school_key))
    with pytest.raises(KeyFileError, match="是区级公钥文件，这里需要的是学校公钥文件"):
        load_school_public_key(dump_key(district_key.public_key()))


@pytest.mark.parametrize("data", [b"", b"\x89QXSEAL\n", b"[1, 2]", b'{"type": "other"}',
                                  "中文".encode("gbk")])
def test_other_files_are_not_key_files(data):
    with pytest.raises(KeyFileError, match="不是青心密钥文件"):
        load_district_public_key(data)


def test_damaged_key_files_are_refused(district_key, school_key):
    obj = json.loads(dump_key(district_key))
    obj["public_key"] = json.loads(dump_key(new_district_key(district_key.kem).public_key()))[
        "public_key"]
    with pytest.raises(KeyFileError, match="不配对"):
        load_district_private_key(json.dumps(obj).encode())

    obj = json.loads(dump_key(district_key.public_key()))
    obj["public_key"] = obj["public_key"][:-8]
    with pytest.raises(KeyFileError, match="已损坏"):
        load_district_public_key(json.dumps(obj).encode())

    obj = json.loads(dump_key(school_key))
    obj["version"] = 2
    with pytest.raises(KeyFileError, match="请升级青心"):
        load_school_private_key(json.dumps(obj).encode())


def test_missing_key_file_is_named(tmp_path):
    with pytest.raises(KeyFileError, match="找不到密钥文件"):
        load_school_public_key(tmp_path / "nope.json")


@pytest.mark.parametrize("kem", KEMS)
def test_generate_district_keypair_writes_two_files(tmp_path, kem):
    pair = generate_district_keypair(tmp_path / "district", kem=kem, passphrase=PASSPHRASE)
    assert pair.private_path.name == DISTRICT_PRIVATE_FILE
    assert pair.public_path.name == DISTRICT_PUBLIC_FILE
    public = load_district_public_key(pair.public_path)
    private = load_district_private_key(pair.private_path, PASSPHRASE)
    assert private.public_key() == public and public.fingerprint == pair.fingerprint
    assert pair.fingerprint in pair.public_path.read_text(encoding="utf-8")
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(pair.private_path).st_mode) == 0o600


def test_key_files_are_never_overwritten(tmp_path):
    pair = generate_district_keypair(tmp_path)
    before = pair.private_path.read_bytes()
    with pytest.raises(KeyFileError, match="已存在，不会覆盖"):
        generate_district_keypair(tmp_path)
    with pytest.raises(KeyFileError, match="已存在，不会覆盖"):
        save_key(new_district_key(), pair.private_path)
    assert pair.private_path.read_bytes() == before


def test_half_a_pair_is_never_written(tmp_path):
    (tmp_path / DISTRICT_PUBLIC_FILE).write_text("old", encoding="utf-8")
    with pytest.raises(KeyFileError):
        generate_district_keypair(tmp_path)
    assert not (tmp_path / DISTRICT_PRIVATE_FILE).exists()


def test_generate_school_keypair_names_the_school(tmp_path: Path):
    pair = generate_school_keypair(tmp_path, school_code="4131011234")
    assert pair.private_path.name == SCHOOL_PRIVATE_FILE
    key = load_school_private_key(pair.private_path)
    assert school_key_fingerprint(load_school_public_key(pair.public_path)) == pair.fingerprint
    assert school_key_fingerprint(key) == pair.fingerprint
    assert load_school_key_file(pair.public_path).school_code == "4131011234"
    assert json.loads(pair.private_path.read_text(encoding="utf-8"))["school_code"] == \
        "4131011234"


def test_a_school_key_file_with_a_bad_code_is_refused(school_key):
    obj = json.loads(dump_key(school_key.public_key(), school_code="4131011234"))
    obj["school_code"] = "41 31"
    with pytest.raises(KeyFileError, match="学校代码"):
        load_school_key_file(json.dumps(obj).encode())
    with pytest.raises(SealError, match="学校代码"):
        generate_school_keypair(Path("/nonexistent"), school_code="../x")


def test_a_key_file_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    """A disk that fills at fsync leaves neither the key file nor its temporary copy."""
    from app.seal import keyfile

    target = tmp_path / "district_private_key.json"

    def full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(keyfile.os, "fsync", full)
    with pytest.raises(KeyFileError, match="磁盘已满"):
        keyfile.write_new_file(target, b"{}", private=True)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    keyfile.write_new_file(target, b"{}", private=True)
    assert target.read_bytes() == b"{}" and [p.name for p in tmp_path.iterdir()] == [target.name]
    assert target.stat().st_mode & 0o777 == 0o600
    with pytest.raises(KeyFileError, match="已存在，不会覆盖"):
        keyfile.write_new_file(target, b"[]", private=True)
    assert target.read_bytes() == b"{}" and len(list(tmp_path.iterdir())) == 1
