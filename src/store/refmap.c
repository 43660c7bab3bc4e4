/* refmap.c — the in-memory ref → (id, content hash) map a backend keeps
 * for persons, organisations and locations of one sender (from one
 * transaction to the next while no other connection writes), so that
 * resolving person_ref in 5 M employment rows costs a hash probe and
 * not a query. Open addressing with linear probing; refs in one arena. */
#include "store/store_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static uint32_t ref_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;                      /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)s[i];
        h *= 16777619u;
    }
    /* murmur3's finaliser: FNV's low bits are weak for refs that differ
     * only in their last digits, and the table indexes by low bits. */
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h ? h : 1;
}

void ib_refmap_free(ib_refmap *m)
{
    ib_table_free(m->slots, m->cap * sizeof *m->slots);
    free(m->strings);
    memset(m, 0, sizeof *m);
}

void ib_refmap_reset(ib_refmap *m, int64_t sender_id)
{
    ib_refmap_free(m);
    m->sender_id = sender_id;
}

static ib_refmap_slot *probe(const ib_refmap *m, const char *ref, size_t len,
                             uint32_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        ib_refmap_slot *sl = &m->slots[i];
        if (sl->id == 0)
            return sl;
        if (sl->hash == h && strncmp(m->strings + sl->off, ref, len) == 0 &&
            m->strings[sl->off + len] == '\0')
            return sl;
    }
}

void ib_refmap_prefetch(const ib_refmap *m, const char *ref, size_t len)
{
    if (m->cap == 0)
        return;
    if (len > IB_REF_MAX)
        len = IB_REF_MAX;
    __builtin_prefetch(&m->slots[ref_hash(ref, len) & (m->cap - 1)]);
}

ib_refmap_slot *ib_refmap_find(const ib_refmap *m, const char *ref)
{
    if (m->count == 0)
        return NULL;
    size_t len = strnlen(ref, IB_REF_MAX);
    ib_refmap_slot *sl = probe(m, ref, len, ref_hash(ref, len));
    return sl->id ? sl : NULL;
}

static int grow(ib_refmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 1024;
    ib_refmap_slot *ns = ib_table_alloc(ncap * sizeof *ns);
    if (!ns)
        return IB_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].id == 0)
            continue;
        size_t j = m->slots[i].hash & (ncap - 1);
        while (ns[j].id)
            j = (j + 1) & (ncap - 1);
        ns[j] = m->slots[i];
    }
    ib_table_free(m->slots, m->cap * sizeof *m->slots);
    m->slots = ns;
    m->cap = ncap;
    return IB_OK;
}

static int store_string(ib_refmap *m, const char *ref, size_t len, uint32_t *off)
{
    if (m->str_len + len + 1 > m->str_cap) {
        size_t ncap = m->str_cap ? m->str_cap * 2 : 16384;
        while (ncap < m->str_len + len + 1)
            ncap *= 2;
        if (ncap > UINT32_MAX)
            return IB_ENOMEM;
        char *ns = realloc(m->strings, ncap);
        if (!ns)
            return IB_ENOMEM;
        m->strings = ns;
        m->str_cap = ncap;
    }
    *off = (uint32_t)m->str_len;
    memcpy(m->strings + m->str_len, ref, len);
    m->strings[m->str_len + len] = '\0';
    m->str_len += len + 1;
    return IB_OK;
}

/* Empties a full map, keeping it bounded: what it held is still in the
 * database, and is looked up (and cached again) as it is used. */
static void start_over(ib_refmap *m)
{
    int64_t sender = m->sender_id;
    long misses = m->misses;
    ib_refmap_free(m);
    m->sender_id = sender;
    m->misses = misses;
    m->preload_at = LONG_MAX;           /* the sender's refs do not fit */
}

int ib_refmap_put(ib_refmap *m, const char *ref, int64_t id, int64_t content_hash)
{
    size_t len = strnlen(ref, IB_REF_MAX);
    uint32_t h = ref_hash(ref, len);
    if (m->count >= IB_REFMAP_MAX_ENTRIES && probe(m, ref, len, h)->id == 0)
        start_over(m);
    if ((m->count + 1) * 2 > m->cap && grow(m) != IB_OK)
        return IB_ENOMEM;
    ib_refmap_slot *sl = probe(m, ref, len, h);
    if (sl->id == 0) {
        uint32_t off;
        if (store_string(m, ref, len, &off) != IB_OK)
            return IB_ENOMEM;
        sl->hash = h;
        sl->off = off;
        m->count++;
    }
    sl->id = id;
    sl->content_hash = content_hash;
    return IB_OK;
}
