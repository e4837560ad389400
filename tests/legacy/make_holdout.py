# ruff: noqa: E501 - transcribed form text is kept on one line with its cell
"""Build tests/legacy/forms_holdout/: a HELD-OUT set of hand-made forms the importer was not written against.

    python tests/legacy/make_holdout.py [NAME ...]     (LibreOffice is needed for the .xls and LO fixtures)

Written by someone who had not read xlsform/importer/, from published forms of other counties and other
layouts than tests/legacy/forms/ (each fixture's SOURCE), transcribed in the layout the unit typed, with
the noise such files carry. The record each should give was written by hand in expected_holdout/ before
the importer ran on any of them, so `python tests/legacy/measure.py` on this set is an honest estimate of
how the importer does on forms nobody tuned it for.

The stored copies behind some sources end before the form does, or garble a few rows (text taken out of a
PDF); such a form is transcribed up to where its copy is clear, and the source note says which rows are
left out. Nothing is added that the source does not print.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from book import BookDesc, Fixtures, Formula, rows_at  # noqa: E402

OUT = HERE / "forms_holdout"
PCT = "0.00%"
PCT0 = "0%"

FIXTURES = Fixtures(OUT)   # name -> (file, builder, writer)
fixture = FIXTURES.add


# ---------------------------------------------------------------------------------------------- H01
# SOURCE: https://chacewang.com/newsdetail/news242266.html — 中江县水利局 2022年财政衔接资金实施项目绩效自评表
# (Sichuan, Deyang), "绩效目标自评表（2022年度）". Layout unlike the corpus: the weight column 分值 stands
# BEFORE 年度指标值 / 全年实际值; no 年初预算数; "项目负责人及电话" beside the name; an empty 经济效益指标
# slot and a "……" placeholder row; a formula for the rate; the publication notice on a sheet of its own.
@fixture("H01_zhongjiang_water.xlsx", "xlsxwriter")
def h01_zhongjiang_water() -> BookDesc:
    b = BookDesc()
    n = b.sheet("公示")
    n.put("A1", "现已完成中江县2022年衔接资金实施项目绩效目标自评，意见收集人：罗娟　联系电话：0838-7211924")
    n.put("A2", "附件：2022年财政衔接资金实施项目绩效自评表")
    n.put("A4", "中江县水利局")
    n.put("A5", "2022年12月30日")
    s = b.sheet("绩效自评表")
    s.merge("A1:I1", "绩效目标自评表")
    s.merge("A2:I2", "（2022年度）")
    s.put("A3", "项目名称")
    s.merge("B3:E3", "中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装")
    s.put("F3", "项目负责人及电话")
    s.merge("G3:I3", "谢凯13990260322(办公)")
    s.put("A4", "主管部门")
    s.merge("B4:E4", "中江县水利局")
    s.put("F4", "实施单位")
    s.merge("G4:I4", "中江县水利局")
    s.merge("A5:A8", "资金情况\n(万元)")
    s.row("C5", ["全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)"])
    s.merge("G5:I5", "得分")
    s.row("B6", ["年度资金总额:", 20, 20, 10])
    s.put("F6", Formula("=D6/C6", 1), PCT)
    s.merge("G6:I6", 10)
    s.row("B7", ["其中:本年财政拨款", 20, 20])
    s.put("B8", "其他资金")
    s.merge("A9:A10", "年度总体目标")
    s.merge("B9:E9", "年初设定目标")
    s.merge("F9:I9", "年度总体目标完成情况综述")
    s.merge("B10:E10", "对农村地区供水计量设施设备进行改进,对项目区农业用水计量,为项目区农业生产夯实基础,")
    s.merge("F10:I10", "对项目区农业用水计量,为项目区农业生产夯实基础,")
    s.merge("A11:A22", "绩效指标")
    s.row("B11", ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分",
                  "未完成原因及拟采取的改进措施"])
    s.merge("B12:B17", "产出指标(70分)")
    s.merge("B18:B20", "效益指标(20分)")
    s.merge("B21:B22", "满意度指标(10分)")
    s.merge("C12:C13", "数量指标")
    s.merge("C15:C16", "时效指标")
    s.merge("C19:C20", "社会效益指标")
    s.merge("C21:C22", "服务对象满意度指标")
    rows_at(s, 12, "C D E F G H", [
        [None, "安装坡面水标尺", 10, "≥266米", "≥266米", 10],
        [None, "水标尺宽度", 10, "≥50厘米", "≥50厘米", 10],
        ["质量指标", "项目(工程)验收合格率", 20, (1, PCT0), (1, PCT0), 20],
        [None, "及时(按期)开工率", 10, "≥90%", "≥90%", 10],
        [None, "及时(按期)完工率", 10, "≥90%", "≥90%", 10],
        ["成本指标", "项目计划总投资", 10, "20万元", "20万元", 10],
        ["经济效益指标"],
        [None, "受益脱贫(含监测对象)户人口数", 10, "≥1000人", "≥1000人", 10],
        [None, "群众生产生活条件改善状况", 10, "显著提升", "显著提升", 10],
        [None, "受益脱贫(含监测对象)户满意度", 10, "≥95%", "≥95%", 10],
        [None, "……"],
    ])
    s.merge("A23:D23", "总分")
    s.put("E23", 100)
    s.put("H23", 100)
    s.merge("A24:I24", "注:1.一级指标分值统一设置为:产出指标50分、效益指标30分、满意度指标10分、预算资金执行率10分,各部门根据各项指标重要程度确定三级指标的分值,得分最高不能超过该指标分值上限,分别按照该指标对应分值区间100-80%(含80%)、80-60%(含60%)、60-0%合理确定得分。")
    return b


# ---------------------------------------------------------------------------------------------- H02
# SOURCE: https://keke.chddh.cn/archives/p4q58rogpx4emom7ewb9.html — 基本公共卫生服务项目支出绩效自评表.xlsx:
# 稷山县项目支出绩效自评表（2021年度）, 稷山县翟店镇卫生院 (Shanxi). 22 indicators under one 数量指标, each
# typed "指标N：…"; the header in two rows ("年度/指标值", "实际/完成值"); a zero 年初预算数; "—" for the
# fiscal row's weight and score; saved as .xls by LibreOffice. The stored copy (text out of a PDF) shows
# each row's amount once and the rate 100%, so 全年预算数 = 全年执行数 is typed in both; it garbles
# 指标3-指标5 (left out) and ends at 质量指标 (the transcription ends with the 数量指标 rows).
@fixture("H02_jishan_health.xls", "openpyxl+lo")
def h02_jishan_health() -> BookDesc:
    b = BookDesc()
    s = b.sheet("项目自评表")
    s.merge("A1:H1", "稷山县项目支出绩效自评表")
    s.merge("A2:H2", "(2021年度)")
    s.put("A3", "项目名称")
    s.merge("B3:H3", "国家基本公共卫生服务")
    s.put("A4", "主管部门")
    s.merge("B4:D4", "稷山县卫生健康和体育局")
    s.put("E4", "实施单位")
    s.merge("F4:H4", "稷山县翟店镇卫生院")
    s.merge("A5:A9", "项目资金\n(万元)")
    s.row("C5", ["年初预算\n数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    s.row("B6", ["年度资金总额", 0, 207.4538, 207.4538, 10])
    s.put("G6", 1, PCT0)
    s.put("H6", 10)
    s.row("B7", ["其中:当年财政拨款", None, 207.4538, 207.4538, "—"])
    s.put("G7", 1, PCT0)
    s.put("H7", "—")
    s.put("B8", "上年结转资金")
    s.put("B9", "其他资金")
    s.merge("A10:A11", "年度\n总体\n目标")
    s.merge("B10:D10", "预期目标")
    s.merge("E10:H10", "实际完成情况")
    s.merge("B11:D11", "国家基本公共卫生服务")
    s.merge("E11:H11", "国家基本公共卫生服务")
    s.merge("A12:A13", "一级\n指标")
    s.merge("B12:B13", "二级指标")
    s.merge("C12:C13", "三级指标")
    s.row("D12", ["年度", "实际"])
    s.row("D13", ["指标值", "完成值"])
    s.merge("F12:F13", "分值")
    s.merge("G12:G13", "得分")
    rows = [
        ["指标1：居民健康档案", "38508人", "37442人", 3, 3],
        ["指标2：发放健康教育资料", "不少于12 种", "14种", 1, 1],
        ["指标6：举办健康教育宣传咨询活动", "12次", "96次", 1, 1],
        ["指标7：建立预防接种证", "221人", "221人", 2, 2],
        ["指标8：适龄儿童疫苗接种率", (1, PCT), (0.973, PCT), 2, 1.9],
        ["指标9：0-6岁儿童健康管理数", "2089人", "2089人", 2, 2],
        ["指标10：0-6岁儿童眼保健操覆盖数", "2089人", "2089人", 2, 2],
        ["指标11：新生入访视数", "214人", "214人", 2, 2],
        ["指标12：孕产妇7天访视数", "214人", "203人", 2, 1.8],
        ["指标13：孕产妇42天访视数", "214人", "203人", 2, 1.8],
        ["指标14：早孕建册数", "120人", "69人", 2, 1],
        ["指标15：老年人体检数", "5662人", "4044人", 2, 1.4],
        ["指标16：高血压规范管理数", "3807人", "3224人", 2, 1.9],
        ["指标17：高血压随访控制数", "3807人", "3220人", 2, 1.8],
        ["指标18：糖尿病规范管理数", "863人", "695人", 2, 1.8],
        ["指标19：糖尿病随访控制数", "863人", "683人", 2, 1.7],
        ["指标20：严重精神障碍患者管理数", "212人", "209人", 2, 1.8],
        ["指标21：肺结核健康规范管理数", "8例", "8例", 2, 2],
        ["指标22：老年人中医药规范管理数", "5662人", "4044人", 2, 1.4],
        ["指标23：0-36月龄中医药规范管理数", "1228人", "770人", 2, 1.8],
        ["指标24：传染病及突发公共卫生事件报告\n数", "14例", "14例", 2, 2],
        ["指标25：家庭医生签约率", "24694人", "22584人", 2, 1.7],
    ]
    s.merge(f"A14:A{13 + len(rows)}", "产出指标")
    s.merge(f"B14:B{13 + len(rows)}", "数量指标")
    rows_at(s, 14, "C D E F G", rows)   # type: ignore[arg-type]
    return b


# ---------------------------------------------------------------------------------------------- H03
# SOURCE: https://m.yzwku.com/doc/98587.html — 部门整体绩效自评表.docx, 西部（重庆）科学城 融媒体中心 2021
# (Chongqing). A layout with no 一级/二级 at all: 指标名称 / 计量单位 / 指标性质 / 年初指标值 / 调整指标值 /
# 全年完成值 / 得分系数(%) / 指标权重(分) / 指标得分(分) / 是否核心指标; the fund block 执行率 / 执行率权重 /
# 执行率得分(分) with no row label; 自评总分(分) at the top; no year in the title. The form starts at B2.
# The stored copy is OCR: the amounts of the fund block and the rows 党性教育培训次数, 组织宣传活动次数,
# 制作宣传品数量 are unreadable (left out, amounts left empty); it ends at "公共服务…" (left out).
@fixture("H03_chongqing_media.xlsx", "openpyxl")
def h03_chongqing_media() -> BookDesc:
    b = BookDesc()
    s = b.sheet("Sheet1")
    s.merge("B2:K2", "部门整体绩效自评表")
    s.put("B3", "主管部门")
    s.merge("C3:D3", "")
    s.put("E3", "财政处室")
    s.merge("F3:G3", "")
    s.put("H3", "自评总分(分)")
    s.merge("I3:K3", 97.6)
    s.put("B4", "部门联系人")
    s.merge("C4:D4", "曾雪莲")
    s.put("E4", "联系电话")
    s.merge("F4:K4", "")
    s.merge("B5:B6", "部门预算执行情况(万元)")
    s.row("C5", ["年初预算数", "全年(调整)预算数", "全年执行数", "执行率(%)", "执行率权重", "执行率得分(分)"])
    s.put("F6", 0.76, PCT0)
    s.put("G6", 10)
    s.put("H6", 7.6)
    s.merge("B7:B8", "当年\n绩效\n目标")
    s.merge("C7:E7", "年初绩效目标")
    s.merge("F7:H7", "全年（调整）绩效目标")
    s.merge("I7:K7", "全年目标实际完成情况")
    s.merge("C8:E8", "无")
    s.merge("F8:H8", "通过整合各级各类媒体、户外广告载体、宣传宣讲活动等,为建设成渝地区双城经济圈和西部(重庆)重庆科学城营造良好氛围。保障融媒体中心正常人事基础/日常运转,有效承担西部(重庆)科学城新闻宣传管理,思想文化领域建设等工作。")
    s.merge("I8:K8", "中心2021年较好地完成了履职任务,有效开展了西部(重庆)科学城新闻宣传管理/思想文化领域建设等工作,为建设成渝地区双城经济圈和西部(重庆)重庆科学城营造了良好氛围。")
    s.row("B9", ["指标名称", "计量单位", "指标性质", "年初指标值", "调整指标值", "全年完成值", "得分系数(%)",
                 "指标权重(分)", "指标得分(分)", "是否核心指标"])
    rows = [
        ["财政供养人员控制率", "%", None, "100%", None, "92%", (1, PCT0), 2, 2, "否"],
        ["“三公”经费变动率", "%", None, None, None, None, (1, PCT0), 2, 2, "否"],
        ["基础信息完善", "%", None, (1, PCT0), None, (1, PCT0), (1, PCT0), 1, 1, "否"],
        ["预算完成率", "%", None, "70%", None, "76%", (1, PCT0), 2, 2, "是"],
        ["预算调整率", "%", None, "3%", None, 0, (1, PCT0), 2, 2, "否"],
        ["结转结余率", "%", None, "2%", None, 0, (1, PCT0), 2, 2, "是"],
        ["公用经费控制率", "%", None, "100%", None, "97%", (1, PCT0), 2, 2, "是"],
        ["“三公”经费控制率", "%", None, None, None, None, (1, PCT0), 2, 2, "否"],
        ["政府采购执行率", "%", None, "100%", None, "72.74%", (1, PCT0), 2, 2, "是"],
        ["管理制度健全性", None, None, "高", None, "高", (1, PCT0), 3, 3, "否"],
        ["资金使用合规性", None, None, "好", None, "好", (1, PCT0), 5, 5, "否"],
        ["预决算信息公开性", None, None, "高", None, "高", (1, PCT0), 1, 1, "否"],
        ["资产管理安全", None, None, "好", None, "好", (1, PCT0), 2, 2, "否"],
        ["固定资产利用率", "%", None, "90%", None, "100%", (1, PCT0), 2, 2, "否"],
        ["播发稿件数量", "篇", None, "2200篇", None, "2859篇", (1, PCT0), 10, 10, "是"],
        ["业务保障能力提升", "%", None, "90%", None, "95%", (1, PCT0), 10, 10, "否"],
    ]
    rows_at(s, 10, "B C D E F G H I J K", rows)   # type: ignore[arg-type]
    s.merge("D10:D18", "定量指标")
    s.merge("D19:D22", "定\n性\n指\n标")
    s.merge("D23:D25", "定量指标")
    s.width("B", 22)
    return b


# ---------------------------------------------------------------------------------------------- H04
# SOURCE: http://www.zgtc.gov.cn/xxgk/dfbmptlj/xzxxgkpt/thz/fdzdgknr_22529/czzj_22533/202108/t20210825_2381407.shtml
# — 塘湖镇人民政府 整体支出绩效自评表 (填报日期 2021.5.18). No title and no year on the form; "单位名称:塘湖镇政府"
# typed in one cell above the name row that says 塘湖镇人民政府; 预算数(A) and 执行数(B) under one merged
# amount; no 分值 column (only 得分); 二级 typed on every row; "日效性指标" as typed; "100分" as the total;
# the fund block's weight only inside its label "(20分)"; long notes under the table. Saved by LibreOffice.
@fixture("H04_tanghu_town.xlsx", "xlsxwriter+lo")
def h04_tanghu_town() -> BookDesc:
    b = BookDesc()
    s = b.sheet("整体支出自评")
    s.merge("A1:D1", "单位名称:塘湖镇政府")
    s.merge("E1:I1", "填报日期:2021.5.18")
    s.merge("A2:B2", "单位名称")
    s.merge("C2:I2", "塘湖镇人民政府")
    s.merge("A3:B3", "基本支出总额")
    s.merge("C3:D3", "864.2万")
    s.merge("E3:F3", "项目支出总额")
    s.merge("G3:I3", 0)
    s.merge("A4:B4", "预算执行情况(万元)\n(20分)")
    s.merge("C4:D4", "预算数(A)")
    s.put("E4", "执行数(B)")
    s.put("F4", "执行率(B/A)")
    s.merge("G4:I4", "得分\n(20分*执行率)")
    s.merge("A5:B5", "部门整体支出总额")
    s.merge("C5:E5", 864.2)
    s.put("F5", 1, PCT0)
    s.merge("G5:I5", 20)
    s.merge("A6:B6", "年度目标1:(80分)")
    s.merge("C6:I6", "增强政府工作效率、改善乡镇居住环境")
    s.merge("A7:A13", "年度绩效指标")
    s.row("B7", ["一级指标", "二级指标"])
    s.merge("D7:E7", "三级指标")
    s.row("F7", ["年初目标值(A)", "实际完成值(B)"])
    s.merge("H7:I7", "得分")
    s.merge("B8:B10", "产出指标")
    s.merge("B11:B12", "效益指标")
    s.put("B13", "满意度指标")
    for r, (l2, l3, target, actual, score) in enumerate([
        ("数量指标", "办结信访案件", "168起", "168起", 10),
        ("数量指标", "拆除活人墓、豪华墓", "32座", "32座", 20),
        ("日效性指标", "解决群众问题时间", "2天以内", "2天以内", 10),
        ("社会效益指标", "改善人居环境", "有效改善", "有效改善", 10),
        ("社会效益指标", "提升出行效率", "有效提升", "有效提升", 10),
        ("群众满意度\n指标", "群众对政府工作满意度", "≧90%", (0.95, PCT0), 20),
    ], start=8):
        s.put(f"C{r}", l2)
        s.merge(f"D{r}:E{r}", l3)
        s.put(f"F{r}", target)
        if isinstance(actual, tuple):
            s.put(f"G{r}", actual[0], actual[1])
        else:
            s.put(f"G{r}", actual)
        s.merge(f"H{r}:I{r}", score)
    s.merge("A14:B14", "总分")
    s.merge("C14:I14", "100分")
    s.merge("A15:B15", "偏差大或\n目标未完成\n原因分析")
    s.merge("C15:I15", "无")
    s.merge("A16:B16", "改进措施及\n结果应用方案")
    s.merge("C16:I16", "无")
    s.merge("A17:I17", "备注:\n1.预算执行情况口径:预算数为调整后财政资金总额(包括上年结余结转),执行数为资金使用单位财政资金实际支出数。\n2.定量指标完成数汇总原则:绝对值直接累加计算,相对值按照资金额度加权平均计算。定量指标计分原则:正向指标(即目标值为≥X,得分=权重*B/A),反向指标(即目标值为≤X,得分=权重*A/B),得分不得突破权重总额。定量指标先汇总完成数,再计算得分。\n3.定性指标计分原则:达成预期指标、部分达成预期指标并具有一定效果、未达成预期指标且效果较差三档,分别按照该指标对应分值区间100-80%(含80%)、80-50%(含50%)、50-0%合理确定分值。")
    return b


# ---------------------------------------------------------------------------------------------- H05
# SOURCES (Hubei, Huanggang, 2020, one template): the search corpus "pages", 2020年度水土保持监测项目绩效自评表
# (黄冈市水土保持与农田水利科研所, 填报日期 2021年3月10日; no address stored), and
# http://bubsandbeans.com/paper/218226069.html — 黄冈市档案馆2020年度项目绩效自评表 with its narrative
# 项目绩效自评报告. Two units' forms in one workbook and the narrative on a sheet of its own. The first form
# has TWO indicator blocks (年度绩效目标1 / 年度绩效目标2, each with its own header) in ONE form; no 分值
# column; checkbox rows (项目类别 / 项目属性 / 项目类型); "单位名称:" in the row above the project. The archive's
# form is transcribed up to its indicator table, where its stored copy ends; its amounts are typed "10万".
@fixture("H05_huanggang_two_units.xlsx", "openpyxl")
def h05_huanggang_two_units() -> BookDesc:
    b = BookDesc()
    n = b.sheet("自评报告")
    n.put("A1", "黄冈市档案馆2020年度")
    n.put("A2", "项目绩效自评报告")
    n.put("A3", "自评得分")
    n.put("B3", "100分")
    n.put("A4", "绩效目标完成情况")
    n.put("A5", "执行率情况")
    n.put("B5", "档案抢救与保护、档案工作考评、查询利用、档案资料征集、数字化、编研、陈列等专项经费预算10万元，实际支出10万元，执行率100%。")
    n.put("A6", "完成的绩效目标")
    n.put("B6", "2020年项目经费10万元主要用于重点档案抢救、档案复制、档案资料征集、数字化、编研、库房日常管理、装具更换、设备购置维护等。")
    n.put("A7", "未完成的绩效目标")
    n.put("B7", "(无)")
    n.put("A8", "下一步拟改进措施")
    n.put("B8", "(无)")

    s = b.sheet("水保监测")
    s.merge("A1:H1", "2020年度水土保持监测项目绩效自评表")
    s.merge("A2:D2", "单位名称:黄冈市水土保持与农田水利科研所")
    s.merge("E2:H2", "填报日期:2021年3月10日")
    s.put("A3", "项目名称")
    s.merge("B3:D3", "水土保持监测")
    s.put("E3", "主管部门")
    s.merge("F3:H3", "黄冈市水利和湖泊局")
    s.put("A4", "项目实施单位")
    s.merge("B4:D4", "本单位")
    s.put("E4", "项目类别")
    s.merge("F4:H4", "1、上级专项 2、本级专项 ")
    s.put("A5", "项目属性")
    s.merge("B5:D5", "1、持续性项目 2、新增性项目 ")
    s.put("E5", "项目类型")
    s.merge("F5:H5", "1、常年性项目 2、延续性项目 3、一次性项目 ")
    s.merge("A6:B6", "预算执行情况(万元)(20分)")
    s.merge("C6:D6", "预算数(A)")
    s.put("E6", "执行数(B)")
    s.put("F6", "执行率(B/A)")
    s.merge("G6:H6", "得分(20分*执行率)")
    s.merge("A7:B7", "年度财政资金总额")
    s.merge("C7:D7", 10)
    s.put("E7", 10)
    s.put("F7", 1, PCT0)
    s.merge("G7:H7", 20)
    for top, label, rows in [
        (8, "年度绩效目标1\n(40分)", [
            ["产出指标", "质量指标", "监测数据必须合格", (1, PCT0), (1, PCT0), 10],
            [None, "进度指标", "取得2018-2022监测资料", (1, PCT0), (1, PCT0), 10],
            ["效益指标"],
            ["满意度指标", "服务对象满意度指标", "整编资料审核", "98%", "98%", 19.6],
        ]),
        (13, "年度绩效目标2\n(40分)", [
            ["产出指标", "质量指标", "监测数据资料整编", (1, PCT0), (1, PCT0), 20],
            [None, "进度指标", "完成年度资料上报", (1, PCT0), (1, PCT0), 20],
            ["效益指标", "社会效益指标"],
            ["满意度指标", "服务对象满意度指标"],
        ]),
    ]:
        s.merge(f"A{top}:A{top + 4}", label)   # each goal block has its own header row
        s.row(f"B{top}", ["一级指标", "二级指标"])
        s.merge(f"D{top}:E{top}", "三级指标")
        s.row(f"F{top}", ["年初目标值(A)", "实际完成值(B)", "得分"])
        s.merge(f"B{top + 1}:B{top + 2}", "产出指标")
        for i, row in enumerate(rows):
            r = top + 1 + i
            level1, rest = row[0], row[1:]
            if i > 1:
                s.put(f"B{r}", level1)
            s.merge(f"D{r}:E{r}", rest[1] if len(rest) > 1 else "")
            rows_at(s, r, "C", [rest[:1]])
            rows_at(s, r, "F G H", [rest[2:]])
    s.merge("A18:B18", "总分")
    s.merge("C18:H18", 99.6)
    s.merge("A19:B19", "偏差大或目标未完成原因分析")
    s.merge("C19:H19", "")
    s.merge("A20:B20", "改进措施及结果应用方案")
    s.merge("C20:H20", "")
    s.merge("A21:H21", "备注:1.预算执行情况口径:预算数为调整后财政资金总额(包括上年结余结转),执行数为资金使用单位财政资金实际支出数。")

    a = b.sheet("档案馆")
    a.put("A1", "附件2:")
    a.merge("A2:H2", "黄冈市档案馆2020年度项目绩效自评表")
    a.merge("A3:D3", "单位名称:黄冈市档案馆")
    a.merge("E3:H3", "填报日期:2021年4月")
    a.put("A4", "项目名称")
    a.merge("B4:H4", "档案抢救与保护、档案工作考评、查询利用、档案资料征集、数字化、编研、陈列等专项经费")
    a.put("A5", "主管部门")
    a.merge("B5:D5", "")
    a.put("E5", "项目实施单位")
    a.merge("F5:H5", "黄冈市档案馆")
    a.put("A6", "项目类别")
    a.merge("B6:D6", "1、上级专项 2、本级专项")
    a.put("E6", "项目属性")
    a.merge("F6:H6", "1、持续性项目 2、新增性项目")
    a.put("A7", "项目类型")
    a.merge("B7:H7", "1、一次性拨付项目 2、多次拨付项目")
    a.merge("A8:B8", "预算执行情况(万元)(20分)")
    a.merge("C8:D8", "预算数(A)")
    a.put("E8", "执行数(B)")
    a.put("F8", "执行率(B/A)")
    a.merge("G8:H8", "得分(20分*执行率)")
    a.merge("A9:B9", "年度财政资金总额")
    a.merge("C9:D9", "10万")
    a.put("E9", "10万")
    a.put("F9", "100%")
    a.merge("G9:H9", 20)
    return b


# ---------------------------------------------------------------------------------------------- H06
# SOURCES (Fujian, Ningde, one template): https://yjj.ningde.gov.cn/gzdt/ggl/zjxxgk/202111/t20211110_1546659.htm
# — 宁德市地震局 部门整体支出绩效自评表（2020年度）, and http://ndfzw.com/ggl/2019-12-31/7212.html — 中共宁德市委
# 党史和地方志研究室 部门整体支出绩效自评表（2018年度）. Two units' forms one below the other on one sheet, two
# years. The fund block is another shape (预算安排 / 拨付情况 / 结余情况: 年初部门预算安排金额, 年中调整金额,
# 小计, 年度拨付金额, 支出实现率(%), 本年度结余金额, 资金结余率(%)); rows 财政资金小计 / ① 项目支出 /
# ② 基本支出 / 单位其它收入 / 合计; the 2020 rate typed 99.92 under "(%)"; the 2018 amounts typed in 元
# under a "(万元)" label; 产出目标 / 数量目标 as levels; a 评分标准 text column; 自评得分; the 2020 indicator
# header in two rows. The 2020 copy ends inside its third indicator (two transcribed); the 2018 copy ends
# at its indicator header (the form is transcribed up to its goals). Saved as .xls by LibreOffice.
@fixture("H06_ningde_two_units.xls", "xlsxwriter+lo")
def h06_ningde_two_units() -> BookDesc:
    b = BookDesc()
    s = b.sheet("部门整体自评")
    s.merge("A1:J1", "部门整体支出绩效自评表")
    s.merge("A2:J2", "( 2020 年度)")
    s.merge("A3:B3", "部门(单位)名称")
    s.merge("C3:F3", "宁德市地震局")
    s.merge("G3:H3", "部门预算编码")
    s.merge("I3:J3", "409001007")
    s.merge("A4:A10", "财政资金安排和使用情况")
    s.merge("B4:B5", "资金结构\n(万元)")
    s.merge("C4:E4", "预算安排")
    s.merge("F4:G4", "拨付情况")
    s.merge("H4:J4", "结余情况")
    s.row("C5", ["年初部门预算安排金额(含历年结余结转)①", "年中调整金额②", "小计\n③=①+②", "年度拨付金额④",
                 "支出实现率(%)⑤=④/③", "本年度结余金额⑥=③-④"])
    s.merge("I5:J5", "资金结余率(%)⑦=⑥/③")
    for r, row in enumerate([
        ["财政资金小计", 130.54, 58.07, Formula("=C6+D6", 188.61), 188.45, 99.92, 0.16, 0.08],
        ["① 项目支出", 30, 0, 30, 30, 100, 0, 0],
        ["② 基本支出", 100.54, 58.07, 158.61, 158.45, 99.9, 0.16, 0.1],
        ["2.单位其它收入", 0, 0, 0, 0, 0, 0, 0],
        ["合　计", 130.54, 58.07, 188.61, 188.45, 99.92, 0.16, 0.08],
    ], start=6):
        s.row(f"B{r}", row[:7])
        s.merge(f"I{r}:J{r}", row[7])
    s.merge("A11:A12", "年度总体目标完成情况")
    s.merge("B11:E11", "预期目标")
    s.merge("F11:J11", "目标实际完成情况")
    s.merge("B12:E12", "遵循创新、协调、绿色、开放、共享的发展理念,认真贯彻落实市委、市政府工作部署,加强单位效能建设,深入推进绩效管理实践,进一步转变工作作风,创新管理方法,提升工作实效,提高履职能力,推进我市防震减灾事业健康发展。")
    s.merge("F12:J12", "完成年度目标")
    s.merge("A13:A16", "年度绩效指标完成情况")
    for col, text in zip("BCD", ["一级指标", "二级指标", "三级指标"], strict=True):
        s.merge(f"{col}13:{col}14", text)
    s.row("E13", ["绩效", "实际"])
    s.row("E14", ["目标值", "完成值"])
    for col, text in zip("GHIJ", ["评分标准", "指标分值", "自评得分", "未完成原因"], strict=True):
        s.merge(f"{col}13:{col}14", text)
    s.merge("B15:B16", "产出目标")
    s.merge("C15:C16", "数量目标")
    rows_at(s, 15, "D E F G H I J", [
        ["抽查全市地震监测台站运维情况个数", "9个", "9个", "本指标满分6分,开展全市地震监测台站运维情况抽查数量达9个得6分,少检查一个扣1分,扣完为止。", 6, 6, "已完成"],
        ["开展防震减灾科普“进基层”宣传活动场数", "10场", "11场", "本指标满分6分,开展防震减灾科普进社区活动场数达10场得6分,少一场扣1分,扣完为止。", 6, 6, "已完成"],
    ])

    t = 19   # the second unit's form, pasted under the first
    s.merge(f"A{t}:J{t}", "部门整体支出绩效自评表")
    s.merge(f"A{t + 1}:J{t + 1}", "(2018年度)")
    s.merge(f"A{t + 2}:B{t + 2}", "部门(单位)名称")
    s.merge(f"C{t + 2}:F{t + 2}", "中共宁德市委党史和地方志研究室")
    s.merge(f"G{t + 2}:H{t + 2}", "部门预算编码")
    s.merge(f"I{t + 2}:J{t + 2}", "901001033")
    s.merge(f"A{t + 3}:A{t + 11}", "财政资金安排和使用情况")
    s.merge(f"B{t + 3}:B{t + 4}", "资金结构\n(万元)")
    s.merge(f"C{t + 3}:F{t + 3}", "预算安排")
    s.merge(f"G{t + 3}:H{t + 3}", "拨付情况")
    s.merge(f"I{t + 3}:J{t + 3}", "结余情况")
    s.row(f"C{t + 4}", ["年初部门预算安排金额\n①", "历年结余结转\n②", "年中调整金额③", "小计\n④ = ①+② +③",
                        "年度拨付金额\n⑤", "支出实现率(%)\n⑥=⑤/④", "本年度结余金额\n⑦=④-⑤", "资金结余率\n(%)\n⑧=⑦/④"])
    money: list[object] = [2537695, 213722.82, 0, 2751417.82, 2546673.98, (0.93, PCT0), 204743.84, (0.07, PCT0)]
    rows_at(s, t + 5, "B C D E F G H I J", [
        ["财政资金小计", *money],
        ["①中央及省级财政资金"],
        ["②市级财政资金", *money],
        ["③县(市、区)财政资金"],
        ["其他资金小计"],
        ["①……"],
        ["合 计", *money],
    ])
    g = t + 12
    s.merge(f"A{g}:A{g + 1}", "年度\n总体\n目标\n完成\n情况")
    s.merge(f"B{g}:E{g}", "预期目标")
    s.merge(f"F{g}:J{g}", "目标实际完成情况")
    s.merge(f"B{g + 1}:E{g + 1}", "目标1:确保本委在职及退休人员工资、福利的发放;\n目标2:确保本委日常办公所需经费正常运行;\n目标3:保障志鉴地情相关工作开展所需资金,确保完成2018年度任务。")
    s.merge(f"F{g + 1}:J{g + 1}", "目标1完成情况:基本完成,达成率为90%以上\n目标2完成情况:基本完成,达成率为90%以上\n目标3完成情况:基本完成,达成率为97%")
    return b


# ---------------------------------------------------------------------------------------------- H07
# SOURCE: https://www.shouxian.gov.cn/public/118322758/1259995520.html — 寿县 2023年度部门整体支出绩效评价
# 自评表 (Anhui): a scoring sheet — 序号 / 一级 / 二级 / 三级 / 指标分值 / 指标解释 / 指标说明及评分标准 /
# 自评得分, long text columns, weights inside the level labels, the unit's name left empty. The clerk pasted
# the table a second time below. The stored copy ends inside the sixth row (预算执行率, no score): five rows.
@fixture("H07_shouxian_scoring.xlsx", "openpyxl")
def h07_shouxian_scoring() -> BookDesc:
    b = BookDesc()
    s = b.sheet("自评表")
    for top in (1, 12):
        s.merge(f"A{top}:H{top}", "2023年度部门整体支出绩效评价自评表")
        s.put(f"A{top + 1}", "单位")
        s.merge(f"B{top + 1}:H{top + 1}", "")
        s.row(f"A{top + 2}", ["序号", "一级\n指标", "二级\n指标", "三级\n指标", "指标分值", "指标解释",
                              "指标说明及评分标准", "自评得分"])
        f = top + 3
        s.merge(f"B{f}:B{f + 4}", "规划\n(15分)")
        s.put(f"C{f}", "基础信息\n(3分)")
        s.merge(f"C{f + 1}:C{f + 2}", "工作计划\n(6分)")
        s.merge(f"C{f + 3}:C{f + 4}", "绩效目标\n(6分)")
        rows_at(s, f, "A D E F G H", [
            [1, "基础信息\n完整性", 3, "部门及所属二级单位预算基础信息是否符合相关规定,信息资料是否真实、完整,用以评价该单位基础信息对预算编制数据的支撑情况(按年初预算基础信息表考核)。", "1、基础数据信息是否真实(1分);\n2、基础数据信息是否完整(1分);\n3、基础数据信息是否准确(1分)。", 3],
            [2, "年度工作\n计划完整性", 3, "部门及所属二级单位年度工作计划制定是否完整可行。", "年度工作计划是否完整可行(3分)", 3],
            [3, "年度工作\n计划明确性", 3, "部门及所属二级单位年度工作计划制定是否明确可操作。", "年度工作计划是否明确可操作(3分)", 3],
            [4, "年度绩效\n目标合理性", 4, "单位是否设置年度绩效目标,绩效目标设定是否符合单位实际,是否合理。", "1、设置年度绩效目标(2分,其中单位整体绩效目标1分,项目绩效目标1分,若单位无项目,得2分)\n2、绩效目标设置依据充分(1分)\n3、绩效目标合理,符合实际,可操作(1分)\n4、未设置绩效目标,该栏不得分", 4],
            [5, "年度绩效\n目标明确性", 2, "是否制定明确、细化、量化的绩效目标。", "绩效目标明确,且细化、量化(2分);", 2],
        ])
    s.width("F", 40)
    s.width("G", 40)
    return b


# ---------------------------------------------------------------------------------------------- H08
# SOURCE: https://www.suiyang.gov.cn/xzjd_5682378/tbz_5682388/zfxxgk_5682340/fdzdgknr_5682343/czyjs_5865203/202208/t20220824_76240024.html
# — 绥阳县太白镇人民政府 部门整体支出绩效自评表 (Guizhou, 填报日期 2022年2月3日). The fund rows are 基本支出 /
# 项目支出 / 其他 (by kind of spending, not by source); 年初预算数(A) against 全年执行数(B); "分值(10分)";
# a 得分计算方法 text column; "单位(盖章):…" and "填报日期:…" in one row above the form; no year on the form.
# The stored copy ends at the indicator table's header: the form is transcribed up to its goals.
@fixture("H08_suiyang_town.xlsx", "xlsxwriter")
def h08_suiyang_town() -> BookDesc:
    b = BookDesc()
    s = b.sheet("部门整体支出绩效自评表")
    s.merge("A1:I1", "部门整体支出绩效自评表")
    s.merge("A2:E2", "单位(盖章):绥阳县太白镇人民政府")
    s.merge("F2:I2", "填报日期:2022年2月3日")
    s.merge("A3:B3", "部门(单位)名称")
    s.merge("C3:I3", "绥阳县太白镇人民政府")
    s.merge("A4:A8", "部门(单位)总体\n资金(万元)")
    s.row("B4", ["资 金 来 源", "年初预算数(A)", "全年执行数(B)", "分值(10分)", "得分"])
    s.merge("G4:I4", "得分计算方法")
    s.row("B5", ["年度资金总额:", 1172.55, 1268.72, 10, 10])
    s.merge("G5:I5", "执行率*该指标分值,最高不得超过分值上限。")
    s.row("B6", ["基本支出", 985.19, 914.97, 10, 10])
    s.row("B7", ["项目支出", 187.36, 353.75, 10, 10])
    s.put("B8", "其他")
    s.merge("A9:A10", "年度总体目标")
    s.merge("B9:E9", "年初设定目标")
    s.merge("F9:I9", "年度总体目标完成情况")
    s.merge("B10:E10", "(1)制定和组织实施经济、科技和社会发展计划,制定资源开发技术改造和产业结构调整方案,组织指导好各业生产,搞好商品流通,协调好本乡与外地区的经济交流与合作,抓好招商引资,人才引进项目开发,不断培育市场体系,组织经济运行,促进经济发展。(2)制定并组织实施村镇建设规划,部署重点工程建设,地方道路建设及公共设施,水利设施的管理,负责土地、林木、水等自然资源和生态环境的保护,做好护林防火工作。(3)按计划组织本级财政收入和地方税的征收,完成国家财政计划,不断培植税源,管好财政资金,增强财政实力。(4)完成上级政府交办的其它事项。")
    s.merge("F10:I10", "(1)积极履职,强化管理,较好地完成本年工作任务。 (2)通过加强预算收支管理,不断建立健全内部管理制度,部门整体支出管理水平得到提升 (3)制定并组织实施村镇建设规划,负责土地、林木、水等自然资源和生态环境的保护,做好护林防火工作。 (4)按计划组织本级财政收入和地方税的征收,管好财政资金,增强财政实力。 (5)完成上级政府交办的其它事项。")
    return b


if __name__ == "__main__":
    FIXTURES.main(sys.argv[1:])
