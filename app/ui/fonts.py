"""The shipped CJK font and the Qt translations, so every PC shows the same screens.

Windows PCs in schools differ (some lack 微软雅黑 at the sizes we use, some have odd
fallbacks); registering WenQuanYi Micro Hei from resources/fonts/ (found beside the
package or inside the PyInstaller bundle, see app.paths) and making it the application
font gives the same metrics everywhere, and the same face as the PDF reports. Qt's own
zh_CN translation turns the standard buttons (确定, 取消, 下一步) Chinese.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.paths import cjk_font_path

log = logging.getLogger("qingxin.ui")

UI_FAMILY = "WenQuanYi Micro Hei"
MONO_FAMILY = "WenQuanYi Micro Hei Mono"
UI_POINT_SIZE = 10


def use_shipped_font(app: QApplication) -> bool:
    """Register the CJK font and make it the application font; False if it is missing."""
    font_id = QFontDatabase.addApplicationFont(str(cjk_font_path()))
    if font_id < 0:
        log.warning("CJK font not found at %s; using the system font", cjk_font_path())
        return False
    families = QFontDatabase.applicationFontFamilies(font_id)
    font = QFont(UI_FAMILY if UI_FAMILY in families else families[0])
    font.setPointSize(UI_POINT_SIZE)
    app.setFont(font)
    return True


def install_chinese_translation(app: QApplication) -> QTranslator | None:
    """Keep the returned translator alive as long as the application."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China),
                       "qtbase", "_", folder):
        app.installTranslator(translator)
        return translator
    return None
