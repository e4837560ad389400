"""Row heights for wrapped text: the estimate the writer uses where no spreadsheet fits rows for it."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from xlsform.writer.measure import MAX_ROW_HEIGHT, display_width, rows_height, text_height, wrapped_lines

TEXT = st.text(st.sampled_from("受疫情影响，部分活动推迟 abc/123_.xlsx\n"), max_size=300)


def test_cjk_characters_count_double() -> None:
    assert display_width("执行率 95%") == 3 * 2 + 4
    assert display_width("（含）") == 6          # full-width punctuation is wide too


def test_lines_golden() -> None:
    # a column 18 units wide (131 px, 127 for text) holds 9 CJK characters of 10 pt, and 14 digits of the
    # widest face they may print in (DejaVu Sans, 0.64 em: 8.5 px; 宋体's are 6.7 px)
    assert wrapped_lines("一" * 9, 18) == 1 and wrapped_lines("一" * 10, 18) == 2
    assert wrapped_lines("4" * 14, 18) == 1 and wrapped_lines("4" * 15, 18) == 2
    assert wrapped_lines("a\nb", 18) == 2 and wrapped_lines("", 18) == 1
    # words move whole to the next line; a word longer than a line is cut between characters
    assert wrapped_lines("aaaaaaaaaa bbbbbbbbbb", 18) == 2
    assert wrapped_lines("returns/2024/第二批/" + "x" * 60, 18) == 7


def test_heights_grow_by_line_and_stop_at_excels_limit() -> None:
    assert rows_height(2) - rows_height(1) == rows_height(3) - rows_height(2) > 10
    assert text_height("很长" * 5000, 10) == MAX_ROW_HEIGHT


def needed(text: str, width: int) -> int:
    """A lower bound on the lines any spreadsheet needs: per paragraph, every character but the spaces that
    can hang at the end of a line (those after its first word) takes room, and a paragraph starts a line."""
    room = (width * 7 + 1) / (10 * 96 / 72 / 2)
    lines = 0
    for part in text.split("\n"):
        indent = len(part) - len(part.lstrip(" "))
        lines += max(1, math.ceil((indent + display_width(part.replace(" ", ""))) / room))
    return lines


def test_a_leading_space_takes_room() -> None:
    # found by hypothesis under CI: 29 half-ems of text in a line of 28.5 were measured one line, cut off
    assert wrapped_lines(" 1111111111分分分分分分分分分", 27) == 2 == needed(" 1111111111分分分分分分分分分", 27)
    assert wrapped_lines(" " + "分" * 14, 27) == 2
    assert wrapped_lines("分" * 14, 27) == 1
    assert wrapped_lines("分" * 14 + " ", 27) == 1    # a trailing space hangs


@given(TEXT, st.integers(4, 80))
def test_lines_never_fewer_than_the_text_needs(text: str, width: int) -> None:
    assert wrapped_lines(text, width) >= needed(text, width)


@given(TEXT, st.integers(4, 80), st.integers(1, 40))
def test_wider_columns_never_need_more_lines(text: str, width: int, more: int) -> None:
    assert wrapped_lines(text, width + more) <= wrapped_lines(text, width)
