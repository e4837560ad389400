"""Year on year: last year's returns brought into this year's round.

- `source`: last year's returns — a folder of them, or last year's store or manifest — read through the
  ordinary entry point (`check.check_paths`), so every form the reader reads is last year's data too; one
  return per unit, the newest.
- `match`: last year's returns matched to this year's units (by code, else by name, similar names only when
  the match is unambiguous and listed for the clerk), and indicators within a unit (by 一级/二级 and 三级).
- `compare`: `merge --previous` — last year's total, grade, rate, target and actual beside this year's, and
  the findings only two years show (XF520, XF521).
- `carry`: `generate --previous` — next year's forms prefilled from this year's returns (the indicator table,
  上年完成值).
"""
