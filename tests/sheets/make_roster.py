#!/usr/bin/python3
"""make_roster.py OUT.xlsx N: a 党员 roster of N members under 100 branches of one unit, written
with openpyxl in write-only mode (an independent writer, streaming, so N = 50 000 is quick).
Dates as Excel dates, ids as text, the way an office's roster looks."""
import datetime as dt
import sys

import openpyxl

out, n = sys.argv[1], int(sys.argv[2])
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet("单位")
ws.append(["编号", "名称", "类型", "批次"])
ws.append(["U1", "临江市测试局", "市直党政机关", "第一批"])
ws = wb.create_sheet("组织")
ws.append(["编号", "名称", "类型", "所属单位"])
for b in range(100):
    ws.append([f"O{b}", f"中共临江市测试局第{b + 1}支部委员会", "党支部", "U1"])
ws = wb.create_sheet("党员")
ws.append(["编号", "姓名", "性别", "民族", "出生日期", "入党时间", "所在党组织", "工作单位", "职务", "党员类别", "学时"])
base = dt.date(1940, 1, 1)
for i in range(n):
    ws.append([f"M{i:06d}", f"党员{i}", "男女"[i % 2], "汉族", base + dt.timedelta(days=i % 10000),
               dt.date(2000, 7, 1) + dt.timedelta(days=i % 1500), f"O{i % 100}", "临江市测试局业务科", "科员",
               "正式" if i % 10 else "预备", 40 + i % 5])
wb.save(out)
