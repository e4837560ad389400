# ruff: noqa: E501 - transcribed form text is kept on one line with its cell
"""Build tests/legacy/forms_holdout2/: a SECOND held-out set of hand-made forms the importer was not written against.

    python tests/legacy/make_holdout2.py [NAME ...]     (LibreOffice is needed for the .xls and LO fixtures)

Written by someone who had not read xlsform/importer/ (only docs/import.md and the [import] vocabularies),
from published forms that neither tests/legacy/forms/ nor tests/legacy/forms_holdout/ uses (each fixture's
SOURCE): other counties, other templates (the national 按收入性质分 / 按支出性质分 department block, Hubei's
预算数(A) / 执行数(B) block, 县级专项资金绩效目标自评表 without weights or scores, a school's form in 元), a
hospital, a CDC, two schools, a township. Each is laid out as the unit typed it, with the noise its copy
shows. The record each should give was written by hand in expected_holdout2/ and committed before the
importer first ran on any of them, so `python tests/legacy/measure.py held-out-2` is a second honest
estimate of how the importer does on forms nobody tuned it for.

The stored copies are web pages, text taken out of a .docx or a PDF: most end before the form does, and
some garble a few characters (an OCR "290%" for "≥90%"). A form is transcribed up to where its copy is
clear; each SOURCE note says what is left out. Nothing is added that the source does not print.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from book import BookDesc, Fixtures, rows_at  # noqa: E402

OUT = HERE / "forms_holdout2"
PCT = "0.00%"
PCT0 = "0%"

FIXTURES = Fixtures(OUT)   # name -> (file, builder, writer)
fixture = FIXTURES.add


# ---------------------------------------------------------------------------------------------- Q01
# SOURCE: http://www.lfsp.cn/newsinfo/1158053.html — 廊坊市食品工程学校 办公宿舍楼、食堂及餐厅暖通改造经费
# 项目支出绩效自评表 (2019年度) (Hebei, a school). The national template as the school filled it: every
# indicator slot typed "指标1工程完工率" (the slot's number run into the name, no colon), empty "指标2" and "……"
# rows left in, "0" typed in the reason column, the goal boxes holding the two amounts (43.2 / 37.24) instead
# of goals, "2019年度)" with its opening bracket lost, indented "上年结转资金", a second 效益指标 block for
# 可持续影响. The copy ends inside the satisfaction block (after its "指标2"): no totals row.
@fixture("Q01_langfang_school.xlsx", "openpyxl")
def q01_langfang_school() -> BookDesc:
    b = BookDesc()
    s = b.sheet("Sheet1")
    s.put("A1", "附件1")
    s.merge("A2:H2", "项目支出绩效自评表")
    s.merge("A3:H3", "2019年度)")
    s.put("A4", "项目名称")
    s.merge("B4:H4", "办公宿舍楼、食堂及餐厅暖通改造经费")
    s.put("A5", "主管部门")
    s.merge("B5:D5", "廊坊市发改委")
    s.put("E5", "实施单位")
    s.merge("F5:H5", "廊坊市食品工程学校")
    s.merge("A6:A10", "项目资金\n(万元)")
    s.row("C6", ["年初\n预算数", "全年\n预算数", "全年\n执行数", "分值", "执行率", "得分"])
    s.row("B7", ["年度资金总额", 43.2, 43.2, 37.24, 10])
    s.put("G7", 0.86, PCT0)
    s.put("H7", 9)
    s.row("B8", ["其中：当年财政拨款", 43.2, 43.2, 37.24])
    s.put("B9", "      上年结转资金")
    s.put("B10", "  其他资金")
    s.merge("A11:A12", "年度总体目标")
    s.merge("B11:E11", "预期目标")
    s.merge("F11:H11", "实际完成情况")
    s.merge("B12:E12", 43.2)
    s.merge("F12:H12", 37.24)
    s.row("A13", ["一级指标", "二级指标", "三级指标", "年度\n指标值", "实际\n完成值", "分值", "得分",
                  "偏差原因分析及改进措施"])
    s.merge("A14:A25", "产出指标")
    s.merge("A26:A34", "效益指标")
    s.merge("A35:A37", "效益指标")
    s.merge("A38:A39", "满意度\n指标")
    for rng, text in [("B14:B16", "数量指标"), ("B17:B19", "质量指标"), ("B20:B22", "时效指标"),
                      ("B23:B25", "成本指标"), ("B26:B28", "经济效益\n指标"), ("B29:B31", "社会效益\n指标"),
                      ("B32:B34", "生态效益\n指标"), ("B35:B37", "可持续影响\n指标"),
                      ("B38:B39", "服务对象满意度指标")]:
        s.merge(rng, text)
    rows_at(s, 14, "C D E F G H", [
        ["指标1工程资金金额", 43.2, 37.24, 10, 9, "已完工,剩余3%尾款未付,且最高限价低于预算金额。提高预算准确度。"],
        ["指标2"],
        ["……"],
        ["指标1工程完工率", 100, 100, 10, 10],
        ["指标2工程验收合格率", 100, 100, 10, 10],
        ["……"],
        ["指标1项目完成及时率", 100, 100, 10, 10],
        ["指标2"],
        ["……"],
        ["指标1成本控制率", 100, 100, 10, 10],
        ["指标2"],
        ["……"],
        ["指标1安全率", 100, 100, 10, 10, 0],
        ["指标2"],
        ["……"],
        ["指标1学校发展能力", 100, 100, 10, 10, 0],
        ["指标2"],
        ["……"],
        ["指标1"],
        ["指标2"],
        ["……"],
        ["指标1长期使用性", 100, 100, 10, 10],
        ["指标2"],
        ["……"],
        ["指标1学生满意度", 100, 100, 10, 10, 0],
        ["指标2"],
    ])
    s.width("C", 24)
    return b


# ---------------------------------------------------------------------------------------------- Q02
# SOURCE: https://www.yongde.gov.cn/info/3003/116104.htm — 临沧市永德县明朗中学 2022年度项目支出绩效自评表,
# 义务教育营养改善计划专项资金 (Yunnan, a school; 决算公开 "公开14表"). Amounts in 元 under "项目资金(元)"; the
# target split under one "年度指标值" into 指标性质 / 指标值 / 度量单位 (a two-row header); 指标性质 typed as the
# glyphs the unit's system printed, "≧" and "═"; "—" for the empty fund cells; "部门：…" (the school) above a
# 主管部门 that is its bureau; 其他需要说明事项; the totals row with 100, 96 and the grade 优. Which of the three
# amount columns the two 387664.62 stand in is not visible in the copy: they are put under 全年预算数 and
# 全年执行数 (rate 100%). Complete as published.
@fixture("Q02_yongde_school.xls", "xlsxwriter+lo")
def q02_yongde_school() -> BookDesc:
    b = BookDesc()
    s = b.sheet("公开14表")
    s.put("J1", "公开14表")
    s.merge("A2:J2", "2022年度项目支出绩效自评表")
    s.merge("A3:F3", "部门：临沧市永德县明朗中学")
    s.merge("A4:B4", "项目名称")
    s.merge("C4:J4", "义务教育营养改善计划专项资金")
    s.merge("A5:B5", "主管部门")
    s.merge("C5:E5", "永德县教育体育局")
    s.merge("F5:G5", "实施单位")
    s.merge("H5:J5", "永德县明朗中学")
    s.merge("A6:A10", "项目资金\n（元）")
    s.row("C6", ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率"])
    s.merge("H6:J6", "得分")
    s.row("B7", ["年度资金总额", None, 387664.62, 387664.62, 10])
    s.put("G7", 1, PCT0)
    s.merge("H7:J7", 10)
    s.row("B8", ["其中：当年财政\n拨款", None, 387664.62, 387664.62, "—"])
    s.merge("H8:J8", "—")
    s.put("B9", "上年结转\n资金")
    s.put("F9", "—")
    s.merge("H9:J9", "—")
    s.row("B10", ["其他资金", "—", "—", "—", "—"])
    s.merge("H10:J10", "—")
    s.merge("A11:A12", "年度\n总体\n目标")
    s.merge("B11:E11", "预期目标")
    s.merge("F11:J11", "实际完成情况")
    s.merge("B12:E12", "确保每一个学生都能享受到国家政策福利，改善学生体质")
    s.merge("F12:J12", "确保每一个学生都能享受到国家政策福利，改善学生体质")
    s.merge("A13:C13", "绩效指标")
    s.merge("D13:F13", "年度指标值")
    for col, text in zip("GHIJ", ["实际完成值", "分值", "得分", "偏差原因分析及改进措施"], strict=True):
        s.merge(f"{col}13:{col}14", text)
    s.row("A14", ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"])
    s.merge("A15:A18", "产出指标")
    s.merge("A19:A22", "效益指标")
    s.merge("A23:A24", "满意度指标")
    s.merge("B23:B24", "服务对象满意度指标等")
    rows_at(s, 15, "B C D E F G H I", [
        ["数量指标", "学生受资助人数", "≧", 735, "人次", 735, 10, 10],
        ["质量指标", "营养改善计划覆盖率", "≧", 100, "%", (1, PCT0), 10, 10],
        ["时效指标", "资金到位及时率", "≧", 100, "%", (1, PCT0), 10, 7],
        ["成本指标", "生均补助标准达标率", "═", 100, "%", (1, PCT0), 10, 10],
        ["经济效益\n指标", "减轻贫困学生家庭经济负担", None, "有效", None, "有效", 10, 10],
        ["社会效益\n指标", "政策知晓率", "═", 100, "%", (0.98, PCT0), 10, 9],
        ["生态效益\n指标"],
        ["可持续影响\n指标", "促进学校教育事业健康发展", "≧", 100, "%", (1, PCT0), 10, 10],
        [None, "学生满意度", "≧", 95, "%", (1, PCT0), 10, 10],
        [None, "家长满意度", "≧", 95, "%", (1, PCT0), 10, 10],
    ])
    s.merge("A25:B25", "其他需要说明事项")
    s.merge("C25:J25", "无")
    s.merge("A26:G26", "总分")
    s.row("H26", [100, 96, "优"])
    return b


# ---------------------------------------------------------------------------------------------- Q03
# SOURCE: https://www.ahxx.gov.cn/grassroots/279/158998981.html — 萧县张庄寨镇 河西村特色种养补贴到户项目
# 绩效目标自评表 (2023年度) (Anhui, a township). The 衔接资金 template with 分值 before 年度指标值; each ★
# core indicator followed by its breakdown rows "其中桃树种植面积 …" that carry a target and an actual but no
# weight or score; the fiscal row repeating the total's 分值 / 执行率 / 得分; "-" for 其他资金; "产 出 指 标
# (50分)" typed down a merged cell; a blank first row under 质量指标 and under 经济效益指标; "……" rows. The copy
# ends where the satisfaction block starts (transcribed up to the "……" row before it).
@fixture("Q03_xiaoxian_township.xlsx", "xlsxwriter")
def q03_xiaoxian_township() -> BookDesc:
    b = BookDesc()
    s = b.sheet("河西村")
    s.merge("A1:I1", "绩效目标自评表")
    s.merge("A2:I2", "（2023年度）")
    s.put("A3", "项目名称")
    s.merge("B3:E3", "河西村特色种养补贴到户项目")
    s.put("F3", "项目负责人及电话")
    s.merge("G3:I3", "李宁0557-5788003")
    s.put("A4", "主管部门")
    s.merge("B4:E4", "县农业农村局")
    s.put("F4", "实施单位")
    s.merge("G4:I4", "张庄寨镇人民政府")
    s.merge("A5:A8", "资金情况\n（万元）")
    s.row("C5", ["全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)"])
    s.merge("G5:I5", "得分")
    for r, label in ((6, "年度资金总额："), (7, "其中：本年财政拨款")):
        s.row(f"B{r}", [label, 9.48, 9.48, 10])
        s.put(f"F{r}", 1, PCT0)
        s.merge(f"G{r}:I{r}", 10)
    s.row("B8", ["其他资金", "-", "-"])
    s.merge("A9:A10", "年度总体目标")
    s.merge("B9:E9", "年初设定目标")
    s.merge("F9:I9", "年度总体目标完成情况综述")
    s.merge("B10:E10", "落实39户特色种养业奖补政策，增加脱贫户家庭收入")
    s.merge("F10:I10", "落实39户特色种养业奖补政策，增加脱贫户家庭收入")
    s.merge("A11:A31", "绩效指标")
    s.row("B11", ["一级\n指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分",
                  "未完成原因及拟采取的改进措施"])
    s.merge("B12:B25", "产\n出\n指\n标\n(50分)")
    s.merge("C12:C21", "数量指标")
    s.merge("C22:C25", "质量指标")
    s.merge("B26:B31", "效\n益\n指\n标\n(30分)")
    s.merge("C26:C27", "经济效益\n指标")
    s.put("C28", "社会效益\n指标")
    s.put("C29", "生态效益\n指标")
    s.put("C30", "可持续影响指标")
    rows_at(s, 12, "D E F G H", [
        ["★补助各类瓜果蔬菜种植面积", 20, "29.5亩", "29.5亩", 20],
        ["其中桃树种植面积", None, "1.5亩", "1.5亩"],
        ["其中苹果树种植面积", None, "5亩", "5亩"],
        ["其中露天蔬菜", None, "20亩", "20亩"],
        ["其中大棚蔬菜", None, "3亩", "3亩"],
        ["★补助鱼塘面积", 10, "3亩", "3亩", 10],
        ["其中鱼塘养殖面积", None, "3亩", "3亩"],
        ["★补助家畜家禽养殖数量", 10, "192只", "192只", 10],
        ["其中羊养殖数量", None, "180只", "180只"],
        ["其中猪养殖数量", None, "12头", "12头"],
        [],
        ["种植作物成活率", 5, (0.95, PCT0), (0.95, PCT0), 5],
        ["养殖家畜家禽成活率", 5, "95%", "100%", 5],
        ["……"],
        [],
        ["特色产业带动增加受益农户收入(总收入)", 20, "≥11.376万元", "12万元", 20],
        ["受益人口数量", 10, "90人", "90人", 10],
        [],
        [],
        ["……"],
    ])
    s.width("D", 30)
    return b


# ---------------------------------------------------------------------------------------------- Q04
# SOURCE: https://yncn.gov.cn/info/5102/8340150.htm — 昌宁县供销合作社联合社 2022年度项目支出绩效自评表,
# 昌宁县昌龙鸿运牧业专业合作社生猪养殖场建设项目 (Yunnan, Baoshan; 填报日期 2023年4月15日). Hubei's template
# (预算数(A) / 执行数(B) / 执行率(B/A) / 得分(20分*执行率), 年初目标值(A) / 实际完成值(B) / 得分, no 分值 column)
# with ☑ / □ check boxes; the 执行率 typed as the number 20 (10 of 50 spent: 20%) with no % sign or format;
# targets as bare numbers with the unit inside the indicator's name ("公猪舍(≥**平方米)"). The copy ends
# inside the 种母猪 row: transcribed up to 种公猪. Saved as .xlsx by LibreOffice.
@fixture("Q04_changning_coop.xlsx", "openpyxl+lo")
def q04_changning_coop() -> BookDesc:
    b = BookDesc()
    s = b.sheet("昌龙鸿运")
    s.put("A1", "附件3：")
    s.merge("A2:G2", "2022年度项目支出绩效自评表")
    s.merge("A3:D3", "单位名称：昌宁县供销合作社联合社")
    s.merge("E3:G3", "填报日期：2023年4月15日")
    s.put("A4", "项目名称")
    s.merge("B4:G4", "昌宁县昌龙鸿运牧业专业合作社生猪养殖场建设项目")
    s.put("A5", "主管部门")
    s.merge("B5:C5", "昌宁县供销合作社联合社")
    s.put("D5", "项目实施单位")
    s.merge("E5:G5", "昌宁县昌龙鸿运牧业专业合作社")
    s.put("A6", "项目类别")
    s.merge("B6:G6", "1、部门预算项目 □  2、县直专项 ☑  3、省市对下转移支付项目 □")
    s.put("A7", "项目属性")
    s.merge("B7:G7", "1、持续性项目 ☑  2、新增性项目 □")
    s.merge("A8:B8", "预算执行情况（万元）\n（20分）")
    s.row("C8", ["预算数(A)", "执行数(B)", "执行率(B/A)"])
    s.merge("F8:G8", "得分\n（20分*执行率）")
    s.merge("A9:B9", "年度财政资金总额")
    s.row("C9", [50, 10, 20])
    s.merge("F9:G9", 4)
    s.merge("A10:A28", "年度绩效目标\n（80分）")
    s.row("B10", ["一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分"])
    s.merge("B11:B28", "产出指标（40分）")
    s.merge("C11:C28", "数量指标")
    rows_at(s, 11, "D E F G", [
        ["公猪舍(≥**平方米)", 22.8, 22.8, 1],
        ["母猪、保育猪舍(≥**平方米)", 180, 180, 3],
        ["育肥猪舍(≥**平方米)", 180, 180, 3],
        ["周转猪舍(≥**平方米)", 180, 180, 3],
        ["隔离舍(≥**平方米)", 54, 54, 2],
        ["仓库(≥**平方米)", 104, 104, 2],
        ["管理用房及消通道(≥**平方米)", 76.44, 76.44, 2],
        ["化粪池(≥**立方米)", 63, 63, 1],
        ["堆粪房(≥**平方米)", 29.6, 29.6, 1],
        ["消毒池(≥**平方米)", 14, 14, 1],
        ["排污沟(≥米)", 50, 50, 1],
        ["场地硬化(≥**平方米)", 230, 230, 2],
        ["粉碎拌合机(11kw)(≥台)", 1, 1, 1],
        ["产床(全复合双体产床)(≥套)", 2, 2, 1],
        ["保育栏(≥套)", 4, 4, 1],
        ["消毒机(≥台)", 1, 1, 1],
        ["冲洗机(≥台)", 1, 1, 1],
        ["种公猪(≥头)", 2, 2, 2],
    ])
    s.width("D", 30)
    return b


# ---------------------------------------------------------------------------------------------- Q05
# SOURCE: https://m.yzwku.com/doc/292440.html — 部门整体支出绩效自评表(2021年度), 永州市零陵区疾病预防控制中心
# (Hunan, Yongzhou; a CDC). The national department template: "区级预算单位名称"; "年度预算申请(万元)" with
# 年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分; under the total a two-sided breakdown, 按收入性质分
# (一般公共预算 / 政府性基金拨款 / 纳入专户管理的非税收入拨款 / 其他资金) on the left and 按支出性质分 (基本支出 /
# 项目支出) on the right, each an amount beside its label, not by column. The form starts at B2. The copy (text
# out of the .docx) ends inside the fourth goal: the goals are transcribed up to the third, the OCR's "290%" /
# "280%" read as "≥90%" / "≥80%"; 实际完成情况 and the indicator table are left out.
@fixture("Q05_lingling_cdc.xlsx", "openpyxl")
def q05_lingling_cdc() -> BookDesc:
    b = BookDesc()
    s = b.sheet("部门整体自评表")
    s.merge("B2:I2", "部门整体支出绩效自评表")
    s.merge("B3:I3", "（2021年度）")
    s.merge("B4:C4", "区级预算单位名称")
    s.merge("D4:I4", "永州市零陵区疾病预防控制中心")
    s.merge("B5:B11", "年度预算申请\n（万元）")
    s.row("D5", ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    s.row("C6", ["年度资金总额", 2456.18, 2456.18, 2456.18, 10])
    s.put("H6", 1, PCT0)
    s.put("I6", 10)
    for r, left, lval, right, rval in [
        (7, "按收入性质分：", 2456.18, "按支出性质分：", 2456.18),
        (8, "其中：一般公共预算：", 2456.18, "其中：基本支出：", 2299.98),
        (9, "政府性基金拨款：", None, "项目支出：", 156.2),
        (10, "纳入专户管理的非税收入拨款：", None, None, None),
        (11, "其他资金：", None, None, None),
    ]:
        s.put(f"C{r}", left)
        s.merge(f"D{r}:E{r}", lval)
        s.merge(f"F{r}:G{r}", right)
        s.merge(f"H{r}:I{r}", rval)
    s.merge("B12:B13", "年度总体目标")
    s.merge("C12:F12", "预期目标")
    s.merge("G12:I12", "实际完成情况")
    s.merge("C13:F13", "1：适龄儿童国家免疫规划接种率≥90%。2：减少艾滋病新发感染，降低艾滋病病死率，暗娼、男性同性性行为人群艾滋病检测比例≥70%。3：加强传染病疫情监测、流行病学调查和疫情分析研判，及时处置暴发疫情，逐步降低重点传染病的危害，完成率≥80%。")
    s.merge("G13:I13", None)
    s.width("C", 26)
    return b


# ---------------------------------------------------------------------------------------------- Q06
# SOURCE: https://taowenge.com/d-68000429.html — 2021年度财政项目绩效自评表, 单位名称：襄阳市中心医院, 填报日期：
# 2022年3月18日, 东津院区建设补助 (Hubei, Xiangyang; a hospital). Hubei's template titled "财政项目绩效自评表";
# 项目类别 / 项目属性 / 项目类型 check boxes; indicators whose 二级 is typed short ("成本", "时效") and one whose
# 三级 is its own target ("1年"). The copy (OCR) ends inside the 可持续性 row: transcribed up to 经济效益.
@fixture("Q06_xiangyang_hospital.xlsx", "xlsxwriter")
def q06_xiangyang_hospital() -> BookDesc:
    b = BookDesc()
    s = b.sheet("东津院区")
    s.merge("A1:H1", "2021年度财政项目绩效自评表")
    s.merge("A2:D2", "单位名称：襄阳市中心医院")
    s.merge("E2:H2", "填报日期：2022年3月18日")
    s.put("A3", "项目名称")
    s.merge("B3:H3", "东津院区建设补助")
    s.put("A4", "主管部门")
    s.merge("B4:D4", "襄阳市卫生健康委")
    s.put("E4", "项目实施单位")
    s.merge("F4:H4", "襄阳市中心医院")
    s.put("A5", "项目类别")
    s.merge("B5:H5", "1、部门预算项目 ☑  2、财政专项□  3、市对下转移支付项目□")
    s.put("A6", "项目属性")
    s.merge("B6:D6", "1、持续性项目□  2、新增性项目□")
    s.put("E6", "项目类型")
    s.merge("F6:H6", "1、常年性项目□ 2、延续性项目☑ 3、一次性项目□")
    s.merge("A7:B7", "预算执行情况\n（万元）\n（20分）")
    s.merge("C7:D7", "预算数(A)")
    s.put("E7", "执行数(B)")
    s.put("F7", "执行率(B/A)")
    s.merge("G7:H7", "得分\n（20分*执行率）")
    s.merge("A8:B8", "年度财政\n资金总额")
    s.merge("C8:D8", 1000)
    s.put("E8", 1000)
    s.put("F8", 1, PCT0)
    s.merge("G8:H8", 20)
    s.merge("A9:A14", "年度\n绩效\n目标\n（80分）")
    s.row("B9", ["一级指标", "二级指标"])
    s.merge("D9:E9", "三级指标")
    s.row("F9", ["年初目标值\n(A)", "实际完成值\n(B)", "得分"])
    s.merge("B10:B13", "产出\n指标")
    s.put("B14", "效益\n指标")
    for r, (l2, l3, target, actual, score) in enumerate([
        ("数量指标", "成本控制", "不超过预算", "不超过预算", 10),
        ("质量指标", "保证财政建设补助专款专用", "专款专用", "专款专用", 10),
        ("成本", "每年财政补助1000万元", "1000万元", "1000万元", 10),
        ("时效", "1年", "1年", "1年", 10),
        ("经济效益", "完成东津院区建设，医院东津医疗收入达到5亿元", "5亿元", "6.47亿元", 10),
    ], start=10):
        s.put(f"C{r}", l2)
        s.merge(f"D{r}:E{r}", l3)
        s.row(f"F{r}", [target, actual, score])
    return b


# ---------------------------------------------------------------------------------------------- Q07
# SOURCE: https://taowenge.com/p-72820237.html — 2020年度县级专项资金绩效目标自评表, 县级储备粮, 衡山县商务和
# 粮食局 (Hunan, Hengshan). A template with NO 分值 and NO 得分 anywhere: 专项资金名称 (the project's name),
# 负责人及电话, 县级主管部门; 全年预算数(A) / 全年执行数(B) / 执行率(B/A) only; a fund row "其中：中央、省、市补助
# 县级资金"; 年初设定目标 / 全年实际完成情况; indicators 年度指标值 / 全年完成值 / 未完成原因和改进措施 with the
# .docx's wrapped words typed with line breaks ("年度指标\n值"); the table continued on a second page that
# repeats its left labels (绩效指标 / 效益指标); "无" as one actual with its reason; "0" and "0起". The note
# under the table is garbled in the copy and left out. Saved as .xls by LibreOffice.
@fixture("Q07_hengshan_grain.xls", "openpyxl+lo")
def q07_hengshan_grain() -> BookDesc:
    b = BookDesc()
    s = b.sheet("储备粮")
    s.merge("A1:G1", "2020年度县级专项资金绩效目标自评表")
    s.put("A2", "专项资金名称")
    s.merge("B2:D2", "县级储备粮")
    s.put("E2", "负责人及电话")
    s.merge("F2:G2", "旷建成、向建军")
    s.put("A3", "县级主管部门")
    s.merge("B3:D3", "衡山县商务和粮食局")
    s.put("E3", "实施单位")
    s.merge("F3:G3", "粮食调控储备与产业发展股")
    s.merge("A4:A7", "项目资金\n（万元）")
    s.row("C4", ["全年预算数(A)", "全年执行数(B)", "执行率(B/A)"])
    s.row("B5", ["年度资金总额", 194.9, 194.9])
    s.put("E5", 1, PCT0)
    s.row("B6", ["其中：中央、省、市补助县级资金", 194.9, 194.9, "100%"])
    s.put("B7", "其他资金")
    s.merge("A8:A9", "年度\n总体\n目标")
    s.merge("B8:D8", "年初设定目标")
    s.merge("E8:G8", "全年实际完成情况")
    s.merge("B9:D9", "保持和稳定地方粮食储备机制")
    s.merge("E9:G9", "地方储备粮食规模达标")
    s.merge("A10:A21", "绩\n效\n指\n标")
    s.row("B10", ["一级\n指标", "二级\n指标", "三级指标", "年度指标\n值", "全年\n完成值", "未完成原因和\n改进措施"])
    s.merge("B11:B19", "产\n出\n指\n标")
    s.merge("C11:C12", "数量\n指标")
    s.merge("C13:C15", "质量\n指标")
    s.merge("C16:C17", "时效\n指标")
    s.merge("C18:C19", "成本\n指标")
    s.merge("B20:B21", "效\n益\n指\n标")
    s.merge("C20:C21", "经济\n效益\n指标")
    s.merge("A22:A26", "绩\n效\n指\n标")        # the second page repeats the left labels
    s.merge("B22:B24", "效\n益\n指\n标")
    s.merge("C22:C23", "生态\n效益\n指标")
    s.put("C24", "可持\n续影\n响指标")
    s.merge("B25:B26", "满意\n度指\n标")
    s.merge("C25:C26", "服务\n对象\n满意\n度指\n标")
    rows_at(s, 11, "D E F G", [
        ["5000吨稻谷、500吨成\n品粮储备到位率", "100%", "100%"],
        ["库存数量真实率", (1, PCT0), (1, PCT0)],
        ["县级储备粮管理制\n度严格执行率", "100%", "100%"],
        ["储备粮管理专户管\n理率", "100%", "100%"],
        ["县级储备粮库存粮\n食明显变质比例", 0, 0],
        ["县级储备粮贷款付\n息及时率", "100%", "100%"],
        ["县级储备粮应急保\n障率", "100%", "100%"],
        ["国家政策性粮收购\n价格执行率", "100%", "100%"],
        ["县级储备粮库存成\n本核算率", "100%", "100%"],
        ["利息费用保障率", "100%", "100%"],
        ["政策性挂账利息补\n贴保障率", "100%", "无", "没有轮换、动用库存"],
        ["低温、低氧、低剂量\n科学保粮率", "100%", "100%"],
        ["食品安全指标达标\n率", "100%", "100%"],
        ["粮食储备设备维\n护及安全性", "高", "高"],
        ["因粮食市场波动引\n起的粮食安全事件\n发生数", "0起", "0起"],
        ["市民满意度调查", "≥90%", "100%"],
    ])
    s.put("A27", "说明")
    s.merge("B27:G27", "无")
    s.width("D", 22)
    return b


# ---------------------------------------------------------------------------------------------- Q08
# SOURCE: http://bubsandbeans.com/paper/230038275.html — 2020年度湘西地区开发产业发展专项资金项目支出绩效自评表
# (Hunan; 主管部门 湖南省发展和改革委员会). "项目支出名称" for the project's name; "——" for empty amounts; a
# printed rate (82.12%) and score (8.5) that do not follow from the printed amounts (35550 each): what the unit
# printed is the record, the checks find the rest. The copy ends inside the goal (transcribed up to its third
# clause); 实际完成情况 and the indicator table are left out. Saved as .xlsx by LibreOffice.
@fixture("Q08_xiangxi_fund.xlsx", "xlsxwriter+lo")
def q08_xiangxi_fund() -> BookDesc:
    b = BookDesc()
    s = b.sheet("Sheet1")
    s.put("A1", "附件")
    s.merge("A2:H2", "2020年度湘西地区开发产业发展专项资金项目支出绩效自评表")
    s.put("A3", "项目支出名称")
    s.merge("B3:H3", "湘西地区开发产业发展专项资金")
    s.put("A4", "主管部门")
    s.merge("B4:D4", "湖南省发展和改革委员会")
    s.put("E4", "实施单位")
    s.merge("F4:H4", "相关项目建设单位")
    s.merge("A5:A9", "项目资金\n（万元）")
    s.row("C5", ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    s.row("B6", ["年度资金总额", 35550, 35550, 35550, 10])
    s.put("G6", 0.8212, PCT)
    s.put("H6", 8.5)
    s.row("B7", ["其中：当年财政拨款", 35550, 35550, "——"])
    s.row("B8", ["上年结转资金", "——"])
    s.row("B9", ["其他资金", "——"])
    s.merge("A10:A11", "年度总体目标")
    s.merge("B10:E10", "预期目标")
    s.merge("F10:H10", "实际完成情况")
    s.merge("B11:E11", "支持文化生态旅游精品线路建设，完善基础设施，打造旅游精品景区，带动旅游扶贫，促进文化生态旅游产业与相关产业融合发展；支持重大产业项目建设及中药材、楠竹产业链，做大做强一批龙头企业；支持易地扶贫搬迁后续产业及就业扶持项目建设，努力实现“搬得出、稳得住、逐步能致富”的目标；")
    s.merge("F11:H11", None)
    return b


# ---------------------------------------------------------------------------------------------- Q09
# SOURCE: http://www.yueyang.gov.cn/cgj/9886/9901/content_1560779.html — 岳阳市城市管理监督指挥中心 2018 部门整体
# 支出绩效评价自评报告 (Hunan, Yueyang): the report's cover and its first table (一、部门(单位)基本概况: 联系人,
# 联络电话, 人员编制, 实有人数, 职能职责概述, 年度主要工作内容, ...) on a sheet. A narrative report, NOT a form:
# it prints labels the vocabularies know (职能职责概述, 预算编码) but no indicator table and no fund table. The
# copy ends at its second section; the 评分表 the page names is not in it, so the workbook holds no form.
@fixture("Q09_yueyang_report.xlsx", "openpyxl")
def q09_yueyang_report() -> BookDesc:
    b = BookDesc()
    s = b.sheet("自评报告")
    s.merge("A1:D1", "岳阳市2018年度部门整体支出")
    s.merge("A2:D2", "绩效评价自评报告")
    s.merge("A4:D4", "部门(单位)名称：  岳阳市城市管理监督指挥中心")
    s.merge("A5:D5", "预 算 编 码：   906017")
    s.merge("A6:D6", "评价方式：部门(单位)绩效自评")
    s.merge("A7:D7", "评价机构：部门(单位)评价组")
    s.merge("A9:D9", "报告日期：2019年06月18日")
    s.merge("A10:D10", "岳阳市财政局(制)")
    s.merge("A12:D12", "一、部门(单位)基本概况")
    s.row("A13", ["联系人", "吴俊", "联络电话", "8690022"])
    s.row("A14", ["人员编制", 21, "实有人数", 21])
    s.put("A15", "职能职责概述")
    s.merge("B15:D15", "负责全市数字化城市管理监督、指挥、调度和协调工作。负责全市数字化城市管理系统市级平台的日常维护和管理。负责对各类城市管理信息的收集、分析和整理。对数字城管终端单的考核考评，负责受理数字化城市管理的投诉、举报等有关工作。负责对县市区数字化城市管理工作的业务指导。")
    s.put("A16", "年度主要\n工作内容")
    s.merge("B16:D16", "1.完成数字化城市管理监督、指挥、调度和协调工作。2.做好全市数字化城市管理系统市级平台的日常维护和管理。3.对各类城市管理信息的收集、分析和整理。4.完成数字城管各终端单位的考核考评。4.对受理的数字化城市管理的投诉、举报等有关工作进行处理。5.对各县市区数字化城市管理工作的业务指导。")
    s.put("A17", "年度部门(单位)总体运行情况及取得的成绩")
    s.merge("B17:D17", "我中心的数字城管二期建设项目属于市新增长极建设项目，已于2018年验收运行。据国家卫生城市复查迎检标准，按时报送资料，及时监督发现和指挥处置各类城市管理问题。按要求对城市管理中的重大疑难问题，主动和各单位、部门沟通协调。")
    s.width("A", 18)
    s.width("B", 40)
    return b


if __name__ == "__main__":
    FIXTURES.main(sys.argv[1:])
