/* timeline.h — internal to the CLI: a list of dated lines that is sorted
 * before printing, used by `person show` and `location show`. */
#ifndef IB_CLI_TIMELINE_H
#define IB_CLI_TIMELINE_H

#include "core/core.h"

typedef struct ib_tl_item {
    ib_date start;
    ib_date end;          /* IB_DATE_NONE for events and open episodes */
    bool is_episode;      /* print "start – end" rather than one date */
    int order;            /* tie-break for items on the same day */
    char text[240];
} ib_tl_item;

typedef struct ib_timeline {
    ib_tl_item *items;
    size_t n, cap;
} ib_timeline;

/* Appends an item (text printf-style); returns IB_ENOMEM on failure. */
int ib_tl_add(ib_timeline *tl, ib_date start, ib_date end, bool is_episode,
              int order, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Sorts by start date, then order, and prints "  date(s)  text" lines. */
void ib_tl_print(ib_timeline *tl, FILE *out);
void ib_tl_free(ib_timeline *tl);

#endif
