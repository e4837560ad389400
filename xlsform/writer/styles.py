"""Cell formats shared by xlsform's workbooks (the form, the annotated copy and the merge summary).

xlsxwriter formats belong to one workbook, so `Formats` builds them lazily per workbook from layered
property dicts and caches each combination: a 30-row form needs about 30 distinct formats, not 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

# Chinese government forms are set in 宋体; Excel, WPS and LibreOffice all map it to a CJK serif face.
FONT = "宋体"
INPUT_FILL = "#FFF2CC"      # the light yellow that marks a cell the unit must fill
HEADER_FILL = "#F2F2F2"

BASE: dict[str, Any] = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "text_wrap": True}
BORDER: dict[str, Any] = {"border": 1}

# Spec label/field styles (spec.STYLES). Title, subtitle and notes sit outside the ruled table.
STYLE: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 16, "align": "center"},
    "subtitle": {"font_size": 11, "align": "center"},
    "header": {"bold": True, "align": "center", "bg_color": HEADER_FILL},
    "label": {"align": "center"},
    "center": {"align": "center"},
    "note": {"align": "left", "font_size": 9},
}
BORDERLESS = frozenset({"title", "subtitle", "note"})

# Number formats by field type; free text gets Text "@" so a typed 100%, 00123 or =… stays as typed.
NUMBER_FORMAT: dict[str, str] = {
    "integer": "0",
    "number": "General",
    "amount": "0.00",
    "percent": "0.00%",
    "score": "0.00",
    "text": "@",
    "longtext": "@",
    "choice": "@",
}

# Annotated copies: a finding's cell gets a coloured fill and border by severity.
MARK: dict[str, dict[str, Any]] = {
    "error": {"bg_color": "#FFC7CE", "border": 2, "border_color": "#C00000"},
    "warning": {"bg_color": "#FFE0B2", "border": 2, "border_color": "#ED7D31"},
    "info": {"bg_color": "#DDEBF7"},
}

# Conditional formats (only fill and font are allowed there).
CF_ERROR: dict[str, Any] = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
CF_WARNING: dict[str, Any] = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}


class Formats:
    """Per-workbook cache of formats built from layered property dicts (later layers win).

    What a cell's arguments make of the layers is the same for every workbook: worked out once per process
    (a batch writes thousands of forms, each with the same thirty formats); only the workbook's own format
    objects are made per workbook.
    """

    _cell_props: ClassVar[dict[tuple[Any, ...], tuple[tuple[tuple[str, Any], ...], dict[str, Any]]]] = {}

    def __init__(self, workbook: Any) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[tuple[str, Any], ...], Any] = {}
        self._cells: dict[tuple[Any, ...], Any] = {}

    def get(self, *layers: Mapping[str, Any]) -> Any:
        props: dict[str, Any] = {}
        for layer in layers:
            props.update(layer)
        return self._format(tuple(sorted(props.items())), props)

    def _format(self, key: tuple[tuple[str, Any], ...], props: dict[str, Any]) -> Any:
        fmt = self._cache.get(key)
        if fmt is None:   # the layers' order, not the key's: {"border": 1, "top": 0} is not {"top": 0, "border": 1}
            fmt = self._cache[key] = self._workbook.add_format(dict(props))
        return fmt

    def cell(self, style: str | None, *, num_format: str | None = None, unlocked: bool = False,
             align: str | None = None, top: bool = False, mark: str | None = None,
             open_edge: str | None = None) -> Any:
        """The format of one form cell: base font, style, border inside the table (but on `open_edge`: "top",
        "bottom"), input fill, mark."""
        args = (style, num_format, unlocked, align, top, mark, open_edge)
        fmt = self._cells.get(args)
        if fmt is None:
            built = self._cell_props.get(args)
            if built is None:
                props = _layered(_cell_layers(*args))
                built = self._cell_props[args] = (tuple(sorted(props.items())), props)
            fmt = self._cells[args] = self._format(*built)
        return fmt


def _layered(layers: list[Mapping[str, Any]]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for layer in layers:
        props.update(layer)
    return props


def _cell_layers(style: str | None, num_format: str | None, unlocked: bool, align: str | None, top: bool,
                 mark: str | None, open_edge: str | None) -> list[Mapping[str, Any]]:
    layers: list[Mapping[str, Any]] = [BASE]
    if style is None or style not in BORDERLESS:
        layers.append(BORDER)
        if open_edge:
            layers.append({open_edge: 0})
    if align:
        layers.append({"align": align, "valign": "top" if top else "vcenter"})
    if style:
        layers.append(STYLE[style])
    if num_format:
        layers.append({"num_format": num_format})
    if unlocked:
        layers.append({"locked": False, "bg_color": INPUT_FILL})
    if mark:
        layers.append(MARK[mark])
    return layers
