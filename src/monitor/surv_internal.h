/* surv_internal.h — helpers shared by the survival engine's files (km.c,
 * logrank.c, cox.c, survsort.c); not part of any public interface. */
#ifndef IB_SURV_INTERNAL_H
#define IB_SURV_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Sorts idx[0..n) (row numbers) ascending by key[idx[i]], stable: a least
 * significant digit radix sort on the IEEE bits of the doubles, skipping the
 * digits that all keys share (integer days need two passes). Keys must not
 * be NaN. Input already in order returns at once. Returns 0, or -1 when out
 * of memory (idx is then unchanged). */
int ib_surv_sort(uint32_t *idx, size_t n, const double *key);

#endif
