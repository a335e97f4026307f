"""The self-test's GUI step (`qingxin self-test --gui`): Qt starts, the shipped font and
Qt's Chinese translation load, Chinese sorts by pinyin (the ICU data the Linux bundle
trims, packaging/icu_data.py), and the login dialog and the main window open on the
self-test's database and draw themselves.

In a frozen build this is where a missing Qt plugin (platforms, imageformats,
printsupport) or a translation file left out of the bundle shows, so the build script
runs it offscreen (QT_QPA_PLATFORM=offscreen) on every CI run. So does a module left
out that a page imports only when it loads (pypinyin's, on a worker): the worker turns
it into the "unexpected error" box, and a box like that open after loading fails this
step.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCollator, QLocale
from PySide6.QtGui import QImageReader
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from app.store.handle import Store
from app.ui import workers
from app.ui.app import prepare_application
from app.ui.fonts import UI_FAMILY
from app.ui.shell import Shell

LOAD_TIMEOUT_S = 20.0


def check_gui(db_path: Path, store: Store) -> str:
    """Raise RuntimeError with what is wrong; return one line of what was seen."""
    app = QApplication.instance() or QApplication(["qingxin"])
    assert isinstance(app, QApplication)
    prepare_application(app)
    family = app.font().family()
    if family != UI_FAMILY:
        raise RuntimeError(f"界面字体是 {family}，不是随程序附带的 {UI_FAMILY}")
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
    if "取消" not in cancel:
        raise RuntimeError(f"Qt 中文翻译未加载（“取消”按钮显示为 {cancel!r}）")
    readable = {bytes(f).decode() for f in QImageReader.supportedImageFormats()}
    if missing := sorted({"jpeg", "png"} - readable):
        raise RuntimeError(f"无法显示 {'、'.join(missing).upper()} 格式的附件扫描件"
                           "（缺少 Qt 的图像插件）")
    pinyin = sorted(("张三", "阿明", "白雪"), key=QCollator(QLocale("zh_CN")).sortKey)
    if pinyin != ["阿明", "白雪", "张三"]:
        raise RuntimeError(f"Qt 不能按拼音排序中文姓名（{'、'.join(pinyin)}）："
                           "ICU 的中文排序数据缺失")
    shell = Shell(db_path)
    login = shell.show_login(store.user.username)
    logged = _Logged()
    ui_log = logging.getLogger("qingxin.ui")
    ui_log.addHandler(logged)
    try:
        shell.window.attach(store)
        deadline = time.monotonic() + LOAD_TIMEOUT_S
        while True:
            app.processEvents()
            if not workers.busy():
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"主窗口 {LOAD_TIMEOUT_S:.0f} 秒内没有加载完")
            time.sleep(0.02)
    finally:
        ui_log.removeHandler(logged)
    errors = [w for w in QApplication.allWidgets()
              if isinstance(w, QMessageBox) and w.isVisible()
              and w.icon() == QMessageBox.Icon.Critical]
    if errors:
        raise RuntimeError(f"主窗口加载时出现 {len(errors)} 个意外错误："
                           + ("；".join(logged.lines) or "（未记录类型）"))
    image = shell.window.grab()
    if image.isNull() or image.width() < 100:
        raise RuntimeError("主窗口无法绘制")
    size = f"{image.width()}×{image.height()}"
    login.close()
    shell.window.hide()
    shell.window.deleteLater()
    app.processEvents()
    return (f"PySide6 {pyside_version}，平台 {app.platformName()}，字体 {family}，"
            f"中文按钮“{cancel}”，中文按拼音排序，JPEG/PNG 扫描件可显示，"
            f"登录窗口与主窗口 {size} 已绘制")


class _Logged(logging.Handler):
    """What the main window logged while loading: the error types and code locations
    (never an exception's text, app/ui/messages.py), for the self-test's line."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage().replace("\n", " "))
