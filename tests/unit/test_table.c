/* Column-width distribution for tables (table_distribute in table.h). */
#include <math.h>

#include "typeset/table.h"
#include "tap.h"

static int near(float a, float b) { return fabsf(a - b) < 0.05f; }

static float sum(const float *w, int n)
{
    float s = 0;
    for (int i = 0; i < n; i++) s += w[i];
    return s;
}

int main(void)
{
    float w[8];

    /* Everything fits on one line: the short column keeps its width, the text column takes
     * the rest of the measure. */
    table_col_need fit[] = {{20, 40, 40, 120, 0}, {20, 40, 200, 900, 1}};
    CHECK(table_distribute(fit, 2, 442, w) == 0, "a table that fits is laid out");
    CHECK(near(w[0], 40) && near(w[1], 402), "the short column stays at its natural width (%.1f, %.1f)", w[0], w[1]);

    /* Nothing wraps at all: every column is stretched in proportion. */
    table_col_need shortonly[] = {{20, 40, 40, 40, 0}, {20, 80, 80, 80, 0}};
    table_distribute(shortonly, 2, 300, w);
    CHECK(near(w[0], 100) && near(w[1], 200), "columns of short cells are stretched alike (%.1f, %.1f)", w[0], w[1]);

    /* A survey: boxes under 满意 / 基本满意 — the long header may wrap (keep < nat) but the
     * column holds no text, so when everything fits it is widened like the others. */
    table_col_need survey[] = {{20, 30, 30, 30, 0}, {20, 40, 80, 80, 0}, {20, 30, 30, 30, 0}};
    table_distribute(survey, 3, 280, w);
    CHECK(near(w[0], 60) && near(w[1], 160) && near(w[2], 60), "a column of boxes under a long header takes no more "
          "than its share (%.1f %.1f %.1f)", w[0], w[1], w[2]);

    /* A rectification plan: 序号, 存在问题, 整改措施, 完成时限, 责任人. Short columns keep their
     * natural width; the two text columns share the rest by how much text they hold. */
    table_col_need plan[] = {
        {10, 30, 30, 400, 0}, {20, 60, 800, 5000, 1}, {20, 60, 1500, 10000, 1}, {20, 110, 110, 4000, 0}, {20, 50, 50, 2000, 0},
    };
    CHECK(table_distribute(plan, 5, 442, w) == 0, "the plan's columns fit");
    CHECK(near(w[0], 30) && near(w[3], 110) && near(w[4], 50), "序号, date and name columns stay narrow (%.1f %.1f %.1f)",
          w[0], w[3], w[4]);
    CHECK(near(w[1], 84) && near(w[2], 168), "text columns share the rest 1:2 by their text (%.1f, %.1f)", w[1], w[2]);
    CHECK(near(sum(w, 5), 442), "the columns fill the measure exactly (%.2f)", sum(w, 5));

    /* A text column with little text is not starved below the width its short cells need. */
    table_col_need starve[] = {{20, 90, 400, 100, 1}, {20, 60, 3000, 20000, 1}};
    table_distribute(starve, 2, 442, w);
    CHECK(near(w[0], 90) && near(w[1], 352), "a column is never narrower than its keep width (%.1f, %.1f)", w[0], w[1]);

    /* ... nor wider than its natural width while another still wraps. */
    table_col_need cap[] = {{20, 40, 100, 5000, 1}, {20, 60, 3000, 1000, 1}};
    table_distribute(cap, 2, 442, w);
    CHECK(near(w[0], 100) && near(w[1], 342), "a column gets no more than its natural width (%.1f, %.1f)", w[0], w[1]);

    /* Too narrow for short cells to stay whole: they break, but every column keeps its
     * unbreakable minimum and the measure is filled. */
    table_col_need tight[] = {{20, 200, 200, 200, 0}, {20, 200, 300, 300, 1}, {20, 100, 100, 100, 0}};
    CHECK(table_distribute(tight, 3, 300, w) == 0, "a tight table still fits");
    CHECK(w[0] >= 20 && w[1] >= 20 && w[2] >= 20 && near(sum(w, 3), 300), "down to the hard minimum (%.1f %.1f %.1f)",
          w[0], w[1], w[2]);

    /* Too many columns: not even one character each fits. */
    table_col_need wide[8];
    for (int i = 0; i < 8; i++) wide[i] = (table_col_need){60, 60, 60, 60, 0};
    CHECK(table_distribute(wide, 8, 442, w) == -1, "columns that cannot fit are refused");

    return TAP_DONE();
}
