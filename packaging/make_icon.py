"""Draws resources/icons/qingxin.png and qingxin.ico: the character 青 in white on a
teal rounded square, in the shipped WenQuanYi font (so the icon needs no other
licence). Run once with the project's venv; the results are committed.

    .venv/bin/python packaging/make_icon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
TEAL = (23, 122, 110, 255)
SIZE = 256


def draw() -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((8, 8, SIZE - 8, SIZE - 8), radius=48, fill=TEAL)
    font = ImageFont.truetype(str(ROOT / "resources" / "fonts" / "wqy-microhei.ttc"), 176,
                              index=0)
    pen.text((SIZE / 2, SIZE / 2 + 6), "青", font=font, fill="white", anchor="mm")
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.save(OUT / "qingxin.png")
    image.save(OUT / "qingxin.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])


if __name__ == "__main__":
    main()
