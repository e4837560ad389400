"""Form specs: the TOML files that name every field of a layout once.

A spec is loaded into frozen dataclasses and checked as a whole; any problem raises `SpecError` naming the
file, the key and what is wrong, so a region adapting a spec gets a clear message instead of a traceback.
"""

from __future__ import annotations

import copyreg
import os
import re
from contextlib import suppress
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from xlsform.once import once

ROLES = ("prefill", "input", "computed")
TYPES = ("text", "longtext", "integer", "number", "amount", "percent", "score", "choice")
NUMERIC_TYPES = ("integer", "number", "amount", "percent", "score")
STYLES = ("title", "subtitle", "header", "label", "center", "note")
EXCEL_TEXT_LIMIT = 32767

# The fixed vocabulary of field keys: records are layout-independent because every spec maps onto it.
SCALAR_KEYS = (
    "year", "code", "name", "department", "implementer", "sub_units",
    "goal.overview", "goal.target", "goal.achieved", "execution.reason",
    "total.weight", "total.score", "total.grade",
    "footer.preparer", "footer.phone", "footer.date", "footer.head",
)
FUND_COLUMNS = ("initial_budget", "budget", "spent", "transfer", "weight", "rate", "score")
INDICATOR_COLUMNS = (
    "level1", "level2", "level3", "content", "nature", "target", "measure",
    "actual", "weight", "score", "reason", "improvement", "previous",
)
NATURES = ("≥", "≤", "=", "定性")

_CELL = re.compile(r"^([A-Z]{1,2})(\d+|\*)$")
_FUND_KEY = re.compile(r"^fund\.([a-z][a-z0-9_]*)\.([a-z_]+)$")


class SpecError(ValueError):
    """A spec file that cannot be used; the message names the file, the key and the problem."""


@dataclass(frozen=True)
class Field:
    """One cell (or, in the indicator block, one column) of the form: what it holds, where, how it is checked."""

    key: str
    label: str
    at: str                     # relative A1 range inside the block; a column letter for indicator rows
    role: str
    type: str
    required: bool = False
    min: float | None = None
    max: float | str | None = None   # a number, or the key of a field in the same indicator row
    maxlen: int | None = None
    choices: str | None = None       # "level1", "level2" or "nature": lists built from the spec
    format: str | None = None
    default: Any = None
    rule: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    style: str | None = None
    prefillable: bool = False        # an input the roster may prefill: then locked and checked like a prefill
    hide_empty: bool = False         # an indicator column hidden on a form where no row holds a value

    @once
    def locks_when_given(self) -> bool:
        """Whether a value the roster gives for this field is sent locked (prefill, or a prefillable input)."""
        return self.role == "prefill" or self.prefillable

    @once
    def numeric(self) -> bool:   # cached: asked for every field of every return
        return self.type in NUMERIC_TYPES


@dataclass(frozen=True)
class Label:
    """A fixed text printed on the form, at a place relative to its block."""

    at: str
    text: str
    style: str = "label"


@dataclass(frozen=True)
class Block:
    """A part of the form (rows one under another): its labels and fields, or the repeated indicator row."""

    name: str
    height: int                      # rows, for fixed blocks; header rows for the indicator block
    labels: tuple[Label, ...]
    fields: tuple[Field, ...]
    row: tuple[Field, ...] = ()      # the repeated indicator row, when this is the indicator block
    heights: tuple[float, ...] = ()
    row_height: float | None = None

    @property
    def repeated(self) -> bool:
        return bool(self.row)


# Qualitative bands a 定性 indicator is scored in, as shares of its weight (DESIGN: 达成 100–80%, ...).
BANDS = ("达成", "部分达成", "未达成")
EQUALITY_RULES = ("proportional", "all_or_nothing")


@dataclass(frozen=True)
class Scoring:
    """How an indicator's supported score follows from its target and actual ([rules.scoring])."""

    equality: str = "proportional"       # "=": weight × (1 − |actual − target| / target), or 0 off target
    equality_tolerance: float = 0.0      # "=": a relative deviation up to this still scores the full weight
    bands: tuple[tuple[str, float, float], ...] = (("达成", 0.8, 1.0), ("部分达成", 0.6, 0.8), ("未达成", 0.0, 0.6))
    overshoot_above: float = 0.0         # positive rule: an actual beyond target × (1 + this) loses ...
    overshoot_deduct: float = 0.0        # ... this share of the weight (0: off, the default)

    def band(self, name: str) -> tuple[float, float] | None:
        return next(((low, high) for n, low, high in self.bands if n == name), None)


@dataclass(frozen=True)
class YearOnYear:
    """[rules.previous]: how last year's returns are matched to this year's units and indicators, and when a
    change between the years is worth a look. Similarities are rapidfuzz scores, 0–100 (100: identical)."""

    unit_similarity: float = 90.0        # a unit name that differs from last year's at least this similar
    indicator_similarity: float = 90.0   # a 三级指标 name within the same 一级/二级, at least this similar
    rate_drop: float = 0.10              # execution rate fell by more than this (0.10 = 10 points) ...
                                         # ... while the total score rose: XF521


@dataclass(frozen=True)
class Review:
    """How the indicator table is read as a performance reviewer reads it ([rules.review], docs/specs.md): the
    thresholds and vocabularies of the XF53x rules, data a region changes without code. Texts are compared
    loosely (normalize.bare: widths, spaces, punctuation), instruction texts also without their word limit."""

    quantitative: tuple[str, ...] = ("数量指标", "质量指标", "时效指标", "成本指标")   # targets must be values
    standards: tuple[str, ...] = ()        # pass/fail standards that are values there ("合格", "达标")
    counted: tuple[str, ...] = ("数量指标",)   # where "100%" for a task that names a count is no target
    stock_actuals: tuple[str, ...] = ()    # answers that measure nothing ("达成预期指标", "已完成", "详见附件")
    stock_objects: tuple[str, ...] = ()    # what such an answer says it did without naming it ("年度", "目标", "任务")
    stock_modifiers: tuple[str, ...] = ()  # how it says it went, before it ("已", "按时", "基本", "顺利")
    zero_words: tuple[str, ...] = ()       # a short target opening so asks for none ("无重大安全事故")
    level_verbs: tuple[str, ...] = ()      # a share after these is the measure's level ("达到100%")
    instructions: tuple[str, ...] = ()     # the templates' own guidance ("对照年度目标，说明…（100字以内）")
    adjustment_words: tuple[str, ...] = ()   # words that explain a budget changed during the year
    overshoot: float = 0.30                # an actual this share beyond its target (or inside a ceiling) ...
    copy_similarity: float = 0.80          # an actual this similar to its 目标内容 repeats it
    twin_similarity: float = 0.85          # two rows' tasks this similar are one task
    yuan_ratio: tuple[float, float] = (3000.0, 30000.0)   # an amount this many times its reference is in 元
    copy_min_letters: int = 20             # a word-for-word copy of this many letters of the goal is a copy
    yuan_ceiling: float = 0.0              # 万元: a fund amount above it was typed in 元 (0: not judged)
    breakdown: tuple[str, ...] = ()        # a 三级 opening with one of these ("其中") breaks down the row above
    lower_better: tuple[str, ...] = ()     # measures that should stay low ("预算调整率"): a bare figure is a ceiling


@dataclass(frozen=True)
class Rules:
    """[rules]: grades, the rate and score thresholds the checks apply, scoring, last year's and review's rules."""

    grades: tuple[tuple[float, str], ...]        # (min, grade), highest first
    reason_below_rate: float = 0.90
    split: dict[str, float] = field(default_factory=dict)
    self_score_tolerance: float = 0.20
    rate_caps: tuple[tuple[float, float], ...] = ()   # (below, cap), ascending
    scoring: Scoring = field(default_factory=Scoring)
    previous: YearOnYear = field(default_factory=YearOnYear)
    review: Review = field(default_factory=Review)

    def grade_for(self, total: float) -> str:
        for low, name in self.grades:
            if total >= low:
                return name
        return self.grades[-1][1]


@dataclass(frozen=True)
class Vocabulary:
    """[import]: the printed labels by which a form xlsform did not write is read (xlsform/importer).

    Each table maps a field key, fund row, fund column or indicator column to the labels that name it;
    the spec's own labels are added by the loader. A region adds its wording here, not in code."""

    titles: tuple[str, ...] = ()     # words of a title that say a form is of this spec's kind
    totals: tuple[str, ...] = ()     # the first cell of the row that totals the indicator table
    ends: tuple[str, ...] = ()       # labels after a form's tables (填报人, 备注): a table ends before them
    ignore: tuple[str, ...] = ()     # headers of columns that hold nothing for the record (序号)
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fund_rows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fund_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Spec:
    """A form spec (a file in templates/ or a region's own): the one source the writer and the reader share.

    A dataclass's docstring is its own (else dataclasses writes one from the signature, which costs every
    start 0.1 ms a class: inspect.signature)."""

    id: str
    version: str
    accept_versions: tuple[str, ...]
    name: str
    kind: str
    sheet: str
    indicator_rows: int
    landscape: bool
    columns: dict[str, float]
    rules: Rules
    tree: dict[str, tuple[str, ...]]
    blocks: tuple[Block, ...]
    source: str
    vocabulary: Vocabulary = field(default_factory=Vocabulary)

    @property
    def indicator_block(self) -> Block:
        return next(b for b in self.blocks if b.repeated)

    def scalar_fields(self) -> list[Field]:
        return [f for b in self.blocks for f in b.fields]

    def row_field(self, column: str) -> Field | None:
        return next((f for f in self.indicator_block.row if f.key == column), None)

    def fund_rows(self) -> list[str]:
        """Fund row keys in form order ("fiscal", "total", ...)."""
        return list(self._fund_rows)

    @once
    def _fund_rows(self) -> tuple[str, ...]:   # cached, as the checks ask for every return
        rows: list[str] = []
        for f in self.scalar_fields():
            m = _FUND_KEY.match(f.key)
            if m and m.group(1) not in rows:
                rows.append(m.group(1))
        return tuple(rows)

    @once
    def scored_fund_row(self) -> str:
        """The fund row whose execution rate is scored (the one with a score field)."""
        for f in self.scalar_fields():
            m = _FUND_KEY.match(f.key)
            if m and m.group(2) == "score":
                return m.group(1)
        raise SpecError(f"{self.source}: no fund row has a score field")

    def fund_row_label(self, row: str) -> str:
        for b in self.blocks:
            for f in b.fields:
                if f.key.startswith(f"fund.{row}."):
                    return f.label.split("·")[0]
        return row


def _made_again(obj: Any) -> tuple[type, tuple[Any, ...]]:
    """A spec's parts pickle as their constructor's arguments, so a spec read back (`_kept_built`) is made
    through __init__: Python 3.11 reads the attributes of an object made so faster than those of one whose
    __dict__ a pickle filled in (the rules paid 18-88 K instructions a return for that). Cached properties are
    worked out again when first asked."""
    return type(obj), tuple(getattr(obj, f.name) for f in fields(obj))


for _part in (Field, Label, Block, Scoring, YearOnYear, Review, Rules, Vocabulary, Spec):
    copyreg.pickle(_part, _made_again)


# ---------------------------------------------------------------------------------------------- loading

def builtin_names() -> list[str]:
    return sorted(p.name[:-5] for p in _templates().iterdir() if p.name.endswith(".toml"))


@lru_cache(maxsize=1)
def _templates() -> Any:
    """The built-in specs' folder: a Path where the package is a folder (an install, an editable one), else
    importlib.resources' view of it (a zipped install). importlib.resources costs every command's start-up
    1.5 ms to import, for a folder the package's own __path__ names."""
    from importlib import import_module

    folders = list(getattr(import_module("xlsform.templates"), "__path__", []))
    if len(folders) == 1 and os.path.isdir(folders[0]):
        return Path(folders[0])
    from importlib import resources
    return resources.files("xlsform.templates")


_REGISTERED: dict[str, Spec] = {}


def register(spec: Spec) -> None:
    """Make a user's spec known by its id to every lookup in this process (`--spec FILE` on check and merge).

    A registered spec wins over a built-in of the same id: the user said which layout the returns follow.
    """
    _REGISTERED[spec.id] = spec


def spec_by_id(spec_id: str) -> Spec | None:
    """A registered or built-in spec by the id a workbook carries; None when unknown (a finding, not a crash)."""
    return _REGISTERED.get(spec_id) or _builtin(spec_id)


def known_specs() -> tuple[Spec, ...]:
    """Every spec a workbook may follow: the ones registered in this process first, then the built-ins."""
    return (*_REGISTERED.values(), *(s for s in _builtins() if s.id not in _REGISTERED))


@lru_cache(maxsize=1)
def _builtins() -> tuple[Spec, ...]:
    return tuple(s for name in builtin_names() if (s := _builtin(name)) is not None)


@lru_cache(maxsize=32)
def _builtin(spec_id: str) -> Spec | None:
    # once per process: a batch must not parse TOML for every file
    if spec_id not in builtin_names():
        return None
    try:
        return _kept_built(spec_id)
    except SpecError:
        return None


def _kept_built(name: str) -> Spec:
    """load_spec(name) for a built-in spec, kept built beside its file as Python keeps bytecode (__pycache__):
    parsing the TOML and building the spec cost every checking process 6 ms, reading it back 0.3 ms. The copy is
    kept under a key of the spec's text, this module's source and the interpreter, so editing either builds
    it again; a copy that cannot be read is built again, and one that cannot be written is not kept. The folder
    is the install's own, trusted as its bytecode is (never a folder a return or a user's spec comes from)."""
    import hashlib
    import pickle
    import sys

    text, source = _read_source(name)
    res = _templates().joinpath(f"{name}.toml")
    if source != name or not isinstance(res, Path):      # a file of that name in the folder, or a zipped install
        return _parsed(text, source)
    key = hashlib.sha256(b"\0".join((text.encode("utf-8"), Path(__file__).read_bytes(),
                                     sys.version.encode()))).digest()
    kept = _kept_path(res, name)
    try:
        seen, spec = pickle.loads(kept.read_bytes())
        if seen == key and isinstance(spec, Spec):
            return spec
    except Exception:  # missing, torn, or from another version of the classes: build it
        pass
    spec = _parsed(text, source)
    with suppress(OSError):     # a read-only install keeps nothing and builds the spec each time, as before
        _keep(kept, pickle.dumps((key, spec), protocol=pickle.HIGHEST_PROTOCOL))
    return spec


def _kept_path(spec_file: Path, name: str) -> Path:
    import sys

    return spec_file.parent / "__pycache__" / f"{name}.spec.{sys.implementation.cache_tag}.pickle"


def _keep(path: Path, data: bytes) -> None:
    """Written whole or not at all (two checking processes may keep the same spec at once)."""
    import os
    import tempfile

    path.parent.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_spec(name_or_path: str | Path) -> Spec:
    """Load a built-in spec by name ("wangcheng") or a user's spec file by path."""
    return _parsed(*_read_source(str(name_or_path)))


def _parsed(text: str, source: str) -> Spec:
    import tomllib  # only when a spec is built: a check reads the built-in specs kept built (_kept_built)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{source}: 规格文件的格式有误，请按提示的行和列改正（not valid TOML: {e}）") from None
    return _build(data, source)


def _read_source(name: str) -> tuple[str, str]:
    path = Path(name)
    if path.suffix == ".toml" or path.exists():
        try:
            return path.read_text(encoding="utf-8-sig"), str(path)     # Notepad may add a BOM
        except OSError as e:
            from xlsform.fsutil import os_reason
            raise SpecError(f"{name}: 无法读取规格文件，{os_reason(e)}"
                            f"（cannot read spec file: {e.strerror}）") from None
        except UnicodeDecodeError:   # Notepad's "ANSI" is GBK on Chinese Windows
            raise SpecError(f"{name}: 规格文件不是 UTF-8 编码，请另存为 UTF-8 (the spec file must be UTF-8 text)") \
                from None
    res = _templates().joinpath(f"{name}.toml")
    if not res.is_file():
        # a clerk's typo in --spec: said in Chinese first (the English kept for scripts that matched it)
        names = ", ".join(builtin_names())
        raise SpecError(f"没有名为「{name}」的规格：内置规格有 {names}，或给出 .toml 规格文件的路径"
                        f"（unknown spec '{name}': built-in specs are {names}, or give the path of a .toml spec file）")
    return res.read_text(encoding="utf-8"), name


class _Ctx:
    """Where we are in the file, so every error names the key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> SpecError:
        return SpecError(f"{self.source}: {where}: {problem}")

    def need(self, table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
        if key not in table:
            raise self.fail(f"{where}.{key}", "is required but missing")
        return self.check_type(table[key], kind, f"{where}.{key}")

    def opt(self, table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str,
            default: Any = None) -> Any:
        if key not in table:
            return default
        return self.check_type(table[key], kind, f"{where}.{key}")

    def check_type(self, value: Any, kind: type | tuple[type, ...], where: str) -> Any:
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self.fail(where, f"expected {_kind_name(kind)}, got a boolean")
        if not isinstance(value, kind):
            raise self.fail(where, f"expected {_kind_name(kind)}, got {type(value).__name__} {value!r}")
        return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "a string", int: "an integer", float: "a number", bool: "true/false", list: "a list",
             dict: "a table"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _build(data: dict[str, Any], source: str) -> Spec:
    ctx = _Ctx(source)
    form = ctx.need(data, "form", dict, "spec")
    unknown = set(data) - {"form", "rules", "tree", "block", "import"}
    if unknown:
        raise ctx.fail("spec", f"unknown table(s) {sorted(unknown)}")
    rules = _build_rules(ctx, ctx.opt(data, "rules", dict, "spec", {}))
    tree = _build_tree(ctx, ctx.need(data, "tree", dict, "spec"))
    raw_blocks = ctx.need(data, "block", list, "spec")
    blocks = tuple(_build_block(ctx, b, i) for i, b in enumerate(raw_blocks))
    version = ctx.need(form, "version", str, "form")
    spec = Spec(
        id=_ident(ctx, ctx.need(form, "id", str, "form"), "form.id"),
        version=version,
        accept_versions=tuple(ctx.opt(form, "accept_versions", list, "form", [version])),
        name=ctx.need(form, "name", str, "form"),
        kind=ctx.opt(form, "kind", str, "form", "department"),
        sheet=_sheet_name(ctx, ctx.need(form, "sheet", str, "form")),
        indicator_rows=ctx.opt(form, "indicator_rows", int, "form", 30),
        landscape=ctx.opt(form, "landscape", bool, "form", True),
        columns={k: float(v) for k, v in ctx.opt(form, "columns", dict, "form", {}).items()},
        rules=rules, tree=tree, blocks=blocks, source=source,
        vocabulary=_build_vocabulary(ctx, ctx.opt(data, "import", dict, "spec", {}), blocks),
    )
    _check_spec(ctx, spec)
    return spec


_VOCABULARY_LISTS = ("titles", "totals", "ends", "ignore")
_VOCABULARY_TABLES = ("fields", "fund_rows", "fund_columns", "columns")


def _build_vocabulary(ctx: _Ctx, raw: dict[str, Any], blocks: tuple[Block, ...]) -> Vocabulary:
    """[import] with each field's own printed label added: a spec without the section still reads forms
    that print its labels."""
    where = "import"
    unknown = set(raw) - set(_VOCABULARY_LISTS) - set(_VOCABULARY_TABLES)
    if unknown:
        raise ctx.fail(where, f"unknown key(s) {sorted(unknown)}; known: "
                              f"{', '.join(_VOCABULARY_LISTS + _VOCABULARY_TABLES)}")
    lists = {k: _labels(ctx, ctx.opt(raw, k, list, where, []), f"{where}.{k}") for k in _VOCABULARY_LISTS}
    tables = {k: {key: _labels(ctx, ctx.check_type(v, list, f"{where}.{k}.{key}"), f"{where}.{k}.{key}")
                  for key, v in ctx.opt(raw, k, dict, where, {}).items()} for k in _VOCABULARY_TABLES}
    _check_vocabulary_keys(ctx, tables)
    own = _own_labels(blocks)
    for table, extra in own.items():
        for key, labels in extra.items():
            tables[table][key] = tuple(dict.fromkeys((*tables[table].get(key, ()), *labels)))
    return Vocabulary(titles=lists["titles"], totals=lists["totals"], ends=lists["ends"], ignore=lists["ignore"],
                      **tables)


def _labels(ctx: _Ctx, raw: list[Any], where: str) -> tuple[str, ...]:
    return tuple(ctx.check_type(x, str, f"{where}[]") for x in raw)


def _check_vocabulary_keys(ctx: _Ctx, tables: dict[str, dict[str, tuple[str, ...]]]) -> None:
    allowed = {"fields": SCALAR_KEYS, "fund_columns": FUND_COLUMNS, "columns": INDICATOR_COLUMNS}
    for table, known in allowed.items():
        for key in tables[table]:
            if key not in known:
                raise ctx.fail(f"import.{table}.{key}", f"unknown key; use one of {', '.join(known)}")
    for row in tables["fund_rows"]:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", row):
            raise ctx.fail(f"import.fund_rows.{row}", "a fund row key is lowercase letters, digits and '_'")


def _own_labels(blocks: tuple[Block, ...]) -> dict[str, dict[str, list[str]]]:
    """The spec's printed field labels as vocabulary: "合计·全年预算数" names fund row total and column budget."""
    out: dict[str, dict[str, list[str]]] = {t: {} for t in _VOCABULARY_TABLES}
    for b in blocks:
        for f in b.row:
            out["columns"].setdefault(f.key, []).append(f.label)
        for f in b.fields:
            m = _FUND_KEY.match(f.key)
            if m and "·" in f.label:
                row_label, _, column_label = f.label.partition("·")
                out["fund_rows"].setdefault(m.group(1), []).append(row_label)
                out["fund_columns"].setdefault(m.group(2), []).append(column_label)
            elif f.key in SCALAR_KEYS and "·" not in f.label and f.key != "year":
                out["fields"].setdefault(f.key, []).append(f.label)
    return out


def _ident(ctx: _Ctx, value: str, where: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_-]*", value):
        raise ctx.fail(where, f"'{value}' must be lowercase letters, digits, '-' or '_'")
    return value


def _sheet_name(ctx: _Ctx, value: str) -> str:
    if not 0 < len(value) <= 31 or any(c in value for c in "[]:*?/\\"):
        raise ctx.fail("form.sheet", f"'{value}' is not a valid Excel sheet name (1–31 characters, no []:*?/\\)")
    return value


def _build_rules(ctx: _Ctx, raw: dict[str, Any]) -> Rules:
    grades_raw = ctx.opt(raw, "grades", list, "rules",
                         [{"min": 90, "grade": "优"}, {"min": 80, "grade": "良"},
                          {"min": 60, "grade": "中"}, {"min": 0, "grade": "差"}])
    grades = tuple(sorted(((float(ctx.need(g, "min", (int, float), f"rules.grades[{i}]")),
                            ctx.need(g, "grade", str, f"rules.grades[{i}]")) for i, g in enumerate(grades_raw)),
                          reverse=True))
    if not grades:
        raise ctx.fail("rules.grades", "needs at least one band")
    caps_raw = ctx.opt(raw, "rate_caps", list, "rules", [])
    caps = tuple(sorted((float(ctx.need(c, "below", (int, float), f"rules.rate_caps[{i}]")),
                         float(ctx.need(c, "cap", (int, float), f"rules.rate_caps[{i}]")))
                        for i, c in enumerate(caps_raw)))
    split = {k: float(ctx.check_type(v, (int, float), f"rules.split.{k}"))
             for k, v in ctx.opt(raw, "split", dict, "rules", {}).items()}
    known = {"grades", "reason_below_rate", "split", "self_score_tolerance", "rate_caps", "scoring", "review",
             "previous"}
    if set(raw) - known:
        raise ctx.fail("rules", f"unknown key(s) {sorted(set(raw) - known)}")
    return Rules(
        scoring=_build_scoring(ctx, ctx.opt(raw, "scoring", dict, "rules", {})),
        review=_build_review(ctx, ctx.opt(raw, "review", dict, "rules", {})),
        grades=grades,
        reason_below_rate=float(ctx.opt(raw, "reason_below_rate", (int, float), "rules", 0.9)),
        split=split,
        self_score_tolerance=float(ctx.opt(raw, "self_score_tolerance", (int, float), "rules", 0.2)),
        rate_caps=caps,
        previous=_build_previous(ctx, ctx.opt(raw, "previous", dict, "rules", {})),
    )


def _build_previous(ctx: _Ctx, raw: dict[str, Any]) -> YearOnYear:
    """[rules.previous]: the year-on-year thresholds, each checked with a message naming the key."""
    where = "rules.previous"
    known = {"unit_similarity", "indicator_similarity", "rate_drop"}
    if set(raw) - known:
        raise ctx.fail(where, f"unknown key(s) {sorted(set(raw) - known)}; known: {', '.join(sorted(known))}")
    values: dict[str, float] = {}
    for key in ("unit_similarity", "indicator_similarity"):
        values[key] = float(ctx.opt(raw, key, (int, float), where, getattr(YearOnYear, key)))
        if not 50 <= values[key] <= 100:
            raise ctx.fail(f"{where}.{key}", "must be a similarity from 50 to 100 (100: only identical names)")
    values["rate_drop"] = float(ctx.opt(raw, "rate_drop", (int, float), where, YearOnYear.rate_drop))
    if not 0 < values["rate_drop"] < 1:
        raise ctx.fail(f"{where}.rate_drop", "must be a share between 0 and 1 (0.10 = 10 percentage points)")
    return YearOnYear(**values)


def _build_scoring(ctx: _Ctx, raw: dict[str, Any]) -> Scoring:
    """[rules.scoring]: every number a region may change, each checked with a message naming the key."""
    where = "rules.scoring"
    known = {"equality", "equality_tolerance", "qualitative", "overshoot"}
    if set(raw) - known:
        raise ctx.fail(where, f"unknown key(s) {sorted(set(raw) - known)}; known: {', '.join(sorted(known))}")
    equality = ctx.opt(raw, "equality", str, where, "proportional")
    if equality not in EQUALITY_RULES:
        raise ctx.fail(f"{where}.equality", f"'{equality}' is not one of {', '.join(EQUALITY_RULES)}")
    tolerance = float(ctx.opt(raw, "equality_tolerance", (int, float), where, 0.0))
    if not 0 <= tolerance < 1:
        raise ctx.fail(f"{where}.equality_tolerance", "must be a share from 0 to below 1 (0.05 = 5%)")
    bands = Scoring.bands
    if "qualitative" in raw:
        bands = _build_bands(ctx, ctx.check_type(raw["qualitative"], list, f"{where}.qualitative"))
    over = ctx.opt(raw, "overshoot", dict, where, {})
    if set(over) - {"above", "deduct"}:
        raise ctx.fail(f"{where}.overshoot", f"unknown key(s) {sorted(set(over) - {'above', 'deduct'})}; "
                                             "known: above, deduct")
    above = float(ctx.opt(over, "above", (int, float), f"{where}.overshoot", 0.0))
    deduct = float(ctx.opt(over, "deduct", (int, float), f"{where}.overshoot", 0.0))
    if above < 0 or not 0 <= deduct <= 1 or (deduct > 0) != (above > 0):
        raise ctx.fail(f"{where}.overshoot", "needs above > 0 (a share beyond the target, 0.5 = 50%) and deduct "
                                             "from 0 to 1 (a share of the weight), both given or neither")
    return Scoring(equality=equality, equality_tolerance=tolerance, bands=bands, overshoot_above=above,
                   overshoot_deduct=deduct)


_SHARES = ("overshoot", "copy_similarity", "twin_similarity")
_WORDS = ("quantitative", "standards", "counted", "stock_actuals", "stock_objects", "stock_modifiers",
          "zero_words", "level_verbs", "instructions", "adjustment_words", "breakdown", "lower_better")


def _build_review(ctx: _Ctx, raw: dict[str, Any]) -> Review:
    """[rules.review]: word lists and shares, each checked with a message naming the key; absent keys keep
    the defaults (a region's own spec need not repeat them)."""
    where = "rules.review"
    known = {*_SHARES, *_WORDS, "yuan_ratio", "copy_min_letters", "yuan_ceiling"}
    if set(raw) - known:
        raise ctx.fail(where, f"unknown key(s) {sorted(set(raw) - known)}; known: {', '.join(sorted(known))}")
    kw: dict[str, Any] = {}
    for key in _WORDS:
        if key in raw:
            words = ctx.check_type(raw[key], list, f"{where}.{key}")
            kw[key] = tuple(ctx.check_type(w, str, f"{where}.{key}[{i}]") for i, w in enumerate(words))
    for key in _SHARES:
        if key in raw:
            kw[key] = float(ctx.check_type(raw[key], (int, float), f"{where}.{key}"))
            if not 0 < kw[key] < 1:
                raise ctx.fail(f"{where}.{key}", "must be a share between 0 and 1 (0.3 = 30%)")
    if "yuan_ratio" in raw:
        pair = ctx.check_type(raw["yuan_ratio"], list, f"{where}.yuan_ratio")
        if len(pair) != 2 or not all(isinstance(x, int | float) for x in pair) or not 1 < pair[0] < pair[1]:
            raise ctx.fail(f"{where}.yuan_ratio", "needs [low, high] with 1 < low < high (3000, 30000)")
        kw["yuan_ratio"] = (float(pair[0]), float(pair[1]))
    if "copy_min_letters" in raw:
        kw["copy_min_letters"] = ctx.check_type(raw["copy_min_letters"], int, f"{where}.copy_min_letters")
        if kw["copy_min_letters"] < 8:
            raise ctx.fail(f"{where}.copy_min_letters", "must be a count of letters, at least 8")
    if "yuan_ceiling" in raw:
        kw["yuan_ceiling"] = float(ctx.check_type(raw["yuan_ceiling"], (int, float), f"{where}.yuan_ceiling"))
        if kw["yuan_ceiling"] < 0:
            raise ctx.fail(f"{where}.yuan_ceiling", "must be an amount in 万元 (0: not judged)")
    return Review(**kw)


def _build_bands(ctx: _Ctx, raw: list[Any]) -> tuple[tuple[str, float, float], ...]:
    bands = []
    for i, b in enumerate(raw):
        at = f"rules.scoring.qualitative[{i}]"
        ctx.check_type(b, dict, at)
        name = ctx.need(b, "band", str, at)
        low, high = float(ctx.need(b, "min", (int, float), at)), float(ctx.need(b, "max", (int, float), at))
        if name not in BANDS:
            raise ctx.fail(f"{at}.band", f"'{name}' is not one of {'、'.join(BANDS)}")
        if not 0 <= low <= high <= 1:
            raise ctx.fail(at, f"min {low:g} and max {high:g} must be shares of the weight, 0 <= min <= max <= 1")
        bands.append((name, low, high))
    names = [b[0] for b in bands]
    if sorted(names) != sorted(BANDS):
        raise ctx.fail("rules.scoring.qualitative",
                       f"needs each band once: {'、'.join(BANDS)} (got {'、'.join(names)})")
    return tuple(bands)


def _build_tree(ctx: _Ctx, raw: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    tree: dict[str, tuple[str, ...]] = {}
    for level1, children in raw.items():
        ctx.check_type(children, list, f"tree.{level1}")
        tree[level1] = tuple(ctx.check_type(c, str, f"tree.{level1}[]") for c in children)
    if not tree:
        raise ctx.fail("tree", "needs at least one 一级指标")
    return tree


def _build_block(ctx: _Ctx, raw: dict[str, Any], i: int) -> Block:
    where = f"block[{i}]"
    name = ctx.need(raw, "name", str, where)
    where = f"block '{name}'"
    labels = tuple(
        Label(at=ctx.need(lab, "at", str, f"{where}.labels[{j}]"),
              text=ctx.need(lab, "text", str, f"{where}.labels[{j}]"),
              style=ctx.opt(lab, "style", str, f"{where}.labels[{j}]", "label"))
        for j, lab in enumerate(ctx.opt(raw, "labels", list, where, [])))
    raw_fields = ctx.opt(raw, "field", list, where, [])
    raw_row = ctx.opt(raw, "row", list, where, [])
    fields = tuple(_build_field(ctx, f, f"{where}.field[{j}]") for j, f in enumerate(raw_fields))
    row = tuple(_build_field(ctx, f, f"{where}.row[{j}]") for j, f in enumerate(raw_row))
    height = ctx.opt(raw, "header", int, where, 1) if row else ctx.need(raw, "height", int, where)
    if height < (0 if row else 1):
        raise ctx.fail(f"{where}.height", "must be at least 1")
    known = {"name", "height", "header", "heights", "row_height", "labels", "field", "row"}
    if set(raw) - known:
        raise ctx.fail(where, f"unknown key(s) {sorted(set(raw) - known)}")
    return Block(name=name, height=height, labels=labels, fields=fields, row=row,
                 heights=tuple(float(h) for h in ctx.opt(raw, "heights", list, where, [])),
                 row_height=ctx.opt(raw, "row_height", (int, float), where))


_FIELD_KEYS = {"key", "label", "at", "role", "type", "required", "min", "max", "maxlen", "choices",
               "format", "default", "rule", "args", "style", "prefillable", "hide_empty"}


def _build_field(ctx: _Ctx, raw: dict[str, Any], where: str) -> Field:
    key = ctx.need(raw, "key", str, where)
    where = f"{where} ({key})"
    if set(raw) - _FIELD_KEYS:
        raise ctx.fail(where, f"unknown key(s) {sorted(set(raw) - _FIELD_KEYS)}")
    role = ctx.need(raw, "role", str, where)
    if role not in ROLES:
        raise ctx.fail(f"{where}.role", f"'{role}' is not one of {', '.join(ROLES)}")
    ftype = ctx.need(raw, "type", str, where)
    if ftype not in TYPES:
        raise ctx.fail(f"{where}.type", f"'{ftype}' is not one of {', '.join(TYPES)}")
    maxlen = ctx.opt(raw, "maxlen", int, where)
    if maxlen is not None and not 0 < maxlen <= EXCEL_TEXT_LIMIT:
        raise ctx.fail(f"{where}.maxlen", f"must be between 1 and {EXCEL_TEXT_LIMIT} (Excel's cell limit)")
    return Field(
        key=key, label=ctx.need(raw, "label", str, where), at=ctx.need(raw, "at", str, where),
        role=role, type=ftype, required=ctx.opt(raw, "required", bool, where, False),
        min=ctx.opt(raw, "min", (int, float), where), max=ctx.opt(raw, "max", (int, float, str), where),
        maxlen=maxlen, choices=ctx.opt(raw, "choices", str, where),
        format=ctx.opt(raw, "format", str, where), default=raw.get("default"),
        rule=ctx.opt(raw, "rule", str, where), args=ctx.opt(raw, "args", dict, where, {}),
        style=ctx.opt(raw, "style", str, where),
        prefillable=ctx.opt(raw, "prefillable", bool, where, False),
        hide_empty=ctx.opt(raw, "hide_empty", bool, where, False),
    )


def _check_spec(ctx: _Ctx, spec: Spec) -> None:
    from xlsform.scoring import RULES  # scoring depends on nothing here; the import is only for names

    repeated = [b for b in spec.blocks if b.repeated]
    if len(repeated) != 1:
        raise ctx.fail("block", f"exactly one block must have indicator rows ([[block.row]]), found {len(repeated)}")
    if not 1 <= spec.indicator_rows <= 200:
        raise ctx.fail("form.indicator_rows", "must be between 1 and 200")
    keys: set[str] = set()
    for b in spec.blocks:
        for lab in b.labels:
            where = f"block '{b.name}' label '{lab.text[:10]}'"
            _check_range(ctx, lab.at, b, where)
            if lab.style not in STYLES:
                raise ctx.fail(f"{where}.style", f"'{lab.style}' is not one of {STYLES}")
        for f in b.fields:
            _check_scalar_key(ctx, f.key, b.name)
            if f.key in keys:
                raise ctx.fail(f"block '{b.name}' field {f.key}", "key is used twice")
            keys.add(f.key)
            _check_range(ctx, f.at, b, f"block '{b.name}' field {f.key}.at")
        for f in b.row:
            if f.key not in INDICATOR_COLUMNS:
                raise ctx.fail(f"block '{b.name}' row {f.key}",
                               f"unknown indicator column; use one of {INDICATOR_COLUMNS}")
            if not re.fullmatch(r"[A-Z]{1,2}", f.at):
                raise ctx.fail(f"block '{b.name}' row {f.key}.at", f"'{f.at}' must be a column letter")
    for f in spec.scalar_fields() + list(spec.indicator_block.row):
        _check_field_semantics(ctx, spec, f, keys, RULES)
    for col in ("level1", "level2", "weight", "score"):
        if spec.row_field(col) is None:
            raise ctx.fail(f"indicator row {col}", "is required in every spec")
    for key in ("code", "name", "year", "total.weight", "total.score"):
        if key not in keys:
            raise ctx.fail(f"field {key}", "is required in every spec")
    spec.scored_fund_row  # noqa: B018 - raises SpecError when no fund row is scored


def _check_scalar_key(ctx: _Ctx, key: str, block: str) -> None:
    if key in SCALAR_KEYS:
        return
    m = _FUND_KEY.match(key)
    if m and m.group(2) in FUND_COLUMNS:
        return
    raise ctx.fail(f"block '{block}' field {key}",
                   f"unknown key; use one of {', '.join(SCALAR_KEYS)} or fund.<row>.<{'|'.join(FUND_COLUMNS)}>")


def _check_range(ctx: _Ctx, at: str, block: Block, where: str) -> None:
    parts = at.split(":")
    if len(parts) > 2 or not all(_CELL.match(p) for p in parts):
        raise ctx.fail(where, f"'{at}' is not a cell or range like B1 or B1:E1")
    for p in parts:
        row = _CELL.match(p).group(2)  # type: ignore[union-attr]
        if row != "*" and not block.repeated and int(row) > block.height:
            raise ctx.fail(where, f"'{at}' is below the block, which has {block.height} row(s)")


def _check_field_semantics(ctx: _Ctx, spec: Spec, f: Field, keys: set[str], rules: dict[str, Any]) -> None:
    where = f"field {f.key}"
    if f.role == "computed":
        if f.rule not in rules:
            raise ctx.fail(f"{where}.rule", f"'{f.rule}' is not a known rule; known: {', '.join(sorted(rules))}")
        for name, ref in f.args.items():
            for r in ref if isinstance(ref, list) else [ref]:
                if not isinstance(r, str):
                    raise ctx.fail(f"{where}.args.{name}", "must name a field key")
                if not (r in keys or (r.startswith("ind.*.") and spec.row_field(r[6:]) is not None)):
                    raise ctx.fail(f"{where}.args.{name}", f"'{r}' names no field of this spec")
    elif f.rule:
        raise ctx.fail(f"{where}.rule", "only computed fields have a rule")
    if f.choices is not None and f.choices not in ("level1", "level2", "nature"):
        raise ctx.fail(f"{where}.choices", "must be level1, level2 or nature")
    if isinstance(f.max, str) and spec.row_field(f.max) is None:
        raise ctx.fail(f"{where}.max", f"'{f.max}' names no field of the indicator row")
    if f.style is not None and f.style not in STYLES:
        raise ctx.fail(f"{where}.style", f"'{f.style}' is not one of {STYLES}")
    if f.prefillable and f.role != "input":
        raise ctx.fail(f"{where}.prefillable", "only an input field can be made prefillable (a prefill field is)")
    if f.hide_empty and (f.role == "computed" or f.key not in INDICATOR_COLUMNS):
        raise ctx.fail(f"{where}.hide_empty", "only an indicator column that is not computed can be hidden")
