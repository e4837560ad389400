"""The reviewer's audit of the checks on real forms: every error and warning `xlsform check` raises on the
forms of tests/legacy/ (all three sets) and of examples/ (legacy, lastyear, returns), each judged by hand as
a performance reviewer judges it, in review_verdicts.toml.

    python tests/legacy/audit.py            # counts per code and per form, and what is not judged yet
    python tests/legacy/audit.py --list     # also every finding with its verdict

A verdict is one of
  T   true: a reviewer writes it there;
  T*  true on the file as transcribed: the published copy ends (or is unreadable) there, so the form as
      held lacks what the complete one has;
  A   arguable: a reviewer might or might not write it (the reason is given);
  D   redundant: the same problem another finding already reports at the same place;
  F   false: a reviewer would not write it (the form is right, or the rule cannot apply to it).
A verdict names its finding by form, code, sheet!cell and, when the same code repeats at one cell, #n.
A judged finding the checks no longer raise is listed as gone: a gone T or T* is a miss to look at, unless
its verdict names the finding that now says it ("→ XF542").
The verdicts were written by hand on the findings of main at 39d2073, before any rule was changed
(docs/review-audit.md); findings that appeared since are judged in the same file.
"""

from __future__ import annotations

import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SETS = (
    ("corpus", HERE / "forms", None),
    ("held-out", HERE / "forms_holdout", None),
    ("held-out-2", HERE / "forms_holdout2", None),
    ("examples/legacy", ROOT / "examples" / "legacy", None),
    ("examples/lastyear", ROOT / "examples" / "lastyear", None),
    ("examples/returns", ROOT / "examples" / "returns" / "wangcheng", "manifest.json"),
    ("examples/returns", ROOT / "examples" / "returns" / "zhuzhou", "manifest.json"),
)
VERDICTS = HERE / "review_verdicts.toml"
KINDS = ("F", "D", "A", "T*", "T")
COUNTED = {"XF406"}   # an info finding counted here: the split it reports is nonsense on a form printing no weights


def findings() -> list[tuple[str, str, str, str, str]]:
    """(set, form, severity, code, label) of every error and warning (and XF406) on the audited forms;
    examples/legacy holds copies of corpus forms and shares their verdicts."""
    from xlsform.check import check_paths
    from xlsform.manifest import Manifest

    out = []
    for name, folder, manifest in SETS:
        m = Manifest.load(folder / manifest) if manifest else None
        paths = sorted(p for p in folder.iterdir() if p.suffix in (".xlsx", ".xls"))
        seen: Counter[tuple[str, str, str]] = Counter()   # by file: a workbook of two forms is one file
        for result in check_paths(paths, manifest=m):
            stem = Path(result.file).stem
            for f in result.findings:
                if f.severity == "info" and f.code not in COUNTED:
                    continue
                place = f"{f.sheet or ''}!{f.cell or '—'}"
                seen[(stem, f.code, place)] += 1
                n = seen[(stem, f.code, place)]
                label = f"{f.code} {place}" + (f" #{n}" if n > 1 else "")
                out.append((name, stem, f.severity, f.code, label))
    return out


def main(argv: list[str]) -> int:
    verdicts = tomllib.loads(VERDICTS.read_text(encoding="utf-8"))
    by_code: dict[str, Counter[str]] = defaultdict(Counter)
    by_form: dict[str, Counter[str]] = defaultdict(Counter)
    unjudged, raised, lines = [], set(), []
    for name, form, severity, code, label in findings():
        text = verdicts.get(form, {}).get(label)
        if name != "examples/legacy":
            raised.add((form, label))
        if text is None:
            unjudged.append(f"{form}: {severity} {label}")
            continue
        kind = text.split(" ", 1)[0]
        key = f"{kind} {severity}" if kind == "F" else kind
        if name != "examples/legacy":   # copies of corpus forms: counted once, with the corpus
            by_code[code][key] += 1
            by_form[form][key] += 1
        lines.append(f"{form}\t{severity}\t{label}\t{text}")
    gone = [f"{form}: {label} = {text}" for form, items in verdicts.items() for label, text in items.items()
            if (form, label) not in raised]
    columns = ("F error", "F warning", "F info", "D", "A", "T*", "T")
    print("| code | " + " | ".join(columns) + " |\n|---|" + "---|" * len(columns))
    for code in sorted(by_code):
        print(f"| {code} | " + " | ".join(str(by_code[code][c] or "") for c in columns) + " |")
    total = sum((c for c in by_code.values()), Counter())
    print("| all | " + " | ".join(str(total[c]) for c in columns) + " |\n")
    print("| form | " + " | ".join(columns) + " |\n|---|" + "---|" * len(columns))
    for form in sorted(by_form):
        print(f"| {form} | " + " | ".join(str(by_form[form][c] or "") for c in columns) + " |")
    if "--list" in argv:
        print("\n" + "\n".join(lines))
    missed = [g for g in gone if " = T" in g and "→" not in g]
    print(f"\ngone (judged, no longer raised): {len(gone)}, of which T or T* not said by another: {len(missed)}")
    for g in gone:
        if g in missed or "--list" in argv:
            print("  gone " + g)
    for u in unjudged:
        print("  unjudged " + u)
    return 1 if unjudged else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv))
