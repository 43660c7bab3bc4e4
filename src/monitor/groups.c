/* groups.c — the grouping variables of the monitor (spec "Stays as survival
 * data": eu, cee, south, nationality, category, sex, age band at arrival,
 * arrival cohort, municipality of first BRP registration; plus the
 * municipality on R for the day-R figures): keys that sort in presentation
 * order and their labels. Also municipality codes and age bands. */
#include "monitor/mon_internal.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ age bands */

ib_age_band ib_age_band_of(int age)
{
    if (age >= 18 && age <= 24) return IB_AGE_18_24;
    if (age >= 25 && age <= 34) return IB_AGE_25_34;
    if (age >= 35 && age <= 44) return IB_AGE_35_44;
    if (age >= 45 && age <= 54) return IB_AGE_45_54;
    if (age >= 55 && age <= 66) return IB_AGE_55_66;
    return IB_AGE_OTHER;
}

const char *ib_age_band_name(ib_age_band b)
{
    static const char *const names[IB_AGE_COUNT] = {
        "18-24", "25-34", "35-44", "45-54", "55-66", "other"};
    return (unsigned)b < IB_AGE_COUNT ? names[b] : "other";
}

/* ------------------------------------------------------------ municipalities */

int16_t ib_muni_from_code(const char *gm)
{
    if (!gm || strlen(gm) != 6 || !ib_municipality_is_valid(gm, 6))
        return IB_MUNI_NONE;
    return (int16_t)((gm[2] - '0') * 1000 + (gm[3] - '0') * 100 +
                     (gm[4] - '0') * 10 + (gm[5] - '0'));
}

char *ib_muni_format(int16_t m, char buf[7])
{
    buf[0] = '\0';
    if (m < 0 || m > 9999)
        return buf;
    /* Written digit by digit: the range check above is what bounds it. */
    int v = m;
    buf[0] = 'G';
    buf[1] = 'M';
    for (int i = 5; i >= 2; i--, v /= 10)
        buf[i] = (char)('0' + v % 10);
    buf[6] = '\0';
    return buf;
}

/* ------------------------------------------------------------ groups */

static const char *const group_names[IB_GROUP_COUNT] = {
    "all", "eu", "cee", "south", "nationality", "category", "sex", "age",
    "cohort", "first_brp", "municipality"};

const char *ib_group_name(ib_group g)
{
    return (unsigned)g < IB_GROUP_COUNT ? group_names[g] : NULL;
}

int ib_group_parse(const char *name, ib_group *out, ib_err *err)
{
    for (int g = 0; g < IB_GROUP_COUNT; g++)
        if (name && strcmp(name, group_names[g]) == 0) {
            *out = (ib_group)g;
            return IB_OK;
        }
    return ib_err_set(err, IB_EINVAL,
                      "onbekende groepering '%.40s'; kies uit all, eu, cee, "
                      "south, nationality, category, sex, age, cohort, "
                      "first_brp, municipality", name ? name : "");
}

bool ib_group_is_fixed(ib_group g)
{
    return g != IB_GROUP_MUNICIPALITY;
}

/* Unknown municipalities sort last. */
#define KEY_UNKNOWN INT32_MAX

static int32_t muni_key(int16_t m)
{
    return m == IB_MUNI_NONE ? KEY_UNKNOWN : m;
}

int32_t ib_group_key(ib_group g, const ib_mattr *a, int16_t municipality_on_r)
{
    switch (g) {
    case IB_GROUP_EU: return (a->flags & IB_MP_EU) ? 0 : 1;
    case IB_GROUP_CEE: return (a->flags & IB_MP_CEE) ? 0 : 1;
    case IB_GROUP_SOUTH: return (a->flags & IB_MP_SOUTH) ? 0 : 1;
    case IB_GROUP_NATIONALITY:
        return (unsigned char)a->nationality[0] * 256 +
               (unsigned char)a->nationality[1];
    case IB_GROUP_CATEGORY: return a->category;
    /* unknown sex last */
    case IB_GROUP_SEX: return a->sex == IB_SEX_UNKNOWN ? 9 : a->sex;
    case IB_GROUP_AGE: return a->age_band;
    case IB_GROUP_COHORT: return a->cohort;
    case IB_GROUP_FIRST_BRP: return muni_key(a->first_brp);
    case IB_GROUP_MUNICIPALITY: return muni_key(municipality_on_r);
    case IB_GROUP_ALL:
    case IB_GROUP_COUNT: break;
    }
    return 0;
}

static const char *two_labels(int32_t key, const char *yes, const char *no)
{
    return key == 0 ? yes : no;
}

const char *ib_group_label(ib_group g, int32_t key, char *buf, size_t size)
{
    const char *s = NULL;
    char muni[7];
    switch (g) {
    case IB_GROUP_ALL: s = "all"; break;
    case IB_GROUP_EU: s = two_labels(key, "EU", "non-EU"); break;
    case IB_GROUP_CEE: s = two_labels(key, "CEE", "non-CEE"); break;
    case IB_GROUP_SOUTH: s = two_labels(key, "south", "non-south"); break;
    case IB_GROUP_NATIONALITY:
        snprintf(buf, size, "%c%c", (char)(key / 256), (char)(key % 256));
        return buf;
    case IB_GROUP_CATEGORY:
        s = ib_code_text(ib_category_codes, key);
        break;
    case IB_GROUP_SEX:
        s = key == 9 ? "unknown" : ib_code_text(ib_sex_codes, key);
        break;
    case IB_GROUP_AGE: s = ib_age_band_name((ib_age_band)key); break;
    case IB_GROUP_COHORT:
        snprintf(buf, size, "%d", (int)key);
        return buf;
    case IB_GROUP_FIRST_BRP:
    case IB_GROUP_MUNICIPALITY:
        s = key == KEY_UNKNOWN ? "unknown"
                               : ib_muni_format((int16_t)key, muni);
        break;
    case IB_GROUP_COUNT: break;
    }
    snprintf(buf, size, "%s", s ? s : "unknown");
    return buf;
}

/* ------------------------------------------------------------ on day R */

int16_t ib_monitor_municipality_on(const ib_mdata *d, uint32_t p, ib_date at)
{
    int16_t m = IB_MUNI_NONE;
    ib_registration_on(d, p, at, &m);
    if (m != IB_MUNI_NONE)
        return m;
    /* housings are sorted by start: the last covering one starts latest */
    for (uint32_t i = d->housing_off[p]; i < d->housing_off[p + 1]; i++) {
        const ib_mhousing *h = &d->housings[i];
        if (ib_mcovers(h->start, h->end, at))
            m = d->locations[h->location].municipality;
    }
    return m;
}
