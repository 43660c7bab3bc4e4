/* settings.c — the settings of the rules and the inbox by name: their
 * ranges and defaults (docs/signals.md, docs/inbox.md), loading the stored
 * ones over the defaults, and changing one (audited by the store). */
#include "signals/sig_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Due days by kind (docs/inbox.md): a lost bed and no address first. In
 * the order of the kinds (ib_signal_kind). */
#define DUE(kind, days, nl, en)                                               \
    {"due_days." kind, "days", 1, 365, days, false, nl, en}

const ib_inbox_setting ib_inbox_setting_list[] = {
    {"registration_months", "months", 1, 24, 4, false,
     "not_registered: maanden na aankomst zonder BRP-inschrijving",
     "not_registered: months after arrival without BRP registration"},
    {"min_area_m2", "m2", 100, 10000, 1200, true,
     "overcrowded: minimaal aantal m2 per bewoner",
     "overcrowded: minimum m2 per occupant"},
    {"job_loss_days", "days", 1, 365, 30, false,
     "job_and_bed: dagen na het einde van het werk",
     "job_and_bed: days after the job ended"},
    {"offer_months", "months", 1, 60, 12, false,
     "one_year_offer: maanden na aankomst zonder aanbod",
     "one_year_offer: months after arrival without an offer"},
    {"information_days", "days", 1, 365, 90, false,
     "information_moment: dagen na een aanleiding zonder informatiegesprek",
     "information_moment: days after a trigger without an information contact"},
    {"address_days", "days", 1, 365, 30, false,
     "no_address: dagen na aankomst zonder huisvesting",
     "no_address: days after arrival without housing"},
    DUE("not_registered", 28, "termijn in dagen voor not_registered",
        "days to handle not_registered"),
    DUE("overcrowded", 14, "termijn in dagen voor overcrowded",
        "days to handle overcrowded"),
    DUE("job_and_bed", 7, "termijn in dagen voor job_and_bed",
        "days to handle job_and_bed"),
    DUE("one_year_offer", 28, "termijn in dagen voor one_year_offer",
        "days to handle one_year_offer"),
    DUE("information_moment", 14, "termijn in dagen voor information_moment",
        "days to handle information_moment"),
    DUE("no_address", 7, "termijn in dagen voor no_address", "days to handle no_address"),
};
const size_t ib_inbox_nsettings = sizeof ib_inbox_setting_list /
                                  sizeof *ib_inbox_setting_list;
#define FIRST_DUE 6                    /* the due days follow the rules' six */
_Static_assert(sizeof ib_inbox_setting_list / sizeof *ib_inbox_setting_list ==
                   FIRST_DUE + IB_SIG_KIND_COUNT,
               "a due period per kind");

static void put_value(ib_inbox_settings *s, size_t i, int64_t v);

void ib_inbox_settings_default(ib_inbox_settings *s)
{
    ib_signal_settings_default(&s->rules);
    for (size_t i = 0; i < ib_inbox_nsettings; i++)
        put_value(s, i, ib_inbox_setting_list[i].def);
}

/* The field of setting i in s. */
static void *field(ib_inbox_settings *s, size_t i, bool *is64)
{
    *is64 = false;
    switch (i) {
    case 0: return &s->rules.registration_months;
    case 1: *is64 = true; return &s->rules.min_area_m2;
    case 2: return &s->rules.job_loss_days;
    case 3: return &s->rules.offer_months;
    case 4: return &s->rules.information_days;
    case 5: return &s->rules.address_days;
    default: return &s->due_days[i - FIRST_DUE];
    }
}

int64_t ib_inbox_setting_get(const ib_inbox_settings *s, size_t i)
{
    bool is64;
    void *p = field((ib_inbox_settings *)s, i, &is64);
    return is64 ? *(int64_t *)p : *(int *)p;
}

static void put_value(ib_inbox_settings *s, size_t i, int64_t v)
{
    bool is64;
    void *p = field(s, i, &is64);
    if (is64)
        *(int64_t *)p = v;
    else
        *(int *)p = (int)v;
}

long ib_inbox_setting_find(const char *name)
{
    for (size_t i = 0; i < ib_inbox_nsettings; i++)
        if (strcmp(ib_inbox_setting_list[i].name, name) == 0)
            return (long)i;
    return -1;
}

typedef struct load_ctx {
    ib_inbox_settings *s;
} load_ctx;

static int load_one(void *ctx, const char *name, int64_t value)
{
    load_ctx *lc = ctx;
    long i = ib_inbox_setting_find(name);
    /* A setting of another version of the program, or out of range after
     * a change of ranges: the default holds. */
    if (i < 0 || value < ib_inbox_setting_list[i].min || value > ib_inbox_setting_list[i].max)
        return 0;
    put_value(lc->s, (size_t)i, value);
    return 0;
}

int ib_inbox_settings_load(ib_store *st, ib_inbox_settings *out, ib_err *err)
{
    ib_inbox_settings_default(out);
    load_ctx lc = {out};
    return ib_store_signal_settings_each(st, load_one, &lc, err);
}

void ib_inbox_setting_format(size_t i, int64_t v, char *out, size_t size)
{
    if (ib_inbox_setting_list[i].hundredths && v % 100)
        snprintf(out, size, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100));
    else if (ib_inbox_setting_list[i].hundredths)
        snprintf(out, size, "%lld", (long long)(v / 100));
    else
        snprintf(out, size, "%lld", (long long)v);
}

int ib_inbox_setting_parse(size_t i, const char *text, int64_t *v, ib_err *err)
{
    const ib_inbox_setting *d = &ib_inbox_setting_list[i];
    char lo[24], hi[24];
    ib_inbox_setting_format(i, d->min, lo, sizeof lo);
    ib_inbox_setting_format(i, d->max, hi, sizeof hi);
    int64_t value = 0;
    bool ok;
    if (d->hundredths) {
        ib_cents c;
        ok = ib_money_parse(text, strlen(text), true, &c, NULL) == IB_OK;
        value = c;
    } else {
        long l;
        ok = ib_parse_long(text, d->min, d->max, &l);
        value = l;
    }
    if (!ok || value < d->min || value > d->max)
        return ib_err_set_at(err, IB_EINVAL, 0, 0, d->name,
                             "een getal van %s tot en met %s, niet '%.20s'", lo, hi, text);
    *v = value;
    return IB_OK;
}

int ib_inbox_setting_set(ib_store *st, const char *name, int64_t value, ib_err *err)
{
    ib_err_clear(err);
    long i = name ? ib_inbox_setting_find(name) : -1;
    if (i < 0)
        return ib_err_set(err, IB_EINVAL, "onbekende instelling '%.40s'", name ? name : "");
    const ib_inbox_setting *d = &ib_inbox_setting_list[i];
    if (value < d->min || value > d->max) {
        char lo[24], hi[24];
        ib_inbox_setting_format((size_t)i, d->min, lo, sizeof lo);
        ib_inbox_setting_format((size_t)i, d->max, hi, sizeof hi);
        return ib_err_set_at(err, IB_EINVAL, 0, 0, d->name, "een getal van %s tot en met %s",
                             lo, hi);
    }
    return ib_store_signal_setting_set(st, d->name, value, err);
}

void ib_inbox_settings_text(const ib_inbox_settings *s, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < ib_inbox_nsettings && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, "%s%lld", i ? "|" : "",
                              (long long)ib_inbox_setting_get(s, i));
}
