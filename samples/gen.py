#!/usr/bin/env python3
"""Writes a synthetic, valid set of campaign records of any size, for benchmarks and tests.

    python3 samples/gen.py --members 10000 --orgs 200 -o DIR [--seed N]

DIR receives campaign.xml (the campaign alone) and one unit-NNN.xml per unit holding the unit, its
Party organisations (a 党委 or 党组 with 党支部 under it) and their members, so that references cross
files as in a real office. The output is deterministic for a given seed and passes `wenshu check`
without errors or warnings. Standard library only.
"""
import argparse
import datetime
import os
import random
from xml.sax.saxutils import escape, quoteattr

NS = "urn:wenshu:campaign:1"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲兰凤洁梅琳素云莲真环雪荣爱妹香月莺媛瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽建国志明文海德荣振华卫东晓东国平文堃喆赟"
ETHNIC = ["汉族"] * 18 + ["回族", "壮族", "满族", "蒙古族", "土家族", "黎族"]
UNIT_KINDS = ["市直党政机关", "人大机关", "政协机关", "法院机关", "检察院机关", "人民团体机关", "事业单位", "企业", "外驻单位"]
UNIT_NAMES = ["民政局", "财政局", "教育局", "卫生局", "交通局", "水务局", "林业局", "统计局", "审计局", "商务局",
              "文化局", "体育局", "物价局", "粮食局", "档案局", "气象局", "地震局", "供销社", "科技局", "农业局",
              "人事局", "劳动局", "规划局", "建设局", "环保局", "旅游局", "司法局", "信访局", "侨务办", "外事办"]
DEPTS = ["办公室", "人事科", "财务科", "综合科", "业务一科", "业务二科", "法规科", "监督科", "信息中心", "后勤服务中心"]
POSTS = ["科员", "副主任科员", "主任科员", "副科长", "科长", "干事", "办事员"]
ASPECTS = ["思想", "学习", "工作", "作风", "纪律", "群众观点"]
PROBLEMS = {
    "思想": ["理想信念有所淡化，对新形势下保持先进性的紧迫感认识不足。", "满足于现状，进取意识不够强。"],
    "学习": ["政治理论学习不够系统，存在以干代学的现象。", "学习满足于完成规定篇目，学用结合不够。"],
    "工作": ["工作主动性和创造性不够，满足于按部就班。", "对新情况、新问题研究不够，办法不多。"],
    "作风": ["深入基层调查研究不够，听汇报多、实地走访少。", "服务群众的耐心还不够，解释政策不够细致。"],
    "纪律": ["对自己要求不够严格，组织纪律观念有所放松。", "执行机关考勤和工作制度不够严格。"],
    "群众观点": ["宗旨意识有所淡化，对群众反映的问题跟踪落实不够。", "与群众谈心交流少，对群众的难处体会不深。"],
}
CAUSES = ["放松了世界观、人生观、价值观的改造。", "宗旨意识不够牢固，对全心全意为人民服务的理解停留在口头上。",
          "对理论学习的重要性认识不足，学习缺乏自觉性。", "进取精神不强，满足于完成日常工作。"]
DIRECTIONS = ["制订个人学习计划，每天坚持学习一小时，每季度撰写一篇学习体会。", "主动深入基层，每季度走访联系户不少于一次。",
              "严格遵守各项规章制度，自觉接受组织和群众的监督。", "改进服务作风，做到一次讲清、限时办结。"]
STRENGTHS = ["工作认真负责，能够完成组织交办的各项任务。", "学习态度端正，积极参加支部组织的各项活动。",
             "团结同志，群众评价较好。", "业务熟练，在本职岗位上发挥了骨干作用。"]
OPINIONS = ["希望进一步提高办事效率，缩短办结时限。", "工作态度好，但到基层了解情况还不够多。",
            "对群众反映的问题答复要更加及时。", "希望多组织业务培训，提高服务水平。", "政务公开还需进一步加强。"]
FROM = ["所在支部党员", "服务对象", "群众代表", "科室同事", "人大代表、政协委员"]
CHANNELS = ["座谈会", "问卷", "意见箱", "专线电话", "谈心"]
MEASURES = ["建立工作台账，实行限时办结制度。", "每季度深入基层走访一次，形成调研报告。",
            "制订个人学习计划并按月检查落实。", "实行首问负责制，做到一次讲清。"]
PLAN_ITEMS = [("办事程序繁琐，群众办事时间长。", "精简办事环节，公开办事程序和时限。", "政风"),
              ("机关干部深入基层少。", "建立机关党员联系基层制度，每季度检查通报。", "作风"),
              ("窗口服务态度有待改进。", "实行首问负责制和服务承诺制，开展文明服务培训。", "行风"),
              ("内部管理制度不够健全。", "修订完善机关内部管理制度，汇编成册。", "内部管理")]
SYSTEMS = ["首问负责制", "限时办结制", "服务承诺制", "机关党员联系基层制度", "政务公开制度", "党员学习考勤制度"]
TEXT_SENTENCES = [
    "通过学习动员阶段的集中学习，我认真学习了党章和《保持共产党员先进性教育读本》，对新时期保持共产党员先进性的具体要求有了更加清楚的认识。",
    "对照党章规定的党员义务，结合征求到的意见和同志们在谈心中提出的意见，我认真查找了自己在思想、工作和作风等方面存在的问题。",
    "在思想上，理想信念有所淡化，满足于现状，对保持先进性的紧迫感认识不足，缺乏干一流工作、创一流业绩的劲头。",
    "在学习上，政治理论学习不够系统，满足于读一读、记一记，学用结合不够，遇到问题很少主动从理论上找答案。",
    "在工作上，主动性和创造性不够，习惯于按部就班，领导交办什么就做什么，很少主动思考如何改进。",
    "在作风上，深入基层调查研究不够，服务群众的耐心还不够，有时解释政策不够细致，没有做到一次讲清楚。",
    "产生这些问题的根本原因，是放松了世界观、人生观、价值观的改造，宗旨意识不够牢固，对自己的要求有所放松。",
    "今后，我要制订个人学习计划，坚持每天学习一小时，重点学习党章和“三个代表”重要思想，做到学以致用。",
    "我要增强工作的主动性，主动研究本职工作的改进办法，建立工作台账，提高办事效率，做到件件有着落。",
    "我要改进服务作风，把群众满意作为工作标准，真心实意为群众办好事、办实事，自觉接受组织和群众的监督。",
]

D = datetime.date
PHASES = [("学习动员", D(2005, 1, 25), D(2005, 2, 28)), ("分析评议", D(2005, 3, 1), D(2005, 4, 20)),
          ("整改提高", D(2005, 4, 21), D(2005, 5, 30))]
REPORT_DUE = D(2005, 6, 5)


def day(rng, lo, hi):
    return lo + datetime.timedelta(days=rng.randrange((hi - lo).days + 1))


def el(name, text, **attrs):
    a = "".join(" %s=%s" % (k.replace("_", "-"), quoteattr(str(v))) for k, v in attrs.items() if v is not None)
    return "<%s%s>%s</%s>" % (name, a, escape(text), name)


def person_name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def han_count(s):
    return sum(1 for c in s if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or ord(c) >= 0x20000)


def full_text(rng, target):
    paras, n = [], 0
    while n < target * 0.8:
        s = "".join(rng.sample(TEXT_SENTENCES, 3))
        paras.append(s)
        n += han_count(s)
    return paras


def member_xml(rng, mid, org, leader, secretary_of):
    gender = rng.choice("男女")
    birth = day(rng, D(1945, 1, 1), D(1984, 12, 31))
    joined = day(rng, D(birth.year + 19, 1, 1), min(D(birth.year + 40, 12, 31), D(2004, 12, 31)))
    standing = "预备" if joined > D(2004, 1, 25) and rng.random() < 0.6 else "正式"
    dept = rng.choice(DEPTS)
    out = ['  <member id="%s" org="%s" gender="%s" ethnicity="%s" standing="%s"%s>' % (
        mid, org["id"], gender, rng.choice(ETHNIC), standing, ' leader="true"' if leader else "")]
    name = person_name(rng)
    out.append("    " + el("name", name))
    out.append("    " + el("birth", birth.isoformat()))
    out.append("    " + el("joined", joined.isoformat()))
    out.append("    " + el("job", org["unit_name"] + dept))
    post = "副局长" if leader else rng.choice(POSTS)
    if secretary_of:
        post += "、支部书记"
    out.append("    " + el("post", post))
    exempt = False
    r = rng.random()
    if r < 0.01:
        out.append("    " + el("situation", "在市外流动，在流入地党组织参加先进性教育活动。", kind="流动党员", scope="市外",
                                where="流入地街道流动党员党支部"))
        exempt = True
    elif r < 0.02:
        out.append("    " + el("situation", "聘用人员，在聘用单位党组织参加先进性教育活动。", kind="聘用"))
    elif r < 0.03:
        out.append("    " + el("situation", "年老体弱、行动不便，由支部送教上门。", kind="年老体弱"))
    if not exempt:
        hours = 40 + rng.randrange(9)
        out.append('    <study hours="%d">' % hours)
        for _ in range(2):
            out.append("      " + el("session", "学习党章和《保持共产党员先进性教育读本》", date=day(rng, *PHASES[0][1:]).isoformat(),
                                      hours=4, form=rng.choice(["集中学习", "上党课", "看录像", "自学"])))
        out.append("    </study>")
    rv_lo, rv_hi = PHASES[1][1], PHASES[1][2]
    out.append("    <opinions>")
    for _ in range(rng.randrange(1, 3)):
        out.append("      " + el("opinion", rng.choice(OPINIONS), channel=rng.choice(CHANNELS), **{"from": rng.choice(FROM)},
                                  date=day(rng, rv_lo, rv_hi).isoformat()))
    out.append("    </opinions>")
    an_date = day(rng, D(2005, 3, 15), D(2005, 4, 5))
    out.append('    <analysis date="%s" revised="%s">' % (an_date, day(rng, an_date, rv_hi)))
    for aspect in rng.sample(ASPECTS, 2):
        out.append("      " + el("problem", rng.choice(PROBLEMS[aspect]), aspect=aspect))
    out.append("      " + el("cause", rng.choice(CAUSES)))
    out.append("      " + el("direction", rng.choice(DIRECTIONS)))
    if rng.random() < 0.05:
        out.append("      <text>")
        for p in full_text(rng, 4000 if leader else 2000):
            out.append("        " + el("p", p))
        out.append("      </text>")
    out.append("    </analysis>")
    ev = day(rng, D(2005, 4, 10), D(2005, 4, 16))
    out.append('    <evaluation date="%s" fed-back="%s">' % (ev, day(rng, ev, rv_hi)))
    out.append("      " + el("strength", rng.choice(STRENGTHS)))
    out.append("      " + el("problem", rng.choice(PROBLEMS[rng.choice(ASPECTS)])))
    out.append("      " + el("direction", rng.choice(DIRECTIONS)))
    out.append("    </evaluation>")
    plan = day(rng, PHASES[2][1], D(2005, 4, 30))
    out.append('    <rectification date="%s">' % plan)
    status = rng.choice(["已完成", "正在整改", "长期整改"])
    deadline = day(rng, plan, D(2005, 12, 31))
    done = ' completed="%s"' % day(rng, plan, deadline) if status == "已完成" else ""
    out.append('      <item status="%s"%s>' % (status, done))
    out.append("        " + el("problem", rng.choice(PROBLEMS[rng.choice(ASPECTS)])))
    out.append("        " + el("measure", rng.choice(MEASURES)))
    out.append("        " + el("deadline", deadline.isoformat()))
    out.append("        " + el("responsible", name))
    out.append("      </item>")
    out.append("    </rectification>")
    out.append("  </member>")
    return name, "\n".join(out)


def top_org_extras(rng, org, members):
    out = ["    <contact>", "      " + el("mailbox", "机关办公楼一楼大厅"), "      " + el("phone", "0898-%04d-%04d" % (
        rng.randrange(2200, 2300), rng.randrange(10000))), "    </contact>", "    <opinions>"]
    for _ in range(3):
        out.append("      " + el("opinion", rng.choice(OPINIONS), channel=rng.choice(CHANNELS), **{"from": rng.choice(FROM)},
                                  date=day(rng, *PHASES[1][1:]).isoformat()))
    out.append("    </opinions>")
    plan = day(rng, PHASES[2][1], D(2005, 4, 30))
    out.append('    <rectification-plan date="%s">' % plan)
    out.append("      " + el("focus", "把群众意见最大、最不满意的问题作为整改重点。"))
    completed = 0
    items = rng.sample(PLAN_ITEMS, 3)
    for problem, measure, cat in items:
        status = rng.choice(["已完成", "正在整改", "长期整改"])
        deadline = day(rng, plan, D(2005, 12, 31))
        done = ' completed="%s"' % day(rng, plan, deadline) if status == "已完成" else ""
        completed += status == "已完成"
        out.append('      <item category="%s" status="%s"%s>' % (cat, status, done))
        out.append("        " + el("problem", problem))
        out.append("        " + el("measure", measure))
        out.append("        " + el("deadline", deadline.isoformat()))
        out.append("        " + el("leader", person_name(rng)))
        out.append("        " + el("department", rng.choice(DEPTS)))
        out.append("        " + el("responsible", person_name(rng)))
        out.append("      </item>")
    systems = rng.sample(SYSTEMS, 2)
    for s in systems:
        out.append("      " + el("system", org["unit_name"] + s, date=day(rng, plan, PHASES[2][2]).isoformat()))
    out.append("    </rectification-plan>")
    out.append('    <publication subject="整改情况" date="%s" channel="公示栏">' % day(rng, D(2005, 5, 15), PHASES[2][2]))
    out.append("      " + el("scope", "本单位全体干部职工和服务对象代表"))
    out.append("    </publication>")
    groups = [("党员", rng.randrange(20, 60)), ("群众代表", rng.randrange(20, 60))]
    resp = sum(c for _, c in groups)
    out.append('    <survey date="%s" by="市委先进性教育活动督导组" respondents="%d">' % (day(rng, D(2005, 5, 25), D(2005, 6, 2)), resp))
    for g, c in groups:
        out.append('      <group name="%s" count="%d"/>' % (g, c))
    for q in ["组织领导", "学习教育", "分析评议", "整改提高", "总体评价"]:
        u = rng.randrange(0, resp // 10 + 1)
        b = rng.randrange(0, (resp - u) // 3 + 1)
        out.append('      <question satisfied="%d" basic="%d" unsatisfied="%d">%s</question>' % (resp - u - b, b, u, q))
    out.append("    </survey>")
    out.append('    <report date="%s" members="%d" participants="%d" opinions="%d" problems="%d" completed="%d" systems="%d"/>' % (
        day(rng, D(2005, 6, 1), REPORT_DUE), members, members, members * 2 + 3, len(items), completed, len(systems)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--members", type=int, default=1000)
    ap.add_argument("--orgs", type=int, default=20, help="Party organisations in all (about 10 per unit)")
    ap.add_argument("--seed", type=int, default=2005)
    ap.add_argument("-o", "--out", required=True, help="output folder (created)")
    ap.add_argument("--one-file", action="store_true",
                    help="write every record (the campaign, then each unit with its organisations and members) "
                         "into one file, all.xml, as a city's export does, instead of one file per unit")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    norgs = max(2, args.orgs)
    nunits = max(1, norgs // 10)
    units = []
    for u in range(nunits):
        base = UNIT_NAMES[u % len(UNIT_NAMES)]
        name = "临江市" + base + ("" if u < len(UNIT_NAMES) else "（%d）" % (u // len(UNIT_NAMES) + 1))
        units.append({"id": "U%03d" % (u + 1), "name": name, "kind": UNIT_KINDS[u % len(UNIT_KINDS)], "orgs": []})
    # one top organisation per unit, the remaining organisations as branches spread over the units
    for u, unit in enumerate(units):
        unit["orgs"].append({"id": "O%03d-0" % (u + 1), "kind": rng.choice(["党委", "党组"]), "unit_name": unit["name"],
                             "name": "中共%s机关委员会" % unit["name"], "parent": None, "members": []})
    for k in range(norgs - nunits):
        unit = units[k % nunits]
        n = len(unit["orgs"])
        unit["orgs"].append({"id": "O%03d-%d" % (int(unit["id"][1:]), n), "kind": "党支部", "unit_name": unit["name"],
                             "name": "中共%s机关第%d支部委员会" % (unit["name"], n), "parent": unit["orgs"][0]["id"],
                             "members": []})
    branches = [o for u in units for o in u["orgs"] if o["parent"]] or [o for u in units for o in u["orgs"]]
    for m in range(args.members):
        branches[m % len(branches)]["members"].append("M%06d" % (m + 1))

    first_member = None
    bodies = []  # --one-file: each unit's records, without the prolog and the root element
    for unit in units:
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<!-- generated by samples/gen.py, seed %d -->' % args.seed,
                 '<wenshu xmlns="%s">' % NS,
                 '  <unit id="%s" kind="%s" batch="第一批">' % (unit["id"], unit["kind"]),
                 "    " + el("name", unit["name"]), "  </unit>"]
        member_lines, names = [], {}
        for org in unit["orgs"]:
            for i, mid in enumerate(org["members"]):
                name, xml = member_xml(rng, mid, org, leader=(i == 0 and org is unit["orgs"][1 if len(unit["orgs"]) > 1 else 0]),
                                       secretary_of=(i == 0))
                names[mid] = name
                member_lines.append(xml)
                first_member = first_member or (mid, name)
        for org in unit["orgs"]:
            attrs = ' parent="%s"' % org["parent"] if org["parent"] else ""
            lines.append('  <organisation id="%s" kind="%s" unit="%s"%s>' % (org["id"], org["kind"], unit["id"], attrs))
            lines.append("    " + el("name", org["name"]))
            if org["members"]:
                sec = org["members"][0]
                lines.append("    " + el("secretary", names[sec], member=sec))
            if not org["parent"]:
                total = sum(len(o["members"]) for o in unit["orgs"])
                lines.extend(top_org_extras(rng, org, total))
            lines.append("  </organisation>")
        lines.extend(member_lines)
        if args.one_file:
            bodies.append("\n".join(lines[3:]))
            continue
        lines.append("</wenshu>")
        with open(os.path.join(args.out, "unit-%s.xml" % unit["id"][1:]), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")

    committee = ""
    if first_member:
        committee = '      <person role="组长" post="市委常委" member="%s">%s</person>\n' % first_member
    else:
        committee = '      <person role="组长">%s</person>\n' % person_name(rng)
    phases = "".join('    <phase name="%s" start="%s" end="%s"/>\n' % (n, a, b) for n, a, b in PHASES)
    campaign = ('<wenshu xmlns="%s">\n  <campaign id="C1" batch="第一批">\n'
                '    <name>临江市第一批保持共产党员先进性教育活动</name>\n    <issuer>中共临江市委</issuer>\n'
                '    <committee>\n      <name>临江市保持共产党员先进性教育活动领导小组</name>\n%s'
                '      <office phone="0898-2260-0000">领导小组办公室</office>\n    </committee>\n%s'
                '    <report-due>%s</report-due>\n    <targets analysis-leader="4000" analysis-member="2000" study-hours="40"/>\n'
                '  </campaign>\n' % (NS, committee, phases, REPORT_DUE))
    prolog = '<?xml version="1.0" encoding="UTF-8"?>\n<!-- generated by samples/gen.py, seed %d -->\n' % args.seed
    name = "all.xml" if args.one_file else "campaign.xml"
    with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
        f.write(prolog + campaign)
        for body in bodies:
            f.write(body + "\n")
        f.write("</wenshu>\n")

if __name__ == "__main__":
    main()
