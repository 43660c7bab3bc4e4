/* calendar.c — fast date look-ups for the generator's inner loops: the
 * year of a day, a day's "YYYY-MM-DD" text from a table, and the minimum
 * wage and knowledge-migrant criterion by binary search. Millions of rows
 * and hundreds of millions of simulated months make ib_date_to_ymd and the
 * monitor's linear look-ups the bottleneck otherwise. */
#include <stdlib.h>
#include <string.h>

#include "demo/demo_internal.h"

#define FIRST_YEAR 1900
#define LAST_YEAR 2100

int dcal_init(dcal *k)
{
    memset(k, 0, sizeof k->jan1);
    for (int y = FIRST_YEAR; y <= LAST_YEAR + 1; y++)
        k->jan1[y - FIRST_YEAR] = ib_date_from_ymd(y, 1, 1);
    k->first = k->jan1[0];
    k->n = (size_t)(k->jan1[LAST_YEAR + 1 - FIRST_YEAR] - k->first);
    k->text = malloc(k->n * sizeof *k->text);
    if (!k->text)
        return IB_ENOMEM;
    for (size_t i = 0; i < k->n; i++) {
        char buf[IB_DATE_STRLEN];
        ib_date_format(k->first + (ib_date)i, buf);
        memcpy(k->text[i], buf, 10);
    }
    k->wml = ib_ref_wml_rows(&k->n_wml);
    k->know = ib_ref_knowledge_rows(&k->n_know);
    return IB_OK;
}

void dcal_free(dcal *k)
{
    free(k->text);
    k->text = NULL;
}

int dcal_year(const dcal *k, ib_date d)
{
    if (d < k->first || d >= k->first + (ib_date)k->n) {
        int y, m, dd;
        ib_date_to_ymd(d, &y, &m, &dd);
        return y;
    }
    int i = (int)((d - k->first) / 366);     /* never past the true year */
    while (k->jan1[i + 1] <= d)
        i++;
    return FIRST_YEAR + i;
}

ib_date dcal_jan1(const dcal *k, int year)
{
    if (year < FIRST_YEAR || year > LAST_YEAR + 1)
        return ib_date_from_ymd(year, 1, 1);
    return k->jan1[year - FIRST_YEAR];
}

const char *dcal_text(const dcal *k, ib_date d)
{
    if (d < k->first || d >= k->first + (ib_date)k->n)
        return NULL;
    return k->text[d - k->first];
}

/* Index of the row with the latest valid_from <= d (the first row before
 * it), as the monitor's reference look-ups. */
#define ROW_INDEX(rows, n, d, out)                                           \
    do {                                                                     \
        size_t lo_ = 0, hi_ = (n);                                           \
        while (hi_ - lo_ > 1) {                                              \
            size_t mid_ = (lo_ + hi_) / 2;                                   \
            if ((rows)[mid_].valid_from <= (d))                              \
                lo_ = mid_;                                                  \
            else                                                             \
                hi_ = mid_;                                                  \
        }                                                                    \
        (out) = lo_;                                                         \
    } while (0)

ib_cents dcal_wml(const dcal *k, ib_date d)
{
    size_t i;
    ROW_INDEX(k->wml, k->n_wml, d, i);
    return k->wml[i].monthly;
}

ib_cents dcal_knowledge(const dcal *k, int age, ib_date d)
{
    size_t i;
    ROW_INDEX(k->know, k->n_know, d, i);
    return age < 30 ? k->know[i].monthly_under_30 : k->know[i].monthly_30_plus;
}
