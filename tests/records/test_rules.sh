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
assert_contains "$ERR" "$FX/rule-duplicate-id.xml:10:3: error: record M1: the id M1 is already used by the record at $FX/rule-duplicate-id.xml:3: give this record an id of its own; it is not built (the first one is not affected)" "duplicate member id in one file, with both places"
assert_contains "$ERR" "$FX/rule-duplicate-id.xml:17:3: error: record O1: the id O1 is already used by the record at $FX/base.xml:20" "duplicate id across files"

with_base rule-reference.xml
assert_status 1 "unresolved references are errors"
assert_contains "$ERR" "$FX/rule-reference.xml:3:19: error: record M1: @org refers to 'O9', but no organisation has that id in any input" "member/@org to nothing"
assert_contains "$ERR" "$FX/rule-reference.xml:10:19: error: record M2: @org refers to 'U1', which is a unit, not an organisation" "member/@org to the wrong kind of record"
assert_contains "$ERR" "$FX/rule-reference.xml:17:46: error: record O3: @parent refers to 'O8'" "organisation/@parent to nothing"
assert_contains "$ERR" "$FX/rule-reference.xml:19:16: error: record O3: @member refers to 'M7', but no member has that id" "secretary/@member to nothing"
assert_contains "$ERR" "$FX/rule-reference.xml:21:36: error: record O4: @unit refers to 'U7', but no unit has that id" "organisation/@unit to nothing"
assert_not_contains "$ERR" "record O1:" "references into another file (O1 in base.xml) resolve"

with_base rule-cycle.xml
assert_status 1 "a loop in the organisation tree is an error"
assert_contains "$ERR" "$FX/rule-cycle.xml:3:3: error: record OA: the @parent chain of organisation 'OA' loops back to itself" "parent loop reported"

with_base rule-phase-dates.xml
assert_status 1 "dates outside their phase are errors"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:9:16: error: record M1: study session on 2005-03-05 is outside the 学习动员 phase (2005-01-25 to 2005-02-28)" "study session outside 学习动员"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:12:40: error: record M1: opinion collected on 2005-02-01 is outside the 分析评议 phase" "opinion outside 分析评议"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:14:15: error: record M1: analysis dated 2005-05-01 is outside the 分析评议 phase" "analysis outside 分析评议"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:19:17: error: record M1: evaluation dated 2005-04-25 is outside the 分析评议 phase" "evaluation outside 分析评议"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:24:20: error: record M1: individual rectification plan dated 2005-04-10 is outside the 整改提高 phase" "member's plan outside 整改提高"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:35:33: error: record O3: publication on 2005-02-01 is outside" "publication too early"
assert_contains "$ERR" "$FX/rule-phase-dates.xml:38:13: error: record O3: satisfaction survey on 2005-04-01 is outside" "survey too early"

with_base rule-rectification.xml
assert_status 1 "incomplete or untimely rectification items are errors"
assert_contains "$ERR" "$FX/rule-rectification.xml:13:9: error: record M1: rectification item 1 (学习不够系统。): deadline 2005-04-22 is before the plan's date 2005-04-25" "deadline before the plan"
assert_contains "$ERR" "$FX/rule-rectification.xml:16:7: error: record M1: rectification item 2 (服务不耐心。) has no measure (整改措施)" "item without measure"
assert_contains "$ERR" "$FX/rule-rectification.xml:16:7: error: record M1: rectification item 2 (服务不耐心。) has no deadline (整改时限)" "item without deadline"
assert_not_contains "$ERR" "(服务不耐心。) has no responsible person" "a member's own item needs no 责任人: it is the member"
assert_contains "$ERR" "$FX/rule-rectification.xml:19:13: error: record M1: rectification item 3 (办公用房紧张。) is 暂不能解决 but has no explanation" "暂不能解决 without explanation"
assert_contains "$ERR" "$FX/rule-rectification.xml:31:7: error: record O3: rectification item 1 (会议多。) has no responsible person" "organisation item without responsible person"
assert_contains "$ERR" "$FX/rule-rectification.xml:31:26: error: record O3: rectification item 1 (会议多。): completed 2005-04-26 is before the plan's date 2005-04-28" "completed before the plan"

with_base rule-targets.xml
assert_status 0 "targets missed are warnings only"
assert_contains "$ERR" "$FX/rule-targets.xml:8:12: warning: record M1: study hours 32 are under the minimum of 40" "study hours under the default minimum"
assert_contains "$ERR" "$FX/rule-targets.xml:10:3: warning: record M2: no study record (the minimum is 40 hours)" "missing study record"
assert_contains "$ERR" "$FX/rule-targets.xml:27:7: warning: record M3: the analysis has 46 Chinese characters, far from the target of about 4000 for a leading cadre (党员领导干部)" "analysis length with the count"
assert_not_contains "$ERR" "record M4:" "a serving officer (现役军人) owes no study record here"
assert_contains "$OUT" "0 errors, 3 warnings" "summary counts the warnings"
with_base rule-targets.xml --strict
assert_status 1 "--strict makes warnings fail"

with_base rule-rounds.xml
assert_status 1 "survey rounds, meetings, receipts and 转出 follow the seed"
assert_contains "$ERR" "$FX/rule-rounds.xml:6:29: error: record O5: 专题组织生活会 on 2005-04-28 is outside the 分析评议 phase (2005-03-01 to 2005-04-20)" "meeting date inside 分析评议"
assert_contains "$ERR" "$FX/rule-rounds.xml:10:5: error: record O5: a re-survey, but the survey before it (which needs 补课) records no 补课 measures (remedy)" "re-survey without 补课"
assert_contains "$ERR" "$FX/rule-rounds.xml:14:13: error: record O5: the re-survey on 2005-05-24 is not after 2005-05-25 (the 补课 measures)" "re-survey before the 补课 measures"
assert_contains "$ERR" "$FX/rule-rounds.xml:31:5: warning: record O7: satisfaction survey: 不满意 is the majority (25 of 40 answers); 补课 is recorded but no re-survey after it yet" "补课 without re-survey"
assert_not_contains "$ERR" "record O6:" "补课 then a later re-survey that passes: clean"
assert_contains "$ERR" "$FX/rule-rounds.xml:45:16: error: record M5: receipt returned on 2005-04-11 is before the feedback's date 2005-04-12" "receipt before the feedback"
assert_contains "$ERR" "$FX/rule-rounds.xml:59:7: error: record M6: a receipt (回执) returned, but the evaluation has no fed-back date" "receipt without feedback"
assert_contains "$ERR" "$FX/rule-rounds.xml:56:5: error: record M6: a member transferred out (转出) needs where (the organisation they take part in)" "转出 needs where"
assert_not_contains "$ERR" "study hours 4" "送教上门: the seed prescribes no 40 学时 for members taught at home"
assert_not_contains "$ERR" "no responsible person" "own items default their 责任人 to the member"
assert_contains "$OUT" "6 errors, 1 warning" "summary of the rounds fixture"

with_base rule-survey.xml
assert_status 1 "inconsistent survey and report figures are errors"
assert_contains "$ERR" "$FX/rule-survey.xml:5:5: warning: record O3: satisfaction survey: 不满意 is the majority (56 of 100 answers): 必须及时补课" "不满意 majority: 必须及时补课"
assert_contains "$ERR" "$FX/rule-survey.xml:14:40: error: record O4: the survey's groups add up to 20, but respondents is 40" "groups vs respondents"
assert_contains "$ERR" "$FX/rule-survey.xml:16:7: error: record O4: survey question '总体评价' has 45 answers but only 40 respondents" "answers vs respondents"
assert_contains "$ERR" "$FX/rule-survey.xml:18:13: warning: record O4: the report is dated 2005-06-08, after the due date 2005-06-05" "late report"
assert_contains "$ERR" "$FX/rule-survey.xml:18:44: error: record O4: the report counts 13 participants but only 12 members" "participants vs members"
assert_contains "$ERR" "$FX/rule-survey.xml:18:89: error: record O4: the report counts 4 items completed but only 3 problems found" "completed vs problems"

with_base rule-misc.xml
assert_status 1 "wrong batch, incomplete 流动党员 are errors"
assert_contains "$ERR" "$FX/rule-misc.xml:3:27: error: record U2: the unit takes part in 第二批, but this campaign is 第一批" "unit in the wrong batch"
assert_contains "$ERR" "$FX/rule-misc.xml:11:5: error: record M1: a 流动党员 needs scope (市内 or 市外) and where" "流动党员 without scope/where"
assert_contains "$ERR" "$FX/rule-misc.xml:9:5: error: record M1: joined the Party before the age of 18" "joined before 18"

run "$WENSHU" check "$FX/campaign-phases.xml"
assert_status 1 "a campaign with phases out of order"
assert_contains "$ERR" "$FX/campaign-phases.xml:11:43: error: record C2: phase 分析评议 ends before it starts" "phase ending before its start"
assert_contains "$ERR" "$FX/campaign-phases.xml:11:24: error: record C2: phase 分析评议 must start after 学习动员 ends" "overlapping phases"
assert_contains "$ERR" "$FX/campaign-phases.xml:13:5: error: record C2: the report is due before 整改提高 ends" "report due too early"

run "$WENSHU" check "$FX/base.xml" "$FX/campaign-phases.xml"
assert_status 1 "two campaigns"
assert_contains "$ERR" "$FX/campaign-phases.xml:3:3: error: record C2: a second campaign: the records of a run describe exactly one (the first is at $FX/base.xml:4)" "second campaign refused"

run "$WENSHU" check "$FX/rule-misc.xml"
assert_status 1 "no campaign"
assert_contains "$ERR" "error: no <campaign> record in any input" "missing campaign reported"

# The schema layer: every problem, not just the first, with lines and the record.
with_base xsd-errors.xml
assert_status 1 "schema errors"
assert_contains "$ERR" "$FX/xsd-errors.xml:3:28: error: record M1: gender can only be \"男\" or \"女\", not \"X\" (member M1 张三)" "enumeration error at the attribute"
assert_contains "$ERR" "$FX/xsd-errors.xml:5:5: error: record M1: birth must be a date such as 1979-06-03 (year-month-day), not \"1970-02-30\" (member M1 张三)" "impossible date"
assert_contains "$ERR" "$FX/xsd-errors.xml:14:5: error: record M2: <job> is missing: it comes before \"study\" (member M2 李四)" "missing element"
assert_contains "$ERR" "$FX/xsd-errors.xml:24:7: error: record M3: evaluation has no element <grade>" "no grade: the model forbids grading members"
assert_not_contains "$ERR" "precomputed" "libxml2 noise filtered"
assert_not_contains "$ERR" "{urn:" "namespace noise removed from messages"
assert_contains "$OUT" "4 errors, 0 warnings" "all four schema errors counted"

LANG=zh_CN.UTF-8 with_base rule-study-sum.xml
assert_status 0 "a study total the sessions contradict is a warning"
assert_contains "$ERR" "$FX/rule-study-sum.xml:12:12: warning: record S1: 学习全部是送教上门（2次，共4学时），学习记录却为40学时；提纲将印出“送教上门2次，共40学时”，请把学时改为各次之和，或补记其他学习" "taught only at home: the total must be the sessions' sum"
assert_contains "$ERR" "$FX/rule-study-sum.xml:22:12: warning: record S2: 学习记录为8学时，少于所列2次学习的学时之和10学时，两者不能都对，请核对" "a total below the sessions listed"
assert_not_contains "$ERR" "record S3:" "年老体弱: 帮扶结对 hours (no session form) may make up the difference"
assert_not_contains "$ERR" "record S4:" "sessions are examples: a total above them is normal"
assert_contains "$OUT" "0 errors, 3 warnings" "summary of the study-sum fixture"
with_base rule-study-sum.xml --strict
assert_status 1 "--strict makes them fail"

done_testing
