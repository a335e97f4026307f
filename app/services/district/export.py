"""The term's export to the district: preview exactly what leaves, then seal it.

`preview_export` builds every file the deployment policy asks for — the tables as a
workbook, a JSON data file for the district's aggregation, a PDF summary and, under the
"pseudonymous" or "named" policy, the key-student list — and keeps their bytes. The
teacher reads the preview (file names, tables, row counts, the rows themselves);
`seal_export` then seals those same bytes, so what was shown is what leaves. Sealing
signs with the school's key (made and stored in the database at the first export,
district/school_keys.py), encrypts to the district's key from the deployment file, and records a
"student_export" audit entry — one per student for a key-student list — and carries the
audit chain's anchor (its newest event's id and hash, audit_anchor.py) in its contents
list, so the district holds a copy of the head the school cannot take back. Each sealed file
carries the school's next sequence number: the count of sealed exports in the audit log
(which is append-only and hash-chained), so a later file always carries a higher number
and the district can refuse an older one sent again (docs/SEALED_FORMAT.md §8).

Reports go to the district as the policy says (docs/DISTRICT_EXPORT.md): counts with
small cells suppressed, and key students as counts, codes or names.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.atomic import write_atomic
from app.changes import NOTHING, Changes
from app.deployment import (
    AGGREGATES,
    KEY_STUDENT_MODES,
    Deployment,
    ReportPolicy,
    load_deployment,
)
from app.errors import BadInputError
from app.models import AuditEvent, Campaign, School
from app.seal import DistrictPublicKey, SealMeta, school_key_fingerprint, seal
from app.seal.manifest import check_period
from app.services import audit
from app.services.audit_anchor import manifest_anchor
from app.services.capabilities import EXPORT_DISTRICT, require
from app.services.district import tables as export_tables
from app.services.district.cells import export_cells
from app.services.district.files import data_json, tables_xlsx, utc_text
from app.services.district.school_keys import pseudonym_key_in, signing_key_in
from app.services.district.tables import ExportTable
from app.services.referral.workflow import referral_rows
from app.services.reports.kinds import BY_CODE
from app.services.statistics.campaign import CampaignStats
from app.services.statistics.suppression import legend
from app.services.statistics.term import term_stats
from app.services.warning.decisions import key_list
from app.store.handle import Store
from app.terms import current_term, parse_term_code, period_text, term_code, term_dates

COUNTING_RULE = ("每个量表在本学期每名学生只计一次：取其本学期各批次中最后一次有效答卷；"
                 "参测、分级和筛查建议都按此计数，可以相加。")


@dataclass(frozen=True)
class ExportFile:
    name: str
    description: str
    tables: tuple[ExportTable, ...]
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class ExportPreview:
    """Everything that will leave the school, already built."""

    school_code: str
    school_name: str
    period: str
    created: datetime
    key_students: str
    min_cell: int
    campaigns: tuple[str, ...]
    files: tuple[ExportFile, ...]
    student_ids: tuple[int, ...]
    """Students whose own rows leave (the key-student list); empty under "counts"."""
    district_key: DistrictPublicKey | None = None
    """The deployment's district key, which `seal_export` seals to unless told otherwise."""
    accepted_suites: tuple[str, ...] | None = None
    """The suites the district still accepts (deployment); sealing with another is refused."""
    notes: tuple[str, ...] = ()

    def row_counts(self) -> dict[str, dict[str, int]]:
        return {f.name: {t.title: len(t.rows) for t in f.tables} for f in self.files}


@dataclass(frozen=True)
class SealedExport:
    path: Path
    size: int
    school_key_fingerprint: str
    district_key_fingerprint: str
    key_created: bool
    sha256: str
    """Of the whole sealed file, for the teacher to compare with what the district received."""
    sequence: int
    """This school's running number of sealed exports, as written into the file."""
    changes: Changes = field(kw_only=True)


def period_dates(period: str) -> tuple[int, int, date, date]:
    """"2026-2027-1" → (2026, 1, 2026-08-01, 2027-01-31): the term as every page draws it
    (`app.terms`: term 1 from August, for the new students' screening before classes
    start; term 2 February–July), so the district counts what the school saw."""
    check_period(period)
    year, term = parse_term_code(period)
    return (year, term, *term_dates(year, term))


def period_of(day: date) -> str:
    """The term `day` falls in (`app.terms.current_term`)."""
    return term_code(*current_term(day))


def recent_periods(today: date, count: int = 2) -> list[str]:
    """The current term and the ones before it, newest first — what a term export picker
    offers (a report is usually sent at the end of a term or just after it)."""
    periods = [period_of(today)]
    while len(periods) < count:
        year, term = parse_term_code(periods[-1])
        year, term = (year, 1) if term == 2 else (year - 1, 2)
        periods.append(term_code(year, term))
    return periods


def preview_export(store: Store, period: str, deployment: Deployment | None = None,
                   created: datetime | None = None) -> ExportPreview:
    """Build the export for `period`. `created` (default now) is the one timestamp in it:
    the same data and `created` give byte-identical files."""
    from app.reports.district_summary import render_summary  # reportlab: when first used

    require(store, EXPORT_DISTRICT)
    deployment = deployment or load_deployment()
    policy = deployment.policy
    year, term, start, end = period_dates(period)
    created = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    today = created.astimezone().date()
    notes: list[str] = []
    with store.write() as session:
        school = session.scalar(select(School).limit(1))
        code = deployment.school_code or (school.code if school else "")
        name = deployment.school_name or (school.name if school else "")
        if not code:
            raise BadInputError("没有学校代码：请让区里在部署文件 [school].code 中填写学校标识码。")
        if school is not None and deployment.school_code and school.code \
                and school.code != deployment.school_code:
            notes.append(f"部署文件的学校代码 {deployment.school_code} 与本数据库建立时填写的 "
                         f"{school.code} 不同，报送以部署文件为准。")
        campaigns = session.scalars(select(Campaign.name).where(
            Campaign.school_year == year, Campaign.term == term).order_by(Campaign.id)).all()
        stats = term_stats(session, year, term)
        if not stats:
            notes.append(f"{period_text(period)}没有测评批次：只报送预警与转介情况。")
        key = deployment.district_key
        if key is not None and deployment.accepted_suites is not None \
                and key.kem not in deployment.accepted_suites:
            notes.append(f"部署文件中的区级公钥是 {key.kem}，而区里只接受 "
                         f"{'、'.join(deployment.accepted_suites)}：无法密封，请向区里索取新的"
                         "部署文件。")
        tables = _aggregate_tables(session, stats, policy, start, end, today)
        secret = pseudonym_key_in(session, store) if policy.key_students != "counts" else b""
        open_referrals = {r.student_id for r in referral_rows(session, today)}
    about = [("学校", f"{name}（代码 {code}）"), ("学期", f"{period_text(period)}（{period}）"),
             ("生成时间（UTC）", utc_text(created)),
             ("测评批次", "、".join(campaigns) or "无"),
             ("计数规则", COUNTING_RULE),
             ("包含的统计", "、".join(AGGREGATES[a] for a in policy.aggregates)),
             ("重点学生", KEY_STUDENT_MODES[policy.key_students]),
             ("小单元格", legend(policy.min_cell) if policy.cells == "suppressed"
              else "按区里规定报送实数，不隐去小单元格（仅供区教育局统计使用）。")]
    stem = f"{code}_{period}"
    files = [
        ExportFile(f"{stem}_统计表.xlsx", "各项统计（Excel，每项一个工作表）", tuple(tables),
                   tables_xlsx(about, tables, created,
                               f"{name} {period_text(period)}心理健康工作统计")),
        ExportFile(f"{stem}_统计摘要.pdf", "统计摘要（PDF，内容同统计表）", tuple(tables),
                   render_summary(f"心理健康工作学期报送摘要（{period_text(period)}）", name,
                                  about, tables,
                                  f"报送文件　生成时间（UTC）{utc_text(created)}",
                                  BY_CODE["district_summary"].level)),
        ExportFile(f"{stem}_统计数据.json", "统计数据（供区里汇总程序读取，内容同统计表）",
                   tuple(tables), data_json({
                       "school_code": code, "school_name": name, "period": period,
                       "created": utc_text(created), "min_cell": policy.min_cell,
                       "key_students": policy.key_students, "cells": policy.cells,
                       "aggregates": list(policy.aggregates)}, tables)),
    ]
    student_ids: tuple[int, ...] = ()
    if policy.key_students != "counts":
        rows = key_list(store, today)
        with store.read() as session:
            listed = export_tables.key_student_list(session, rows, policy.key_students, secret,
                                                    open_referrals)
        files.append(ExportFile(f"{stem}_重点学生名单.xlsx",
                                f"重点学生名单（{KEY_STUDENT_MODES[policy.key_students]}）",
                                (listed,),
                                tables_xlsx(about, [listed], created,
                                            f"{name} {period_text(period)}重点学生名单")))
        student_ids = tuple(sorted(r.student_id for r in rows))
    return ExportPreview(code, name, period, created, policy.key_students, policy.min_cell,
                         tuple(campaigns), tuple(files), student_ids,
                         deployment.district_key, deployment.accepted_suites, tuple(notes))


def _aggregate_tables(session: Session, stats: list[CampaignStats], policy: ReportPolicy,
                      start: date, end: date, today: date) -> list[ExportTable]:
    """The tables the policy asks for, all written from one set of cells suppressed and
    audited together (district/cells.py)."""
    chosen = set(policy.aggregates)
    key_counts, grades = export_tables.key_student_counts(session)
    outcomes = (export_tables.referral_outcomes(session, start, end)
                if "referrals" in chosen else None)
    cells = export_cells(stats, key_counts, grades, policy, outcomes)
    tables: list[ExportTable] = []
    if "participation" in chosen:
        tables.append(export_tables.participation(stats, cells))
    if chosen & {"bands", "gender", "grade"}:
        tables.append(export_tables.bands(stats, cells))
    if "warnings" in chosen:
        tables.append(export_tables.warnings(stats, cells))
    if "change" in chosen:
        tables.append(export_tables.change(stats, cells))
    tables.append(export_tables.key_students(cells))
    if "referrals" in chosen:
        tables.append(export_tables.referrals(session, start, end, today))
        tables.append(export_tables.outcomes(cells))
    return tables


def seal_export(store: Store, preview: ExportPreview, out_path: Path,
                district_key: DistrictPublicKey | None = None,
                school_signing_key: Ed25519PrivateKey | None = None) -> SealedExport:
    """Seal the previewed files to `district_key` (default: the preview's deployment's) and
    sign with `school_signing_key` (default: the school's own, made now if it has none).
    The file is written inside the audit transaction, and removed if that fails."""
    require(store, EXPORT_DISTRICT)
    district_key = district_key or preview.district_key
    if district_key is None:
        raise BadInputError("部署文件中没有区级公钥，无法密封。请让区里在部署文件 [district] 中"
                            "填写 public_key_file 或 public_key。")
    files = {f.name: f.data for f in preview.files}
    written = False
    try:
        with store.write() as session:
            created_key = False
            if school_signing_key is None:
                school_signing_key, created_key = signing_key_in(session, store)
            sequence = next_sequence(session)
            meta = SealMeta(preview.school_code, preview.school_name, preview.period, sequence,
                            created=preview.created, audit_anchor=manifest_anchor(store.path))
            data = seal(files, meta, district_key, school_signing_key,
                        accepted_suites=preview.accepted_suites)
            write_atomic(out_path, data, private=True)
            written = True
            fp = school_key_fingerprint(school_signing_key)
            user = store.user.username
            audit.record(session, user, "student_export", "school", preview.school_code,
                         f"district export {preview.period} sequence {sequence}: {len(files)} "
                         f"files, key students "
                         f"{preview.key_students} {len(preview.student_ids)}"
                         + ("; school signing key created" if created_key else ""))
            for sid in preview.student_ids:
                audit.record(session, user, "student_export", "student", sid,
                             f"district export {preview.period} ({preview.key_students})")
    except BaseException:
        if written:
            out_path.unlink(missing_ok=True)
        raise
    return SealedExport(out_path, len(data), fp, district_key.fingerprint, created_key,
                        hashlib.sha256(data).hexdigest(), sequence, changes=NOTHING)


def next_sequence(session: Session) -> int:
    """1 + the sealed exports this database has audited. The audit log only grows, so the
    number only rises — except after restoring an older backup, when the district refuses
    the lower numbers until the school has sealed past what it last sent."""
    done = session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "student_export", AuditEvent.target_kind == "school"))
    return int(done or 0) + 1
