"""`qingxin self-test`: does this installation work, end to end, on this PC?

District IT runs it after installing, and CI runs it on the frozen (PyInstaller) build,
where a data file or a module left out of the bundle only shows when the code that
needs it runs. So each step drives a real path through the services, in a temporary
folder, with synthetic data: an encrypted database made through the migrations, a
roster and a 问卷星 export read from .xlsx, PHQ-9 scoring, PDF reports with the
embedded CJK font and charts, a sealed export verified and opened with throwaway keys,
the audit chain, a backup restored, a scan of every stored file for plaintext, and
the deployment file in force. Each step gives one line, in Chinese with a code:

    [通过 PASS] ST03 测评计分（0.41 秒）：40 份答卷已计分……

A step that raises fails with the error's message (a module missing from a bundle is
named there); the steps after it still run where they can. Nothing outside the
temporary folder is touched, and it is removed at the end unless kept.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.errors import QingxinError
from app.logfile import logging_into
from app.services.maintenance import selftest_steps as steps
from app.services.maintenance.selftest_steps import SelfTestFailure, SelfTestRun


@dataclass(frozen=True)
class Step:
    code: str
    title: str
    run: Callable[[SelfTestRun], str]
    """Does the work and returns the detail for the line; raises if the step fails."""


@dataclass(frozen=True)
class StepResult:
    code: str
    title: str
    ok: bool
    seconds: float
    detail: str

    @property
    def line(self) -> str:
        mark = "通过 PASS" if self.ok else "失败 FAIL"
        return f"[{mark}] {self.code} {self.title}（{self.seconds:.2f} 秒）：{self.detail}"


@dataclass(frozen=True)
class SelfTestReport:
    results: tuple[StepResult, ...]
    seconds: float
    folder: Path | None
    """The folder the caller chose (kept), or None: a temporary one, removed."""

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def summary(self) -> str:
        passed = sum(r.ok for r in self.results)
        total = len(self.results)
        verdict = "自检通过 PASS" if self.ok else "自检未通过 FAIL"
        return f"{verdict}：{passed}/{total} 项通过，用时 {self.seconds:.1f} 秒。"


STEPS: tuple[Step, ...] = (
    Step("ST01", "建立加密数据库", steps.create_database),
    Step("ST02", "导入名册（xlsx）", steps.import_roster),
    Step("ST03", "测评计分（PHQ-9 问卷星导出）", steps.score_campaign),
    Step("ST04", "生成 PDF 报告（中文字体、图表）", steps.render_reports),
    Step("ST05", "密封报送文件并验证、解密", steps.seal_and_verify),
    Step("ST06", "审计日志哈希链", steps.audit_chain),
    Step("ST07", "备份到文件夹并恢复", steps.backup_and_restore),
    Step("ST08", "存储文件中无明文学生信息", steps.no_plaintext),
    Step("ST09", "部署文件（deploy.toml）", steps.deployment_file),
)


def run_self_test(folder: Path | None = None, extra: Sequence[Step] = (),
                  report: Callable[[StepResult], None] | None = None) -> SelfTestReport:
    """Run every step (then `extra`, e.g. the GUI check) in `folder`, which is kept, or
    in a new temporary folder, which is removed; `report` sees each result as it comes,
    so a line can be printed at once."""
    started = time.perf_counter()
    base = Path(folder) if folder is not None else Path(
        tempfile.mkdtemp(prefix="qingxin-selftest-"))
    base.mkdir(parents=True, exist_ok=True)
    run = SelfTestRun(base, base / "school" / "qingxin.db")
    results: list[StepResult] = []
    try:
        with logging_into(run.db_path, "self-test"):
            for step in (*STEPS, *extra):
                result = _run_step(step, run)
                results.append(result)
                if report is not None:
                    report(result)
    finally:
        if run.store is not None:
            run.store.close()
        if folder is None:
            shutil.rmtree(base, ignore_errors=True)
    return SelfTestReport(tuple(results), time.perf_counter() - started, folder)


def _run_step(step: Step, run: SelfTestRun) -> StepResult:
    t0 = time.perf_counter()
    try:
        detail = step.run(run)
        ok = True
    except QingxinError as err:
        ok, detail = False, err.message
    except SelfTestFailure as err:
        ok, detail = False, str(err)
    except Exception as err:  # a bug or a missing module: name it, the data is synthetic
        ok, detail = False, f"{type(err).__name__}: {err}"
    return StepResult(step.code, step.title, ok, time.perf_counter() - t0, detail)
