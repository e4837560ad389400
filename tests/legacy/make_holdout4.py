# ruff: noqa: E501 - transcribed form text is kept on one line with its cell
"""Build tests/legacy/forms_holdout4/: a FOURTH held-out set of hand-made forms the importer was not written against.

    python tests/legacy/make_holdout4.py [NAME ...]     (LibreOffice is needed for the .xls and LO fixtures)

Transcribed from published forms (the `search` tool's stored pages) that none of tests/legacy/forms/,
forms_holdout/, forms_holdout2/, forms_holdout3/ nor tests/fixtures/reviewer/ uses (each fixture's SOURCE),
chosen for layouts the earlier sets lack: a Hubei 市级 专项 自评表 whose goal block holds the indicators with
no 分值 column, amounts as numbers and targets as text (服务贸易); an evaluation score sheet whose weights are
typed as text with a unit ("4分") beside columns of explanation and criteria (士兵老年生活补助); a score sheet
printing a 分值 column after EACH level (一级 | 分值 | 二级 | 分值 | 三级 | 分值 | 具体指标 | 评价标准 | 自评得分);
a department's 考评表 in the words of another tradition (项目 | 考核内容 | 考核指标 | 指标说明 | 年度工作目标 |
评分标准 | 权数 | 考评得分), its targets percents stored as numbers under a % format; and two narrative reports
(红河州, 南县) full of amounts and scores in sentences, no form.

The record each should give was written by hand in expected_holdout4/ and committed before the importer
first ran on any of them, so `python tests/legacy/measure.py held-out-4` is a fourth honest estimate.

The stored copies are text taken out of a PDF, a .docx or an .xls: most end before the form does. A form is
transcribed up to where its copy is clear; each SOURCE note says what is left out and where a layout detail
(a merge, a number format) is inferred from the copy rather than seen.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from book import BookDesc, Fixtures, rows_at  # noqa: E402

OUT = HERE / "forms_holdout4"
PCT0 = "0%"

FIXTURES = Fixtures(OUT)   # name -> (file, builder, writer)
fixture = FIXTURES.add


# ---------------------------------------------------------------------------------------------- U01
# SOURCE: https://www.kunmingchi.com/archives/973rxnk2je7n4oep6ym4.html — "12---【市财政局、市商务局拨付2020年
# 市级服务贸易发展资金的通知】项目自评表.doc": 2020年市级服务贸易发展资金项目自评表, 单位名称 区商务局, 填报日期
# 2021年4月22日, 项目实施单位 投资促进中心 (the city is not printed). The 预算数(A) / 执行数(B) / 执行率(B/A) /
# 得分(20分*执行率) block, then 年度绩效目标(80分) holding the indicators: 一级 with its weight in the label
# (产出指标(60分), 效益指标(40分)), 三级 / 年初目标值(A) / 实际完成值(B) / 得分, no 分值 column; 总分 100; the
# closing lines and the notes. The copy flattens the table: which 得分 belongs to which row follows the
# order of the figures (10 ×6, then 20, 20, 100). The check boxes are not legible in the copy: transcribed
# as □ throughout. Laid out from B2 (column A empty), written by xlsxwriter, saved as .xls by LibreOffice.
@fixture("U01_trade_fund.xls", "xlsxwriter+lo")
def u01_trade_fund() -> BookDesc:
    b = BookDesc()
    s = b.sheet("自评表")
    s.merge("B2:H2", "2020年市级服务贸易发展资金项目自评表")
    s.merge("B3:E3", "单位名称：区商务局")
    s.merge("F3:H3", "填报日期：2021年4月22日")
    s.put("B4", "项目名称")
    s.merge("C4:H4", "2020年市级服务贸易发展资金")
    s.put("B5", "主管部门")
    s.merge("C5:D5", "区商务局")
    s.put("E5", "项目实施单位")
    s.merge("F5:H5", "投资促进中心")
    s.put("B6", "项目类别")
    s.merge("C6:H6", "1、部门预算项目□  2、区直专项□")
    s.put("B7", "项目属性")
    s.merge("C7:H7", "1、持续性项目□  2、新增性项目□")
    s.put("B8", "项目类型")
    s.merge("C8:H8", "1、常年性项目□  2、延续性项目□  3、一次性项目□")
    s.merge("B9:C9", "预算执行\n情况(万元)\n(20分)")
    s.row("D9", ["预算数\n(A)", "执行数(B)", "执行率(B/A)"])
    s.merge("G9:H9", "得分\n(20分*执行率)")
    s.merge("B10:C10", "年度财政\n资金总额")
    s.row("D10", [285.84, 285.84])
    s.put("F10", 1, PCT0)
    s.merge("G10:H10", 20)
    s.merge("B11:B19", "年度\n绩效\n目标\n(80分)")
    s.row("C11", ["一级指标", "二级指标", "三级指标", "年初目标值\n(A)", "实际完成值\n(B)", "得分"])
    s.merge("C12:C17", "产出指标\n(60分)")
    s.merge("D12:D14", "数量指标")
    s.put("D15", "质量指标")
    s.merge("D16:D17", "时效指标")
    s.merge("C18:C19", "效益指标\n(40分)")
    s.put("D18", "社会效益\n指标")
    s.put("D19", "可持续影\n响指标")
    rows_at(s, 12, "E F G H", [
        ["服务外包在岸(万美元)", 20000, 23333.56, 10],
        ["服务外包离岸(万美元)", 4500, 4557.51, 10],
        ["支持服务贸易、服务外\n包企业数量", 3, 3, 10],
        ["企业国际质量提升", "获得目的国\n(地区)受众欢迎", "受目的国受\n众欢迎显著", 10],
        ["预算资金执行率", "90%", "100%", 10],
        ["资金拨付及时性", "98%以上", "100%", 10],
        ["企业把握政治导向和文\n化方向情况", "企业把握正\n确政治导向\n和文化方向\n情况的评价", "企业较好把\n握正确政治\n导向和文化\n方向情况的\n评价", 20],
        ["推动企业走出去方面发\n挥的作用", "是否利于企\n业走出去", "有利于推动\n企业走出去", 20],
    ])
    s.merge("B20:G20", "总分")
    s.put("H20", 100)
    s.merge("B21:C21", "偏差大或\n目标未完成\n原因分析")
    s.merge("D21:H21", None)
    s.merge("B22:C22", "改进措施及\n结果应用方案")
    s.merge("D22:H22", None)
    s.merge("B23:C23", "单位主要负责人\n签批意见")
    s.merge("D23:H23", "签名：            年   月   日")
    s.merge("B24:H24", "备注：1.预算执行情况口径：预算数为调整后财政资金总额（包括上年结余结转），执行数为资金使用单位财政资金实际支出数。\n2.定量指标完成数汇总原则：绝对值直接累加计算，相对值按照资金额度加权平均计算。定量指标计分原则：正向指标（即目标值为≥X，得分=权重*B/A），反向指标（即目标值为≤X，得分=权重*A/B），得分不得突破权重总额。")
    s.width("E", 22)
    return b


# ---------------------------------------------------------------------------------------------- U02
# SOURCE: https://m.taodocs.com/p-523061501.html — "项目绩效评价指标评价评分表.xls" (上传 2021/8/21), 附件2:
# 60周岁以上农村籍士兵老年生活补助绩效评价指标评价综合得分表 (Hubei: 湖北省军人抚恤优待实施办法). An
# evaluation score sheet: 一级 | 二级 | 三级指标 | 分值 | 指标解释 | 指标评价标准 | 评价得分, the 一级 typed
# "投 入(14分)", the weights typed as text with their unit ("4分"), 评价要点 ①–④ in the criteria cells. The
# copy shows no 评价得分 for 绩效目标合理性 (left empty) and ends inside the explanation of 资金到位率:
# transcribed up to that row. No unit, no year, no money printed. "附件2" above the title, the sheet from
# row 1; written by openpyxl.
@fixture("U02_veterans_subsidy.xlsx", "openpyxl")
def u02_veterans_subsidy() -> BookDesc:
    b = BookDesc()
    s = b.sheet("综合得分表")
    s.put("A1", "附件2")
    s.merge("A2:G2", "60周岁以上农村籍士兵老年生活补助绩效评价指标评价综合得分表")
    s.row("A3", ["一级\n指标", "二级\n指标", "三级指标", "分值", "指标解释", "指标评价标准", "评价得分"])
    s.merge("A4:A6", "投　入\n(14分)")
    s.merge("B4:B5", "项目\n立项")
    s.put("B6", "资金落实")
    rows_at(s, 4, "C D E F G", [
        ["项目立项规范性", "4分", "资金使用的申请、项目设立过程是否符合相关要求，用以反映和考核项目立项的规范情况",
         "评价要点：\n①项目实施是否符合军人抚恤优待条例规范需要；\n②项目是否与湖北省军人抚恤优持实施办法相适应；\n③实施的项目是否适合优抚服务军人的需要；\n④项目是否与部门的基本职能和工作计划相适应。", 4],
        ["绩效目标合理性", "4分", "项目是否设定绩效目标和绩效指标，所设定的绩效目标和指标是否符合实际，用以反映和考核项目绩效目标与项目实施的相符程度",
         "评价要点：\n①是否设定长期目标、年度目标和绩效指标；\n②目标和指标的设计是否符合目标管理规范；\n③根据绩效目标和完成情况的对比考核目标设立的合理性；\n④绩效目标是否具有可测性。"],
        ["资金到位率", "3分", "实际到位资金与计划投入资金的比率，用以反映和考核资金落实情况对项目实施的总体保障程度",
         "评价要点：\n财政专项资金到位率%；\n资金到位率=（实际到位资金/计划投入资金）×100%。\n实际到位资金：一定时期（本年度或项目期）内实际落实到具体项目的资金。", 3],
    ])
    s.width("E", 30)
    s.width("F", 36)
    return b


# ---------------------------------------------------------------------------------------------- U03
# SOURCE: a stored page the search tool gives without its address (a document-sharing site, 文档简介 of
# "項目支出績效評價評分表", 3 pages, rendered in traditional characters; transcribed in simplified, as such
# forms are typed). The national 项目支出绩效评价 framework as a self-evaluation score sheet: a 分值 column
# after EACH level (一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 | 具体指标 | 评价标准 | 自评得分), 一级 项目
# 决策 20 / 项目管理 25, the criteria naming points ("设有目标(1分)"). The copy ends inside the criteria of 到位率
# (its 自评得分 not shown): transcribed up to that row. The merges of the 一级/二级 cells and their 分值 follow
# the framework's print. Written by xlsxwriter.
@fixture("U03_framework_scores.xlsx", "xlsxwriter")
def u03_framework_scores() -> BookDesc:
    b = BookDesc()
    s = b.sheet("评分表")
    s.merge("A1:I1", "项目支出绩效评价评分表")
    s.row("A2", ["一级指标", "分值", "二级指标", "分值", "三级指标", "分值", "具体指标", "评价标准", "自评得分"])
    s.merge("A3:A7", "项目决策")
    s.merge("B3:B7", 20)
    s.put("C3", "项目目标")
    s.put("D3", 4)
    s.merge("C4:C5", "决策过程")
    s.merge("D4:D5", 8)
    s.merge("C6:C7", "资金分配")
    s.merge("D6:D7", 8)
    s.put("A8", "项目管理")
    s.put("B8", 25)
    s.put("C8", "资金到位")
    s.put("D8", 5)
    rows_at(s, 3, "E F G H I", [
        ["目标内容", 4, "设立了项目绩效目标；目标明确；目标细化；目标量化", "设有目标(1分)\n目标明确(1分)\n目标细化(1分)\n目标量化(1分)", 4],
        ["决策依据", 4, "有关法律法规的明确规定；某一经济社会发展规划；某部门年度工作计划；某一实际问题和需求", "符合法律法规(1分)\n符合经济社会发展规划(1分)\n部门年度工作计划(1分)\n针对某一实际问题和需求(1分)\n以上需提供佐证资料。", 4],
        ["决策程序", 4, "项目符合申报条件；申报、批复程序符合相关管理办法；项目调整履行了相应手续", "符合申报条件(2分)\n项目申报、批复程序符合管理办法(1分)\n项目调整履行了相应手续(1分)", 4],
        ["分配办法", 3, "根据需要制定的相关资金管理办法；管理办法中有明确资金分配办法；资金分配因素全面、合理", "有相应的资金管理办法(1分)\n办法健全、规范(1分)\n因素全面合理(1分)\n以上需提供佐证资料。", 3],
        ["分配结果", 5, "资金分配符合相关管理办法；分配结果公平合理", "符合分配办法(2分)\n分配公平合理(3分)\n此项需提供相应的资金分配方案。", 5],
        ["到位率", 3, "实际到位/计划到位*100%", "根据"],
    ])
    s.width("G", 34)
    s.width("H", 34)
    return b


# ---------------------------------------------------------------------------------------------- U04
# SOURCE: https://wanglu.net/thread/t13-461855-0.html (编辑 2019-07-07) — a department's 考评表 exported as CSV
# (the copy prints the cells quoted and comma-separated, an empty first column and five empty rows above
# the header): 项目 | 考核内容 | 考核指标 | 指标说明 | 年度工作目标 | 评分标准 | 权数 | 考评得分. 一级 一般公共预算
# 支出管理(60分); the targets stored as numbers 1, 0.0900000762939453, -0.300000152587891 — percents (the
# explanations define rates ×100%), so shown under a % format, 100% / 9% / -30%; "二者择其一" criteria and
# weights printed once for two rows (merged); 考评得分 empty (the copy prints no score). The copy ends inside
# the criteria of 应收账款(暂付款)率: transcribed up to 应付账款(暂存款)变动率. The unit is not printed. Written
# by openpyxl from B7, saved as .xlsx by LibreOffice.
@fixture("U04_dept_appraisal.xlsx", "openpyxl+lo")
def u04_dept_appraisal() -> BookDesc:
    b = BookDesc()
    s = b.sheet("考评表")
    s.row("B7", ["项目", "考核内容", "考核指标", "指标说明", "年度工作目标", "评分标准", "权数", "考评得分"])
    s.merge("B8:B12", "一般公共预算支出管理(60分)")
    s.put("C8", "一般公共预算支出")
    s.merge("C9:C10", "结转结余情况")
    s.merge("C11:C12", "应付账款(暂存款)")
    rows_at(s, 8, "D E F", [
        ["一般公共预算支出实际完成率", "一般公共预算支出实际完成率=本年一般公共预算支出完成数*100%/本年一般公共预算支出年初预算数，用以反映和考核部门（单位）预算支出实际完成情况。", (1, PCT0)],
        ["结转结余率", "结转结余率=本年结转结余资金总额*100%/本年一般公共预算支出完成数，用以反映和考核部门（单位）对本年度结转结余资金的实际控制程度。", (0.0900000762939453, PCT0)],
        ["结转结余变动率", "结转结余变动率=（本年结转结余资金总额-上年结转结余资金总额）*100%/上年结转结余资金总额，用以反映和考核部门（单位）对控制结转结余资金的努力程度。", (-0.300000152587891, PCT0)],
        ["应付账款(暂存款)率", "应付账款(暂存款)率=本年应付账款总额*100%/本年一般公共预算支出完成数，用以反映和考核部门（单位）对本年度应付账款资金的实际控制程度。", (0.0900000762939453, PCT0)],
        ["应付账款(暂存款)变动率", "应付账款变动率=（本年期末应付账款总额-上年期末应付账款总额）*100%/上年期末应付账款总额，用以反映和考核部门（单位）对控制应付账款资金的努力程度。", (-0.300000152587891, PCT0)],
    ])
    s.put("G8", "按完成比例计算得分，满分为止。")
    s.put("H8", 20)
    s.merge("G9:G10", "二者择其一进行考核，按完成比例计算得分，满分为止。")
    s.merge("H9:H10", 20)
    s.merge("G11:G12", "二者择其一进行考核，按完成比例计算得分，满分为止。")
    s.merge("H11:H12", 10)
    s.width("E", 40)
    return b


# ---------------------------------------------------------------------------------------------- U05
# SOURCE: https://www.hh.gov.cn/info/11481/1179592.htm — 红河州数据发展中心2024年度项目支出绩效单位自评报告
# (Yunnan, published 2025-04-29): a narrative report, its amounts and counts in sentences (年初批复预算8个
# 项目985万元, 调整预算后项目预算861.46万元, 实际到位资金334.67万元, 174台拼接屏 …). The copy's first part,
# one paragraph a row. No form. Written by xlsxwriter, saved as .xlsx by LibreOffice.
@fixture("U05_honghe_report.xlsx", "xlsxwriter+lo")
def u05_honghe_report() -> BookDesc:
    b = BookDesc()
    s = b.sheet("自评报告")
    text = [
        "红河州数据发展中心2024年度项目支出绩效单位自评报告",
        "一、基本情况",
        "2024年，红河州数据发展中心（以下简称“州数据发展中心”）实施项目共15个（含2023年转列暂付性款项项目5个），年初批复预算8个项目985万元（含1个年初结转结余项目50万元），调整预算后项目预算861.46万元，年中增加8个项目（含2023年转列暂付性款项项目5个），实际到位资金334.67万元。",
        "（一）项目概况",
        "1.项目立项背景",
        "（1）“数说红河”展厅运维经费。“数”说红河——新时代团结进步美丽红河展厅位于蒙自市红河文化广场红河展览馆一楼，总建筑面积约1000㎡，建筑层高约4.3m。分为序厅、全国民族团结进步示范州平台、新型工业强州、乡村振兴富州等28个展区以及174台拼接屏、30台主机工作站、4台工程级高清投影仪、18台网络数据通讯设备、25.29㎡P1.5LED显示屏及外设控制辅助设备以及机房等模块。",
        "预算项目经费用于保障“数说红河”展厅各个展陈模块的正常运转，向政府及公民展示红河的数字化建设成果，说好“数字红河”故事。",
        "（2）红河州一中心一平台六大库N应用经费。",
    ]
    for i, line in enumerate(text, start=1):
        s.merge(f"A{i}:H{i}", line)
    s.width("A", 12)
    return b


# ---------------------------------------------------------------------------------------------- U06
# SOURCE: http://nxjw.nanxian.gov.cn/14890/36191/36192/36209/content_1639681.html — 南县财政局2020年度机关整体
# 支出绩效评价报告 (Hunan, 益阳): a narrative report, "综合评分为97分" in its first paragraph, the staff counts
# (编制人员205人, 在职113人 …) in sentences, and its sub-headings typed as rows. The copy's first part. No
# form. Written by openpyxl, saved as .xls by LibreOffice.
@fixture("U06_nanxian_report.xls", "openpyxl+lo")
def u06_nanxian_report() -> BookDesc:
    b = BookDesc()
    s = b.sheet("评价报告")
    text = [
        "南县财政局2020年度机关整体支出绩效评价报告",
        "一、自评得分情况",
        "根据《中共中央国务院关于全面实施预算绩效管理的意见》（中发〔2018〕34号）、《关于全面实施预算绩效管理的实施意见》（湘办发〔2019〕10号）等文件精神，按照部门整体支出绩效评价指标体系，对南县财政局2020年度机关整体支出开展了绩效评价，综合评分为97分。",
        "二、单位基本概况",
        "（一）机构设置情况",
        "内设副科级事业单位2个，财政事务中心和南县国库集中支付中心。下设办公室、预算股、人事教育股、国库股、科教文化股、乡镇财政等16个股室；直属事业单位10个。",
        "（二）人员编制情况",
        "现有编制人员205人。其中，局机关在职113人、离休2人、退休75人、财政事务中心10人，国库集中支付中心5人。",
        "（三）部门预算单位构成",
        "2020年，纳入南县财政局部门预算编制范围的单位有3个，分别为南县财政局机关本级、南县财政事务中心和南县国库集中支付中心。",
    ]
    for i, line in enumerate(text, start=1):
        s.merge(f"A{i}:G{i}", line)
    s.width("A", 14)
    return b


if __name__ == "__main__":
    FIXTURES.main(sys.argv[1:])
