/* survsort.c — the one sort of the survival engine: stable radix sort of row
 * numbers by a double key, O(n) per pass; 100 million intervals sort in
 * seconds where qsort would take a minute. */
#include "monitor/surv_internal.h"

#include <stdlib.h>
#include <string.h>

/* Maps a double to an unsigned integer with the same order (flip all bits
 * of negatives, the sign bit of positives); -0.0 is made +0.0. */
static uint64_t order_bits(double x)
{
    uint64_t u;
    if (x == 0.0)
        x = 0.0;
    memcpy(&u, &x, sizeof u);
    return (u & UINT64_C(0x8000000000000000)) ? ~u
                                              : u | UINT64_C(0x8000000000000000);
}

enum { DIGIT_BITS = 16, BUCKETS = 1 << DIGIT_BITS };

int ib_surv_sort(uint32_t *idx, size_t n, const double *key)
{
    /* already in order (the monitor sorts once and partitions stably, so
     * every group's curve arrives sorted): nothing to do, and a stable sort
     * would not change it */
    size_t sorted = 1;
    while (sorted < n && key[idx[sorted - 1]] <= key[idx[sorted]])
        sorted++;
    if (sorted >= n)
        return 0;
    uint64_t *k0 = malloc(n * sizeof *k0), *k1 = malloc(n * sizeof *k1);
    uint32_t *i1 = malloc(n * sizeof *i1);
    size_t *count = malloc(BUCKETS * sizeof *count);
    if (!k0 || !k1 || !i1 || !count) {
        free(k0); free(k1); free(i1); free(count);
        return -1;
    }
    uint64_t all_and = ~UINT64_C(0), all_or = 0;
    for (size_t i = 0; i < n; i++) {
        k0[i] = order_bits(key[idx[i]]);
        all_and &= k0[i];
        all_or |= k0[i];
    }
    uint64_t varying = all_and ^ all_or;   /* bits that differ somewhere */
    uint64_t *ks = k0, *kd = k1;
    uint32_t *is = idx, *id = i1;
    for (unsigned shift = 0; shift < 64; shift += DIGIT_BITS) {
        if (((varying >> shift) & (BUCKETS - 1)) == 0)
            continue;
        memset(count, 0, BUCKETS * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(ks[i] >> shift) & (BUCKETS - 1)]++;
        size_t sum = 0;
        for (size_t b = 0; b < BUCKETS; b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t pos = count[(ks[i] >> shift) & (BUCKETS - 1)]++;
            kd[pos] = ks[i];
            id[pos] = is[i];
        }
        uint64_t *kt = ks; ks = kd; kd = kt;
        uint32_t *it = is; is = id; id = it;
    }
    if (is != idx)
        memcpy(idx, is, n * sizeof *idx);
    free(k0); free(k1); free(i1); free(count);
    return 0;
}
