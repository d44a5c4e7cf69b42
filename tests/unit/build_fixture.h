/* A plan of n feedback notices with distinct records and keys, in 40 organisations: what the
 * memory tests of the build (test_build_made.c, test_build_rebuild.c) feed build_run with a
 * make function of their own, so that only the parent's bookkeeping is measured. */
#ifndef WS_TEST_BUILD_FIXTURE_H
#define WS_TEST_BUILD_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "batch/build.h"

static build_plan *build_fixture_plan(size_t n)
{
    build_plan *p = batch_plan_new();
    for (size_t i = 0; i < n; i++) {
        char id[32], org[64];
        snprintf(id, sizeof id, "M%06zu", i + 1);
        snprintf(org, sizeof org, "中共某某机关第%zu支部委员会", i % 40 + 1);
        build_item it = {.form = "评议意见反馈通知书", .form_alias = "feedback", .record = id, .org = org, .name = id};
        memset(it.key, (int)(i & 0xff), sizeof it.key);
        batch_plan_add(p, &it);
    }
    return p;
}

#endif
