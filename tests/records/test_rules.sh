#!/usr/bin/env bash
# Each campaign rule has a fixture that breaks it: the message, its file:line:col, the record and the
# exit status are asserted. Fixtures are checked together with fixtures/base.xml (the campaign).
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT"
FX=tests/records/fixtures

# with_base FIXTURE [options]: checks base.xml + fixture; output in $OUT/$ERR/$STATUS
with_base() { local f="$1"; shift; run "$WENSHU" check "$@" "$FX/base.xml" "$FX/$f"; }

with_base rule-duplicate-id.xml
assert_status 1 "duplicate ids are errors"
assert_contains "$ERR" "$FX/rule-duplicate-id.xml:10:3: 错误：记录 M1：编号 M1 已被 $FX/rule-duplicate-id.xml 第 3 行的记录使用：请给本条记录另编一个编号；本条记录未生成（先出现的那条不受影响）" "duplicate member id in one file, with both places"
assert_contains "$ERR" "$FX/rule-duplicate-id.xml:17:3: 错误：记录 O1：编号 O1 已被 $FX/base.xml 第 20 行的记录使用" "duplicate id across files"

with_base rule-reference.xml
assert_status 1 "unresolved references are errors"
assert_contains "$ERR" "$FX/rule-reference.xml:3:19: 错误：记录 M1：@org 引用的编号“O9”在所有输入文件中都找不到（应是某个党组织的编号）" "member/@org to nothing"
assert_contains "$ERR" "$FX/rule-reference.xml:10:19: 错误：记录 M2：@org 引用的“U1”是单位，不是党组织" "member/@org to the wrong kind of record"
assert_contains "$ERR" "$FX/rule-reference.xml:17:46: 错误：记录 O3：@parent 引用的编号“O8”在所有输入文件中都找不到（应是某个党组织的编号）" "organisation/@parent to nothing"
assert_contains "$ERR" "$FX/rule-reference.xml:19:16: 错误：记录 O3：@member 引用的编号“M7”在所有输入文件中都找不到（应是某个党员的编号）" "secretary/@member to nothing"
assert_contains "$ERR" "$FX/rule-reference.xml:21:36: 错误：记录 O4：@unit 引用的编号“U7”在所有输入文件中都找不到（应是某个单位的编号）" "organisation/@unit to nothing"
assert_not_contains "$ERR" "记录 O1：" "references into another file (O1 in base.xml) resolve"

with_base rule-cycle.xml
assert_status 1 "a loop in the organisation tree is an error"
assert_contains "$ERR" "$FX/rule-cycle.xml:3:3: 错误：记录 OA：党组织“OA”的上级党组织（@parent）逐级向上又回到了它自己，形成循环：请改正其中某个党组织的 parent" "parent loop reported"

with_base rule-phase-dates.xml
assert_status 1 "dates outside their phase are errors"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:9:16: 错误：记录 M1：学习日期 2005-03-05 不在学习动员阶段内（2005-01-25 至 2005-02-28）" "study session outside 学习动员"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:12:40: 错误：记录 M1：征求意见的日期 2005-02-01 不在分析评议阶段内（2005-03-01 至 2005-04-20）" "opinion outside 分析评议"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:14:15: 错误：记录 M1：党性分析材料的撰写日期 2005-05-01 不在分析评议阶段内（2005-03-01 至 2005-04-20）" "analysis outside 分析评议"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:19:17: 错误：记录 M1：评议日期 2005-04-25 不在分析评议阶段内（2005-03-01 至 2005-04-20）" "evaluation outside 分析评议"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:24:20: 错误：记录 M1：个人整改措施的制定日期 2005-04-10 不在整改提高阶段内（2005-04-21 至 2005-05-30）" "member's plan outside 整改提高"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:35:33: 错误：记录 O3：公布日期 2005-02-01 不在分析评议阶段开始至专题报告报送期限这段时间内（2005-03-01 至 2005-06-05）" "publication too early"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:38:13: 错误：记录 O3：满意度测评日期 2005-04-01 不在整改提高阶段开始至专题报告报送期限这段时间内（2005-04-21 至 2005-06-05）" "survey too early"

with_base rule-rectification.xml
assert_status 1 "incomplete or untimely rectification items are errors"
assert_contains "$ERR" "$FX/rule-rectification.xml:13:9: 错误：记录 M1：第 1 项整改事项（学习不够系统。）的整改时限 2005-04-22 早于整改方案的制定日期 2005-04-25" "deadline before the plan"
assert_contains "$ERR" "$FX/rule-rectification.xml:16:7: 错误：记录 M1：第 2 项整改事项（服务不耐心。）缺少整改措施" "item without measure"
assert_contains "$ERR" "$FX/rule-rectification.xml:16:7: 错误：记录 M1：第 2 项整改事项（服务不耐心。）缺少整改时限" "item without deadline"
assert_not_contains "$ERR" "（服务不耐心。）缺少责任人" "a member's own item needs no 责任人: it is the member"
assert_contains "$ERR" "$FX/rule-rectification.xml:19:13: 错误：记录 M1：第 3 项整改事项（办公用房紧张。）的状态为“暂不能解决”，但没有写明原因（explanation）：暂不能解决的问题应向群众作出说明" "暂不能解决 without explanation"
assert_contains "$ERR" "$FX/rule-rectification.xml:31:7: 错误：记录 O3：第 1 项整改事项（会议多。）缺少责任人" "organisation item without responsible person"
assert_contains "$ERR" "$FX/rule-rectification.xml:31:26: 错误：记录 O3：第 1 项整改事项（会议多。）的完成日期 2005-04-26 早于整改方案的制定日期 2005-04-28" "completed before the plan"

with_base rule-targets.xml
assert_status 0 "targets missed are warnings only"
assert_contains "$ERR" "$FX/rule-targets.xml:8:12: 警告：记录 M1：学习 32 学时，少于规定的 40 学时" "study hours under the default minimum"
assert_contains "$ERR" "$FX/rule-targets.xml:10:3: 警告：记录 M2：没有学习记录（规定至少 40 学时）" "missing study record"
assert_contains "$ERR" "$FX/rule-targets.xml:27:7: 警告：记录 M3：党性分析材料全文 46 字，与约 4000 字的要求（党员领导干部）相差较大" "analysis length with the count"
assert_not_contains "$ERR" "记录 M4：" "a serving officer (现役军人) owes no study record here"
assert_contains "$ERR" "0 个错误，3 个警告" "summary counts the warnings"
with_base rule-targets.xml --strict
assert_status 1 "--strict makes warnings fail"

with_base rule-rounds.xml
assert_status 1 "survey rounds, meetings, receipts and 转出 follow the seed"
assert_contains "$ERR" "$FX/rule-rounds.xml:6:29: 错误：记录 O5：专题组织生活会日期 2005-04-28 不在分析评议阶段内（2005-03-01 至 2005-04-20）" "meeting date inside 分析评议"
assert_contains "$ERR" "$FX/rule-rounds.xml:10:5: 错误：记录 O5：这是重新测评，但前一次测评（需要补课）没有记录补课措施（remedy）" "re-survey without 补课"
assert_contains "$ERR" "$FX/rule-rounds.xml:14:13: 错误：记录 O5：重新测评日期 2005-05-24 不晚于补课日期 2005-05-25：重新测评应在其后进行" "re-survey before the 补课 measures"
assert_contains "$ERR" "$FX/rule-rounds.xml:31:5: 警告：记录 O7：满意度测评中“不满意”过半（25 票，共 40 票）；已记录补课，但尚无补课后的重新测评" "补课 without re-survey"
assert_not_contains "$ERR" "记录 O6：" "补课 then a later re-survey that passes: clean"
assert_contains "$ERR" "$FX/rule-rounds.xml:45:16: 错误：记录 M5：回执交回日期 2005-04-11 早于反馈日期 2005-04-12" "receipt before the feedback"
assert_contains "$ERR" "$FX/rule-rounds.xml:59:7: 错误：记录 M6：已交回回执，但评议意见没有反馈日期（fed-back）" "receipt without feedback"
assert_contains "$ERR" "$FX/rule-rounds.xml:56:5: 错误：记录 M6：组织关系已转出的党员须写明参加活动的党组织（where）" "转出 needs where"
assert_not_contains "$ERR" "学习 4 学时" "送教上门: the seed prescribes no 40 学时 for members taught at home"
assert_not_contains "$ERR" "缺少责任人" "own items default their 责任人 to the member"
assert_contains "$ERR" "6 个错误，1 个警告" "summary of the rounds fixture"

with_base rule-survey.xml
assert_status 1 "inconsistent survey and report figures are errors"
assert_contains "$ERR" "$FX/rule-survey.xml:5:5: 警告：记录 O3：满意度测评中“不满意”过半（56 票，共 100 票）：必须及时补课" "不满意 majority: 必须及时补课"
assert_contains "$ERR" "$FX/rule-survey.xml:14:40: 错误：记录 O4：各类参加测评人员合计 20 人，但参加测评人数写的是 40" "groups vs respondents"
assert_contains "$ERR" "$FX/rule-survey.xml:16:7: 错误：记录 O4：测评项目“总体评价”共 45 票，但参加测评的只有 40 人" "answers vs respondents"
assert_contains "$ERR" "$FX/rule-survey.xml:18:13: 警告：记录 O4：专题报告日期为 2005-06-08，晚于报送期限 2005-06-05" "late report"
assert_contains "$ERR" "$FX/rule-survey.xml:18:44: 错误：记录 O4：专题报告中参学人数为 13，多于党员人数 12" "participants vs members"
assert_contains "$ERR" "$FX/rule-survey.xml:18:89: 错误：记录 O4：专题报告中整改完成 4 条，多于归纳的问题 3 条" "completed vs problems"

with_base rule-misc.xml
assert_status 1 "wrong batch, incomplete 流动党员 are errors"
assert_contains "$ERR" "$FX/rule-misc.xml:3:27: 错误：记录 U2：该单位属于第二批，而本次活动是第一批" "unit in the wrong batch"
assert_contains "$ERR" "$FX/rule-misc.xml:11:5: 错误：记录 M1：流动党员须写明流动范围（scope，市内或市外）和参加活动的党组织（where）" "流动党员 without scope/where"
assert_contains "$ERR" "$FX/rule-misc.xml:9:5: 错误：记录 M1：入党时间早于年满 18 周岁" "joined before 18"

run "$WENSHU" check "$FX/campaign-phases.xml"
assert_status 1 "a campaign with phases out of order"
assert_contains "$ERR" "$FX/campaign-phases.xml:11:43: 错误：记录 C2：分析评议阶段的结束日期早于开始日期" "phase ending before its start"
assert_contains "$ERR" "$FX/campaign-phases.xml:11:24: 错误：记录 C2：分析评议阶段应在学习动员阶段结束之后开始" "overlapping phases"
assert_contains "$ERR" "$FX/campaign-phases.xml:13:5: 错误：记录 C2：专题报告的报送日期早于整改提高阶段的结束日期" "report due too early"

run "$WENSHU" check "$FX/base.xml" "$FX/campaign-phases.xml"
assert_status 1 "two campaigns"
assert_contains "$ERR" "$FX/campaign-phases.xml:3:3: 错误：记录 C2：又一个活动记录：一次处理的记录中只能有一个活动（第一个在 $FX/base.xml 第 4 行）" "second campaign refused"

run "$WENSHU" check "$FX/rule-misc.xml"
assert_status 1 "no campaign"
assert_contains "$ERR" "错误：所有输入文件中都没有活动记录 <campaign>：需要有且只有一个（参见 samples/campaign.xml）" "missing campaign reported"

# The schema layer: every problem, not just the first, with lines and the record.
with_base xsd-errors.xml
assert_status 1 "schema errors"
assert_contains "$ERR" "$FX/xsd-errors.xml:3:28: 错误：记录 M1：性别只能填“男”或“女”，而不是“X”（党员 M1 张三）" "enumeration error at the attribute"
assert_contains "$ERR" "$FX/xsd-errors.xml:5:5: 错误：记录 M1：出生日期应写成 1979-06-03 这样的日期（年-月-日），而不是“1970-02-30”（党员 M1 张三）" "impossible date"
assert_contains "$ERR" "$FX/xsd-errors.xml:14:5: 错误：记录 M2：缺少工作单位及部门（<job>），它应写在“学习情况”之前（党员 M2 李四）" "missing element"
assert_contains "$ERR" "$FX/xsd-errors.xml:24:7: 错误：记录 M3：评议意见中没有 <grade> 这一项：请删去，或改用以下之一：<strength>（肯定的成绩）、<problem>（指出的问题）、<direction>（整改方向）、<receipt>（回执）（党员 M3 王五）" "no grade: the model forbids grading members"
assert_not_contains "$ERR" "precomputed" "libxml2 noise filtered"
assert_not_contains "$ERR" "{urn:" "namespace noise removed from messages"
assert_contains "$ERR" "4 个错误，0 个警告" "all four schema errors counted"

LANG=zh_CN.UTF-8 with_base rule-study-sum.xml
assert_status 0 "a study total the sessions contradict is a warning"
assert_contains "$ERR" "$FX/rule-study-sum.xml:12:12: 警告：记录 S1：学习全部是送教上门（2 次，共 4 学时），学习记录却为 40 学时；提纲将印出“送教上门2次，共40学时”，请把学时改为各次之和，或补记其他学习" "taught only at home: the total must be the sessions' sum"
assert_contains "$ERR" "$FX/rule-study-sum.xml:22:12: 警告：记录 S2：学习记录为 8 学时，少于所列 2 次学习的学时之和 10 学时，两者不能都对，请核对" "a total below the sessions listed"
assert_not_contains "$ERR" "记录 S3：" "年老体弱: 帮扶结对 hours (no session form) may make up the difference"
assert_not_contains "$ERR" "记录 S4：" "sessions are examples: a total above them is normal"
assert_contains "$ERR" "0 个错误，3 个警告" "summary of the study-sum fixture"
with_base rule-study-sum.xml --strict
assert_status 1 "--strict makes them fail"

done_testing
