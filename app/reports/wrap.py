"""Line-breaking Chinese text for plain table cells, cached.

A reportlab Paragraph in every cell costs a wrap per cell per page; in a 3,000-page
print of individual reports the same few band texts recur thousands of times. Breaking
each distinct text once and putting the lines in a plain cell (which a Table draws
line by line) makes the table cheap. Chinese breaks between any two characters, except
before closing punctuation (避头点: "，。；）" never start a line) and inside runs of
Latin letters and digits ("56–64" stays whole).
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth

from app.reports.fonts import register_cjk_font

_NO_LINE_START = set("，。、；：？！）》」』”’,.;:?!)%")
_WORDISH = set("0123456789.-–~≤≥<>%ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@lru_cache(maxsize=4096)
def wrap_text(text: str, width: float, size: float) -> str:
    """`text` with newlines where it must break to fit `width` points at `size`."""
    font = register_cjk_font()
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _wrap_one(paragraph, width, size, font)
    return "\n".join(lines)


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for ch in text:
        if tokens and ((ch in _WORDISH and tokens[-1][-1] in _WORDISH)
                       or ch in _NO_LINE_START):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


def _wrap_one(text: str, width: float, size: float, font: str) -> list[str]:
    lines, current, used = [], "", 0.0
    for token in _tokens(text):
        w = stringWidth(token, font, size)
        if current and used + w > width:
            lines.append(current.rstrip())
            current, used = token.lstrip(), stringWidth(token.lstrip(), font, size)
        else:
            current += token
            used += w
    lines.append(current)
    return lines
