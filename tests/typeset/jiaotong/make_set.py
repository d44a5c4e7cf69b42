#!/usr/bin/env python3
"""Writes the 交通局 records set of tests/typeset/test_realistic.sh (checked in beside this file;
run again only to change it): 临江市交通局, its 机关党委 and four branches — one a 联合支部 of the
规费征稽处 and the 公路运输管理所 with a 30-character name — 40 members, six leaders with
analyses of 3 000 to 4 500 characters, a member with a 12-item rectification plan, and the rare
names 𠮷 (U+20BB7, outside the BMP) and 䶮 (U+4DAE). Deterministic; standard library only.

    python3 make_set.py DIR
"""
import datetime
import os
import random
import sys
from xml.sax.saxutils import escape

D = datetime.date
rng = random.Random(16)


def el(name, text, **attrs):
    a = "".join(' %s="%s"' % (k.rstrip("_").replace("_", "-"), escape(str(v), {'"': "&quot;"})) for k, v in attrs.items())
    return "<%s%s>%s</%s>" % (name, a, escape(text), name)


def day(lo, hi):
    return (lo + datetime.timedelta(days=rng.randrange((hi - lo).days + 1))).isoformat()


def han(s):
    return sum(1 for c in s if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or ord(c) >= 0x20000)


LEARN = (D(2005, 1, 24), D(2005, 2, 27))
REVIEW = (D(2005, 2, 28), D(2005, 4, 22))
RECT = (D(2005, 4, 23), D(2005, 5, 31))

# sentences of an analysis, of very different lengths, so that paragraphs end anywhere on a page
OPENING = [
    "按照局机关党委的统一部署，我认真参加了学习动员阶段的各项活动。",
    "通过近两个月的集中学习，我系统学习了党章、《保持共产党员先进性教育读本》和中央领导同志的重要讲话，参加了局机关党委组织的专题辅导报告和支部组织的讨论交流，思想上受到了一次深刻的教育。",
    "结合交通工作实际，我对照党章规定的党员义务和新时期保持共产党员先进性的具体要求，通过发放征求意见表、召开座谈会、个别谈心等方式，广泛听取了服务对象、基层单位和同志们的意见。",
    "现将个人党性分析情况报告如下，请同志们批评帮助。",
]
PROBLEM_TEXT = {
    "思想": ["理想信念有所淡化。", "随着年龄增长和职务变化，自己对共产主义远大理想和中国特色社会主义共同理想的追求不像过去那样执着，有时觉得只要把交通建设的具体工作做好就行了，理想信念是比较虚的东西。", "看到社会上一些不良现象，有时也会产生消极情绪，对党员的先进性要求标准有所降低。"],
    "学习": ["政治理论学习不够系统、深入。", "平时忙于公路建设项目的协调、检查和各种会议，把学习当作软任务，往往是上级要求学什么就学什么，满足于读读文件、记记笔记，系统学习马克思主义理论和党的路线方针政策不够，对交通行业的新法规、新知识学得也不够深。", "学用结合不够，运用理论指导交通改革发展实践、解决群众反映的热点难点问题的能力还不强。"],
    "工作": ["开拓创新精神不够强。", "在农村公路建设、运输市场整顿和规费征收等工作中，习惯于凭经验办事、按老办法推动，对新形势下交通工作面临的新情况、新问题研究不够，办法不多，有时存在等、靠、要的思想。", "抓落实的力度还不够，个别工作布置多、检查少，满足于完成上级下达的任务。"],
    "作风": ["深入基层、深入群众不够。", "下基层调研多是到项目工地和站所听汇报、看现场，到农村公路沿线村庄、客运站点和货运企业直接听取群众和服务对象意见的时候少，对群众出行难、运输业户办证难等问题了解不深不透。", "对规费征稽和路政执法窗口存在的“门难进、脸难看、事难办”现象，虽然有所察觉，但督促整改不够及时有力。"],
    "纪律": ["执行制度不够严格。", "对自己要求有时不够严格，对机关考勤、公务接待等制度执行中的一些小问题，认为是小事，没有及时纠正。", "对分管科室同志的教育管理偏松，存在老好人思想，批评与自我批评开展得不够。"],
    "廉洁": ["廉洁自律的警钟还要长鸣。", "交通部门管项目、管资金、管审批，是廉政风险较高的部门。自己虽然能够遵守廉洁自律的各项规定，但对分管领域廉政风险点的排查和防范研究不够，对工程建设招投标、资金拨付等环节的监督还不够经常。"],
    "群众观点": ["宗旨意识有所淡化。", "有时把服务对象当作管理对象，考虑部门工作方便多，考虑群众和运输业户的实际困难少。", "对来访群众反映的问题，有时只是转给有关科室处理，跟踪督办不够，群众有意见。"],
}
CAUSE_TEXT = [
    "一是放松了世界观、人生观、价值观的改造。总认为自己参加工作多年，经受过各种考验，思想上不会出什么问题，放松了对自己的严格要求。",
    "二是对理论学习的重要性认识不足。没有认识到学习是保持先进性的前提和基础，以干代学、以会代学，导致思想理论水平与岗位要求不相适应。",
    "三是宗旨意识有所淡化。对“立党为公、执政为民”的理解停留在口头上，没有真正把群众满意不满意作为衡量工作的根本标准。",
    "四是进取精神有所减退。满足于过得去、不出事，缺乏“干一流工作、创一流业绩”的劲头。",
    "五是党性锻炼不够经常。",
]
DIRECTION_TEXT = [
    "（一）加强理论学习，坚定理想信念。制定个人学习计划，每天坚持学习一小时，每季度撰写一篇学习体会或调研文章，用理论武装头脑、指导工作。",
    "（二）深入基层调研，密切联系群众。每季度到联系的乡镇和运输企业蹲点调研不少于三天，每年形成两篇以上有分量的调研报告；建立服务对象联系卡制度，定期听取意见。",
    "（三）改进工作作风，提高服务水平。带头落实首问负责制、限时办结制和服务承诺制，对群众反映的问题做到件件有着落、事事有回音。",
    "（四）严格要求自己，做到廉洁自律。",
    "（五）坚持开展批评与自我批评，自觉接受党组织和群众的监督，以整改的实际成效取信于民。",
    "今后，我将以这次先进性教育活动为新的起点，按照“常修为政之德、常思贪欲之害、常怀律己之心”的要求，努力做一名合格的共产党员，为全市交通事业又好又快发展作出新的贡献。",
]


def analysis_text(target):
    """Paragraphs of about `target` Chinese characters: opening, problems by aspect, causes, directions."""
    paras = [rng.choice(OPENING[:2]) + rng.choice(OPENING[2:3]), OPENING[3], "一、存在的主要问题"]
    aspects = rng.sample(list(PROBLEM_TEXT), 7)
    k = 0
    while sum(han(p) for p in paras) < target * 0.62 and k < 14:
        a = aspects[k % len(aspects)]
        parts = PROBLEM_TEXT[a]
        n = 1 + rng.randrange(len(parts))
        lead = "（%s）" % "一二三四五六七八九十"[len([p for p in paras if p.startswith("（")]) % 10]
        paras.append(lead + "".join(parts[:n]) + ("" if n == len(parts) else rng.choice(["", "这些问题虽然表现在工作上，根子还在思想上。"])))
        if rng.random() < 0.4:
            paras.append(rng.choice(parts))
        k += 1
    paras.append("二、产生问题的原因")
    paras += rng.sample(CAUSE_TEXT, rng.randrange(3, 6))
    paras.append("三、今后的努力方向和整改措施")
    paras += DIRECTION_TEXT[: rng.randrange(3, 7)]
    while sum(han(p) for p in paras) < target:
        paras.insert(-1, rng.choice(DIRECTION_TEXT[:3]) + rng.choice(CAUSE_TEXT))
    return paras


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢"
GIVEN = ["志强", "建军", "海燕", "晓东", "国庆", "卫红", "丽萍", "振华", "永胜", "春梅", "德明", "桂兰", "爱国", "文博", "秀英",
         "立新", "红霞", "明亮", "建设", "玉珍", "宏伟", "小平", "金凤", "长青", "雪梅", "世杰", "淑芬", "向东", "敏", "军", "静", "涛"]
POSTS = ["科员", "副主任科员", "主任科员", "副科长", "科长", "办事员", "稽查员", "征稽员", "驾驶员"]
OPIN = ["到农村公路沿线了解情况少，对群众出行难的问题关注不够。", "办证窗口有时只开一个，运输业户排队时间长。",
        "工作认真负责，但解释政策不够耐心细致。", "希望多到基层站所走一走，帮助解决实际困难。", "业务熟练，但对新同志的传帮带不够。",
        "规费征收中有时方法简单，个别业户有意见。", "能够团结同志，但开展批评不够大胆。"]
CHANNELS = ["座谈会", "问卷", "意见箱", "专线电话", "谈心"]
FROM = ["运输业户代表", "基层站所职工", "所在支部党员", "人大代表、政协委员", "服务对象", "科室同事"]
ITEMS = [
    ("深入基层调查研究不够。", "每季度到联系的乡镇和运输企业蹲点调研不少于三天，形成调研报告。"),
    ("政治理论学习不够系统。", "制定个人学习计划，每天学习一小时，每季度撰写一篇学习体会。"),
    ("窗口服务解释政策不耐心。", "参加文明服务培训，落实首问负责制和一次性告知制度。"),
    ("对群众来信来访跟踪督办不够。", "建立来信来访台账，做到件件有登记、事事有回音，每月向支部报告一次办理情况。"),
    ("规费征收中工作方法简单。", "学习《行政许可法》和规费征收有关规定，文明征收、依法征收，做到亮证执法、说理执法。"),
    ("对分管科室同志的教育管理偏松。", "每月与分管科室同志谈心一次，开展批评与自我批评。"),
    ("开拓创新意识不强。", "围绕农村公路养护管理体制改革开展专题调研，提出改革建议。"),
    ("执行考勤制度不够严格。", "严格遵守机关考勤制度，自觉接受监督。"),
    ("对新同志传帮带不够。", "与一名新进科员结成帮带对子，帮助其尽快熟悉路政执法业务。"),
    ("工程建设资金拨付环节监督不够经常。", "会同财务科每半年对在建项目资金拨付情况检查一次，发现问题及时纠正。"),
    ("对农村客运站点运营情况了解不深。", "对全市农村客运站点逐一走访，建立站点运营情况档案，提出补助资金分配建议。"),
    ("业务知识更新不够。", "参加交通行业法规和信息化知识培训，年内通过执法资格考试。"),
]


def person(i):
    return SURNAMES[i * 7 % len(SURNAMES)] + GIVEN[i * 5 % len(GIVEN)]


def member(mid, org, name, leader, post, items=1, text=0):
    out = ['  <member id="%s" org="%s" gender="%s" ethnicity="%s" standing="%s"%s>' % (
        mid, org, rng.choice("男女"), rng.choice(["汉族"] * 6 + ["黎族", "回族"]), "正式", ' leader="true"' if leader else "")]
    birth = D(rng.randrange(1950, 1982), rng.randrange(1, 13), rng.randrange(1, 28))
    out += ["    " + el("name", name), "    " + el("birth", birth.isoformat()),
            "    " + el("joined", D(birth.year + rng.randrange(20, 30), rng.randrange(1, 13), 1).isoformat()),
            "    " + el("job", "临江市交通局" if leader else post[0]), "    " + el("post", post[1])]
    out.append('    <study hours="%d">' % (40 + rng.randrange(10)))
    out.append("      " + el("session", "学习党章和《保持共产党员先进性教育读本》", date=day(*LEARN), hours=4, form="集中学习"))
    out.append("    </study>")
    out.append("    <opinions>")
    for _ in range(rng.randrange(1, 3)):
        out.append("      " + el("opinion", rng.choice(OPIN), channel=rng.choice(CHANNELS), from_=rng.choice(FROM), date=day(*REVIEW)))
    out.append("    </opinions>")
    an = D(2005, 3, rng.randrange(20, 31))
    out.append('    <analysis date="%s">' % an.isoformat())
    for a in rng.sample(list(PROBLEM_TEXT), rng.randrange(2, 5)):
        out.append("      " + el("problem", PROBLEM_TEXT[a][0] + PROBLEM_TEXT[a][-1], aspect=a))
    out.append("      " + el("cause", rng.choice(CAUSE_TEXT)[2:]))
    for d in rng.sample(DIRECTION_TEXT[:5], rng.randrange(1, 4)):
        out.append("      " + el("direction", d[3:]))
    if text:
        out.append("      <text>")
        out += ["        " + el("p", p) for p in analysis_text(text)]
        out.append("      </text>")
    out.append("    </analysis>")
    ev = D(2005, 4, rng.randrange(10, 16))
    out.append('    <evaluation date="%s" fed-back="%s">' % (ev.isoformat(), (ev + datetime.timedelta(days=3)).isoformat()))
    for s in rng.sample(["政治立场坚定，能够认真参加先进性教育活动的各项学习。", "工作认真负责，业务熟练，较好地完成了各项工作任务。",
                         "团结同志，群众评价较好。", "在农村公路建设中吃苦耐劳，经常深入工地一线，在基层站所和群众中反映较好，起到了党员的先锋模范作用。"], rng.randrange(1, 4)):
        out.append("      " + el("strength", s))
    for p in rng.sample([v[0] + v[-1] for v in PROBLEM_TEXT.values()], rng.randrange(1, 4)):
        out.append("      " + el("problem", p))
    out.append("      " + el("direction", rng.choice(DIRECTION_TEXT[:3])[3:]))
    out.append("    </evaluation>")
    if items:
        plan = D(2005, 4, rng.randrange(24, 30))
        out.append('    <rectification date="%s">' % plan.isoformat())
        for k in range(items):
            prob, meas = ITEMS[(k + int(mid[1:])) % len(ITEMS)] if items < 12 else ITEMS[k]
            status = rng.choice(["已完成", "正在整改", "长期整改"])
            dl = day(plan, D(2005, 12, 31))
            done = {"completed": day(plan, D.fromisoformat(dl))} if status == "已完成" else {}
            out.append("      " + ('<item status="%s"%s>' % (status, "".join(' %s="%s"' % kv for kv in done.items()))))
            out.append("        " + el("problem", prob))
            out.append("        " + el("measure", meas))
            out.append("        " + el("deadline", dl))
            if leader or rng.random() < 0.3:
                out.append("        " + el("leader", "周向东"))
            out.append("        " + el("responsible", name))
            if rng.random() < 0.25:
                out.append("        " + el("explanation", "该项需要长期坚持，年底前向党支部报告一次落实情况。"))
            out.append("      </item>")
        out.append("    </rectification>")
    out.append("  </member>")
    return "\n".join(out)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    ORGS = [
        ("O-JW", "党委", "U-JTJ", None, "中共临江市交通局机关委员会"),
        ("O-Z1", "党支部", "U-JTJ", "O-JW", "中共临江市交通局机关第一支部委员会"),
        ("O-Z2", "党支部", "U-JTJ", "O-JW", "中共临江市交通局机关第二支部委员会"),
        ("O-LT", "党支部", "U-JTJ", "O-JW", "中共临江市交通局离退休干部支部委员会"),
        ("O-LH", "党支部", "U-ZJC", "O-JW", "中共临江市交通规费征稽处暨临江市公路运输管理所联合支部委员会"),
    ]
    assert len(ORGS[4][4]) == 30
    names = {}
    members = []
    # six leaders in the first branch, with full analyses of 3 000 to 4 500 characters
    leader_posts = ["局党组书记、局长", "局党组成员、副局长、机关党委书记", "局党组成员、副局长", "局党组成员、纪检组长",
                    "局党组成员、副局长", "局总工程师"]
    leader_names = ["周向东", "𠮷庆华", "刘䶮", "陈建设", "黄丽萍", "欧阳文博"]
    for i, (nm, post) in enumerate(zip(leader_names, leader_posts)):
        members.append(member("M%02d" % (i + 1), "O-Z1", nm, True, ("临江市交通局", post), items=rng.randrange(1, 4),
                              text=[3100, 3400, 3700, 4000, 4300, 4500][i]))
    plan = [("O-Z1", "临江市交通局办公室", 4), ("O-Z2", "临江市交通局建设管理科", 10), ("O-LT", "临江市交通局（退休）", 7),
            ("O-LH", "临江市交通规费征稽处", 13)]
    n = len(members)
    secretaries = {}
    for org, job, count in plan:
        for k in range(count):
            n += 1
            nm = person(n)
            if nm in names.values() or nm in leader_names:
                nm = nm[0] + "晓" + nm[1:]
            names["M%02d" % n] = nm
            secretaries.setdefault(org, ("M%02d" % n, nm))
            items = 12 if n == 20 else rng.randrange(1, 5)
            text = 1800 + rng.randrange(400) if n % 10 == 0 else 0
            members.append(member("M%02d" % n, org, nm, False, (job, rng.choice(POSTS)), items=items, text=text))
    camp = ['<?xml version="1.0" encoding="UTF-8"?>', "<!-- 交通局样例（虚构单位和人员），tests/typeset/jiaotong/make_set.py 生成 -->",
            '<wenshu xmlns="urn:wenshu:campaign:1">', '  <campaign id="JT2005" batch="第一批">',
            "    " + el("name", "临江市交通局保持共产党员先进性教育活动"), "    " + el("issuer", "中共临江市交通局机关委员会"),
            "    <committee>", "      " + el("name", "临江市交通局保持共产党员先进性教育活动领导小组"),
            '      <person role="组长" post="局党组书记、局长" member="M01">周向东</person>',
            '      <person role="副组长" post="局党组成员、副局长、机关党委书记" member="M02">𠮷庆华</person>',
            '      <person role="成员" post="局党组成员、副局长" member="M03">刘䶮</person>',
            '      <office phone="0898-2263-1200">领导小组办公室（设在局机关党委，办公楼四楼408室）</office>', "    </committee>",
            '    <phase name="学习动员" start="%s" end="%s"/>' % (LEARN[0], LEARN[1]),
            '    <phase name="分析评议" start="%s" end="%s"/>' % (REVIEW[0], REVIEW[1]),
            '    <phase name="整改提高" start="%s" end="%s"/>' % (RECT[0], RECT[1]),
            "    <report-due>2005-06-05</report-due>", "    <report-to>中共临江市委</report-to>",
            '    <targets analysis-leader="4000" analysis-member="2000" study-hours="40"/>', "  </campaign>",
            '  <unit id="U-JTJ" kind="市直党政机关" batch="第一批">', "    " + el("name", "临江市交通局"),
            "    " + el("short-name", "市交通局"), "    " + el("address", "临江市解放西路66号"), "  </unit>",
            '  <unit id="U-ZJC" kind="事业单位" batch="第一批">', "    " + el("name", "临江市交通规费征稽处"),
            "    " + el("address", "临江市滨江大道218号"), "  </unit>"]
    for oid, kind, unit, parent, name in ORGS:
        camp.append('  <organisation id="%s" kind="%s" unit="%s"%s>' % (oid, kind, unit, ' parent="%s"' % parent if parent else ""))
        camp.append("    " + el("name", name))
        sec = ("M01", "周向东") if oid == "O-JW" else secretaries[oid]
        camp.append('    <secretary member="%s">%s</secretary>' % sec)
        camp += ["    <contact>", "      " + el("mailbox", "局办公楼一楼大厅"), "      " + el("phone", "0898-2263-12%02d" % len(camp)), "    </contact>"]
        if oid in ("O-JW", "O-LH"):
            camp.append("    <opinions>")
            for o in OPIN[:5]:
                camp.append("      " + el("opinion", o, channel=rng.choice(CHANNELS), from_=rng.choice(FROM), date=day(*REVIEW)))
            camp.append("    </opinions>")
            camp.append('    <rectification-plan date="2005-04-28">')
            camp += ["      " + el("focus", "把群众反映最强烈的办证难、收费窗口服务差问题作为整改的首要重点。"),
                     "      " + el("focus", "加强农村公路建设和养护管理，解决群众出行难问题。")]
            for k, (prob, meas) in enumerate(ITEMS[: 9 if oid == "O-JW" else 5]):
                camp.append('      <item category="%s" status="正在整改">' % ["政风", "作风", "行风", "内部管理"][k % 4])
                camp += ["        " + el("problem", prob), "        " + el("goal", "群众满意率达到90%以上。"), "        " + el("measure", meas),
                         "        " + el("deadline", day(D(2005, 6, 1), D(2005, 12, 31))), "        " + el("leader", "周向东"),
                         "        " + el("department", "办公室"), "        " + el("responsible", "陈建设"), "      </item>"]
            camp.append('      <system date="2005-05-20">交通行政许可一次性告知制度</system>')
            camp.append("    </rectification-plan>")
            camp.append('    <publication subject="整改方案" date="2005-05-08" channel="公示栏">')
            camp.append("      " + el("scope", "局机关、规费征稽处、公路运输管理所全体干部职工和服务对象代表"))
            camp.append("    </publication>")
            camp.append('    <survey date="2005-05-30" by="市委先进性教育活动第五督导组" respondents="96">')
            camp += ['      <group name="党员" count="40"/>', '      <group name="服务对象代表" count="56"/>']
            for q in ["组织领导", "学习教育", "分析评议", "整改提高", "服务群众", "总体评价"]:
                u = rng.randrange(2, 8)
                b = rng.randrange(15, 30)
                camp.append('      <question satisfied="%d" basic="%d" unsatisfied="%d">%s</question>' % (96 - u - b, b, u, q))
            camp.append("    </survey>")
        if oid == "O-JW":
            camp.append('    <report date="2005-06-03" members="40" participants="38" opinions="63" problems="14" completed="9" systems="4">')
            camp.append('      <section title="基本情况">')
            camp.append("        " + el("p", "局机关党委下设4个党支部，其中联合支部1个，共有党员40名，其中党员领导干部6名。除2名年老体弱的退休党员由支部送教上门外，其余党员全部参加了集中学习教育。"))
            camp.append("      </section>")
            camp.append("    </report>")
        camp.append("  </organisation>")
    camp.append("</wenshu>")
    with open(os.path.join(out_dir, "campaign.xml"), "w", encoding="utf-8") as f:
        f.write("\n".join(camp) + "\n")
    with open(os.path.join(out_dir, "members.xml"), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<!-- 交通局党员（虚构），tests/typeset/jiaotong/make_set.py 生成 -->\n'
                '<wenshu xmlns="urn:wenshu:campaign:1">\n' + "\n".join(members) + "\n</wenshu>\n")


if __name__ == "__main__":
    main(sys.argv[1])
