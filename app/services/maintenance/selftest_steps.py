"""The self-test's steps (maintenance/selftest.py runs them). Each does real work through the same
services a teacher's click does, checks the outcome, and returns one line of detail;
a failed check raises `SelfTestFailure` with what was expected.

Each step imports what it uses inside itself: in a frozen build a module left out of
the bundle then fails the one step that needs it, with its name in the line, instead
of stopping the whole self-test before it prints anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from app.paths import keyslot_path
from app.store.handle import Store
from app.terms import term_code

USERNAME = "admin"
PASSWORD = "qingxin-self-test-1"
SCHOOL_CODE = "SELFTEST01"
SCHOOL_NAME = "青心自检学校"


class SelfTestFailure(Exception):
    """A check inside a step did not hold; the message says what was expected."""


@dataclass
class SelfTestRun:
    """What the steps share: the folder, the database and what earlier steps made."""

    folder: Path
    db_path: Path
    store: Store | None = None
    made: dict[str, object] = field(default_factory=dict)

    def need(self, name: str) -> object:
        if name not in self.made:
            raise SelfTestFailure(f"前面的步骤未通过（缺少{name}），本步无法进行")
        return self.made[name]

    def open_store(self) -> Store:
        if self.store is None or not self.store.is_open:
            raise SelfTestFailure("前面的步骤未通过：没有打开的数据库")
        return self.store


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise SelfTestFailure(what)


def create_database(run: SelfTestRun) -> str:
    from app.services.accounts.auth import unlock
    from app.services.setup import create_school
    from app.store import keyslots
    from app.store.migrate import current_revision, head_revision

    create_school(run.db_path, SCHOOL_NAME, USERNAME, PASSWORD, school_code=SCHOOL_CODE,
                  top_grade=9)
    run.store = unlock(run.db_path, USERNAME, PASSWORD)
    expect(not run.db_path.read_bytes()[:16].startswith(b"SQLite format 3"),
           "数据库文件头是明文 SQLite：未加密")
    revision = current_revision(run.store.engine)
    expect(revision == head_revision(), f"数据库版本 {revision} 不是最新 {head_revision()}")
    slots = len(keyslots.read_slot_file(keyslot_path(run.db_path)).slots)
    return f"SQLCipher 加密，数据库版本 {revision}，密钥槽 {slots} 个（Argon2id）"


def import_roster(run: SelfTestRun) -> str:
    from app.services.maintenance.selftest_files import write_files
    from app.services.roster.importing import apply_roster_import, preview_roster_import
    from app.services.students import list_students

    store = run.open_store()
    inputs = run.folder / "inputs"
    inputs.mkdir(exist_ok=True)
    files = write_files(inputs)
    run.made["files"] = files
    preview = preview_roster_import(store, files.roster)
    expect(not preview.rejected, f"名册有 {len(preview.rejected)} 行无法导入")
    apply_roster_import(store, preview)
    students = list_students(store)
    expect(len(students) == len(files.students),
           f"导入后有 {len(students)} 名学生，应为 {len(files.students)}")
    classes = len({s.class_id for s in students})
    return f"{len(students)} 名学生、{classes} 个班（openpyxl 写、calamine 读）"


def score_campaign(run: SelfTestRun) -> str:
    from app.services.maintenance.selftest_files import SelfTestFiles
    from app.services.screening.campaigns import create_campaign
    from app.services.screening.importing import apply_screening_import, preview_screening_import
    from app.services.screening.results import campaign_results

    store = run.open_store()
    files = run.need("files")
    assert isinstance(files, SelfTestFiles)
    campaign = create_campaign(store, "自检 PHQ-9", "phq9")
    preview = preview_screening_import(store, campaign.id, files.answers)
    matched = preview.counts().get("matched", 0)
    expect(matched == len(files.students), f"匹配到 {matched} 份答卷，应为 {len(files.students)}")
    apply_screening_import(store, preview)
    results = {r.student_no: r for r in campaign_results(store, campaign.id)}
    first, second = (results.get(s.student_no) for s in files.students[:2])
    expect(first is not None and first.total == 5,
           f"第 1 份答卷总分应为 5，得到 {first.total if first else '无'}")
    expect(second is not None and second.critical == (9,) and second.warning == "key",
           "第 9 题（关键题）作答应提示重点关注（当天面谈评估），未提示")
    run.made["campaign"] = campaign
    return (f"{len(results)} 份答卷已计分（numpy），总分核对正确，"
            "第 9 题关键题作答已检出")


def render_reports(run: SelfTestRun) -> str:
    from app.reports.fonts import CJK_FONT
    from app.services.progress import NO_PROGRESS
    from app.services.reports.kinds import CampaignPrint, for_campaigns
    from app.services.screening.campaigns import CampaignRow

    store = run.open_store()
    campaign = run.need("campaign")
    assert isinstance(campaign, CampaignRow)
    out = run.folder / "reports"
    out.mkdir(exist_ok=True)
    pdfs = []
    for kind in for_campaigns():
        pdf = out / f"{kind.label}.pdf"
        kind.print_campaign(store, CampaignPrint(
            campaign.id, "school", pdf, 5 if kind.hides_small_cells else None), NO_PROGRESS)
        pdfs.append(pdf)
    sizes = []
    for pdf in pdfs:
        data = pdf.read_bytes()
        expect(data.startswith(b"%PDF-"), f"{pdf.name} 不是 PDF")
        expect(b"/FontFile2" in data and CJK_FONT.encode() in data,
               f"{pdf.name} 中没有嵌入中文字体 {CJK_FONT}")
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
        sizes.append(f"{pdf.stem} {pages} 页 {len(data) // 1024} KB")
    return "，".join(sizes) + "；中文字体已嵌入（reportlab）"


def seal_and_verify(run: SelfTestRun) -> str:
    from app.deployment import Deployment, ReportPolicy
    from app.seal import SealError, new_district_key, open_sealed, verify
    from app.services.district.export import preview_export, seal_export
    from app.services.district.school_keys import school_public_key
    from app.services.screening.campaigns import CampaignRow

    store = run.open_store()
    campaign = run.need("campaign")
    assert isinstance(campaign, CampaignRow)
    district = new_district_key("x25519")
    deployment = Deployment(school_code=SCHOOL_CODE, school_name=SCHOOL_NAME,
                            district_name="自检区", district_key=district.public_key(),
                            policy=ReportPolicy(key_students="pseudonymous"))
    period = term_code(campaign.school_year, campaign.term)
    preview = preview_export(store, period, deployment)
    sealed = seal_export(store, preview, run.folder / f"{SCHOOL_CODE}_{period}.qxseal")
    data = sealed.path.read_bytes()
    public = school_public_key(store)
    expect(public is not None, "学校签名密钥没有生成")
    assert public is not None
    verify(data, public, expected_school_code=SCHOOL_CODE, expected_period=period)
    files = open_sealed(data, district, public, expected_school_code=SCHOOL_CODE,
                        expected_period=period).files
    expect(files == {f.name: f.data for f in preview.files}, "解密出的文件与报送预览不一致")
    tampered = bytearray(data)
    tampered[len(data) // 2] ^= 1
    try:
        verify(bytes(tampered), public, expected_period=period)
    except SealError:
        pass
    else:
        raise SelfTestFailure("改动一个字节后签名仍然通过")
    run.made["sealed"] = sealed.path
    return (f"{len(files)} 个文件（{sealed.size // 1024} KB），HPKE 加密、Ed25519 签名；"
            "验证、解密、篡改检测均正确")


def audit_chain(run: SelfTestRun) -> str:
    from app.services.audit import verify_chain

    report = verify_chain(run.open_store())
    expect(report.ok, report.message)
    expect(report.checked > 0, "审计日志是空的")
    return report.message


def backup_and_restore(run: SelfTestRun) -> str:
    from app.services.accounts.auth import unlock
    from app.services.maintenance.backup import backup_status, make_backup
    from app.services.maintenance.restore import Secret, restore_backup
    from app.services.students import list_students

    store = run.open_store()
    usb = run.folder / "U盘"
    usb.mkdir(exist_ok=True)
    backup = make_backup(store, usb)
    expect(not backup_status(store).due, "备份后仍提示需要备份")
    restored = run.folder / "restored" / "qingxin.db"
    restore_backup(restored, backup.path, Secret(USERNAME, PASSWORD))
    with unlock(restored, USERNAME, PASSWORD) as copy:
        expect(len(list_students(copy)) == len(list_students(store)), "恢复后的学生人数不一致")
    run.made["backup"] = backup.path
    return f"备份 {backup.size // 1024} KB 已写入并读回校验；恢复到新位置后可登录，数据一致"


def no_plaintext(run: SelfTestRun) -> str:
    from app.services.maintenance.selftest_files import SelfTestFiles

    files = run.need("files")
    assert isinstance(files, SelfTestFiles)
    needles = [s.name.encode() for s in files.students] + \
              [s.student_no.encode() for s in files.students]
    stored = [p for p in run.folder.rglob("*") if p.is_file()
              and (".db" in p.name or ".log" in p.name or p.suffix in {".keys", ".qxseal"})]
    expect(len(stored) >= 4, f"只找到 {len(stored)} 个存储文件")
    for path in stored:
        blob = path.read_bytes()
        leaked = [n for n in needles if n in blob]
        expect(not leaked, f"{path.name} 中有明文学生信息")
    return f"检查了 {len(stored)} 个文件（数据库、WAL、锁文件、密钥槽、备份、密封文件、日志）"


def deployment_file(_run: SelfTestRun) -> str:
    from app.deployment import load_deployment

    deployment = load_deployment()
    if deployment.source is None:
        return "未找到部署文件，使用默认设置（没有区级公钥时不能密封报送）"
    key = deployment.district_key
    district = f"区级公钥指纹 {key.fingerprint}" if key else "未设区级公钥"
    return (f"{deployment.source}：学校 {deployment.school_code or '（未填代码）'} "
            f"{deployment.school_name}，{district}，医院 {len(deployment.hospitals)} 家")
