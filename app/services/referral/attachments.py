"""Scans kept with a referral (附件): the hospital's 回执, the 病历证明, other documents.

A scan is a PDF, JPEG or PNG of at most 10 MB, recognised by its first bytes — a .pdf
that is really a Word file, or an empty file, is refused whatever its name says. It is
stored encrypted in the database under a key of its own, and that key is sealed under the
staff key (app/models/attachment.py), so only staff open it; a class teacher's summary
may show that a scan exists (kind, date, size), as it shows the referral's step dates.
The original file name is never kept (it often holds the student's name): only its
extension.

Every read and write is audited on the student: adding ("attachment_added"), listing
("attachment_list"), opening to view ("attachment_read"), saving a copy out of the
database ("attachment_saved" — that copy is not encrypted) and removing
("attachment_removed": the row stays with who, when and why; key and content go).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, defer

from app.atomic import write_atomic
from app.changes import Changes, ChangesWithId, in_file
from app.errors import BadInputError, StoreError
from app.labels import ATTACHMENT_KINDS
from app.models import AttachmentContent, Referral, ReferralAttachment, Student, utcnow
from app.models.sealed import sealed_names
from app.services import audit
from app.services.accounts.user_names import display_names
from app.services.capabilities import READ_CONFIDENTIAL, WRITE_CASEFILE, require
from app.services.casefile.access import load_student, read_audited
from app.services.casefile.rows import AttachmentRow
from app.store.handle import Store

MAX_BYTES = 10 * 1024 * 1024
"""The largest scan accepted (10 MB): a phone photo or a few scanned pages."""
REASON_LIMIT = 200
FIELD = "附件文件"

FILE_TYPES: dict[str, tuple[bytes, str, str]] = {
    "pdf": (b"%PDF-", "PDF", "pdf"),
    "jpeg": (b"\xff\xd8\xff", "JPEG", "jpg"),
    "png": (b"\x89PNG\r\n\x1a\n", "PNG", "png"),
}
"""file type → (its first bytes, its name, the extension a saved copy gets)."""

_EXTENSION = re.compile(r"[a-z0-9]{1,8}")


def scan_type(data: bytes) -> str | None:
    """"pdf", "jpeg" or "png" from the file's first bytes; None for anything else."""
    return next((code for code, (magic, _name, _ext) in FILE_TYPES.items()
                 if data.startswith(magic)), None)


def type_name(file_type: str) -> str:
    return FILE_TYPES[file_type][1] if file_type in FILE_TYPES else file_type


def size_text(size: int) -> str:
    """"850 KB", "1.2 MB": what a teacher reads in a list."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def kind_code(value: str) -> str:
    """The kind's code from its code or its label (回执, 病历证明, 其他)."""
    value = (value or "").strip()
    if value in ATTACHMENT_KINDS:
        return value
    for code, text in ATTACHMENT_KINDS.items():
        if value == text:
            return code
    found = f"“{value}”无法识别" if value else "未选择"
    raise BadInputError(f"附件类别{found}。可选：{'、'.join(ATTACHMENT_KINDS.values())}。")


def extension_of(name: str) -> str:
    """The original file's extension, lower case without the dot, if it looks like one
    (the rest of the name is never kept)."""
    suffix = Path(name).suffix.lower().lstrip(".")
    return suffix if _EXTENSION.fullmatch(suffix) else ""


def read_scan(path: Path) -> bytes:
    """The file's bytes, or a Chinese refusal naming the field: missing, a folder,
    empty, over 10 MB, unreadable. The path is never in the message (a file name may
    hold the student's name)."""
    path = Path(path)
    try:
        if path.is_dir():
            raise BadInputError(f"{FIELD}：选择的是文件夹，请选择扫描件文件。")
        if not path.exists():
            raise BadInputError(f"{FIELD}：找不到该文件，可能已被移动或删除。")
        size = path.stat().st_size
        _check_size(size)
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise BadInputError(f"{FIELD}无法读取（{exc.strerror or '读取失败'}）。请确认文件没有被"
                            "其他程序占用，且您有权限读取。",
                            detail=f"reading an attachment: {type(exc).__name__} "
                                   f"errno {exc.errno}") from None
    _check_size(len(data))
    return data


def _check_size(size: int) -> None:
    if size == 0:
        raise BadInputError(f"{FIELD}是空的（0 字节），请重新扫描或选择其他文件。")
    if size > MAX_BYTES:
        raise BadInputError(f"{FIELD}太大（{size_text(size)}）：每个附件不能超过 "
                            f"{MAX_BYTES // (1024 * 1024)} MB。请降低扫描分辨率或分页保存。")


def check_scan(data: bytes) -> str:
    """The scan's type, or a refusal: size first, then the first bytes."""
    _check_size(len(data))
    found = scan_type(data)
    if found is None:
        raise BadInputError(f"{FIELD}不是 PDF、JPEG 或 PNG 文件（按文件内容判断，与文件名"
                            "无关）。Word 文档等请先另存为 PDF，照片请存为 JPEG 或 PNG。")
    return found


def _associated(row: ReferralAttachment) -> bytes:
    """What the file's encryption is bound to: the row's student, referral, kind, size."""
    return (f"referral_attachment|{row.student_id}|{row.referral_id}|{row.kind}|"
            f"{row.size}").encode("ascii")


def _encrypt(row: ReferralAttachment, data: bytes) -> bytes:
    """The file encrypted under a fresh key, which goes to the row (sealed)."""
    key = AESGCM.generate_key(bit_length=256)
    nonce = secrets.token_bytes(12)
    row.content_key = base64.b64encode(key).decode("ascii")
    return nonce + AESGCM(key).encrypt(nonce, data, _associated(row))


def _decrypt(session: Session, row: ReferralAttachment) -> bytes:
    stored = session.get(AttachmentContent, row.id)
    if stored is None or row.content_key is None:
        raise BadInputError("该附件已删除，无法打开。")
    content = stored.content
    try:
        data = AESGCM(base64.b64decode(row.content_key)).decrypt(
            content[:12], content[12:], _associated(row))
    except (InvalidTag, ValueError):
        raise StoreError("附件无法解开：数据已被改动。请从备份恢复。",
                         detail=f"attachment {row.id} fails its tag") from None
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise StoreError("附件与登记的校验值不符：数据已被改动。请从备份恢复。",
                         detail=f"attachment {row.id} sha256 mismatch")
    return data


def _referral_of(session: Session, student_id: int, referral_id: int | None) -> int:
    if referral_id is None:
        newest = session.scalar(select(Referral.id).where(Referral.student_id == student_id)
                                .order_by(Referral.id.desc()).limit(1))
        if newest is None:
            raise BadInputError("该学生还没有转介记录：附件随转介保存，请先开启转介。")
        return newest
    referral = session.get(Referral, referral_id)
    if referral is None or referral.student_id != student_id:
        raise BadInputError(f"转介 编号 {referral_id} 不是该学生的转介，请核对转介编号。")
    return referral.id


def add_attachment(store: Store, student_id: int, kind: str, data: bytes,
                   extension: str = "", referral_id: int | None = None) -> ChangesWithId:
    """Keep `data` (a scan) with the student's referral (the newest when None);
    returns the attachment's id, carrying the change to the student's file. Refused
    before anything is written: a kind not known, an empty or too large file, a file
    that is not PDF/JPEG/PNG, another student's referral."""
    require(store, WRITE_CASEFILE)
    kind = kind_code(kind)
    file_type = check_scan(data)
    extension = extension if _EXTENSION.fullmatch(extension or "") else ""
    username = store.user.username
    with store.write() as session:
        load_student(session, student_id)
        rid = _referral_of(session, student_id, referral_id)
        row = ReferralAttachment(student_id=student_id, referral_id=rid, kind=kind,
                                 file_type=file_type, extension=extension, size=len(data),
                                 sha256=hashlib.sha256(data).hexdigest(), added_by=username)
        content = _encrypt(row, data)
        session.add(row)
        session.flush()
        session.add(AttachmentContent(attachment_id=row.id, content=content))
        audit.record(session, username, "attachment_added", "student", student_id,
                     f"附件 编号 {row.id}：{ATTACHMENT_KINDS[kind]}，{type_name(file_type)}，"
                     f"{size_text(row.size)}（转介 编号 {rid}）")
        return ChangesWithId(row.id, in_file(student_id))


def add_attachment_file(store: Store, student_id: int, kind: str, path: Path,
                        referral_id: int | None = None) -> ChangesWithId:
    """`add_attachment` for a file on disk (the CLI, the GUI's 添加附件…)."""
    require(store, WRITE_CASEFILE)
    kind = kind_code(kind)
    return add_attachment(store, student_id, kind, read_scan(path), extension_of(Path(path).name),
                          referral_id)


def attachment_rows(session: Session, student_id: int, full: bool) -> tuple[AttachmentRow, ...]:
    """The student's attachments not removed, oldest first; without `full` (a class
    teacher's summary) the sealed columns are not even loaded."""
    query = select(ReferralAttachment).where(ReferralAttachment.student_id == student_id,
                                             ReferralAttachment.removed.is_(False))
    if not full:
        query = query.options(*(defer(getattr(ReferralAttachment, name))
                                for name in sealed_names(ReferralAttachment.__table__)))
    names = display_names(session)
    return tuple(_row(a, full, names)
                 for a in session.scalars(query.order_by(ReferralAttachment.id)))


def _row(a: ReferralAttachment, full: bool, names: dict[str, str]) -> AttachmentRow:
    return AttachmentRow(a.id, a.student_id, a.referral_id, a.kind, a.file_type, a.extension,
                         a.size, names.get(a.added_by, a.added_by), a.added_at,
                         a.sha256 if full else "")


def list_attachments(store: Store, student_id: int) -> tuple[AttachmentRow, ...]:
    """The student's attachments as the account may see them (staff: with the
    checksum; a class teacher: their own students' only, that they exist); audited,
    and so is a refusal."""
    def read(session: Session, _student: Student, full: bool) -> tuple[AttachmentRow, ...]:
        rows = attachment_rows(session, student_id, full)
        audit.record(session, store.user.username, "attachment_list", "student",
                     student_id, f"{len(rows)} 个附件")
        return rows

    return read_audited(store, student_id, read)


@dataclass(frozen=True)
class AttachmentFile:
    row: AttachmentRow
    data: bytes

    @property
    def suggested_name(self) -> str:
        """A name for a saved copy: the kind and the attachment's number, never the
        student's name."""
        return suggested_name(self.row)


def suggested_name(row: AttachmentRow) -> str:
    ext = FILE_TYPES[row.file_type][2] if row.file_type in FILE_TYPES else row.extension
    return f"{ATTACHMENT_KINDS.get(row.kind, row.kind)}-F{row.id:05d}.{ext}"


def _load(session: Session, attachment_id: int) -> ReferralAttachment:
    row = session.get(ReferralAttachment, attachment_id)
    if row is None:
        raise BadInputError(f"找不到编号为 {attachment_id} 的附件。")
    if row.removed:
        raise BadInputError(f"附件 编号 {attachment_id} 已删除，无法打开。")
    return row


def read_attachment(store: Store, attachment_id: int) -> AttachmentFile:
    """The scan's bytes, to show in the program (nothing is written to disk); audited."""
    require(store, READ_CONFIDENTIAL)
    with store.write() as session:
        row = _load(session, attachment_id)
        data = _decrypt(session, row)
        audit.record(session, store.user.username, "attachment_read", "student",
                     row.student_id, f"附件 编号 {row.id}")
        return AttachmentFile(_row(row, True, display_names(session)), data)


def save_attachment(store: Store, attachment_id: int, out: Path) -> Path:
    """Write a copy of the scan to `out` (owner-only file, whole or nothing): that copy is
    NOT encrypted. Audited in the same transaction, after the file is written."""
    require(store, READ_CONFIDENTIAL)
    out = Path(out)
    with store.write() as session:
        row = _load(session, attachment_id)
        data = _decrypt(session, row)
        write_atomic(out, data, private=True)
        audit.record(session, store.user.username, "attachment_saved", "student",
                     row.student_id, f"附件 编号 {row.id}：另存为未加密的副本")
    return out


def remove_attachment(store: Store, attachment_id: int, reason: str) -> Changes:
    """Remove a scan kept by mistake (another student's, the wrong page): its key and
    content are deleted, the row stays with who removed it, when and why."""
    require(store, WRITE_CASEFILE)
    reason = (reason or "").strip()
    if not reason:
        raise BadInputError("删除理由：请写明为什么删除这个附件（如传错了学生）。")
    if len(reason) > REASON_LIMIT:
        raise BadInputError(f"删除理由不能超过 {REASON_LIMIT} 个字。")
    username = store.user.username
    with store.write() as session:
        row = _load(session, attachment_id)
        row.removed = True
        row.removed_by = username
        row.removed_at = utcnow()
        row.removal_reason = reason
        row.content_key = None
        session.execute(delete(AttachmentContent).where(
            AttachmentContent.attachment_id == row.id))
        audit.record(session, username, "attachment_removed", "student", row.student_id,
                     f"附件 编号 {row.id}：{ATTACHMENT_KINDS.get(row.kind, row.kind)}")
        return in_file(row.student_id)
