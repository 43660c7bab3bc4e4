/* cellkey.c — disclosure control of the monitor's counts by the cell-key
 * method of the statistical offices (ABS TableBuilder; Eurostat's census
 * guidance): record keys, the perturbation table and the perturbation of a
 * result table. Why and how: docs/monitor.md "Disclosure control". */
#include "monitor/mon_internal.h"

#include <sodium.h>
#include <string.h>

/* Domain separation: a person's and a location's keys never coincide by
 * construction of the hashed bytes. */
enum { DOMAIN_PERSON = 'P', DOMAIN_LOCATION = 'L' };

static uint32_t keyed_hash(const ib_mcellkey *ck, uint8_t domain, int64_t id,
                           const char *ref)
{
    uint8_t buf[1 + 8 + IB_REF_MAX + 1];
    size_t n = 0, len = strnlen(ref, IB_REF_MAX);
    uint64_t u = (uint64_t)id;
    buf[n++] = domain;
    for (int i = 0; i < 8; i++)
        buf[n++] = (uint8_t)(u >> (8 * i));
    memcpy(buf + n, ref, len);
    n += len;
    uint8_t out[crypto_shorthash_BYTES];
    _Static_assert(crypto_shorthash_KEYBYTES == IB_CELLKEY_SECRET_BYTES,
                   "SipHash key size");
    crypto_shorthash(out, buf, n, ck->secret);
    return (uint32_t)out[0] | (uint32_t)out[1] << 8 | (uint32_t)out[2] << 16 |
           (uint32_t)out[3] << 24;
}

uint32_t ib_mrecord_key(const ib_mcellkey *ck, const ib_mdata *d, uint32_t p)
{
    if (!ck)
        return 0;
    const ib_mperson *x = &d->persons[p];
    int64_t sender = x->sender < d->n_senders ? d->sender_ids[x->sender] : -1;
    return keyed_hash(ck, DOMAIN_PERSON, sender, ib_mdata_str(d, x->ref));
}

uint32_t ib_mlocation_key(const ib_mcellkey *ck, const ib_mdata *d, size_t l)
{
    if (!ck)
        return 0;
    const ib_mlocation *x = &d->locations[l];
    return keyed_hash(ck, DOMAIN_LOCATION, x->municipality,
                      ib_mdata_str(d, x->ref));
}

/* ------------------------------------------------------------ ptable */

/* Rows in slots of 30. Counts 1 and 2 go to 0 or 3, 3 to 0, 3 or 4, 4 to
 * 3 or 6: nothing below 3 but 0 is ever published, and a published 0 may
 * have been 0 to 3. Each row: mean 0, variance 2 (worked out in
 * docs/monitor.md). */
static const ib_ptable_entry row_1[] = {{-1, 20}, {+2, 10}};
static const ib_ptable_entry row_2[] = {{-2, 10}, {+1, 20}};
static const ib_ptable_entry row_3[] = {{-3, 5}, {0, 10}, {+1, 15}};
static const ib_ptable_entry row_4[] = {{-1, 20}, {+2, 10}};
static const ib_ptable_entry row_full[] = {{-2, 6}, {-1, 6}, {0, 6}, {+1, 6},
                                           {+2, 6}};

size_t ib_ptable_row(int64_t count, ib_ptable_entry out[5])
{
    static const struct { const ib_ptable_entry *e; size_t n; } small[] = {
        {NULL, 0}, {row_1, 2}, {row_2, 2}, {row_3, 3}, {row_4, 2}};
    if (count <= 0) {
        out[0] = (ib_ptable_entry){0, IB_PTABLE_SLOTS};
        return 1;
    }
    const ib_ptable_entry *e = count < IB_PTABLE_FULL ? small[count].e : row_full;
    size_t n = count < IB_PTABLE_FULL ? small[count].n : 5;
    memcpy(out, e, n * sizeof *e);
    return n;
}

unsigned ib_ptable_slot(uint32_t cell_key)
{
    return (unsigned)(((uint64_t)cell_key * IB_PTABLE_SLOTS) >> 32);
}

int ib_ptable_noise(int64_t count, uint32_t cell_key)
{
    ib_ptable_entry row[5];
    size_t n = ib_ptable_row(count, row);
    unsigned slot = ib_ptable_slot(cell_key), upto = 0;
    for (size_t i = 0; i < n; i++) {
        upto += row[i].slots;
        if (slot < upto)
            return row[i].noise;
    }
    return row[n - 1].noise;            /* not reached: the slots add to 30 */
}

int64_t ib_ptable_perturb(int64_t count, uint32_t cell_key)
{
    return count + ib_ptable_noise(count, cell_key);
}

/* ------------------------------------------------------------ tables */

void ib_mtable_perturb(ib_mtable *t)
{
    if (t->perturbed)
        return;
    size_t w = t->ncols + 1;
    for (size_t r = 0; r <= t->nrows; r++)
        for (size_t c = 0; c < w; c++) {
            int64_t *v = &t->values[r * w + c];
            bool count = c < t->ncols ? t->cols[c].is_count : t->row_totals;
            if (!count || *v == IB_MVALUE_NONE)
                continue;
            *v = ib_ptable_perturb(*v, t->ckeys[r * w + c]);
        }
    t->perturbed = true;
}
