"""The one CJK font every PDF uses, embedded as a subset.

WenQuanYi Micro Hei ships in resources/fonts/ as a TrueType collection with glyf
outlines, which reportlab can subset and embed: a PDF then shows the same characters
on any PC or printer. (reportlab's own STSong-Light is a CID font that is not embedded
and prints as blanks in some viewers; CFF-based fonts such as Noto CJK cannot be
embedded by reportlab at all.) The collection's first face is the regular one.
"""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.paths import cjk_font_path

CJK_FONT = "WenQuanYiMicroHei"


def register_cjk_font() -> str:
    """Register the font once per process; returns the name to use in styles."""
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(CJK_FONT, str(cjk_font_path()), subfontIndex=0))
    return CJK_FONT
