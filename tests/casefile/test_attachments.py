"""Scans kept with a referral (issue 14, point 5): PDF/JPEG/PNG by content, at most
10 MB, encrypted in the database under a key sealed to the staff, opened only by staff,
every read and write audited; the CLI's exit codes for bad input and refusals."""

from __future__ import annotations

import hashlib
import struct
import zlib
from datetime import date

import pytest
import sqlcipher3
from sqlalchemy import LargeBinary, select, type_coerce

from app.changes import Changes, changes_of
from app.cli import main
from app.errors import BadInputError, PermissionDeniedError
from app.models import AttachmentContent, AuditEvent, ReferralAttachment
from app.models.sealed import is_sealed
from app.paths import keyslot_path
from app.services.accounts.auth import unlock
from app.services.accounts.users import create_user, set_user_active
from app.services.audit_seal import open_detail
from app.services.casefile.snapshot import open_file
from app.services.referral.attachments import (
    MAX_BYTES,
    add_attachment,
    add_attachment_file,
    check_scan,
    list_attachments,
    read_attachment,
    read_scan,
    remove_attachment,
    save_attachment,
    scan_type,
)
from app.services.referral.workflow import open_referral
from app.store.keyslots import DATABASE, STAFF_KEY, read_slot_file, unlock_slot
from tests.casefile.casefile_helpers import audit_count
from tests.casefile.conftest import CT_PASSWORD
from tests.conftest import TEST_PASSWORD

OPENED = date(2026, 3, 2)


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    """A real PNG (red pixels), built by hand: what a phone or scanner would give."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64) + b"\xff\xd9"
DOCX = b"PK\x03\x04\x14\x00\x06\x00" + bytes(100)  # a Word file, whatever its name says


@pytest.fixture
def referred(store, school) -> tuple[int, int]:
    sid = school.students[0]
    return sid, open_referral(store, sid, {"self_harm"}, OPENED)


def _events(store, action: str) -> list[str]:
    with store.read() as session:
        return [open_detail(session, d) for d in session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == action)
            .order_by(AuditEvent.id))]


def _count(store) -> int:
    with store.read() as session:
        return len(list(session.scalars(select(ReferralAttachment.id))))


def test_magic_bytes_decide_the_type_not_the_name(tmp_path):
    assert scan_type(PDF) == "pdf" and scan_type(JPEG) == "jpeg"
    assert scan_type(tiny_png()) == "png"
    assert scan_type(DOCX) is None and scan_type(b"GIF89a") is None
    fake = tmp_path / "病历证明.pdf"
    fake.write_bytes(DOCX)
    with pytest.raises(BadInputError, match="附件文件不是 PDF、JPEG 或 PNG"):
        check_scan(read_scan(fake))


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_bytes(b""), "附件文件是空的"),
    (lambda p: p.write_bytes(b"%PDF-" + bytes(MAX_BYTES)), "附件文件太大"),
    (lambda p: p.mkdir(), "附件文件：选择的是文件夹"),
    (lambda p: None, "附件文件：找不到该文件"),
])
def test_bad_files_are_refused_naming_the_field_and_nothing_is_saved(
        store, referred, tmp_path, make, message):
    sid, _rid = referred
    path = tmp_path / "张三的回执.pdf"
    make(path)
    with pytest.raises(BadInputError, match=message) as caught:
        add_attachment_file(store, sid, "回执", path)
    assert "张三" not in caught.value.message and "张三" not in (caught.value.detail or "")
    assert _count(store) == 0 and audit_count(store, "attachment_added") == 0


def test_exactly_ten_mb_is_accepted_one_byte_more_is_not(store, referred):
    sid, _rid = referred
    assert add_attachment(store, sid, "other", b"%PDF-" + bytes(MAX_BYTES - 5), "pdf")
    with pytest.raises(BadInputError, match="不能超过 10 MB"):
        add_attachment(store, sid, "other", b"%PDF-" + bytes(MAX_BYTES - 4), "pdf")


def test_kind_and_referral_are_checked(store, school, referred):
    sid, _rid = referred
    with pytest.raises(BadInputError, match="附件类别“发票”无法识别。可选：回执、病历证明、其他"):
        add_attachment(store, sid, "发票", PDF)
    with pytest.raises(BadInputError, match="还没有转介记录"):
        add_attachment(store, school.students[1], "回执", PDF)
    other = open_referral(store, school.students[1], {"self_harm"}, OPENED)
    with pytest.raises(BadInputError, match=f"转介 编号 {other} 不是该学生的转介"):
        add_attachment(store, sid, "回执", PDF, referral_id=other)
    assert _count(store) == 0


def test_round_trip_stores_no_file_name_and_audits_every_step(store, referred, tmp_path):
    sid, rid = referred
    scan = tmp_path / "测试学生0-回执.JPG"
    scan.write_bytes(tiny_png())  # a PNG named .JPG: the content decides
    aid = add_attachment_file(store, sid, "回执", scan)
    assert changes_of(aid) == Changes(casefile=(sid,))  # the file window reloads
    with store.read() as session:
        row = session.get(ReferralAttachment, aid)
        assert (row.referral_id, row.kind, row.file_type, row.extension, row.size) == (
            rid, "receipt", "png", "jpg", len(tiny_png()))
        assert row.sha256 == hashlib.sha256(tiny_png()).hexdigest()
        assert tiny_png() not in session.get(AttachmentContent, aid).content  # encrypted
    listed = list_attachments(store, sid)
    assert [a.id for a in listed] == [aid] and listed[0].sha256
    assert open_file(store, sid).attachments_of(rid) == listed
    opened = read_attachment(store, aid)
    assert opened.data == tiny_png() and opened.suggested_name == f"回执-F{aid:05d}.png"
    (tmp_path / "out").mkdir()
    out = save_attachment(store, aid, tmp_path / "out" / "copy.png")
    assert out.read_bytes() == tiny_png() and (out.stat().st_mode & 0o077) == 0
    assert [d for d in _events(store, "attachment_added")] == [
        f"附件 编号 {aid}：回执，PNG，1 KB（转介 编号 {rid}）"]
    for action in ("attachment_list", "attachment_read", "attachment_saved"):
        assert audit_count(store, action, sid) == 1, action
    # No event, no column, holds the file's name.
    with store.read() as session:
        details = [open_detail(session, d) for d in session.scalars(select(AuditEvent.detail))]
    assert not any("测试学生0-回执" in d for d in details)


def test_removal_needs_a_reason_deletes_the_content_and_is_audited(store, referred):
    sid, _rid = referred
    aid = add_attachment(store, sid, "certificate", PDF, "pdf")
    with pytest.raises(BadInputError, match="删除理由"):
        remove_attachment(store, aid, "  ")
    assert changes_of(remove_attachment(store, aid, "传错了学生")).file(sid)
    with store.read() as session:
        row = session.get(ReferralAttachment, aid)
        assert row.removed and row.content_key is None
        assert session.get(AttachmentContent, aid) is None
        assert row.removal_reason == "传错了学生" and row.removed_by == "admin"
    assert list_attachments(store, sid) == ()
    with pytest.raises(BadInputError, match="已删除"):
        read_attachment(store, aid)
    assert _events(store, "attachment_removed") == [f"附件 编号 {aid}：病历证明"]


def test_the_file_cannot_be_moved_to_another_student(store, school, referred):
    """The encryption is bound to the row: the ciphertext and key copied into another
    student's row do not open."""
    sid, _rid = referred
    aid = add_attachment(store, sid, "receipt", PDF, "pdf")
    other = open_referral(store, school.students[1], {"self_harm"}, OPENED)
    bid = add_attachment(store, school.students[1], "receipt", JPEG, "jpg", other)
    with store.write() as session:
        a, b = session.get(ReferralAttachment, aid), session.get(ReferralAttachment, bid)
        b.content_key, b.sha256, b.size = a.content_key, a.sha256, a.size
        session.get(AttachmentContent, bid).content = session.get(AttachmentContent,
                                                                  aid).content
    from app.errors import StoreError
    with pytest.raises(StoreError, match="附件无法解开"):
        read_attachment(store, bid)


def test_a_class_teacher_sees_that_a_scan_exists_but_cannot_open_it(
        store, school, referred, class_teacher, db_path):
    sid, _rid = referred
    aid = add_attachment(store, sid, "receipt", tiny_png(), "png")
    ct = class_teacher()
    summary = open_file(ct, sid)
    assert [(a.id, a.kind, a.sha256) for a in summary.attachments] == [(aid, "receipt", "")]
    assert [a.id for a in list_attachments(ct, sid)] == [aid]
    for call in (lambda: read_attachment(ct, aid),
                 lambda: save_attachment(ct, aid, db_path.parent / "x.png"),
                 lambda: add_attachment(ct, sid, "receipt", PDF),
                 lambda: remove_attachment(ct, aid, "试试")):
        with pytest.raises(PermissionDeniedError, match="没有权限"):
            call()
    with pytest.raises(PermissionDeniedError):  # another class's student
        list_attachments(ct, school.students[7])
    # Their session cannot open the sealed key, even with SQL through the ORM …
    with ct.read() as session, pytest.raises(PermissionDeniedError):
        session.scalars(select(ReferralAttachment.content_key)).first()
    ct.close()
    # … and with their slot's database key and SQL tools: the key is a sealed BLOB, the
    # content ciphertext, the file's bytes nowhere.
    keys = unlock_slot(read_slot_file(keyslot_path(db_path)),
                       read_slot_file(keyslot_path(db_path)).find("password", "ct"),
                       CT_PASSWORD)
    assert set(keys) == {DATABASE}
    conn = sqlcipher3.connect(str(db_path))
    conn.execute(f"PRAGMA key = \"x'{keys[DATABASE].hex()}'\"")
    key, sha = conn.execute("SELECT content_key, sha256 FROM referral_attachment").fetchone()
    (content,) = conn.execute("SELECT content FROM referral_attachment_content").fetchone()
    conn.close()
    assert is_sealed(key) and is_sealed(sha) and tiny_png() not in content


def test_cli_round_trip_and_exit_codes(store, school, referred, db_path, tmp_path,
                                       monkeypatch, capsys):
    _sid, rid = referred
    create_user(store, "ct", "班主任", "class_teacher", CT_PASSWORD,
                class_id=school.class_ids[0])
    store.close()
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    db = ["--db", str(db_path)]
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    assert main(["attachment", "add", *db, "--student", "S20260000", "--kind", "病历证明",
                 str(scan)]) == 0
    assert "已加密保存附件，编号 1" in capsys.readouterr().out
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(DOCX)
    assert main(["attachment", "add", *db, "--student", "S20260000", "--kind", "回执",
                 str(fake)]) == 2
    assert "附件文件不是 PDF、JPEG 或 PNG" in capsys.readouterr().err
    assert main(["attachment", "add", *db, "--student", "S20260000", "--kind", "回执",
                 str(tmp_path / "missing.png")]) == 2
    assert main(["attachment", "add", *db, "--student", "S20260000", "--kind", "发票",
                 str(scan)]) == 2
    assert main(["attachment", "list", *db, "--student", "S20260000"]) == 0
    out = capsys.readouterr().out
    assert f"1\t转介 {rid}\t病历证明\t" in out and "PDF" in out and "共 1 个附件。" in out
    copy = tmp_path / "copy.pdf"
    assert main(["attachment", "save", *db, "--id", "1", "--out", str(copy)]) == 0
    assert copy.read_bytes() == PDF and "没有加密" in capsys.readouterr().err
    assert main(["attachment", "save", *db, "--id", "9", "--out", str(copy)]) == 2
    # A class teacher: listing their own student works, opening is refused (exit 5).
    monkeypatch.setenv("QINGXIN_PASSWORD", CT_PASSWORD)
    assert main(["attachment", "list", *db, "--user", "ct", "--student", "S20260000"]) == 0
    assert "SHA-256" not in capsys.readouterr().out
    assert main(["attachment", "save", *db, "--user", "ct", "--id", "1", "--out",
                 str(tmp_path / "ct.pdf")]) == 5
    assert not (tmp_path / "ct.pdf").exists()
    assert main(["attachment", "list", *db, "--user", "ct", "--student", "S20260007"]) == 5
    with unlock(db_path, "admin", TEST_PASSWORD) as admin:
        assert _count(admin) == 1


def test_a_staff_key_rotation_reseals_the_key_and_the_scan_still_opens(store, referred):
    """A counsellor leaving replaces the staff key: the re-sealing pass rewrites the
    scan's 32-byte key (not the scan), which opens as before under the new key."""
    sid, _rid = referred
    aid = add_attachment(store, sid, "receipt", tiny_png(), "png")
    with store.read() as session:
        sealed_before = session.scalar(select(type_coerce(ReferralAttachment.content_key,
                                                          LargeBinary)))
        content_before = session.scalar(select(AttachmentContent.content))
    create_user(store, "liu", "刘老师", "counselor", "liu-pass-123")
    old_staff = store.keys[STAFF_KEY]
    assert set_user_active(store, "liu", False) is not None
    assert store.keys[STAFF_KEY] != old_staff
    with store.read() as session:
        assert session.scalar(select(type_coerce(ReferralAttachment.content_key,
                                                 LargeBinary))) != sealed_before
        assert session.scalar(select(AttachmentContent.content)) == content_before
    assert read_attachment(store, aid).data == tiny_png()


def test_cli_remove_needs_a_reason_and_staff(store, school, referred, db_path, monkeypatch,
                                            capsys):
    """`attachment remove` beside add/list/save: the reason is required (argparse, and a
    blank one is refused with nothing removed), a class teacher is refused (exit 5), an
    unknown id is bad input; a removal deletes the content and keeps who, when and why."""
    sid, _rid = referred
    aid = add_attachment(store, sid, "receipt", tiny_png(), "png")
    create_user(store, "ct", "班主任", "class_teacher", CT_PASSWORD,
                class_id=school.class_ids[0])
    store.close()
    db = ["--db", str(db_path)]
    monkeypatch.setenv("QINGXIN_PASSWORD", CT_PASSWORD)
    assert main(["attachment", "remove", *db, "--user", "ct", "--id", str(aid),
                 "--reason", "传错了学生"]) == 5
    monkeypatch.setenv("QINGXIN_PASSWORD", TEST_PASSWORD)
    with pytest.raises(SystemExit) as missing:
        main(["attachment", "remove", *db, "--id", str(aid)])
    assert missing.value.code == 2 and "--reason" in capsys.readouterr().err
    assert main(["attachment", "remove", *db, "--id", str(aid), "--reason", "  "]) == 2
    assert "删除理由" in capsys.readouterr().err
    assert main(["attachment", "remove", *db, "--id", "99", "--reason", "传错了学生"]) == 2
    with unlock(db_path, "admin", TEST_PASSWORD) as admin:
        assert read_attachment(admin, aid).data == tiny_png()  # nothing removed so far
    assert main(["attachment", "remove", *db, "--id", str(aid), "--reason", "传错了学生"]) == 0
    assert f"已删除附件 编号 {aid}" in capsys.readouterr().out
    with unlock(db_path, "admin", TEST_PASSWORD) as admin:
        with admin.read() as session:
            row = session.get(ReferralAttachment, aid)
            assert row is not None and row.removed and row.removed_by == "admin"
            assert row.removal_reason == "传错了学生" and row.content_key is None
            assert session.scalar(select(AttachmentContent.content)) is None
        assert _events(admin, "attachment_removed") == [f"附件 编号 {aid}：回执"]
        assert [a.id for a in list_attachments(admin, sid)] == []
