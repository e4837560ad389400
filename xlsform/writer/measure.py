"""How much room wrapped text needs: the row heights xlsxwriter cannot work out for us.

Excel and LibreOffice size a row to its wrapped text only when the row has no height of its own, and they never
do it for merged cells; xlsxwriter writes what it is told. So where xlsform writes text it knows (the 校验结果
sheet, the summary, a form's prefilled text in merged cells) it sets the height this module computes, and
where the unit will type long text into single cells it sets none, so the spreadsheet grows the row as they type.

Widths are in Excel's column units: one '0' of the workbook's default font (Calibri 11, 7 pixels), plus 5
pixels of padding per column. Text is measured in half-ems of its font size (10 pt: 6.7 pixels): a CJK
character (East Asian width W or F) takes two, a space one, and any other character LATIN half-ems. 宋体 sets
Latin letters and digits in half an em, but where 宋体 is missing (LibreOffice on Linux, a Mac without it) they
come from a Latin face such as DejaVu Sans, whose digits are 0.64 em: nine digits of a unit code then need
a quarter more room, and a row measured for 宋体 printed its code over the next row. Lines break between CJK
characters and at spaces, and a word wider than the line is cut, as both spreadsheets do. Measured against
LibreOffice's PDFs, the estimate errs on the generous side: Excel's 宋体 lines are taller than LibreOffice's,
and a cut line is worse than a little air.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

MAX_ROW_HEIGHT = 409.0   # Excel's limit, in points
LINE_SPACING = 1.35      # a line of 宋体 per point of font size (Excel; LibreOffice's lines are ~1.2)
PADDING = 4.0            # points above and below the text inside a cell
COLUMN_PX = 7.0          # pixels per column unit
COLUMN_PAD_PX = 5.0      # pixels every column adds to its units
CELL_MARGIN_PX = 4.0     # pixels the cell's inner margins take from a line (2 each side)


LATIN = 1.3              # half-ems a Latin letter or digit may take: DejaVu Sans's digits (0.64 em)


@lru_cache(maxsize=65536)   # the same category names, units and file paths repeat on every row
def char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def display_width(text: str) -> int:
    """Width in column units: CJK characters count double."""
    return sum(map(char_width, text))


@lru_cache(maxsize=65536)
def glyph_width(ch: str) -> float:
    """Half-ems a character takes in the widest face it may be printed in."""
    return 2.0 if char_width(ch) == 2 else 1.0 if ch.isspace() else LATIN


def text_width(text: str) -> float:
    return sum(map(glyph_width, text))


def _room(width: float, font_size: float) -> float:
    """Half-width characters one line of a column `width` units wide holds."""
    half_px = font_size * 96 / 72 / 2
    return max((width * COLUMN_PX + COLUMN_PAD_PX - CELL_MARGIN_PX) / half_px, 1.0)


def one_line_chars(width: float, font_size: float = 10.0) -> int:
    """Any text of at most this many characters, CJK or not and without a line break, fits on one line."""
    return int(_room(width, font_size) // 2)


@lru_cache(maxsize=65536)   # a unit's name and file path repeat on each of its indicator rows
def wrapped_lines(text: str, width: float, font_size: float = 10.0) -> int:
    """Lines `text` takes wrapped in a column `width` units wide (at least one)."""
    room = _room(width, font_size)
    if "\n" not in text and text_width(text) <= room:
        return 1
    return sum(_paragraph_lines(part, room) for part in text.split("\n"))


def _paragraph_lines(text: str, room: float) -> int:
    """Lines one paragraph takes. Runs that do not break are a CJK character alone, a space, or a run of
    anything else (a word, a path): measured in one pass over the characters (this runs for every text a
    form and a summary hold)."""
    lines, used, word = 1, 0.0, 0.0
    for ch in text:
        if ch.isspace():
            if word:
                lines, used = _place(word, lines, used, room)
                word = 0.0
            # Spaces take room where they stand, a paragraph's leading ones included (they print as an
            # indent); only at the end of a line do they hang past it, never pushing text down.
            used = min(used + glyph_width(ch), room)
        elif char_width(ch) == 2:
            if word:
                lines, used = _place(word, lines, used, room)
                word = 0.0
            lines, used = _place(glyph_width(ch), lines, used, room)
        else:
            word += glyph_width(ch)
    if word:
        lines, used = _place(word, lines, used, room)
    return lines


def _place(w: float, lines: int, used: float, room: float) -> tuple[int, float]:
    """Put a word of width `w` on the current line, or start a new one (cutting a word wider than a line)."""
    if not w:
        return lines, used
    if used + w <= room:
        return lines, used + w
    if used:
        lines += 1
    if w <= room:
        return lines, w
    # cut between characters: a full line may leave up to one character's room unused
    full = max(room - 2.0, 1.0)
    extra = math.ceil(w / full) - 1
    return lines + extra, w - extra * full


def line_height(font_size: float = 10.0) -> float:
    return font_size * LINE_SPACING


def rows_height(lines: int, font_size: float = 10.0) -> float:
    """The row height (points) that shows `lines` lines of text, within Excel's limit."""
    return min(MAX_ROW_HEIGHT, lines * line_height(font_size) + PADDING)


def text_height(text: str, width: float, font_size: float = 10.0) -> float:
    """The row height (points) that shows `text` wrapped in a column `width` units wide."""
    return rows_height(wrapped_lines(text, width, font_size), font_size)
