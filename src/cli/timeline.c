/* timeline.c — sorted, dated lines for the CLI's readable timelines. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/timeline.h"

int ib_tl_add(ib_timeline *tl, ib_date start, ib_date end, bool is_episode,
              int order, const char *fmt, ...)
{
    if (tl->n == tl->cap) {
        size_t cap = tl->cap ? tl->cap * 2 : 16;
        ib_tl_item *items = realloc(tl->items, cap * sizeof *items);
        if (!items)
            return IB_ENOMEM;
        tl->items = items;
        tl->cap = cap;
    }
    ib_tl_item *it = &tl->items[tl->n++];
    it->start = start;
    it->end = end;
    it->is_episode = is_episode;
    it->order = order;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(it->text, sizeof it->text, fmt, ap);
    va_end(ap);
    return IB_OK;
}

static int item_cmp(const void *a, const void *b)
{
    const ib_tl_item *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

void ib_tl_print(ib_timeline *tl, FILE *out)
{
    qsort(tl->items, tl->n, sizeof *tl->items, item_cmp);
    for (size_t i = 0; i < tl->n; i++) {
        const ib_tl_item *it = &tl->items[i];
        char a[IB_DATE_STRLEN], b[IB_DATE_STRLEN];
        ib_date_format(it->start, a);
        if (it->is_episode)
            fprintf(out, "  %s – %-10s  %s\n", a,
                    it->end == IB_DATE_NONE ? "heden" : ib_date_format(it->end, b),
                    it->text);
        else
            fprintf(out, "  %-23s  %s\n", a, it->text);
    }
    if (tl->n == 0)
        fprintf(out, "  (nog niets vastgelegd)\n");
}

void ib_tl_free(ib_timeline *tl)
{
    free(tl->items);
    tl->items = NULL;
    tl->n = tl->cap = 0;
}
