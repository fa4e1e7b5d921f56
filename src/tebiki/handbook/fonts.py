"""The handbook's font: Noto Sans CJK JP, cut to the characters a document uses.

Chromium's PDF writer (Skia) embeds TrueType fonts as real fonts
(CIDFontType2, /FontFile2), but draws fonts with PostScript outlines (CFF,
which is what Debian's fonts-noto-cjk ships) as Type 3 fonts: pictures of
glyphs, without a font file, and with text that copies out wrongly (一 comes
out as the Kangxi radical ⼀). So the handbook does not print with the system
font directly. It takes the local Noto Sans CJK JP (regular and bold), keeps
only the characters the document uses (so every glyph maps back to one
character), turns the outlines into TrueType ones (fontTools' cu2qu, within
one font unit), and hands the result to the page as an @font-face data URL.
Nothing is fetched: the source is the font installed on this machine.

Deterministic: same font files and characters give the same bytes.
"""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
from functools import cache
from pathlib import Path

FAMILY = "Noto Sans CJK JP"
CSS_FAMILY = "Tebiki Print"
WEIGHTS = {400: "Regular", 700: "Bold"}
KNOWN = Path("/usr/share/fonts/opentype/noto")
# always kept, whatever the text: ASCII, and the marks the stylesheet draws with
ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F)) + "…–—‘’“”→・、。「」（）：／〜"


class FontError(Exception):
    pass


@cache
def font_file(style: str) -> tuple[Path, int]:
    """The file and collection index of Noto Sans CJK JP in this style."""
    if shutil.which("fc-match"):
        out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}",
                              f"{FAMILY}:style={style}"], capture_output=True, text=True,
                             timeout=30).stdout.split("\n")
        if len(out) >= 3 and FAMILY in out[2].split(","):
            return Path(out[0]), int(out[1] or 0)
    path = KNOWN / f"NotoSansCJK-{style}.ttc"
    if path.is_file():
        return path, _index_of(path)
    raise FontError(f"the font {FAMILY} ({style}) is not installed: install the Debian "
                    "package fonts-noto-cjk (make system)")


def _index_of(path: Path) -> int:
    from fontTools.ttLib import TTCollection

    for n, font in enumerate(TTCollection(str(path), lazy=True).fonts):
        if font["name"].getDebugName(1) == FAMILY:
            return n
    raise FontError(f"{path} has no {FAMILY}")


def truetype_subset(style: str, text: str) -> bytes:
    """Noto Sans CJK JP in `style`, only the characters of `text`, as TrueType."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    path, index = font_file(style)
    font = TTFont(str(path), fontNumber=index, recalcTimestamp=False)
    options = subset.Options()
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # copyright, names, version: the licence stays
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text + ALWAYS))))
    subsetter.subset(font)
    if "CFF " in font:
        _cff_to_glyf(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _cff_to_glyf(font) -> None:
    """Replace PostScript (CFF) outlines by TrueType ones, in place."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name in order:
        advance, _lsb = hmtx.metrics[name]
        hmtx.metrics[name] = (advance, getattr(glyf[name], "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours",
                 "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
                 "maxComponentDepth"):
        setattr(maxp, attr, 0)
    post = font["post"]
    post.formatType = 3.0  # no glyph names
    font.sfntVersion = "\0\1\0\0"


def subset_task(style: str, text: str) -> tuple[bytes, float]:
    """`truetype_subset` and the time it took (run in a worker process)."""
    import time

    started = time.perf_counter()
    return truetype_subset(style, text), time.perf_counter() - started


def font_face(weight: int, data: bytes) -> str:
    """The @font-face rule of one weight, the font inline as a data URL."""
    encoded = base64.b64encode(data).decode("ascii")
    return (f'@font-face {{ font-family: "{CSS_FAMILY}"; font-weight: {weight}; '
            f'font-style: normal; src: url(data:font/ttf;base64,{encoded}) format("truetype"); }}')


def font_faces(text: str) -> dict:
    """{weight: @font-face rule} (regular and bold) for a document whose text is `text`."""
    return {weight: font_face(weight, truetype_subset(style, text))
            for weight, style in WEIGHTS.items()}
