/* kinds.c — the table of record kinds (in dependency order), column look-up
 * by name and the hash of a row's identity key used to find duplicate keys
 * within one file. */
#include "ingest/ingest_internal.h"

#include <string.h>

const ib_record_type *ib_record_type_of(ib_kind kind)
{
    static const ib_record_type *const types[IB_KIND_COUNT] = {
        &ib_organisation_type, &ib_location_type, &ib_person_type,
        &ib_stay_type, &ib_registration_type, &ib_employment_type,
        &ib_housing_type, &ib_life_event_type, &ib_contact_type};
    return (unsigned)kind < IB_KIND_COUNT ? types[kind] : NULL;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int ib_record_column(const ib_record_type *t, const char *name, size_t len)
{
    for (int i = 0; i < t->ncolumns; i++) {
        const char *c = t->columns[i].name;
        size_t j = 0;
        while (j < len && c[j] && lower(name[j]) == c[j])
            j++;
        if (j == len && c[j] == '\0')
            return i;
    }
    return -1;
}

/* Mixing after Murmur3's 64-bit finaliser. */
static uint64_t fmix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* Eight bytes at a time; the length goes in too, so that ("ab","c") and
 * ("a","bc") differ. */
static uint64_t hash_bytes(uint64_t h, const char *s, size_t len)
{
    const uint64_t m = 0x9E3779B97F4A7C15ULL;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * m;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    memcpy(&w, s + i, len - i);
    h = (h ^ w ^ ((uint64_t)len << 56)) * m;
    return h ^ (h >> 31);
}

uint64_t ib_record_key_hash(const ib_row_in *in)
{
    uint64_t h = 0x243F6A8885A308D3ULL;
    for (const int *k = in->type->key; *k >= 0; k++)
        h = hash_bytes(h, in->v[*k].s, in->v[*k].len);
    h = fmix64(h);
    return h ? h : 1;                  /* 0 marks an empty slot */
}
