"""Commands `specs`, `describe` and `generate`: what the forms look like, and the workbooks to send out."""

from __future__ import annotations

import json
import os
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from xlsform.cli import jobs_option, jobs_or_all, main, spec_named

if TYPE_CHECKING:
    from xlsform.generate import Added
    from xlsform.layout import Place
    from xlsform.roster import Unit
    from xlsform.spec import Spec

DEFAULT_SPEC = "wangcheng"
PROGRESS_ABOVE = 50
ROLE_LABEL = {"prefill": "预填", "input": "填报", "computed": "公式"}


@main.command()
def specs() -> None:
    """列出内置的表样规格（名称、版本、表名）。

    \b
    Example:
        xlsform specs
    """
    from xlsform.spec import builtin_names, load_spec

    for name in builtin_names():
        spec = load_spec(name)
        default = "  (默认)" if name == DEFAULT_SPEC else ""
        click.echo(f"{name:<12} {spec.version:<8} {spec.name}{default}")


def field_info(place: Place, spec: Spec) -> dict[str, Any]:
    """One field as `describe --json` lists it (other tools fill or read a workbook by `name`)."""
    f = place.field
    return {
        "name": place.name, "key": place.key, "label": f.label, "sheet": spec.sheet, "cell": place.ref,
        "range": place.range_ref, "role": f.role, "type": f.type, "required": f.required,
        "min": f.min, "max": f.max, "choices": f.choices, "prefillable": f.locks_when_given,
    }


@main.command()
@click.argument("spec")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 字段列表（供其他程序按名称填写或读取），而不是表格。")
def describe(spec: str, as_json: bool) -> None:
    """列出规格 SPEC（内置名称或 .toml 文件）的每个字段：定义名称、标签、工作表、单元格、角色、类型。

    \b
    Example:
        xlsform describe wangcheng
        xlsform describe project --json > fields.json
    """
    from xlsform.layout import Layout

    s = spec_named(spec)
    layout = Layout(s)
    if as_json:
        fields = [field_info(p, s) for p in layout.places.values()]
        click.echo(json.dumps(fields, ensure_ascii=False, indent=1))
        return
    click.echo(f"{s.name}  ({s.id} {s.version}; 工作表「{s.sheet}」; 指标 {layout.n} 行)")
    for p in layout.places.values():
        if p.index is None:
            click.echo(_row(p.name, p.range_ref, p.field.role, p.field.type, p.field.label, p.field.prefillable))
    click.echo(f"指标行（第 1–{layout.n} 行，名称中的 NN 为 01–{layout.n:02d}）：")
    for column in layout.indicator_columns():
        first = layout.place(f"ind.1.{column}")
        cells = layout.column_range(column)
        click.echo(_row(first.name.replace("_01_", "_NN_"), cells, first.field.role, first.field.type,
                        first.field.label))


def _row(name: str, cell: str, role: str, ftype: str, label: str, prefillable: bool = False) -> str:
    note = "（名册可预填，预填后锁定）" if prefillable else ""
    return f"  {name:<34} {cell:<10} {ROLE_LABEL.get(role, role)}/{role:<9} {ftype:<9} {label}{note}"


@main.command()
@click.argument("roster", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="输出目录（与 --blank 一起时为输出文件）。")
@click.option("--spec", "spec_name", default=DEFAULT_SPEC, show_default=True, help="表样规格：内置名称或 .toml 文件。")
@click.option("--year", type=click.IntRange(2000, 2100), help="所有单位的年度（覆盖名册中的年度）。")
@click.option("--indicators", type=click.Path(dir_okay=False, path_type=Path),
              help="指标文件（CSV 或 XLSX），每个单位每个指标一行。")
@click.option("--previous", "previous_path", type=click.Path(exists=True, path_type=Path), metavar="上年",
              help="上年的报送表（文件夹，任何表样），或上年的 manifest.json / 数据库所在的文件夹：未在 --indicators "
                   "中给出指标的单位沿用上年的指标表（目标值由单位填写或修改），并在锁定的「上年完成值」列中显示"
                   "上年的实际完成值。")
@click.option("--password", help="工作表保护密码（默认随机生成，记录在 manifest.json 中）。")
@jobs_option
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖（原清单先备份，保护密码沿用原清单的）。")
@click.option("--blank", is_flag=True, help="只生成一份空白模板，写入 -o 给出的文件。")
@click.option("--add", "add", is_flag=True,
              help="向已下发的一轮（-o 目录中已有 manifest.json）增补名册中的新单位：沿用本轮的保护密码，"
                   "已下发单位的表格和清单记录不变。")
@click.option("--reissue", multiple=True, metavar="CODE",
              help="重新下发某单位的表格（按名册重新生成，原表格的预填数据记入清单的 history）；可重复。")
def generate(roster: Path | None, output: Path, spec_name: str, year: int | None, indicators: Path | None,
             previous_path: Path | None, password: str | None, jobs: int | None, force: bool, blank: bool,
             add: bool, reissue: tuple[str, ...]) -> None:
    """按名册 ROSTER（CSV 或 XLSX）为每个单位生成一份锁定、预填的自评表。

    表格写入 -o 目录下的 forms/（只含下发的表格，整体发给各单位）；manifest.json 写在 -o 目录中，
    含保护密码和预填数据，留在本处，不要外发。

    先检查名册：有任何问题时按行、列列出全部问题，不写任何文件。已存在的文件不加 --force 不会被覆盖。

    --previous 给出上年的报送表时，按单位编码（其次按名称）找到各单位上年的报送：未给出指标的单位沿用上年的
    指标表，每个指标旁显示上年完成值；名称相近而对照的单位会列出，请在下发前核对。

    名册中可给出规格允许预填的填报项（如财政系统导出的全年执行数 fund.total.spent），这些单元格随之锁定。

    一轮已经下发后：--add 按新的名册只为新增单位生成表格（沿用本轮密码，已下发的不动）；--reissue CODE
    重新下发某一单位的表格并在清单中留下记录。清单被改写前总是先备份为 manifest.backup-<时间>.json。

    \b
    Example:
        xlsform generate examples/roster.csv --indicators examples/indicators.csv -o out/
        xlsform generate roster-新增.csv --indicators indicators.csv -o out/ --add
        xlsform generate roster.csv --indicators indicators.csv -o out/ --reissue 430112002
        xlsform generate --blank --spec project --year 2024 -o 空白模板.xlsx
        xlsform generate examples/roster.csv --previous examples/returns/wangcheng --year 2021 -o out2021/
    """
    from xlsform.generate import FORMS_DIR, add_units, generate_units, write_blank
    from xlsform.manifest import MANIFEST_NAME
    from xlsform.roster import load_roster

    spec = spec_named(spec_name)
    if blank:
        if roster is not None:
            raise click.UsageError("--blank 不需要名册 ROSTER")
        used = write_blank(output, spec, year=year, password=password, force=force)
        click.echo(f"已生成空白模板 {output}")
        if password is None:
            click.echo(f"工作表保护密码（随机生成，请妥善保存）：{used}", err=True)
        return
    if roster is None:
        raise click.UsageError("缺少名册 ROSTER（或使用 --blank 生成空白模板）")
    units = load_roster(roster, spec, indicators=indicators, year=year)
    if previous_path is not None:
        _carry(units, spec, previous_path, jobs)
    if add or reissue:
        if password is not None or force:
            raise click.UsageError("--add / --reissue 沿用本轮清单中的保护密码，且从不覆盖已下发的表格："
                                   "不能与 --password 或 --force 同用")
        with _progress(len(units)) as bar:
            done = add_units(units, spec, output, reissue=reissue, jobs=jobs_or_all(jobs),
                             progress=bar.update if bar is not None else None)
        _say_added(done, output)
        # about the forms written now: the units already sent were told when theirs were generated
        written = {u.code for u in (*done.added, *done.reissued)}
        _say_about([u for u in units if u.code in written], spec, indicators, previous_path)
        return
    _say_about(units, spec, indicators, previous_path)
    with _progress(len(units)) as bar:
        manifest = generate_units(units, spec, output, password=password, jobs=jobs_or_all(jobs), force=force,
                                  progress=bar.update if bar is not None else None)
    forms = output / FORMS_DIR
    click.echo(f"已生成 {len(manifest.units)} 个工作簿 → {forms}{os.sep}\n"
               f"  发给各单位：{forms}{os.sep} 目录（其中只有下发的表格，可整体打包发送）\n"
               f"  留在本处、不要外发：{output / MANIFEST_NAME}（含工作表保护密码和各单位的预填数据；"
               "检查、汇总时用 --manifest 给出）")
    if manifest.backup is not None:
        click.echo(f"原清单已备份为 {manifest.backup}（其中有已下发表格的密码和预填数据）；"
                   "本轮沿用原保护密码" if password is None else f"原清单已备份为 {manifest.backup}", err=True)
    elif password is None:
        click.echo("工作表保护密码为随机生成，已记录在清单 manifest.json 的 password 中", err=True)


SHOWN_UNITS = 20     # units named one a line on stderr before "……等 N 个"


def _say_about(units: list[Unit], spec: Spec, indicators: Path | None, previous_path: Path | None) -> None:
    """What the office should know about the forms being generated, before they go out: units without
    indicators, what the roster read as something else, weights off the spec's split, and what checking the
    returns would say about the office's own locked content."""
    if not units:
        return
    if previous_path is None and indicators is None:
        click.echo("注意：未给出 --indicators，每个单位都将得到一张空白的指标表，由单位自行填写指标；"
                   "如指标已随预算批复，请用 --indicators 给出指标文件。", err=True)
    elif previous_path is None and indicators is not None:
        _say_without_indicators(units, indicators)
    for note in (n for u in units for n in u.notes):
        click.echo(f"[提示] {note}", err=True)
    split = [w for u in units for w in u.warnings]
    for warning in split:
        click.echo(f"[注意] {warning}", err=True)
    if split:
        click.echo(f"[注意] 共 {len(split)} 个单位的分值分配与规定不符。如非有意，请修改指标文件后重新生成"
                   "（已生成的加 --force；已下发的用 --reissue）。", err=True)
    _say_office_findings(units, spec)


def _say_without_indicators(units: list[Unit], indicators: Path) -> None:
    """A unit the indicators file has no row for gets an open table to fill itself: said, with its code, since
    a code mistyped in the indicators file (or its zeros lost) looks exactly like that."""
    bare = [u for u in units if not any(k.startswith("ind.") for k in u.values)]
    if not bare:
        return
    click.echo(f"[注意] 指标文件 {indicators.name} 中没有以下 {len(bare)} 个单位的指标，其表格的指标表留空，"
               "由单位自行填写；如不是有意为之，请核对指标文件中的单位编码：", err=True)
    for u in bare[:SHOWN_UNITS]:
        click.echo(f"  {u.code} {u.name}", err=True)
    if len(bare) > SHOWN_UNITS:
        click.echo(f"  ……等 {len(bare)} 个", err=True)


def _say_office_findings(units: list[Unit], spec: Spec) -> None:
    """What checking the returns would say about the office's own locked content (a target that is no value,
    template text left in): said here, once, before the forms go out; checks against the manifest then leave
    it out of every return, since the unit cannot change a locked cell (checks/office.py)."""
    from xlsform.checks.office import review_sent

    found = review_sent(units, spec)
    if not found:
        return
    click.echo(f"[注意] 下发内容中有 {len(found)} 处检查时会提示的问题（在单位的表中已锁定，单位不能修改，"
               "检查报送时不再向单位提示；如需改正，请修改名册或指标文件后重新生成，已下发的用 --reissue）：",
               err=True)
    for one in found[:SHOWN_UNITS]:
        (code, name), more = one.units[0], len(one.units) - 1
        who = f"{code} {name}" + (f" 等 {len(one.units)} 个单位" if more else "")
        click.echo(f"  {one.finding.code} {one.finding.message}（{who}）", err=True)
    if len(found) > SHOWN_UNITS:
        click.echo(f"  ……等 {len(found)} 处", err=True)


def _carry(units: list[Unit], spec: Spec, previous_path: Path, jobs: int | None) -> None:
    """Prefill from last year's returns and say what was taken, what was not, and what to confirm."""
    from xlsform.previous import source
    from xlsform.previous.carry import carry

    last = source.load(previous_path, kind=spec.kind, jobs=jobs_or_all(jobs), progress=True)
    click.echo(last.summary(), err=True)
    for line in carry(units, last, spec).lines():
        click.echo(line, err=True)


def _say_added(done: Added, output: Path) -> None:
    from xlsform.generate import FORMS_DIR
    from xlsform.manifest import MANIFEST_NAME

    forms = output / FORMS_DIR
    if not done.added and not done.reissued:
        click.echo(f"名册中的单位都已在本轮清单中，未生成新表格（{output / MANIFEST_NAME}）")
    if done.added:
        click.echo(f"已向本轮增补 {len(done.added)} 个单位，表格在 {forms}{os.sep}，只需发给这些单位：")
        for u in done.added:
            click.echo(f"  {u.code} {u.name}：{u.file}")
    for u in done.reissued:
        click.echo(f"已重新下发 {u.code} {u.name}：{u.file}（原表格的预填数据已记入清单 history）")
    for code in done.differing:
        click.echo(f"[注意] 单位 {code} 在名册中的数据与已下发的不同，其表格未重新生成；"
                   f"如需重新下发请加 --reissue {code}", err=True)
    if done.manifest.backup is not None:
        click.echo(f"清单已更新，原清单备份为 {done.manifest.backup}", err=True)


def _progress(total: int) -> AbstractContextManager[Any]:
    """A progress bar on stderr for an interactive or a large run; nothing for a small scripted one."""
    if sys.stderr.isatty() or total > PROGRESS_ABOVE:
        return click.progressbar(length=total, label="生成工作簿", file=sys.stderr)
    return nullcontext(None)
