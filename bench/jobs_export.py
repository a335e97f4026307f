"""The district export of the current term from the ten-year school (preview, then
seal: sign, encrypt, write, audit), and sealing a 50 MiB export, the size the sealing
target names, to an X25519 and to an X-Wing (ML-KEM-768 + X25519) district key."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from app.deployment import Deployment, ReportPolicy
from app.seal import SealMeta, new_district_key, new_school_key, open_sealed, seal, verify
from app.services.district_export import preview_export, seal_export
from bench.context import Bench
from bench.school import SCHOOL_CODE
from bench.table import Row, Target, timed


def district_export(bench: Bench) -> list[Row]:
    period = bench.school.period
    deployment = Deployment(school_code=SCHOOL_CODE,
                            district_key=new_district_key("mlkem768x25519").public_key(),
                            policy=ReportPolicy(key_students="pseudonymous"))
    with bench.store() as store, tempfile.TemporaryDirectory(dir=bench.work) as tmp:
        preview = preview_export(store, period, deployment)
        made = timed(lambda: preview_export(store, period, deployment), bench.runs)
        out = Path(tmp) / "export.qxseal"
        sealed = timed(lambda: seal_export(store, preview, out), bench.runs)
        kib = out.stat().st_size / 1024
    return [Row("export", f"district export {period}: preview (statistics, xlsx, PDF, JSON, "
                          f"{len(preview.student_ids)} key students pseudonymised)", made),
            Row("export", f"seal that export ({kib:.0f} KiB: sign, encrypt, write, audit)",
                sealed, target=Target(2.0))]


def seal_50mb(bench: Bench) -> list[Row]:
    total = bench.size(50, 2)
    files = _export_files(total)
    meta = SealMeta(SCHOOL_CODE, "青心基准测试中学", bench.school.period)
    school = new_school_key()
    x25519 = new_district_key("x25519").public_key()
    xwing = new_district_key("mlkem768x25519")
    sealed = seal(files, meta, xwing.public_key(), school)
    return [
        Row("seal", f"seal a {total} MiB export to an X25519 district key",
            timed(lambda: seal(files, meta, x25519, school), bench.runs), target=Target(2.0)),
        Row("seal", f"seal a {total} MiB export to an X-Wing (ML-KEM-768 + X25519) key",
            timed(lambda: seal(files, meta, xwing.public_key(), school), bench.runs),
            target=Target(2.0)),
        Row("seal", "verify it (the district, without its private key)",
            timed(lambda: verify(sealed, school.public_key()), bench.runs)),
        Row("seal", "open it (the district)",
            timed(lambda: open_sealed(sealed, xwing, school.public_key()), bench.runs)),
    ]


def _export_files(total_mb: int) -> dict[str, bytes]:
    """An xlsx, a PDF and a CSV of random bytes: nothing compresses, as with real files
    that are already compressed."""
    mb = 1024 * 1024
    csv_mb = max(1, total_mb // 10)
    xlsx_mb = (total_mb - csv_mb) // 2
    return {"summary.xlsx": os.urandom(xlsx_mb * mb),
            "summary.pdf": os.urandom((total_mb - csv_mb - xlsx_mb) * mb),
            "key_students.csv": os.urandom(csv_mb * mb)}
