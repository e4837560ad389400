# ruff: noqa: E501 - transcribed form text is kept on one line with its cell
"""Build tests/legacy/forms_holdout3/: a THIRD held-out set of hand-made forms the importer was not written against.

    python tests/legacy/make_holdout3.py [NAME ...]     (LibreOffice is needed for the .xls and LO fixtures)

Written by someone who had not read xlsform/importer/ (only docs/import.md and the [import] vocabularies),
from published forms that none of tests/legacy/forms/, forms_holdout/, forms_holdout2/ nor
tests/fixtures/reviewer/ uses (each fixture's SOURCE). Chosen for what the earlier sets lacked: a fund
block with the kinds of money as COLUMNS (中央 | 省、地 | 本级 | 其他 | 合计 | 执行数) and a scored 项目决策 /
项目管理 block above the indicator table (广水); the budget column named 年初预算数(A) that the rate divides
by, and a 得分计算方法 column (北京 海淀); a project score sheet and a 部门整体 score sheet stacked on one sheet
with the report's text between them, their 一级 项目决策 / 部门决策 / 综合管理, not 产出 / 效益, weights only
inside the labels ("相关性(5分)") and no 分值 column (2017 得分表); the 财政局(制) 项目绩效评价报告 cover with
计划安排资金 / 实际到位资金 / 实际支出 printed as label-value pairs across one row, the sources of money
under each, and the expense ledger (支出内容 | 实际支出数 | 会计凭证号) below (岳阳县, 遵化); a report whose
text and 评分表 share a sheet, its title naming the template's year, not the form's (仪陇); a township's
narrative report (于都 寺下镇). Each is laid out as the unit typed it, with the noise its copy shows.

The record each should give was written by hand in expected_holdout3/ and committed before the importer
first ran on any of them, so `python tests/legacy/measure.py held-out-3` is a third honest estimate.

The stored copies are web pages or text taken out of a PDF or a .docx: most end before the form does, and a
few garble characters ("7,00.0,77" is printed so in the source). A form is transcribed up to where its copy
is clear; each SOURCE note says what is left out. Nothing is added that the source does not print, except
the header row of one table whose copy starts below it (said where).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from book import BookDesc, Fixtures, Formula, rows_at  # noqa: E402

OUT = HERE / "forms_holdout3"
PCT = "0.00%"
PCT0 = "0%"
MONEY = "#,##0.00"

FIXTURES = Fixtures(OUT)   # name -> (file, builder, writer)
fixture = FIXTURES.add


# ---------------------------------------------------------------------------------------------- T01
# SOURCE: https://pdf.wenkuvip.com/archives/bqg98jldqkx8g2xm7pe6.html — 广水市交通运输局2021年度乡村道路项目
# 自评表.pdf (Hubei, Suizhou; 填报日期 2022年8月10日). 广水市财政预算支出项目绩效目标自评表: 自评总分 printed at
# the top; the money by SOURCE as columns (中央 | 省、地 | 本级 | 其他 | 合计 | 执行数 | 执行率), one row; a
# scored block 项目权重 | 评价内容 | 分值 | 自评分 | 复核分 | 评价标准及依据 (项目决策 2分, 项目管理 13分) BEFORE
# the indicator table; the indicator table under "项目年度目标1：…" with a fourth level on its left (项目绩效
# 85分), the weights only inside the 一级 / 二级 labels ("数量指标 15分"), 年初指标值 / 年终完成值 / 自评分 /
# 复核分 (empty) / 评价标准. The PDF's text does not show which source column the first 309 stands in: it is put
# under 本级 (a county's own road money). The copy ends after the 质量指标 row names (their values are lost):
# transcribed up to there. The 项目决策 / 项目管理 block has no 一级/二级/三级 and no target or actual: it scores
# the management of the project, not an indicator of it, and is no indicator row of the record.
@fixture("T01_guangshui_roads.xlsx", "xlsxwriter")
def t01_guangshui_roads() -> BookDesc:
    b = BookDesc()
    s = b.sheet("乡村道路")
    s.merge("A1:I1", "广水市财政预算支出项目绩效目标自评表")
    s.merge("A2:D2", "填报日期：2022年8月10日")
    s.merge("F2:G2", "自评总分：")
    s.put("H2", 95)
    s.put("A3", "项目名称")
    s.merge("B3:D3", "乡村道路建设养护项目")
    s.put("E3", "项目主管单\n位")
    s.merge("F3:I3", "广水市交通运输局")
    s.put("A4", "项目实施单位")
    s.merge("B4:D4", "广水市交通运输局")
    s.put("E4", "项目负责人")
    s.merge("F4:I4", "孙章勇")
    s.put("A5", "项目属性")
    s.merge("B5:I5", "1、常年性☑  2、延续性□  3、一次性□  4、新增性□")
    s.merge("A6:A7", "项目资金\n来源")
    s.row("B6", ["中央\n（万元）", "省、地\n（万元）", "本级\n（万元）", "其他\n（万元）", "合计\n（万元）", "执行数\n（万元）", "执行\n率"])
    s.put("D7", 309)
    s.put("F7", 309)
    s.put("G7", 309)
    s.put("H7", 1, PCT0)
    s.put("A8", "项目年度目\n标")
    s.merge("B8:I8", "1.完成乡村道路建设养护里程 300 公里；\n2.\n3.")
    s.put("A9", "单位领导审签：")
    s.row("A10", ["项目权重", "评价内容", "分值", "自评分", "复核分"])
    s.merge("F10:I10", "评价标准及依据")
    s.put("A11", "项目决策\n2 分")
    s.row("B11", ["决策依据", 2, 2])
    s.merge("F11:I11", "有项目年度工作计划或有上级文件或审批报告计 2 分，没有不得分。")
    s.merge("A12:A15", "项目管理\n13 分")
    rows_at(s, 12, "B C D", [["财务制度", 3, 3], ["组织机构", 2, 2], ["运行监管", 4, 4], ["目标申报", 4, 4]])
    s.merge("F12:I12", "1、单位财务管理制度 1 分；\n2、项目管理制度 1 分；\n3、有制度执行佐证资料 1 分。没有不得分。")
    s.merge("F13:I13", "有明确的绩效管理机构或专人负责 2 分。没有不得分")
    s.merge("F14:I14", "1、运行监管记录 3 分；\n2、填报《项目支出绩效监控表》1 分。没有不得分。")
    s.merge("F15:I15", "1、项目绩效目标全申报的 1 分，缺一项扣 0.5 分，扣完为止；\n2、绩效目标规范 1 分，不规范扣 0.5 分；\n3、按时申报绩效目标计 2 分，逾期扣 1 分。")
    s.merge("A16:I16", "项目年度目标 1：乡村道路建设养护项目")
    s.row("B17", ["一级\n指标", "二级\n指标", "指标名称\n（三级指标）", "年初指\n标值", "年终完\n成值", "自评\n分", "复核\n分", "评价标准"])
    s.merge("A18:A20", "项目\n绩效\n85 分")
    s.merge("B18:B20", "产出\n指标\n40 分")
    s.put("C18", "数量指\n标\n15 分")
    s.merge("C19:C20", "质量指\n标\n12 分")
    s.row("D18", ["乡村道路建设\n养护里程", "300 公\n里", "300 公\n里", 15])
    s.put("I18", "1、提供三级指标完成程度的佐证资料；\n2、三级指标分值按三级指标个数平均确定（15 分÷三级指标个数），四舍五入保留整数。")
    s.put("D19", "农村公路建设\n验收合格率")
    s.put("D20", "农村公路养护\n验收合格率")
    s.width("I", 36)
    return b


# ---------------------------------------------------------------------------------------------- T02
# SOURCE: https://www.wenku365.com/s-60761775.html — 项目支出绩效自评表(2016年度), 【体制】自管道路清扫保洁外包
# 工作经费, 北京市海淀区人民政府学院路街道办事处 / 学院路街道城市运行服务中心 (Beijing). Beijing's 2016 template:
# the only budget column is "年初预算数(A)" — the A the rate B/A divides by; 分值(10分) as a header; a
# 得分计算方法 column beside the fund score and another between 全年实际值(B) and 得分 in the indicator table;
# 主管部门及代码; 年度总体目标 with its goal and the account of it side by side under no sub-heading (the copy
# prints none). The rate printed 50% (154.74 / 310.2 is 49.88%). The copy ends inside the second indicator's
# name ("是否达到国…"): transcribed up to the first indicator, whose four figures the copy runs together as
# "12.51 | 2.512.5 … 12.5" across a page break (12.5 each). Saved as .xls by LibreOffice.
@fixture("T02_haidian_street.xls", "openpyxl+lo")
def t02_haidian_street() -> BookDesc:
    b = BookDesc()
    s = b.sheet("自评表")
    s.merge("A1:J1", "项目支出绩效自评表")
    s.merge("A2:J2", "（2016年度）")
    s.put("A3", "项目名称")
    s.merge("B3:J3", "【体制】自管道路清扫保洁外包工作经费")
    s.put("A4", "主管部门及代码")
    s.merge("B4:E4", "北京市海淀区人民政府学院路街道办事处")
    s.put("F4", "实施单位")
    s.merge("G4:J4", "北京市海淀区学院路街道城市运行服务中心")
    s.merge("A5:A8", "项目资金\n（万元）")
    s.row("C5", ["年初预算数(A)", "全年执行数(B)", "分值（10分）", "执行率(B/A)", "得分"])
    s.merge("H5:J5", "得分计算方法")
    s.row("B6", ["年度资金总额：", 310.2, 154.74, 10])
    s.put("F6", 0.5, PCT0)
    s.put("G6", 5)
    s.merge("H6:J8", "执行率*该指标分值，最高不得超过分值上限。")
    s.row("B7", ["其中：本年一般公共预算拨款", 310.2, 154.74])
    s.put("B8", "其他资金")
    s.put("A9", "年度总体目标")
    s.merge("B9:F9", "通过规范地区自管道路清扫保洁外包工作经费工作专项资金的使用，明确专项资金使用目的，实现科学管理，充分发挥项目资金在地区自管小区、小广告、三级以下道路、无主垃圾渣土清运及重大活动环境卫生保障工作中的作用，将自管道路保洁进行外包，更好的服务于本地区政治、经济、文化等各项事业的发展")
    s.merge("G9:J9", "按照年初设定目标，将辖区20条城市道路清扫保洁、4处居民生活区小广场清扫保洁业务通过公开招投标方式进行了外包，通过地区自管道路清扫保洁外包项目的实施，使地区环境卫生及社区环境更加优美，为建设全国文明城区及建设美丽学院路做出了贡献")
    s.row("A10", ["一级指标", "二级指标", "三级指标", "分值", "年度指标值(A)", "全年实际值(B)", "得分计算方法", "得分"])
    s.merge("I10:J10", "未完成原因分析")
    s.put("A11", "产出指标（50分）")
    s.row("B11", ["数量指标", "是否完成绩效目标申报表中申报的数量", 12.5, 12.5, 12.5,
                  "完成值达到指标值，记满分；未达到指标值，按B/A或A/B*该指标分值记分。", 12.5])
    s.width("C", 28)
    return b


# ---------------------------------------------------------------------------------------------- T03
# SOURCE: https://1wenmi.com/doc/330418.html — 2020年度长江禁捕项目自评表 (单位名称：农业工作科, 项目名称 渔业成品
# 油价格改革补贴, 主管部门 区市场监督管理局; the province is not printed). The 预算数(A) / 执行数(B) / 得分(20分*执行率)
# template with check-box rows (项目类别, 项目属性, 项目类型), no 分值 column, the indicators under a vertical
# "年度绩效目标1（80分）" block, an empty 效益指标 row, the 满意度 actual typed "≥90%" (the copy's OCR prints
# "290%"), 总分 100 merged across, two closing lines and the notes. 填报日期 is left blank in the source. The
# rate is a formula. Written by xlsxwriter, saved as .xls by LibreOffice.
@fixture("T03_jinbu_fishery.xls", "xlsxwriter+lo")
def t03_jinbu_fishery() -> BookDesc:
    b = BookDesc()
    s = b.sheet("禁捕")
    s.merge("A1:G1", "2020年度长江禁捕项目自评表")
    s.merge("A2:D2", "单位名称：农业工作科")
    s.merge("E2:G2", "填报日期：")
    s.put("A3", "项目名称")
    s.merge("B3:G3", "渔业成品油价格改革补贴")
    s.put("A4", "主管部门")
    s.merge("B4:C4", "区市场监督管理局")
    s.put("D4", "项目实施单位")
    s.merge("E4:G4", "农业科")
    s.put("A5", "项目类别")
    s.merge("B5:G5", "1、部门预算项目☑  2、市直专项□  3、市对下转移支付项目□")
    s.put("A6", "项目属性")
    s.merge("B6:G6", "1、持续性项目☑  2、新增性项目□")
    s.put("A7", "项目类型")
    s.merge("B7:G7", "1、常年性项目☑  2、延续性项目□  3、一次性项目□")
    s.merge("A8:B8", "预算执行情况（万元）\n（20分）")
    s.row("C8", ["预算数(A)", "执行数(B)", "执行率(B/A)"])
    s.merge("F8:G8", "得分\n（20分*执行率）")
    s.merge("A9:B9", "年度财政资金总额")
    s.row("C9", [1.56, 1.56])
    s.put("E9", Formula("=D9/C9", 1), PCT0)
    s.merge("F9:G9", 20)
    s.merge("A10:A15", "年\n度\n绩\n效\n目\n标\n1\n（80分）")
    s.row("B10", ["一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分"])
    s.merge("B11:B13", "产\n出\n指\n标")
    rows_at(s, 11, "C D E F G", [
        ["数量指标", "补贴渔船数", 6, 6, 20],
        ["质量指标", "渔船补贴发放率", "100%", "100%", 10],
        ["时效指标", "12月底之前完成", "100%", "100%", 10],
    ])
    s.put("B14", "效\n益\n指\n标")
    s.put("B15", "满\n意\n度\n指\n标")
    s.row("C15", ["服务对象满意度", "退捕渔民抽样调查满意度", "90%", "≥90%", 40])
    s.merge("A16:B16", "总分")
    s.merge("C16:G16", 100)
    s.merge("A17:B17", "偏差大或目标未完成原因分析")
    s.merge("C17:G17", "无")
    s.merge("A18:B18", "改进措施及结果应用方案")
    s.merge("C18:G18", "无")
    s.merge("A19:G19", "备注：1.预算执行情况口径：预算数为调整后财政资金总额（包括上年结余结转），执行数为资金使用单位财政资金实际支出数。\n2.定量指标完成数汇总原则：绝对值直接累加计算，相对值按照资金额度加权平均计算。定量指标计分原则：正向指标（即目标值为≥X，得分=权重*B/A），反向指标（即目标值为≤X，得分=权重*A/B），得分不得突破权重总额。定量指标先汇总完成数，再计算得分。")
    s.width("D", 24)
    return b


# ---------------------------------------------------------------------------------------------- T04
# SOURCE: https://wanglu.net/thread/t12-491155-4.html — a department's 2017 决算 report, page 4 (编辑 2019-07-11;
# the unit is named on a page the copy does not hold): the end of its project score sheet (一级 项目决策 /
# 项目管理 / 项目绩效, 分值 and 得分), the paragraph "3.部门整体支出绩效自评开展情况" (自评得分 90 分), and the
# "2017年部门整体支出绩效评价得分表" (一级 部门决策 / 综合管理 …, the weights only inside the labels, a 得分
# column and no 分值 column) — stacked on one sheet as the report prints them. The project sheet's header row
# is above the copy: it is the framework's own ("一级指标 | 二级指标 | 三级指标 | 分值 | 得分", as
# nyj.dazhou.gov.cn/xxgk-show-16453.html prints the same blank framework). Its 项目效益 part: 分值 40 printed
# once over the six 可选项 rows and 得分 40 on 社会效益 (the one chosen). Its 总分 row prints no figure. The
# 得分表 copy ends inside 中央专款分配合规…: transcribed up to 省级财力专项预算分配时限. Saved as .xlsx by LO.
@fixture("T04_score_sheets.xlsx", "openpyxl+lo")
def t04_score_sheets() -> BookDesc:
    b = BookDesc()
    s = b.sheet("附表")
    s.row("A1", ["一级\n指标", "二级\n指标", "三级指标", "分值", "得分"])
    s.merge("A2:A5", "项目决策\n（20分）")
    s.merge("B2:B3", "科学决策\n（10分）")
    s.merge("B4:B5", "绩效目标\n（10）")
    s.merge("A6:A8", "项目管理\n（10分）")
    s.merge("B6:B7", "资金管理\n（7分）")
    s.put("B8", "项目执行\n（3分）")
    s.merge("A9:A19", "项目绩效\n（特性指标70分）")
    s.merge("B9:B12", "项目完成\n（20）")
    s.merge("B13:B19", "项目效益\n（50分）")
    rows_at(s, 2, "C D E", [
        ["必要性\n（政策依据）", 5, 5],
        ["可行性\n（政策完善）", 5, 5],
        ["明确性", 5, 5],
        ["合理性", 5, 5],
        ["资金分配", 3, 3],
        ["资金使用", 4, 4],
        ["执行规范", 3, 2],
        ["完成数量", 5, 5],
        ["完成质量", 5, 4],
        ["完成时效", 5, 5],
        ["完成成本", 5, 5],
        ["经济效益\n（可选项）"],
        ["社会效益\n（可选项）", None, 40],
        ["生态效益\n（可选项）"],
        ["可持续效益\n（可选项）"],
        ["公平效率\n（可选项）"],
        ["使用效率\n（可选项）"],
        ["服务对象满意度", 10, 10],
    ])
    s.merge("D13:D18", 40)
    s.merge("A20:C20", "总分")
    s.merge("A22:E22", "3.部门整体支出绩效自评开展情况.")
    s.merge("A23:E23", "按照预算绩效管理要求，本部门对2017年整体支出开展绩效自评，自评得分90分，存在的问题：一是年初编制项目资金预算时对对象摸底不够准确，造成预算资金过大。二是专项资金申报不够及时。下一步改进措施：一是年初编制预算时应对项目实施对象准确摸底，确保预算安排的准确性。二是按要求开展专项工作，按进度申报资金计划，及时拨付资金。")
    s.merge("A25:D25", "2017年部门整体支出绩效评价得分表")
    s.row("A26", ["一级指\n标", "二级指标", "三级指标", "得分"])
    s.merge("A27:A31", "部门决\n策（25\n分）")
    s.merge("B27:B29", "目标任务（15分）")
    s.merge("B30:B31", "预算编制（10分）")
    rows_at(s, 27, "C D", [["相关性（5分）", 5], ["明确性（5分）", 5], ["合理性（5分）", 5],
                           ["测算依据（5分）", 2], ["目标管理（5分）", 4]])
    s.put("A32", "综合管\n理（30\n分）")
    s.row("B32", ["专项资金分配时限（2分）", "省级财力专项预算分配时限（1分）", 1])
    s.width("C", 30)
    return b


# ---------------------------------------------------------------------------------------------- T05
# SOURCE: http://jhkq666.cn/37584/38146/38295/content_1850903.html (a mirror of yyx.gov.cn, 岳阳县 Hunan, the
# page converted to traditional characters; transcribed in the simplified characters the county printed) —
# 项目绩效自评报告 of 岳阳县农村公路养护 (项目单位 岳阳县农村公路养护中心, 主管部门 岳阳县交通运输局, 报告日期
# 2021年07月12日, 岳阳县财政局(制)). The cover lines typed "label：value" in one cell; 一、项目基本概况 with
# 计划安排资金 / 实际到位资金 / 实际支出 / 结余 printed as label-value pairs across one row and the sources of
# money (其中：中央财政 / 省财政 / 市财政 / 县财政 / 其它) under each pair; the spent figure typed "7,00.0,77"
# (so in the source: no number); 二、项目支出明细情况, a ledger in 元 (支出内容 | 实际支出数 | 会计凭证号 | 备注).
# The copy ends inside the sixth ledger line: transcribed up to the fifth.
@fixture("T05_yueyangxian_roads.xlsx", "xlsxwriter")
def t05_yueyangxian_roads() -> BookDesc:
    b = BookDesc()
    s = b.sheet("自评报告")
    s.merge("A1:H1", "评价类型：项目实施过程评价□  项目完成结果评价□")
    s.merge("A2:H2", "项目名称：岳阳县农村公路养护")
    s.merge("A3:H3", "项目单位：岳阳县农村公路养护中心")
    s.merge("A4:H4", "主管部门：岳阳县交通运输局")
    s.merge("A5:H5", "评价方式：部门（单位）绩效自评")
    s.merge("A6:H6", "评价机构：部门（单位）评价组")
    s.merge("A7:H7", "报告日期：2021年07月12日")
    s.merge("A8:H8", "岳阳县财政局（制）")
    s.merge("A10:H10", "一、项目基本概况")
    s.row("A11", ["项目负责人", "刘军勇", None, "联系电话", "13874011973"])
    s.merge("B11:C11")
    s.merge("E11:H11")
    s.row("A12", ["项目地址", "岳阳县各乡镇", None, "邮编", "414100"])
    s.merge("B12:C12")
    s.merge("E12:H12")
    s.put("A13", "项目起止时间")
    s.merge("B13:H13", "2020年元月起至2020年12月止")
    s.row("A14", ["计划安排资金\n（万元）", 700, "实际到位资金\n（万元）", "7,00.0,77", "实际支出\n（万元）", "7,00.0,77", "结余\n（万元）", 0])
    for r, label in ((15, "其中：中央财政"), (16, "省财政"), (17, "市财政"), (18, "县财政"), (19, "其它")):
        s.row(f"A{r}", [label, None, label, None, label, None, label])
    s.row("B18", [700, None, "7,00.0,77", None, "7,00.0,77"])
    s.merge("A20:H20", "二、项目支出明细情况")
    s.merge("A21:B21", "支出内容")
    s.merge("C21:D21", "实际支出数")
    s.merge("E21:F21", "会计凭证号")
    s.merge("G21:H21", "备注")
    ledger = [
        ("30226 劳务费", 50000, "付旷宴良荣黄线养护劳务费"),
        ("30226 劳务费", 50000, "付周价保荣宝线养护劳务费"),
        ("30906 大型修缮", 83490, "付岳阳信立工程劳务公司X121荣株线路面换板款"),
        ("30906 大型修缮", 340758, "付岳阳信立工程劳务公司X145兰田至五关线水毁工程款"),
        ("30906 大型修缮", 452552.75, "付岳阳市东林沥青混凝土公司X134兰田-五关线路面养护工程款"),
    ]
    for i, (what, amount, note) in enumerate(ledger):
        r = 22 + i
        s.merge(f"A{r}:B{r}", what)
        s.merge(f"C{r}:D{r}", amount, MONEY)
        s.merge(f"E{r}:F{r}", "2020年01月记账 9")
        s.merge(f"G{r}:H{r}", note)
    s.width("A", 16)
    return b


# ---------------------------------------------------------------------------------------------- T06
# SOURCE: https://www.kunmingchi.com/archives/p4q58rogpw8pmom7ewb9.html — 2019年度村残疾人专职委员工作补贴项目
# 绩效自评报告.doc: 遵化市预算支出项目绩效评价报告 (Hebei, Tangshan), 项目名称 村专职委员工作补贴, 项目单位 and
# 主管部门 遵化市残疾人联合会, 考评 2019年11月20日. The 财政局(制) cover with ☑/□ boxes; 计划安排资金 / 实际到位
# 资金 / 实际支出 as label-value pairs with the sources of money under each (the copy's text runs the table
# together: 21.7 is put in each pair and beside each 市县财政); "地　　址" spaced with ideographic spaces; the
# ledger (支出内容(经济科目) | 计划支出数 | 实际支出数) with its 支出合计 row; the report's text after it. One
# amount typed as text ("21.7"). The copy ends in the report's text: transcribed to its first paragraph. Saved
# as .xls by LibreOffice.
@fixture("T06_zunhua_disabled.xls", "openpyxl+lo")
def t06_zunhua_disabled() -> BookDesc:
    b = BookDesc()
    s = b.sheet("绩效评价报告")
    s.merge("A1:H1", "遵化市预算支出项目绩效评价报告")
    s.put("A2", "项目名称")
    s.merge("B2:D2", "村专职委员工作补贴")
    s.put("E2", "项目单位")
    s.merge("F2:H2", "遵化市残疾人联合会")
    s.put("A3", "主管部门")
    s.merge("B3:D3", "遵化市残疾人联合会")
    s.put("E3", "考评类型")
    s.merge("F3:H3", "事前考评□  事中考评□  事后考评☑")
    s.put("A4", "考评方式")
    s.merge("B4:H4", "部门（单位）绩效自评☑  财政部门组织考评□")
    s.put("A5", "考评机构")
    s.merge("B5:H5", "中介机构□  部门（单位）考评组☑  财政考评组□")
    s.merge("A6:D6", "遵化市财政局（制）")
    s.merge("E6:H6", "2019 年 11 月 20 日")
    s.put("A7", "项目负责人")
    s.merge("B7:C7", "亢兰兰")
    s.put("D7", "联系电话")
    s.merge("E7:H7", "6613535")
    s.put("A8", "地　　址")
    s.merge("B8:C8", "通华东街 86 号")
    s.put("D8", "邮编")
    s.merge("E8:H8", "064200")
    s.put("A9", "项目起止时间")
    s.merge("B9:H9", "2019.1.1-2019.12.30")
    s.row("A10", ["计划安排资金\n（万元）", "21.7", "实际到位资金\n（万元）", 21.7, "实际支出\n（万元）", 21.7])
    for r, label in ((11, "其中：中央财政"), (12, "省财政"), (13, "市县财政"), (14, "其它")):
        s.row(f"A{r}", [label, None, label, None, label])
    s.row("B13", [21.7, None, 21.7, None, 21.7])
    s.merge("A15:H15", "二、项目支出明细情况")
    s.merge("A16:B16", "支出内容\n（经济科目）")
    s.merge("C16:D16", "计划支出数")
    s.merge("E16:F16", "实际支出数")
    s.merge("G16:H16", "备注")
    s.merge("A17:B17", "30399 村专职委员工作补贴")
    s.merge("C17:D17", 21.7)
    s.merge("E17:F17", 21.7)
    s.merge("A18:B18", "支出合计")
    s.merge("C18:D18", 21.7)
    s.merge("E18:F18", 21.7)
    s.merge("A19:H19", "三、项目考评情况")
    s.merge("A20:H20", "（一）项目基本情况")
    s.merge("A21:H21", "根据遵化市政府办公会（2011.3 号）通过，各村选聘 1 名残疾人专职委员进行残疾人各项工作，进一步健全基层残疾人组织，加强我市残疾人的管理，方便我市残疾人办理各项事务，解决残疾人出行难，行动不便等问题。设定在村各选聘一名村残疾人专职委员进行残疾人各项工作，每名残疾人专职委员每年工作补贴为 500 元。")
    s.width("A", 16)
    return b


# ---------------------------------------------------------------------------------------------- T07
# SOURCE: http://www.hyht-hotel.com/syxxxgk/czyjsqgnch/202103/64af8e5bd6ae4bdc92eef82d3e3f7a98.shtml (a mirror of
# 于都县 yudu.gov.cn's 乡(镇)信息公开目录 > 寺下镇 > 财政预决算, Jiangxi; converted to traditional characters,
# transcribed in simplified) — 关于2019年度高其坑通组道路工程绩效评价报告: a township's narrative report, its
# 绩效目标 typed as a sentence of targets (道路硬化≥0.565km; 验收合格率≥100%; 满意度≥96%; 受益人口数≥23人), one
# paragraph a row, ending at "附件2" (the attachment is not in the copy). NOT a form: no indicator table and
# no fund table.
@fixture("T07_sixia_report.xlsx", "openpyxl")
def t07_sixia_report() -> BookDesc:
    b = BookDesc()
    s = b.sheet("绩效评价报告")
    lines = [
        "关于2019年度高其坑通组道路工程绩效评价报告",
        "一、项目基本情况",
        "（一）项目概况：为解决珍珠村基础设施问题，改善村民生产生活条件。2019年通过统筹整合财政涉农资金项目立项，实施高其坑通组道路工程，项目总投资19万元，通过统筹整合财政涉农资金据实拨付。",
        "（二）绩效目标：道路硬化≥0.565km；项目（工程）验收合格率≥100% ；受益贫困人口满意度≥96%；受益建档立卡贫困人口数≥23人改善村基础设施，促进经济发展。",
        "二、 绩效评价情况",
        "按照项目资金使用、产出、效益、满意度四类指标，对资金支出行为过程及其效果进行综合评价和判断，评价资金使用的科学性、合理性和有效性，分析存在的问题，提出完善资金管理和项目管理的制度机制、优化财政资金配置，提高资金使用效益。",
        "三、评价结论和绩效分析",
        "（一）评价结论：该项目能够较为准确的按照年初设定的项目实施目标进行实施，绩效各指标均能高质量完成，项目的实施改善了村民出行条件，促进当地经济发展。",
        "（二）绩效分析：该项目由村民申请，通过民主评议申报实施，是村民迫切希望实施的项目，由业主单位珍珠村村民委员负责日常管理，村民理事会负责监督，保障了工程高质量的完成。",
        "附件2",
    ]
    for i, text in enumerate(lines, start=1):
        s.merge(f"A{i}:H{i}", text)
    s.width("A", 12)
    return b


# ---------------------------------------------------------------------------------------------- T08
# SOURCE: https://m.daumloan.com/p-350747235.html — 仪陇县财政局关于国省县乡道路养护及道班房维修项目绩效评价报告
# (Sichuan, Nanchong; the 2018 road-maintenance money): the report's text (一 … 四、评价结论: 总体得分95分) and,
# on the same sheet below it, its "2019年四川省项目支出绩效评分表" (一级指标 | 二级指标 | 三级指标 | 分值 |
# 指标评价内容（公式计算结果=x） | 得分) — the title's year is the score sheet's edition, the money is 2018's
# (批复2018年县级部门预算, 截止2018年12月底). The copy ends inside the 资金分配 row: transcribed up to 合理性.
# Written by xlsxwriter, saved as .xlsx by LibreOffice.
@fixture("T08_yilong_roads.xlsx", "xlsxwriter+lo")
def t08_yilong_roads() -> BookDesc:
    b = BookDesc()
    s = b.sheet("评价报告")
    text = [
        "仪陇县财政局关于国省县乡道路养护及道班房维修项目绩效评价报告",
        "根据财政绩效评价工作的安排，对全县国省县乡公路养护及道班房维修项目进行了绩效评价，评价结果如下。",
        "一、主要用于国道养护139公里100万元、道班房维修费10万元及连接线养护费30万元。",
        "二、资金来源：2018年县财政局《关于批复2018年县级部门预算的通知》（仪财预〔2018〕3号）。",
        "三、项目资金执行情况：截止2018年12月底，具体实施情况如下：主要用于新楠路、高义路、马永路、金马路、永仁路、柳思路、马立路、油二路；聘请农民养护工90余人合计180万元；维修标志标牌（含新增）10万元；维修三蛟、复兴、黄溪桥、马鞍、石佛等道班房10万元；桥梁日常养护7万元。服务对象满意度90%以上。",
        "四、评价结论及绩效分析",
        "（一）评价结论：项目绩效评价总体得分95分。",
    ]
    for i, line in enumerate(text, start=1):
        s.merge(f"A{i}:F{i}", line)
    s.merge("A9:F9", "2019年四川省项目支出绩效评分表")
    s.row("A10", ["一级指标", "二级指标", "三级指标", "分值", "指标评价内容（公式计算结果=x）", "得分"])
    s.merge("A11:A14", "项目决策\n（20分）")
    s.merge("B11:B12", "科学决策\n（10分）")
    s.merge("B13:B14", "绩效目标\n（10）")
    rows_at(s, 11, "C D E F", [
        ["必要性（政策依据）", 5, "项目符合党中央、国务院和省委、省政府决策部署；符合当前经济社会发展需要，政策和实际需求的吻合程度分析", 5],
        ["可行性（政策完善）", 5, "可行性论证充分，规划、管理办法、指导意见等制度是否健全完善", 5],
        ["明确性", 5, "项目预期提供的产品、服务、效益或其他目标明确细化，可衡量", 5],
        ["合理性", 5, "绩效目标设定符合实际需求，合理可行", 5],
    ])
    s.width("E", 40)
    return b


if __name__ == "__main__":
    FIXTURES.main(sys.argv[1:])
