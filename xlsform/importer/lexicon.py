"""The labels of every candidate spec's [import] vocabulary, by the word each names (normalize.label_key).

A label may mean several things ("分值" heads a fund column and an indicator column, "合计" is a fund row and
the totals row); which one applies is the table reader's business. Where two specs give one label different
keys of the same kind, the first spec wins: specs a user registered come before the built-ins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlsform.normalize import label_key
from xlsform.spec import Spec

FIELD, FUND_ROW, FUND_COLUMN, COLUMN, TOTAL, END = "field", "fund_row", "fund_column", "column", "total", "end"


@dataclass
class Lexicon:
    specs: tuple[Spec, ...]
    meanings: dict[str, dict[str, str]] = field(default_factory=dict)     # label -> kind -> key
    own: dict[str, frozenset[str]] = field(default_factory=dict)          # spec id -> labels its vocabulary lists
    titles: dict[str, tuple[str, ...]] = field(default_factory=dict)      # spec id -> title words
    ends: tuple[str, ...] = ()
    ignored: frozenset[str] = frozenset()
    level1: tuple[str, ...] = ()          # every spec's 一级指标 names (a section row may name one)
    grades: frozenset[str] = frozenset()  # every spec's grade names (优, 良, 中, 差)

    @classmethod
    def of(cls, specs: tuple[Spec, ...]) -> Lexicon:
        lex = cls(specs)
        ends: list[str] = []
        for spec in specs:
            v = spec.vocabulary
            mine: set[str] = set()
            tables = ((FIELD, v.fields), (FUND_ROW, v.fund_rows), (FUND_COLUMN, v.fund_columns), (COLUMN, v.columns))
            for kind, table in tables:
                for key, labels in table.items():
                    for label in map(label_key, labels):
                        if label:
                            lex.meanings.setdefault(label, {}).setdefault(kind, key)
                            mine.add(label)
            for label in map(label_key, v.totals):
                lex.meanings.setdefault(label, {}).setdefault(TOTAL, "total")
            ends.extend(label_key(e) for e in v.ends)
            lex.own[spec.id] = frozenset(mine)
            lex.titles[spec.id] = tuple(label_key(t) for t in v.titles)
        lex.ends = tuple(dict.fromkeys(e for e in ends if e))
        lex.ignored = frozenset(label_key(x) for spec in specs for x in spec.vocabulary.ignore)
        lex.level1 = tuple(dict.fromkeys(name for spec in specs for name in spec.tree))
        lex.grades = frozenset(label_key(name) for spec in specs for _, name in spec.rules.grades)
        return lex

    def kind(self, label: str, kind: str) -> str | None:
        """The key `label` names as a `kind`, if any."""
        hit = self.meanings.get(label)
        if hit is None and kind == FIELD and label[:2] in _LEVELS:
            hit = self.meanings.get(_unlevelled(label))
        return hit.get(kind) if hit else None

    def is_label(self, label: str) -> bool:
        return bool(label) and (label in self.meanings
                                or (label[:2] in _LEVELS and FIELD in self.meanings.get(_unlevelled(label), ())))

    def is_end(self, label: str) -> bool:
        """A label after a form's tables ("填报人", "备注：1. ……"): a table ends before its row."""
        return any(label == e or label.startswith(e + ":") for e in self.ends)

    def title_specs(self, label: str) -> list[str]:
        """The specs whose title words appear in `label` ("2020年度部门整体支出绩效自评表")."""
        return [spec_id for spec_id, words in self.titles.items() if any(w and w in label for w in words)]


# A field's label with the level of government in front ("区级预算单位名称", "县级主管部门") is the field's: the
# template printed for one level of the budget. Fields only: "市级财政资金" under 财政资金小计 is a part of a fund
# row, not the row.
_LEVELS = frozenset({"省级", "市级", "州级", "盟级", "县级", "区级", "旗级", "乡级", "镇级"})


def _unlevelled(label: str) -> str:
    return label[2:] if len(label) > 3 and label[:2] in _LEVELS else ""


_CACHE: dict[tuple[int, ...], tuple[tuple[Spec, ...], Lexicon]] = {}


def lexicon(specs: tuple[Spec, ...]) -> Lexicon:
    """Built once per set of spec objects (a batch reads every file against the same few)."""
    key = tuple(map(id, specs))
    hit = _CACHE.get(key)
    if hit is None or any(a is not b for a, b in zip(hit[0], specs, strict=True)):
        if len(_CACHE) > 16:
            _CACHE.clear()
        hit = _CACHE[key] = (specs, Lexicon.of(specs))
    return hit[1]
