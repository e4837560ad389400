"""Generate docs/findings.md from the finding catalogue: `python -m xlsform.docs [OUT]`.

The page is generated, never edited by hand; tests/test_findings_doc.py fails when it drifts from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from xlsform.codes import CATALOGUE, REVIEW_CLASSES, Code

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "findings.md"
SECTIONS = (
    ("XF1", "文件与一致性 (the file: format, safety, integrity against the spec and the manifest)"),
    ("XF2", "数值 (values: normalisation and values that cannot be read as their type)"),
    ("XF3", "填写完整性 (completeness)"),
    ("XF4", "计算 (arithmetic)"),
    ("XF5", "合理性 (plausibility)"),
    ("XF9", "批量 (the batch)"),
)
SEVERITY = {"error": "错误 error", "warning": "警告 warning", "info": "提示 info"}
HEADER = """# Findings

<!-- Generated from xlsform/codes.py by `python -m xlsform.docs`; do not edit by hand. -->

Every problem `xlsform read` and `xlsform check` report has a stable code, a severity and a Chinese message
that says where (sheet!cell and the field), what is wrong and how to fix it. Codes are never reused for
another meaning. In the message templates, `{cell}` is the sheet and cell, `{field}` the printed label of
the field, `{value}` what the file holds and `{expected}` what it should hold.

Severity: **error** — must be fixed before the return is accepted (`xlsform check` exits 1);
**warning** — look at it; **info** — xlsform normalised something and says so.

`xlsform check FILE|DIR... [--manifest FILE] [--json] [--annotate DIR] [--errors-only] [--jobs N] [--force]` exits 0
when no file has errors, 1 when any file has errors or cannot be read, 2 when the command itself cannot run. With
`--json` it prints a list with one object per file: `file`, `sha256`, `status` (`ok`, `warnings`, `errors`,
`unreadable`), `errors`, `warnings`, `record` (null when unreadable) and `findings`, each finding with `code`,
`severity`, `message`, `file`, `sheet`, `cell`, `field` (the printed label), `key` (the field key), `value` (what
the file holds) and `expected`. `--annotate DIR` writes `<code>_<name>_校验.xlsx`, named for the unit, for each
readable return: the form as sent (a changed locked cell put back, XF921), with the unit's values (text it typed
where a number belongs stays visible), a comment and a highlight on every cell with a finding, and a 校验结果 sheet
listing them all with links to the cells. A copy the unit corrects and sends back is a return like any other; a
re-run replaces only the copies it wrote itself for the same returns, and a unit's next return whose name is taken
gets `(2)`, `(3)` ... (XF920 only past 100). Without `--manifest`, locked prefilled cells are compared with the
copy of the prefilled data each workbook carries (XF161).

Thresholds (the execution rate below which a reason is required, the self-score tolerance, the weight
split, the grade bands, regional caps) come from the spec's `[rules]`, not from the code.
"""


def _row(c: Code) -> str:
    cells = (f"`{c.code}`", SEVERITY[c.severity], c.title, c.message, c.fix)
    return "| " + " | ".join(x.replace("|", "\\|").replace("\n", " ") for x in cells) + " |"


def render() -> str:
    parts = [HEADER]
    for prefix, title in SECTIONS:
        codes = [c for k, c in sorted(CATALOGUE.items()) if k.startswith(prefix)]
        if not codes:
            continue
        parts.append(f"\n## {title}\n\n| 代码 | 级别 | 问题 | 信息模板 | 修改方法 |\n|---|---|---|---|---|")
        parts.extend(_row(c) for c in codes)
    parts.append(REVIEW_HEADER)
    parts.extend(f"| {n} | {title} | {'、'.join(codes)} |" for n, title, codes in REVIEW_CLASSES)
    return "\n".join(parts) + "\n"


REVIEW_HEADER = """
## 审核要点 (what a performance reviewer flags, and the codes that report it)

The classes of issue 19, read over the meaning of the cells with each spec's `[rules.review]` (docs/specs.md).
Recall and false alarms per class on the reviewer's corpus of real published forms are in the README's "Forms
and rules" section (`python -m tests.helpers_corpus`).

| 类 | 审核要点 | 代码 |
|---|---|---|"""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DOC_PATH
    out.write_text(render(), encoding="utf-8")
    print(f"wrote {out} ({len(CATALOGUE)} codes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
