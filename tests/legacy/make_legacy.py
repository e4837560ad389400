# ruff: noqa: E501 - transcribed form text is kept on one line with its cell
"""Build tests/legacy/forms/: hand-made self-evaluation workbooks in the layouts real units typed them in.

    python tests/legacy/make_legacy.py [NAME ...]     (LibreOffice is needed for the .xls and LO fixtures)

Each fixture is transcribed from a published form (its `SOURCE`), laid out as a clerk would lay it out by
hand, with the noise real files carry: the form anywhere on any sheet, several units in one workbook, a
narrative report beside the form, a table pasted twice, line breaks, full-width punctuation, ideographic
spaces and weights inside labels, vertical text, two-row headers, merged or repeated 一级/二级 labels,
numbers typed as text with units, percents as numbers with a % format, formulas with cached values, dashes
as empty, template placeholder rows, amounts in 元, and .xls files saved by LibreOffice.

The record each should give was written by hand in tests/legacy/expected/<name>.json from the source, not
from this script's output. The workbooks are committed: this script documents and rebuilds them.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from book import BookDesc, Fixtures, Formula, SheetDesc, rows_at  # noqa: E402

OUT = HERE / "forms"
PCT = "0.00%"
PCT0 = "0%"

FIXTURES = Fixtures(OUT)   # name -> (file, builder, writer)
fixture = FIXTURES.add


# ---------------------------------------------------------------------------------------------- L01
# SOURCE: /work/shared/seeds/000 — 长沙市望城区接待服务中心 2020 部门整体自评表 (Hunan, Wangcheng county)
@fixture("L01_wangcheng_reception.xlsx", "xlsxwriter")
def l01_wangcheng_reception() -> BookDesc:
    b = BookDesc()
    s = b.sheet("Sheet1")
    # the form starts at B3: a clerk left a margin
    s.merge("B3:L3", "部门整体自评表")
    s.merge("B4:L4", "(2020 年)")
    s.put("B5", "部门（单位）名称")
    s.merge("C5:F5", "长沙市望城区接待服务中心")
    s.merge("G5:J5", "所属独立核算单位个数")
    s.merge("K5:L5", 1)
    s.merge("B6:B8", "资金情况\n(万元)")
    s.row("C6", ["资金来源", "全年预算数\n(A)", "全年执行数\n(B)", "上级财政移动支付\n(C)", "分值",
                 "执行率\n((B-C)/A)"])
    s.merge("I6:L6", "得分")
    s.row("C7", ["财政拨款", 307, 83.13, 0, "--", "27.00%"])
    s.merge("I7:L7", "--")
    s.row("C8", ["年度资金总额", 307, 83.13, 0, 10, "27.00%"])
    s.merge("I8:L8", 2.71)
    s.put("B9", "部门职能概述")
    s.merge("C9:L9", "区接待中心贯彻落实党中央、省委、市委和区委关于公务接待的方针政策和决策部署，在履行职责过程中"
                     "坚持和加强党对公务接待工作的集中统一领导。")
    s.merge("B10:B11", "年度总体目标")
    s.merge("C10:G10", "年初设定目标")
    s.merge("H10:L10", "目标完成情况")
    s.merge("C11:G11", "一、加强自身建设\n积极参加上级部门组织的培训学习，切实加强理论教育和业务能力培训。")
    s.merge("H11:L11", "一、用心做好服务，提升公务接待水平。全年共接待各级来宾 45 批次，1100 余人。")
    s.row("C12", ["一级指标", "二级指标", "三级指标", "目标内容", "目标值", "完成值", "分值", "得分", "未完成原因",
                  "改进措施"])
    s.merge("B13:B21", "年度绩效指标")
    s.merge("C13:C16", "产出指标")
    s.merge("C17:C20", "效益指标")
    rows_at(s, 13, "D E F G H I J", [
        ["数量指标", "公务接待", "根据各级来宾及外区县副县级以上领导带队考察团公务活动来函、来电等进行具体公务接待",
         "实际发生的公务接待批次和人数", "45批次，1100余人", 20, 20],
        ["质量指标", "公务接待", "确保公务接待满意率达95%以上", "95%及以上", "公务接待满意率100%", 20, 20],
        ["时效指标", None, None, None, None, 0, 0],
        ["成本指标", "公务接待", "确保每次公务接待标准符合中央省市区有关政策规定", "公务接待费人均不超过有关规定标准",
         "未超过有关规定", 10, 10],
        ["经济效益指标", "公务接待", None, None, "根据有关规定做好厉行节约", 5, 5],
        ["社会效益指标", "公务接待", "以接待为桥梁全面展现望城经济发展变化", None, "以接待为桥梁全面展现望城经济发展变化",
         15, 15],
        ["生态效益指标", None, None, None, None, 0, 0],
        ["可持续影响指标", "公务接待", "着眼新形势新任务，不断提高我区公务接待工作服务水平。", None,
         "着眼新形势新任务，不断提高我区公务接待工作服务水平", 10, 10],
        ["服务对象满意度指标", "公务接待", "确保公务接待对象对接待和有关后勤保障工作满意。", "100%",
         "公务接待对象对接待和有关后勤保障工作满意率达 100%", 10, 10],
    ])
    s.put("C21", "满意度指标")
    s.merge("B22:H22", "总分")
    s.put("I22", 100)
    s.put("J22", 92.71)
    return b


# ---------------------------------------------------------------------------------------------- L02
# SOURCE: /work/shared/seeds/001 — 株洲市接待服务中心 2020 部门整体支出绩效自评报告 and 附件1-1 自评表 (Hunan)
ZHUZHOU_REPORT = [
    "2020 年度部门整体支出绩效自评报告",
    "一、预算单位基本情况",
    "（一）主要职能。研究制定我市公务接待工作管理制度并组织实施；按照公务接待管理规定，负责规定范围内来宾的"
    "接待工作。",
    "二、预算收支情况",
    "2020 年预算收入 566.49 万元，其中年初预算 1143.81 万元，调整减少 577.32 万元。其他资金来源 0 万元。",
    "2020 年支出 566.49 万元，其中基本支出 566.49 万元，项目支出 0 万元，结余结转 0 万元。",
    "三、资金使用及绩效情况",
    "全年安全、优质、高效的完成了接待任务 411 批次。",
    "附件：1-1. 2020年度部门整体支出绩效自评表",
]


def zhuzhou_form(s: SheetDesc, top: int, formulas: bool) -> None:
    t = top
    s.put(f"A{t}", "附件 1-1")
    s.merge(f"A{t + 1}:H{t + 1}", "2020 年度部门整体支出绩效自评表")
    s.put(f"A{t + 2}", "部门名称")
    s.merge(f"B{t + 2}:H{t + 2}", "株洲市接待服务中心")
    f = t + 3   # fund header
    s.merge(f"A{f}:A{f + 4}", "资金情况\n(万元)")
    s.row(f"B{f}", ["年度资金总额", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分(分值×执行率)"])
    s.put(f"B{f + 1}", "合计")
    s.put(f"E{f + 1}", 566.49)
    s.put(f"F{f + 1}", 10)
    s.put(f"G{f + 1}", 1, PCT0)
    s.put(f"H{f + 1}", Formula(f"=F{f + 1}*G{f + 1}", 10) if formulas else 10)
    s.row(f"B{f + 2}", ["其中：当年财政拨款", 1143.81, 566.49])
    s.put(f"B{f + 3}", "上年结转资金")
    s.put(f"B{f + 4}", "其他资金")
    g = f + 5
    s.merge(f"A{g}:A{g + 1}", "年度总体目标")
    s.merge(f"B{g}:D{g}", "预期目标")
    s.merge(f"E{g}:H{g}", "实际完成情况")
    s.merge(f"B{g + 1}:D{g + 1}", "目标 1：完成日常接待任务 目标 2：做好全市重大活动、重要会议、重要宾客的接待和有关组织协调工作。")
    s.merge(f"E{g + 1}:H{g + 1}", "全年安全、优质、高效的完成了接待任务 411 批次。")
    h = g + 2
    s.merge(f"A{h}:A{h + 5}", "绩效指标")
    s.row(f"B{h}", ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"])
    s.merge(f"B{h + 1}:B{h + 2}", "产出指标 (50 分)")
    s.merge(f"C{h + 1}:C{h + 2}", "数量指标")
    s.merge(f"B{h + 3}:B{h + 5}", "满意度指标 (10 分)")
    rows_at(s, h + 1, "D E F G H", [
        ["召开年度全市接待工作会议", "1 次", "1 次", 10, 10],
        ["完成规定范围接待工作任务", "400 次", "411 次", 30, 30],
        ["任务完成率", "100%", "100%", 20, 20],
        ["群众满意度", "99%", "100%", 20, 20],
        ["来宾满意度", "99%", "100%", 10, 10],
    ])
    s.put(f"C{h + 3}", "质量指标")
    s.put(f"C{h + 4}", "社会效益指标")
    s.put(f"C{h + 5}", "服务对象满意度指标")
    z = h + 6
    s.merge(f"A{z}:F{z}", "总分")
    weights, scores = f"F{f + 1}+SUM(G{h + 1}:G{h + 5})", f"H{f + 1}+SUM(H{h + 1}:H{h + 5})"
    s.put(f"G{z}", Formula("=" + weights, 100) if formulas else 100)
    s.put(f"H{z}", Formula("=" + scores, 100) if formulas else 100)
    s.put(f"I{z}", "等级：优")
    s.merge(f"A{z + 1}:H{z + 1}", "备注：1. “执行率” = “全年执行数” / “全年预算数”；")
    s.merge(f"A{z + 2}:H{z + 2}", "2. 总分设置为 100 分，等级划分为：90 分（含）—100 分为优，80 分（含）—90 分为良，"
                                  "60 分（含）—80 分为中，60 分以下为差。")


@fixture("L02_zhuzhou_reception.xlsx", "xlsxwriter")
def l02_zhuzhou_reception() -> BookDesc:
    b = BookDesc()
    report = b.sheet("自评报告")
    for i, text in enumerate(ZHUZHOU_REPORT, start=1):
        report.put(f"A{i}", text)
    report.width("A", 100)
    zhuzhou_form(b.sheet("附件1-1"), 1, formulas=True)
    return b


# ---------------------------------------------------------------------------------------------- L03
# SOURCE: /work/shared/seeds/002 and 004 — 中共长沙市望城区委办公室, 望城区政协办公室 2020 (Hunan, Wangcheng):
# two units' forms in one workbook, one a sheet; numbers typed as text, some with units; 一级 repeated.
@fixture("L03_wangcheng_two_units.xlsx", "openpyxl")
def l03_wangcheng_two_units() -> BookDesc:
    b = BookDesc()
    s = b.sheet("区委办")
    s.merge("A1:K1", "部门整体自评表")
    s.merge("A2:K2", "（2020年）")
    s.put("A3", "部门(单位)名称")
    s.merge("B3:E3", "中共长沙市望城区委办公室")
    s.merge("F3:J3", "所属独立核算单位个数")
    s.put("K3", "0")
    s.merge("A4:A6", "资金情况（万元）")
    s.row("B4", ["资金来源", "全年预算数（A）", "全年执行数（B）", "上级财政移动支付（C）", "分值", "执行率（(B-C)/A）"])
    s.merge("H4:K4", "得分")
    s.row("B5", ["财政拨款", "2083万元", "1967.2万元", "0", "—"])
    s.put("G5", 0.94, PCT)
    s.merge("H5:K5", "—")
    s.row("B6", ["年度资金总额", "2083", "1967.2", "0", "10"])
    s.put("G6", 0.94, PCT)
    s.merge("H6:K6", "9.44")
    s.put("A7", "部门职能概述")
    s.merge("B7:K7", "区委办主要职责为区委的政策调研、文稿撰写、督促检查、会务活动组织、文电处理、档案管理等。")
    s.merge("A8:A9", "年度总体目标")
    s.merge("B8:F8", "年初设定目标")
    s.merge("G8:K8", "目标完成情况")
    s.merge("B9:F9", "1、全力推动党中央决策部署和省委、市委、区委工作要求在望城落地生根；6、建立健全内部控制制度，长期坚持。")
    s.merge("G9:K9", "1、精准组织调查研究。2、精心当好改革参谋。3、精细提供文稿服务。4、精确掌握信息动态。")
    s.row("B10", ["一级指标", "二级指标", "三级指标", "目标内容", "目标值", "完成值", "分值", "得分", "未完成原因",
                  "改进措施"])
    s.merge("A11:A25", "年度绩效指标")
    unit = "部门整体运转"
    rows_at(s, 11, "B C D E F G H I", [
        ["产出指标", "数量指标", unit, "建设涉台教育社区教育基地，3个，3万元/个", "100%",
         "2020年9月11日举办区直机关党组织书记培训班（党员轮训）。", "6", "6"],
        ["产出指标", "数量指标", unit, "区直机关工委开展一次党员轮训", "100%",
         "2020年7月1-3日开展入党积极分子（第一期）培训，12月9-11日开展入党积极分子（第二期）培训。", "6", "6"],
        ["产出指标", "数量指标", unit, "区直机关工委开展一次入党积极分子培训", "100%",
         "已建设涉台教育基地3个，拨付3万元/个，总计9万元经费。", "6", "6"],
        ["产出指标", "质量指标", unit, "区直机关工委开展一次党员轮训", "按时开展",
         "2020年9月11日举办区直机关党组织书记培训班（党员轮训）。", "6", "6"],
        ["产出指标", "质量指标", unit, "区直机关工委开展一次入党积极分子培训", "按时开展",
         "2020年7月1-3日开展入党积极分子（第一期）培训，12月9-11日开展入党积极分子（第二期）培训。", "6", "6"],
        ["产出指标", "质量指标", unit, "保证区委办各项工作的正常运转和相关人员的福利待遇。", "100%",
         "保证了区委办各项工作的正常运转和相关人员的福利待遇", "6", "6"],
        ["产出指标", "质量指标", unit, "建设涉台教育社区教育基地，9万元", "100%，按时拨付",
         "已按时拨付3个涉台教育基地经费9万元。", "6", "6"],
        ["产出指标", "时效指标", unit, "根据实际需求，按时支付各项支出。", "100%", "根据实际需求，按时支付各项支出",
         "8", "8"],
        ["产出指标", "成本指标", None, None, None, None, "0", "0"],
        ["效益指标", "经济效益指标", None, None, None, None, "0", "0"],
        ["效益指标", "社会效益指标", unit, "同人民群众保持密切联系，同区直各单位保持良好沟通。", "100%",
         "同人民群众保持了密切联系，同区直各单位保持了良好沟通。", "10", "10"],
        ["效益指标", "生态效益指标", None, None, None, None, "0", "0"],
        ["效益指标", "可持续影响指标", unit, "坚持知信行统一，把“两个维护”落实到“三服务”工作的全过程。", "长期坚持",
         "坚持知信行统一，把“两个维护”落实到“三服务”工作的全过程中。", "10", "10"],
        ["效益指标", "可持续影响指标", unit, "建立健全内部控制制度", "长期坚持", "建立健全了内部控制制度", "10", "10"],
        ["满意度指标", "服务对象满意度指标", unit, "服务部门及群众满意度", "95%",
         "发挥本职效能，人民群众满意和代表满意程度：满意。", "10", "10"],
    ])
    s.merge("A26:G26", "总分")
    s.put("H26", "100")
    s.put("I26", "99.44")

    s = b.sheet("政协办")
    s.merge("A1:K1", "部门整体自评表")
    s.merge("A2:K2", "(2020 年)")
    s.put("A3", "部门(单位)名称")
    s.merge("B3:E3", "中国人民政治协商会议湖南省长沙市望城区委员会办公室")
    s.merge("F3:J3", "所属独立核算单位个数")
    s.put("K3", 0)
    s.merge("A4:A6", "资金情况 (万元)")
    s.row("B4", ["资金来源", "全年预算数 (A)", "全年执行数 (B)", "上级财政移动支付 (C)", "分值", "执行率 ((B-C)/A)"])
    s.merge("H4:K4", "得分")
    s.row("B5", ["年度资金总额", 1763, 1689.4, 0, 10])
    s.put("G5", 0.96, PCT)
    s.merge("H5:K5", 9.58)
    s.row("B6", ["财政拨款", 1763, 1689.4, 0, "--"])
    s.put("G6", 0.96, PCT)
    s.merge("H6:K6", "--")
    s.put("A7", "部门职能概述")
    s.merge("B7:K7", "政协办公室是政协的综合办事机构，主要职能是：1. 政治协商、民主监督、参政议政；2. 负责省市政协的联络。")
    s.merge("A8:A9", "年度总体目标")
    s.merge("B8:F8", "年初设定目标")
    s.merge("G8:K8", "目标完成情况")
    s.merge("B9:F9", "加强职能建设，提高政协履职水平和参政议政能力，加强预决算公开力度，严控三公经费，使之逐年下降。")
    s.merge("G9:K9", "2020 年，区政协常委会以习近平新时代中国特色社会主义思想为指导，为现代化新望城建设贡献了政协智慧、政协力量。")
    s.row("B10", ["一级指标", "二级指标", "三级指标", "目标内容", "目标值", "完成值", "分值", "得分", "未完成原因",
                  "改进措施"])
    s.merge("A11:A20", "年度绩效指标")
    s.merge("B11:B15", "产出指标")
    s.merge("B16:B19", "效益指标")
    s.put("B20", "满意度指标")
    unit = "政协日常事务专项"
    rows_at(s, 11, "C D E F G H I", [
        ["数量指标", unit, "望城故事，幸福望城大家谈节目节目制作播出", "2个节目", "已完成2个节目", 10, 10],
        ["数量指标", unit, "《黑石号文化探源》书籍编印和欧阳询书法艺术专题研讨", "1本书 1次会议", "已完成1本书 1次会议", 10, 10],
        ["质量指标", unit, "政协云运行与维护", "全年有序安全运行", "全年有序安全运行", 10, 10],
        ["时效指标", unit, "按工作方案时间要求完成", "100%", "100%按时完成", 10, 10],
        ["成本指标", unit, "整体不超预算", "100%", "未超预算", 10, 10],
        ["经济效益指标", None, None, None, None, 0, 0],
        ["社会效益指标", None, None, None, None, 0, 0],
        ["生态效益指标", None, None, None, None, 0, 0],
        ["可持续影响指标", None, None, None, None, 0, 0],
        ["服务对象满意度指标", unit, "群众满意、委员满意", "95%", "已完成", 10, 10],
    ])
    s.merge("A21:G21", "总分")
    s.put("H21", 100)
    s.put("I21", 69.58)
    return b


# ---------------------------------------------------------------------------------------------- L04
# SOURCE: http://www.anthempetcare.com/upload_cz/download?id=502364&siteId=2 — 池州市贵池区棠溪镇人民政府
# 委托业务项目 项目支出绩效自评表（2022年度） (Anhui). Saved by LibreOffice as .xls (BIFF8). The form's own
# 年度资金总额 row prints 0 over sources that hold 90: kept as printed.
@fixture("L04_chizhou_project.xls", "openpyxl+lo")
def l04_chizhou_project() -> BookDesc:
    b = BookDesc()
    s = b.sheet("Sheet1")
    s.put("A1", "附件：")
    s.merge("A2:I2", "项目支出绩效自评表")
    s.merge("A3:I3", "（2022年度）")
    s.put("A4", "项目名称")
    s.merge("B4:I4", "委托业务项目")
    s.put("A5", "主管部门")
    s.merge("B5:D5", "219-池州市贵池区棠溪镇人民政府")
    s.put("E5", "实施单位")
    s.merge("F5:I5", "219001-池州市贵池区棠溪镇人民政府")
    s.merge("A6:A10", "项目资金\n（万元）")
    s.row("C6", ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率"])
    s.merge("H6:I6", "得分")
    s.row("B7", ["年度资金总额：", 0, 0, 0, 10])
    s.put("G7", 0, PCT0)
    s.merge("H7:I7", 0)
    s.row("B8", ["其中：本年财政拨款", 90, 89.974, 89.974])
    s.put("B9", "上年结转资金")
    s.put("B10", "其他资金")
    s.merge("A11:A12", "年度总体目标")
    s.merge("B11:E11", "预期目标")
    s.merge("F11:I11", "实际完成情况")
    s.merge("B12:E12", "本项目共申请预算资金90万元。其中：30万元用于基建工程项目预算编制；30万元用于基建工程项目审计；"
                       "30万元用于基建工程项目设计、规划、测绘。")
    s.merge("F12:I12", "本项目共完成预算资金89.97万元。其中：30万元用于基建工程项目预算编制；30万元用于基建工程项目审计；"
                       "29.99万元用于基建工程项目设计、规划、测绘。")
    s.merge("A13:A23", "绩效指标")
    s.row("B13", ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
    s.merge("B14:B19", "产出指标(50分)")
    s.merge("C15:C16", "质量指标")
    s.merge("C18:C19", "成本指标")
    s.merge("B20:B23", "效益指标(30分)")
    rows_at(s, 14, "C D E F G H", [
        ["数量指标", "基建工程委托业务项目数量", "≥50个", 50, 8, 8],
        [None, "委托业务报告合格率", "≥100百分比", 100, 8, 8],
        [None, "经费支出合规性", "严格执行相关制度规定", "达成预期指标", 8, 8],
        ["时效指标", "提交报告及时性", "在项目计划完成时间内完成", "达成预期指标", 8, 8],
        [None, "项目总成本", "≤90万元", 90, 8, 8],
        [None, "单项业务成本", "符合相关规定", "达成预期指标", 10, 10],
        ["社会效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标", 10, 10],
        ["生态效益指标", "对控制基建项目成本影响程度", "效果明显", "达成预期指标", 10, 10],
        ["可持续影响指标", "对推动基建项目“四项制度”健全和落实的持续性影响", "效果明显", "达成预期指标", 10, 10],
        ["经济效益指标"],
    ])
    return b


# ---------------------------------------------------------------------------------------------- L05
# SOURCE: 天长市水利局水旱灾害防御股项目支出绩效自评（2023-12-05，项目支出绩效自评表 2022年度；Anhui), stored in
# the search corpus "pages" without its address. Vertical 一级 labels with the weight inside, template
# placeholder rows ("指标2：", "……"), "指标1：" numbering before the unit's wording, "/" and "-" as empty.
@fixture("L05_tianchang_flood.xlsx", "xlsxwriter")
def l05_tianchang_flood() -> BookDesc:
    b = BookDesc()
    s = b.sheet("自评表")
    s.merge("A1:I1", "项目支出绩效自评表")
    s.merge("A2:I2", "（2022年度）")
    s.put("A3", "项目名称")
    s.merge("B3:I3", "水旱灾害防御经费")
    s.put("A4", "主管部门")
    s.merge("B4:D4", "")
    s.put("E4", "实施单位")
    s.merge("F4:I4", "天长市水利局")
    s.merge("A5:A9", "项目资金\n（万元）")
    s.row("C5", ["年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"])
    s.row("B6", ["年度资金总额：", 880, 880, 880, 10, None, 10])
    s.row("B7", [" 其中：本年财政拨款", 880, 880, 880, "-", None, "-"])
    s.row("B8", ["上年结转资金", None, None, None, "-", None, "-"])
    s.row("B9", ["其他资金", None, None, None, "-", None, "-"])
    s.merge("A10:A11", "年度总体目标完成情况")
    s.merge("B10:E10", "预期目标")
    s.merge("F10:I10", "实际完成情况")
    s.merge("B11:E11", "完成年度防汛工作，完成中型灌区节水改造项目和农业综合水价改革项目。")
    s.merge("F11:I11", "完成年度目标。")
    s.merge("A12:A39", "年度绩效指标完成情况")
    s.row("B12", ["一级\n指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
    s.merge("B13:B24", "产\n出\n指\n标\n\n（50分）")
    s.merge("B25:B36", "效\n益\n指\n标\n\n（30分）")
    s.merge("B37:B39", "满意度指标\n（10分）")
    level2 = ["数量指标", "质量指标", "时效指标", "成本指标", "经济效益\n指标", "社会效益\n指标", "生态效益\n指标",
              "可持续影\n响指标", "服务对象\n满意度指标"]
    firsts: list[list[object]] = [
        ["指标1：完成中型灌区节水改造项目数量", 1, 1, 10, 10],
        ["指标1：工程质量合格", None, None, 10, 10],
        ["指标1：年度资金支付完成率100%", None, None, 10, 10],
        ["指标1：资金执行在预算范围内", None, None, 10, 10],
        ["指标1：全市安全度汛", None, None, 10, 10],
        ["指标1：保护全市人口财产不受损失", None, None, 10, 10],
        ["指标1：", "/", "/", "/"],
        ["指标1：已建工程良性运行", None, None, 10, 10],
        ["指标1：服务对象满意度", "90%", "100%", 10, 10],
    ]
    for i, (name, first) in enumerate(zip(level2, firsts, strict=True)):
        r = 13 + 3 * i
        s.merge(f"C{r}:C{r + 2}", name)
        rows_at(s, r, "D E F G H", [first, ["指标2："], ["……"]])
    rows_at(s, 14, "D E F G H", [["指标2：完成农业综合水价改革项目", 1, 1, 10, 10]])
    s.merge("A40:F40", "总分")
    s.put("G40", 100)
    s.put("H40", 100)
    s.merge("A41:I41", "注：1.一级指标分值统一设置为：产出指标50分、效益指标30分、服务对象满意度指标10分、预算资金执行率10分。")
    return b


# ---------------------------------------------------------------------------------------------- L06
# SOURCE: https://czj.ezhou.gov.cn/ztzl/czyjsgk/202008/t20200825_350895.html — 鄂州市财政局 2019年度项目支出
# 绩效自评表 (Hubei): two projects, one a sheet; the first table pasted twice on its sheet; the indicator
# header in two rows ("年度 / 指标值", "实际 / 完成值"); percents typed as numbers with a % format.
def ezhou_form(s: SheetDesc, top: int, name: str, money: tuple[float, float, float, float, float],
               goals: tuple[str, str], rows: list[list[object]], total: tuple[int, int] | None) -> None:
    t = top
    s.merge(f"A{t}:I{t}", "项目支出绩效自评表")
    s.merge(f"A{t + 1}:I{t + 1}", "（2019年度）")
    s.put(f"A{t + 2}", "项目名称")
    s.merge(f"B{t + 2}:I{t + 2}", name)
    s.put(f"A{t + 3}", "主管部门")
    s.merge(f"B{t + 3}:D{t + 3}", "市财政局")
    s.put(f"E{t + 3}", "实施单位")
    s.merge(f"F{t + 3}:I{t + 3}", "市财政局")
    f = t + 4
    s.put(f"A{f}", "项目资金")
    s.put(f"A{f + 1}", "(万元)")
    s.row(f"C{f}", ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    initial, budget, spent, rate, score = money
    s.row(f"B{f + 1}", ["年度资金总额", initial, budget, spent, 10])
    s.put(f"G{f + 1}", rate, PCT0)
    s.put(f"H{f + 1}", score)
    s.row(f"B{f + 2}", ["其中：当年财政拨款", initial, budget, spent])
    s.put(f"B{f + 3}", "上年结转资金")
    s.put(f"B{f + 4}", "其他资金")
    g = f + 5
    s.merge(f"A{g}:A{g + 1}", "年度总体目标")
    s.merge(f"B{g}:E{g}", "预期目标")
    s.merge(f"F{g}:I{g}", "实际完成情况")
    s.merge(f"B{g + 1}:E{g + 1}", goals[0])
    s.merge(f"F{g + 1}:I{g + 1}", goals[1])
    h = g + 2
    for col, text in zip("BCD", ["一级指标", "二级指标", "三级指标"], strict=True):
        s.merge(f"{col}{h}:{col}{h + 1}", text)
    s.row(f"E{h}", ["年度", "实际"])
    s.row(f"E{h + 1}", ["指标值", "完成值"])
    for col, text in zip("GHI", ["分值", "得分", "偏差原因分析及改进措施"], strict=True):
        s.merge(f"{col}{h}:{col}{h + 1}", text)
    for i, row in enumerate(rows):
        r = h + 2 + i
        for col, v in zip("BCDEFGHI", row, strict=False):
            if isinstance(v, tuple):
                s.put(f"{col}{r}", v[0], PCT0)
            else:
                s.put(f"{col}{r}", v)
    if total is not None:
        z = h + 2 + len(rows)
        s.merge(f"A{z}:F{z}", "总分")
        s.put(f"G{z}", total[0])
        s.put(f"H{z}", total[1])


EZHOU_1 = [
    ["产出指标", "数量指标", "服务对象人数", "100人次", "100人次", 15, 15],
    [None, "质量指标", "服务达标率", (0.8,), (0.8,), 20, 20],
    [None, "时效指标", "完成时限", "2019年", "2019年", 15, 15],
    [None, "成本指标", "计划完成率", (0.9,), (0.6,), 20, 10, "部分项目延续至下年"],
    ["效益指标", "社会效益\n指标", "财政工作运行效率", "≥80%", "≥80%", 15, 15],
    ["满意度\n指标", "服务对象满意度指标", "受益群体满意度", (0.9,), (0.9,), 15, 15],
]
EZHOU_2 = [
    ["产出指标", "质量指标", "项目合格率", (0.9,), (0.6,), 20, 10, "部分项目延续至下年"],
    [None, "时效指标", "完成时限", "2019年", "2020年", 20, 10, "部分项目延续至下年"],
    [None, "成本指标", "成本控制率", (0.9,), (0.9,), 20, 20],
    ["效益指标", "社会效益指标", "财政工作运行效率", "≥80%", "≥80%", 20, 20],
]


@fixture("L06_ezhou_two_projects.xlsx", "openpyxl")
def l06_ezhou_two_projects() -> BookDesc:
    b = BookDesc()
    s = b.sheet("购买第三方服务")
    ezhou_form(s, 1, "购买第三方服务", (287, 287, 171, 0.6, 6), ("287", "171"), EZHOU_1, (100, 90))
    ezhou_form(s, 26, "购买第三方服务", (287, 287, 171, 0.6, 6), ("287", "171"), EZHOU_1, (100, 90))   # pasted again
    s = b.sheet("财政政务管理")
    ezhou_form(s, 1, "财政政务管理", (202, 202, 100, 0.5, 5), ("202", "100"), EZHOU_2, None)
    return b


# ---------------------------------------------------------------------------------------------- L07
# SOURCE: https://www.scqs.gov.cn/info/13206/211004.htm — 青神县发展和改革局 部门预算项目支出绩效自评表
# (2023年度) (Sichuan): 调整后预算数 / 预算执行数 / 权重; extra fund rows 财政专户管理资金 and 单位资金; the
# unit left the template's instructions in and typed no actuals; saved by LibreOffice.
@fixture("L07_qingshen_wages.xlsx", "openpyxl+lo")
def l07_qingshen_wages() -> BookDesc:
    b = BookDesc()
    s = b.sheet("自评表")
    s.put("A1", "报表编号:510000_0013zp")
    s.merge("A2:K2", "部门预算项目支出绩效自评表(2023年度)")
    s.merge("A3:B3", "项目名称")
    s.merge("C3:K3", "51000021R000000019951-工资性支出")
    s.merge("A4:B4", "主管部门")
    s.merge("C4:E4", "青神县发展和改革局本级")
    s.merge("F4:G4", "实施单位 (盖章)")
    s.merge("H4:K4", "青神县发展和改革局")
    s.merge("A5:A9", "项目基本情况")
    s.merge("B5:K5", "1.项目年度目标完成情况")
    s.merge("B6:F6", "项目年度目标")
    s.merge("G6:K6", "年度目标完成情况")
    s.merge("B7:F7", "严格执行相关政策,保障工资及时、足额发放或社保及时、足额缴纳,预算编制科学合理,减少结余资金。")
    s.merge("G7:K7", "对照年度目标,说明相关任务目标的完成情况(100字以内)")
    s.merge("B8:K8", "2.项目实施内容及过程概述")
    s.merge("B9:K9", "")
    s.merge("A10:A15", "预算执行情况(10分)")
    s.row("B10", ["年度预算数(万元)", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权　重", "得　分"])
    s.merge("I10:K10", "原因")
    s.row("B11", ["总额", 238.93, 251.89, 251.89])
    s.put("F11", 1, PCT)
    s.put("G11", 10)
    s.merge("I11:K15", "1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因(100字以内);2.年中发生预算调整"
                       "的(追加或调减),应单独说明理由;3.其他资金包括:社会投入资金、银行贷款.")
    s.row("B12", ["其中:财政资金", 238.93, 251.89, 251.89])
    s.put("F12", 1, PCT)
    s.row("G12", ["/", "/"])
    for r, label in ((13, "财政专户管理资金"), (14, "单位资金")):
        s.row(f"B{r}", [label, 0, 0, 0])
        s.put(f"F{r}", 0, PCT)
        s.row(f"G{r}", ["/", "/"])
    s.put("B15", "其他资金")
    s.row("G15", ["/", "/"])
    s.merge("A16:A19", "绩效指标(90分)")
    s.row("B16", ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权　重", "得　分",
                  "未完成原因分析"])
    s.row("B17", ["产出指标", "数量指标", "发放(缴纳)覆盖率", "=", "100", "%", None, 60])
    s.row("B18", ["效益指标", "社会效益指标", "足额保障率(参保率)", "=", "100", "%", None, 30])
    s.merge("B19:H19", "合计")
    s.put("I19", 100)
    for r, label, text in ((20, "评价结论", "结合自评情况,说明项目自评总分,说明项目实施取得的成效或成果。(200字以内)"),
                           (21, "存在问题", "结合自评情况,分析存在的问题及原因。(200字以内)"),
                           (22, "改进措施", "针对项目自评中发现的问题,提出下一步改进完善的意见及有关政策性建议。(200字以内)")):
        s.put(f"A{r}", label)
        s.merge(f"B{r}:K{r}", text)
    s.merge("A23:E23", "项目负责人:")
    s.merge("F23:K23", "财务负责人:")
    return b


# ---------------------------------------------------------------------------------------------- L08
# SOURCE: https://dyxrmt.cn/article-157795-21.html — 大英县司法局 2023年全县安可替代补助资金项目, 部门预算项目
# 支出绩效自评表(2023年度) (Sichuan). Typed in 元 (the form's header says so), from C4.
@fixture("L08_daying_anke.xlsx", "xlsxwriter")
def l08_daying_anke() -> BookDesc:
    b = BookDesc()
    s = b.sheet("安可替代")
    s.merge("C4:M4", "部门预算项目支出绩效自评表(2023年度)")
    s.merge("C5:D5", "项目名称")
    s.merge("E5:M5", "51092324T000010263357-2023年全县安可替代补助资金项目")
    s.merge("C6:D6", "主管部门")
    s.merge("E6:G6", "大英县司法局部门")
    s.merge("H6:I6", "实施单位")
    s.merge("J6:M6", "大英县司法局")
    s.merge("C7:C11", "项目基本情况")
    s.merge("D7:M7", "1.项目年度目标完成情况")
    s.merge("D8:H8", "项目年度目标")
    s.merge("I8:M8", "年度目标完成情况")
    s.merge("D9:H9", "根据要求购买安可设备，并完成项目资金支付。")
    s.merge("I9:M9", "完成")
    s.merge("D10:M10", "2.项目实施内容及过程概述")
    s.merge("D11:M11", "2023年购买13台安可电脑，并于12月前完成资金支付。")
    s.merge("C12:C17", "预算执行情况(10分)")
    s.row("D12", ["年度预算数(元)", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分"])
    s.merge("K12:M12", "原因")
    s.row("D13", ["总额", 0, 33600, 33600])
    s.put("H13", 1, PCT)
    s.row("I13", [10, 10])
    s.row("D14", ["其中：财政资金", 0, 33600, 33600])
    s.put("H14", 1, PCT)
    s.row("I14", ["/", "/"])
    for r, label in ((15, "财政专户管理资金"), (16, "单位资金")):
        s.row(f"D{r}", [label, 0, 0, 0])
        s.put(f"H{r}", 0, PCT)
        s.row(f"I{r}", ["/", "/"])
    s.put("D17", "其他资金")
    s.row("I17", ["/", "/"])
    s.merge("C18:C19", "绩效指标(90分)")
    s.row("D18", ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分",
                  "未完成原因分析"])
    s.row("D19", ["产出指标", "质量指标", "完成安可产品购买并按要求支付资金", "=", 100])
    return b


# ---------------------------------------------------------------------------------------------- L09
# SOURCE: http://www.hengshan.gov.cn/xzxxgk/gtx/fdzdgknr/czxx/20240914/i3455515.html — 衡山县贯塘乡人民政府
# 2023年度部门整体支出绩效评价基础数据表 (附件一, a data table that is no form) and 部门整体支出绩效自评表
# (附件二) (Hunan), as published (the page ends before the indicator table). Fund rows the form breaks down
# in one cell each ("其他资金：585.62") are no columns of the table.
@fixture("L09_hengshan_township.xlsx", "openpyxl")
def l09_hengshan_township() -> BookDesc:
    b = BookDesc()
    s = b.sheet("附件一")
    s.merge("A1:D1", "2023年度部门整体支出绩效评价基础数据表")
    s.merge("A2:A3", "财政供养人员情况(人)")
    s.row("B2", ["编制数", "2023 年实际在职人数", "控制率"])
    s.row("B3", [46, 50])
    s.put("D3", 1.087, PCT)
    s.row("A4", ["经费控制情况(万元)", "2022 年决算数", "2023 年预算数", "2023 年决算数"])
    s.row("A5", ["三公经费：", 0, 0, 0])
    s.row("A6", ["1、公务用车购置和维护经费", 0, 0, 0])
    s.row("A7", ["项目支出：", 874.20, 308.17, 1025.20])
    s.row("A8", ["公用经费", 118.31, 85.76, 193.42])
    s.row("A9", ["其中：办公经费", 29.35, 27.00, 49.09])
    s = b.sheet("附件二")
    s.merge("A1:H1", "2023年度部门整体支出绩效自评表")
    s.merge("A2:B2", "预算部门、单位名称")
    s.merge("C2:H2", "衡山县贯塘乡人民政府")
    s.merge("A3:A9", "年度预算申请\n（万元）")
    s.row("C3", ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "自评得分"])
    s.row("B4", ["年度资金总额", 861.10, 2030.12, 2030.12, 10], "0.00")
    s.put("G4", 1, PCT0)
    s.put("H4", 10)
    for r, left, right in ((5, "按收入性质分：2030.12", "按支出性质分：1925.67"),
                           (6, "其中：一般公共预算：1325.68", "其中：基本支出：900.47"),
                           (7, "政府性基金拨款：118.82", "项目支出：1025.20"),
                           (8, "纳入专户管理的非税收入拨款：", None),
                           (9, "其他资金：585.62", None)):
        s.merge(f"B{r}:D{r}", left)
        s.merge(f"E{r}:H{r}", right)
    s.merge("A10:A11", "年度总体目标")
    s.merge("B10:D10", "预期目标")
    s.merge("E10:H10", "实际完成情况")
    s.merge("B11:D11", "搞好政府各职能部门完成的工作任务监督，服务市场主体和营造发展")
    s.merge("E11:H11", "")
    return b


# ---------------------------------------------------------------------------------------------- L10
# SOURCE: https://www.ahjinzhai.gov.cn/public/6624963/37545031.html — 金寨县茶谷和美丽乡村建设服务中心
# 部门整体支出绩效自评表(2023年度) (Anhui), as far as the page shows it; from D2, spaced labels ("绩 效 指 标",
# "年度 指标值"), formulas for rate and score, saved by LibreOffice.
@fixture("L10_jinzhai_villages.xlsx", "xlsxwriter+lo")
def l10_jinzhai_villages() -> BookDesc:
    b = BookDesc()
    s = b.sheet("部门整体")
    s.merge("D2:L2", "部门整体支出绩效自评表")
    s.merge("D3:L3", "(2023年度)")
    s.put("D4", "部门")
    s.merge("E4:L4", "金寨县茶谷和美丽乡村建设服务中心")
    s.merge("D5:D9", "预算资金 (万元)")
    s.row("F5", ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    s.row("E6", ["年度资金总额", 329.77, 329.77, 338.31, 10])
    s.put("J6", Formula("=H6/G6", 338.31 / 329.77), PCT)
    s.row("E7", ["其中:当年财政拨款", 329.77, 329.77, 338.31, "—"])
    s.put("J7", Formula("=H7/G7", 338.31 / 329.77), PCT)
    s.put("K7", "—")
    s.row("E8", ["上年结转资金", None, None, None, "—", None, "—"])
    s.row("E9", ["其他资金", None, None, None, "—", None, "—"])
    s.merge("D10:D11", "年度总体目标")
    s.merge("E10:H10", "预期目标")
    s.merge("I10:L10", "实际完成情况")
    s.merge("E11:H11", "1.建设徽风皖韵美丽乡村;2.整治美丽宜居自然村庄;3.推进农村改厕提质增效;4.深入开展村庄清洁行动;"
                       "5.促进茶谷果岭融合发展。")
    s.merge("I11:L11", "1.启动燕子河镇龙马村、花石乡大湾村等4个精品示范村建设;2.整治美丽宜居自然村庄202个;"
                       "3.完成农村户用卫生厕所改造3061户。")
    s.merge("D12:D20", "绩 效 指 标")
    s.row("E12", ["一级指标", "二级指标", "三级指标", "年度 指标值", "实际 完成值", "分值", "得分", "偏差原因分析及改进措施"])
    s.merge("E13:E20", "产出指标")
    s.merge("F13:F16", "数量指标")
    s.merge("F17:F18", "质量指标")
    s.merge("F19:F20", "时效指标")
    rows_at(s, 13, "G H I J K", [
        ["指标1:开展精品示范村建设数量", "≤4", 4, 10, 10],
        ["指标2:建设美丽宜居自然村庄数量", "≥200", 202, 10, 10],
        ["指标3:完成农村户用卫生厕所改造数量", "≥2000", 3061, 10, 10],
        ["指标4:新建省级中心村数量", "≥10", 10, 10, 10],
        ["指标1:美丽宜居自然村庄验收通过率", "≥95%", "100%", 5, 5],
        ["指标2:户用卫生厕所改造验收通过率", "≥95%", "100%", 5, 5],
        ["指标1:完成美丽宜居自然村庄验收时间", "9月前", "7月", 5, 5],
        ["指标2:完成户用卫生厕所改造验收时间", "11月前", "10月", 5, 5],
    ])
    return b


# ---------------------------------------------------------------------------------------------- L11
# SOURCE: https://m.yzwku.com/doc/476505.html — 银川市本级部门项目支出绩效自评表(2021年), 初中公用经费,
# 银川市第六中学 (Ningxia), the legible part of the scan: 项目决策/项目管理/项目产出/项目效益 as 一级, the
# weight column before the target, 自评得分 at the top, placeholder "指标2：" rows, "—" where no target is set.
@fixture("L11_yinchuan_school.xlsx", "xlsxwriter")
def l11_yinchuan_school() -> BookDesc:
    b = BookDesc()
    s = b.sheet("项目自评")
    s.merge("A1:H1", "银川市本级部门项目支出绩效自评表(2021年)")
    s.put("A2", "项目名称")
    s.merge("B2:D2", "初中公用经费")
    s.put("E2", "主管部门")
    s.merge("F2:H2", "银川市教育局")
    s.put("A3", "实施单位")
    s.merge("B3:D3", "银川市第六中学")
    s.put("E3", "自评得分")
    s.put("F3", 98)
    s.put("G3", "财政审核评分")
    s.merge("A4:A5", "项目资金（万元）")
    s.row("B4", ["", "年初预算数", "调整预算数(A)", "全年执行数(B)", "执行率(B/A)"])
    s.row("B5", ["年度资金总额", 64.8, 64.8, 64.8])
    s.put("F5", 1, PCT0)
    s.merge("A6:A7", "年度总体目标")
    s.merge("B6:D6", "年初设定目标")
    s.merge("E6:H6", "年度总体目标完成情况综述")
    s.merge("B7:D7", "保障学校正常工作运行")
    s.row("A8", ["一级指标", "二级指标", "三级指标", "分值", "指标值(A)", "全年实际值(B)", "得分",
                 "未完成原因分析及改进措施"])
    s.merge("A9:A12", "项目决策(10分)")
    s.merge("A13:A16", "项目管理(25分)")
    s.merge("A17:A25", "项目产出(30分)")
    s.merge("A26:A32", "项目效益(35分)")
    rows_at(s, 9, "B C D E F G", [
        ["项目目标", "完整性", 4, "—", "目标明确、内容细化、目标量化", 4],
        ["项目立项", "相关性", 2, "—", "按照学校管理标准对学校进行管理", 2],
        [None, "可行性", 2, "—", "实际工作需求", 2],
        [None, "适当性", 2, "—", "有资金测算标准", 2],
        ["投入管理", "预算执行率", 10, "—", "100%", 9],
        ["财务管理", "财务管理制度有效性", 7, "—", "财务制度健全，严格执行制度，会计核算规范", 7],
        ["项目实施", "绩效监控有效性", 2, "—", "持续有效", 2],
        [None, "管理制度有效性", 6, "—", "严格执行相关管理制度", 6],
        ["数量指标(10分)", "保障人数", 10, "2370人", "2370人", 10],
        [None, "指标2："],
        ["质量指标(5分)", "公用经费标准", 5, "符合相关文件要求", "符合相关文件要求", 5],
        [None, "指标2："],
        ["时效指标(5分)", "公用经费完成时间", 5, "2021年12月完成", "2021年12月完成", 4],
        [None, "指标2："],
        ["成本指标(10分)", "办公所需成本", 4, "15万元", "15万元", 4],
        [None, "维修(维护)所需成本", 3, "35万元", "35万元", 3],
        [None, "绿化、水电费等成本", 3, "14.8万元", "14.8万元", 3],
        ["经济效益指标", "指标1："],
        [None, "指标2："],
        ["社会效益指标", "效果显著", 15, "改善学校的办学条件", "改善学校的办学条件", 13],
        ["生态效益指标", "指标1："],
        [None, "指标2："],
        ["可持续影响指标", "使学生和老师有个更好的学习和工作环境", 10, "社会认可的办学环境", "社会认可的办学环境", 8],
        [None, "指标2："],
    ])
    return b


# ---------------------------------------------------------------------------------------------- L12
# SOURCE: /work/shared/seeds/001 again, as the PDF reads: the report and the form on one sheet, saved by
# LibreOffice as .xls (BIFF8), no formulas.
@fixture("L12_zhuzhou_one_sheet.xls", "xlsxwriter+lo")
def l12_zhuzhou_one_sheet() -> BookDesc:
    b = BookDesc()
    s = b.sheet("2020年自评")
    for i, text in enumerate(ZHUZHOU_REPORT, start=1):
        s.merge(f"A{i}:H{i}", text)
    zhuzhou_form(s, len(ZHUZHOU_REPORT) + 2, formulas=False)
    return b


# ---------------------------------------------------------------------------------------------- L13
# SOURCE: http://m.jjiadianqingjie.com.cn/changyong/13241.html — 丽江市古城区自然资源局 2020年省级自然资源卫片
# 执法补助经费 项目支出绩效自评表 (Yunnan), as published (the page ends before the last score): the indicator
# header in two rows, "年度指标值" over 指标性质 / 指标值 / 度量单位, the other headers merged down both rows;
# "﹦" as the nature; "年度 总体 目标" spaced.
@fixture("L13_lijiang_satellite.xlsx", "openpyxl")
def l13_lijiang_satellite() -> BookDesc:
    b = BookDesc()
    s = b.sheet("卫片执法")
    s.merge("A1:J1", "2020年度项目支出绩效自评表")
    s.put("A3", "项目名称")
    s.merge("B3:J3", "2020年省级自然资源卫片执法补助经费支出绩效自评表")
    s.put("A4", "主管部门")
    s.merge("B4:D4", "丽江市自然资源和规划局")
    s.put("E4", "实施单位")
    s.merge("F4:J4", "丽江市古城区自然资源局")
    s.merge("A5:A9", "项目资金 (万元)")
    s.row("C5", ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    s.row("B6", ["年度资金总额", 7.29, 7.29, 7.29, 10], "0.00")
    s.put("G6", 1, PCT0)
    s.put("H6", 10, "0.00")
    s.row("B7", ["其中:当年财政拨款", 7.29, 7.29, 7.29])
    s.put("G7", 1, PCT0)
    s.put("B8", "上年结转资金")
    s.put("B9", "其他资金")
    s.merge("A10:A11", "年度 总体 目标")
    s.merge("B10:E10", "预期目标")
    s.merge("F10:J10", "实际完成情况")
    s.merge("B11:E11", "自然资源卫片执法补助经费")
    s.merge("F11:J11", "自然资源卫片执法补助经费")
    s.merge("A12:C12", "绩效指标")
    s.merge("D12:F12", "年度指标值")
    for col, text in zip("GHIJ", ["实际完成值", "分值", "得分", "偏差原因分析及改进措施"], strict=True):
        s.merge(f"{col}12:{col}13", text)
    s.row("A13", ["一级 指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"])
    s.merge("A14:A16", "产出指标")
    rows_at(s, 14, "B C D E F G H I", [
        ["数量指标", "卫片执法补助经费", "﹦", 72890, "元", 72890, 10, 9],
        ["质量指标", "项目验收合格率", "﹦", 100, "%", 100, 20, 19],
        ["时效指标", "项目完成及时率", "﹦", 100, "%", 100, 20, 19],
        ["社会效益指标", "违法行为责停率", "≥", 95, "%", 95, 30, 27],
        ["服务对象满意度指标", "满意度", "≥", 95, "%", 95, 10],
    ], )
    s.put("A17", "效益指标")
    s.put("A18", "满意度指标")
    return b


if __name__ == "__main__":
    FIXTURES.main(sys.argv[1:])
