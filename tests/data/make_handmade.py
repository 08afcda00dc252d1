"""Writes the hand-made ledger workbooks the import tests read (tests/data/handmade_*.xlsx).

Each imitates a layout grassroots offices really keep in Excel or WPS: merged titles, a
填报单位（盖章）line, two-row headers, problems merged down over their measure rows, dates typed
in every way, 合计 rows and signature lines. They are made here, by us, with invented names;
the .xlsx files are committed, and ``tests/exchange/test_handmade_xlsx.py`` checks that they
still match this script. Run ``python -m tests.data.make_handmade`` after changing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent
EXCEL_EPOCH = dt.date(1899, 12, 30)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")


def _serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days


def _put(ws: Worksheet, row: int, values: list, first_col: int = 1, box: bool = True) -> None:
    for offset, value in enumerate(values):
        if value is None:
            continue
        cell = ws.cell(row=row, column=first_col + offset, value=value)
        cell.alignment = _WRAP
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    if box:
        for offset in range(len(values)):
            ws.cell(row=row, column=first_col + offset).border = _BOX


def _title(ws: Worksheet, text: str, cells: str) -> None:
    ws[cells.split(":")[0]] = text
    ws[cells.split(":")[0]].font = Font(name="方正小标宋简体", size=18)
    ws[cells.split(":")[0]].alignment = Alignment(horizontal="center")
    ws.merge_cells(cells)


def _header(ws: Worksheet, row: int, labels: list, first_col: int = 1) -> None:
    _put(ws, row, labels, first_col)
    for offset, label in enumerate(labels):
        if label is not None:
            ws.cell(row=row, column=first_col + offset).font = Font(name="黑体", bold=True)


def _workbook() -> Workbook:
    wb = Workbook()
    wb.properties.creator = "rectify tests"
    wb.properties.created = dt.datetime(2026, 5, 20, 9, 0)
    wb.properties.modified = dt.datetime(2026, 5, 20, 9, 0)
    return wb


# (a) a town's 问题整改台账: merged title, 填报单位/填报日期 line, one header row, each problem
# merged down over its measure rows; the category merged over two problems; a signature foot.
def county_ledger() -> Workbook:
    wb = _workbook()
    ws = wb.active
    ws.title = "问题整改台账"
    _title(ws, "城关镇纠治形式主义官僚主义问题整改台账", "A1:J1")
    ws["A2"] = "填报单位：城关镇（盖章）"
    ws.merge_cells("A2:E2")
    ws["F2"] = "填报日期：2026年5月20日"
    ws.merge_cells("F2:J2")
    _header(ws, 3, ["序号", "问题类别", "问题表现", "整改措施", "责任领导", "责任单位", "责任人",
                    "整改时限", "整改进展", "备注"])
    # problem 1, rows 4-6: one deadline merged over its three measures
    _put(ws, 4, [1, "文风会风方面", "会议多、文件多，村（社区）干部疲于应付",
                 "精简会议活动，能合并的合并召开", "张副镇长", "党政办", "李某",
                 dt.date(2026, 6, 30), "已精简会议3个", None])
    _put(ws, 5, [None, None, None, "压缩文件简报，严控发文数量", None, "党政办", "李某",
                 None, None, None])
    _put(ws, 6, [None, None, None, "建立发文审核把关制度", None, "党政办", "赵某", None,
                 None, None])
    for cells in ("A4:A6", "C4:C6", "E4:E6", "H4:H6"):
        ws.merge_cells(cells)
    # problem 2, rows 7-8: each measure its own deadline (typed text, then a date cell)
    _put(ws, 7, [2, None, "督查检查考核名目多，村（社区）迎检负担重", "统筹督查检查考核事项",
                 "王副镇长", "党政办", "钱某", "2026.6.15", None, None])
    _put(ws, 8, [None, None, None, "推行“一表通”报送", None, "社事办", "孙某",
                 dt.date(2026, 7, 31), None, "与县里同步"])
    for cells in ("A7:A8", "C7:C8", "E7:E8", "B4:B8"):
        ws.merge_cells(cells)
    # problems 3 and 4: one row each, numbered measures in one cell, rule words as deadlines
    _put(ws, 9, [3, "工作作风方面", "调研走过场，调研报告质量不高",
                 "1.制定年度调研计划\n2.每名班子成员每年形成1篇调研报告", "刘书记", "党政办",
                 "周某", "长期坚持", None, None])
    _put(ws, 10, [4, None, "便民服务窗口工作人员上班时间脱岗", "开展作风纪律专项检查",
                  "张副镇长", "社事办", "吴某", "立行立改", None, None])
    ws.merge_cells("B9:B10")
    ws["A12"] = "填报人：李某　　审核人：张副镇长　　联系电话：0000-1234567"
    ws.merge_cells("A12:J12")
    ws.column_dimensions["C"].width = 36
    ws.column_dimensions["D"].width = 36
    ws.print_title_rows = "3:3"
    return wb


# (b) a section's 问题清单和整改措施清单 with a two-row header: 整改措施 over 具体措施 · 责任领导 ·
# 责任人 · 完成时限; no problem deadline column, the measures carry the deadlines.
def two_row_header() -> Workbook:
    wb = _workbook()
    ws = wb.active
    ws.title = "问题清单和整改措施清单"
    _title(ws, "社会救助科问题清单和整改措施清单", "A1:I1")
    _header(ws, 2, ["序号", "问题类别", "存在问题", "原因剖析", "整改措施", None, None, None,
                    "备注"])
    _header(ws, 3, [None, None, None, None, "具体措施", "责任领导", "责任人", "完成时限", None])
    for cells in ("A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:H2", "I2:I3"):
        ws.merge_cells(cells)
    _put(ws, 4, [1, "工作作风方面", "入户核查流于形式，低保对象信息更新不及时",
                 "监督管理不到位", "全面开展入户复核", "李科长", "王某某", "2026年6月30日", None])
    _put(ws, 5, [None, None, None, None, "建立动态管理台账", None, "王某某", "6月底", None])
    for cells in ("A4:A5", "B4:B5", "C4:C5", "D4:D5", "F4:F5"):
        ws.merge_cells(cells)
    _put(ws, 6, [2, "工作作风方面", "政策宣传不到位，群众知晓率低", "宣传方式单一",
                 "印发政策明白卡", "李科长", "赵某", "2026/7/15", None])
    _put(ws, 7, [3, "服务群众不到位", "审批时限长，群众办事多跑腿", "流程设计繁琐",
                 "精简审批材料", "陈副局长", "钱某", "2026-7-31", None])
    _put(ws, 8, [None, None, None, None, "推行容缺受理", None, "钱某", "2026-02-30", None])
    _put(ws, 9, [None, None, None, None, "实行限时办结", None, "孙某", dt.date(2026, 8, 31),
                 "每月通报"])
    for cells in ("A7:A9", "B7:B9", "C7:C9", "D7:D9", "F7:F9"):
        ws.merge_cells(cells)
    ws.print_title_rows = "2:3"
    return wb


# (c) a plain 问题清单 from row 1: numbered measures in one cell, deadlines typed every way
# (2026.5.12, 2026年5月12日, 5月底, 长期坚持, 立行立改, a serial number, a date cell), and a
# problem continued on an unmerged row with its number and text left blank. A hidden sheet
# holds an old version.
def simple_list() -> Workbook:
    wb = _workbook()
    ws = wb.active
    ws.title = "问题清单"
    _header(ws, 1, ["序号", "具体问题", "整改措施", "完成时限", "责任人", "责任单位"])
    rows = [
        [1, "会议材料过多过长", "1.严控会议材料篇幅\n2.推行无纸化会议", "2026.5.12", "张某某",
         None],
        [2, "文件层层转发，照抄照搬", "1.精简文件\n2.落实“短实新”文风\n3.定期通报发文情况",
         "2026年5月12日", "李某某\n王某某\n赵某", "办公室"],
        [3, "报表多、填报口径不一", "（1）整合报表（2）建立共享数据库", "5月底", "王某某",
         "社救科"],
        [4, "理论学习形式化", "落实学习制度", "长期坚持", "张某某", None],
        [5, "群众诉求回应慢", "建立诉求限时回应机制", "立行立改", "李某某", None],
        [6, "工作留痕过多", "清理不必要的台账", _serial(dt.date(2026, 5, 12)), "赵某", None],
        [7, "考核指标繁杂", "精简考核指标", dt.date(2026, 5, 12), "王某某", None],
        [8, "检查过多过频", "统筹检查计划", "2026-05-12", "张某某", None],
        [9, "基层填表负担重", "1.减少填表", "2026/6/1", "李某某", None],
        [None, None, "2.减少重复报送", "2026/6/1", "李某某", None],
    ]
    for offset, values in enumerate(rows):
        _put(ws, 2 + offset, values)
    ws["D7"].number_format = "General"  # the serial number shows as a number, as typed
    old = wb.create_sheet("旧版")
    _header(old, 1, ["序号", "问题", "时限"])
    _put(old, 2, [1, "旧版本的问题，不应导入", "2025-01-01"])
    old.sheet_state = "hidden"
    return wb


# (d) a ledger with rows that cannot be read, a 合计 row and a signature foot.
def bad_rows() -> Workbook:
    wb = _workbook()
    ws = wb.active
    ws.title = "整改台账"
    _title(ws, "社会救助科问题整改台账", "A1:H1")
    ws["A2"] = "填报单位：社会救助科"
    ws.merge_cells("A2:D2")
    ws["E2"] = "填报日期：2026年5月12日"
    ws.merge_cells("E2:H2")
    _header(ws, 3, ["序号", "问题表现", "整改措施", "责任单位", "责任人", "整改时限", "完成情况",
                    "备注"])
    rows = [
        [1, "临时救助审批时限过长", "简化审批流程", "社救科", "王某某", "2026-06-30", None, None],
        [2, None, "加强政策宣传", "社救科", "李某", "2026-06-30", None, None],
        [3, "低保资金发放台账不规范", "规范台账管理", "社救科", "赵某", "2026-13-45", None, None],
        [4, "养老机构安全检查不到位", "开展安全大检查", "安监科", "钱某", "2026-07-31", None,
         None],
        [5, "办事指南更新不及时", "全面更新办事指南", "局办公室", "孙某", "2026年7月", "已完成",
         None],
        [6, "基层报表多", "整合报表", "无此科", None, "下月", None, None],
        [7, "窗口服务态度生硬", "开展服务礼仪培训", "社救科", "周某", "长期坚持", None, None],
    ]
    for offset, values in enumerate(rows):
        _put(ws, 4 + offset, values)
    _put(ws, 12, ["合计", "共7个问题", None, None, None, None, None, None])
    _put(ws, 13, ["填报人：", "王某某", None, "审核人：", "李科长", None, None, None], box=False)
    ws["A14"] = "注：本表由各科室每月20日前报送。"
    ws.merge_cells("A14:H14")
    return wb


# (e) a WPS-style personal-problem list of the 班子成员: a blank spacer column A and another
# between the columns, the header on row 5 under a title, a blank line and the 填报单位 line.
def personal_wps() -> Workbook:
    wb = _workbook()
    ws = wb.active
    ws.title = "班子成员个人问题清单"
    _title(ws, "县民政局领导班子成员个人问题清单", "B1:J1")
    ws["B3"] = "填报单位：县民政局党组（盖章）"
    ws.merge_cells("B3:F3")
    ws["G4"] = "填报日期：2026年5月12日"
    ws.merge_cells("G4:J4")
    _header(ws, 5, ["序号", "班子成员", "职务", "组织/个人", "问题表现", None, "整改措施",
                    "整改时限", "备注"], first_col=2)
    rows = [
        [1, "王某某", "局长", "个人", "调查研究不深入，到基层蹲点少", None,
         "1.每季度蹲点调研一次\n2.形成高质量调研报告", "2026年12月底", None],
        [2, "李某某", "副局长", "个人", "批评与自我批评辣味不足", None, "认真开展谈心谈话",
         "长期坚持", None],
        [3, "张某某", "副局长", "个人", "分管领域督促检查不够", None, "每月听取分管科室汇报",
         "2026.9.30", None],
        [4, "陈某某", "纪检组长", "个人", "监督执纪“四种形态”运用不够", None,
         "加强日常监督", "2026-09-30", None],
        [5, None, None, "个人", "学习笔记照抄照搬", None, "手写心得体会", "2026-10-31", None],
        [6, None, None, "组织", "班子民主生活会批评与自我批评不够", None,
         "会前充分开展谈心谈话", "2026-10-31", "党组"],
    ]
    for offset, values in enumerate(rows):
        _put(ws, 6 + offset, values, first_col=2)
    ws.column_dimensions["A"].width = 2
    ws.column_dimensions["G"].width = 2
    return wb


# (f) a list whose problem text is copied down into each measure row (no merged cells), with
# 编号 telling two problems of the same text apart, and 具体责任人 / 时限 as headers.
def copied_down() -> Workbook:
    wb = _workbook()
    ws = wb.active
    ws.title = "Sheet1"
    _header(ws, 1, ["编号", "存在问题", "整改措施", "具体责任人", "时限"])
    rows = [
        ["YL-01", "养老服务补贴审核不严", "逐户核查补贴对象", "王某某", "2026-06-30"],
        ["YL-01", "养老服务补贴审核不严", "建立季度抽查制度", "李某某", "2026-06-30"],
        ["YL-02", "养老服务补贴审核不严", "追回违规发放资金", "张某某", "2026-07-31"],
        ["YL-03", "敬老院消防设施老化", "更换消防器材", "赵某", "2026-08-31"],
    ]
    for offset, values in enumerate(rows):
        _put(ws, 2 + offset, values)
    return wb


LAYOUTS: dict[str, Callable[[], Workbook]] = {
    "handmade_a_county_ledger.xlsx": county_ledger,
    "handmade_b_two_row_header.xlsx": two_row_header,
    "handmade_c_simple_list.xlsx": simple_list,
    "handmade_d_bad_rows.xlsx": bad_rows,
    "handmade_e_personal_wps.xlsx": personal_wps,
    "handmade_f_copied_down.xlsx": copied_down,
}


def write_all(directory: Path = HERE) -> list[Path]:
    written = []
    for name, make in LAYOUTS.items():
        path = directory / name
        make().save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(path)
