/* demo.c — ib_demo_generate: builds the world of organisations and
 * locations, simulates the persons one by one (each from its own random
 * stream) while streaming their rows to the files of the layout (one
 * folder, or one per sender: chain.c), and writes the organisations and
 * locations last, when the occupancy of every location on the reference
 * date is known. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "demo/demo_internal.h"

const char *const demo_headers[IB_KIND_COUNT] = {
    [IB_KIND_ORGANISATION] = "org_ref,name,kvk,kind,certified",
    [IB_KIND_LOCATION] = "location_ref,postcode,house_number,municipality,kind,"
                         "capacity,floor_area_m2,provider_ref,certified_until",
    [IB_KIND_PERSON] = "person_ref,bsn,family_name,given_names,birth_date,sex,"
                       "nationality,language,category",
    [IB_KIND_STAY] = "person_ref,arrival_date,departure_date",
    [IB_KIND_REGISTRATION] = "person_ref,kind,municipality,start_date,end_date",
    [IB_KIND_EMPLOYMENT] = "person_ref,employer_ref,agency_ref,contract,"
                           "start_date,end_date,hours_per_week,monthly_wage,sector",
    [IB_KIND_HOUSING] = "person_ref,location_ref,start_date,end_date,"
                        "provided_by_ref",
    [IB_KIND_LIFE_EVENT] = "person_ref,event,date",
    [IB_KIND_CONTACT] = "person_ref,date,kind,channel,topics,language,understood",
};

void ib_demo_opts_init(ib_demo_opts *o)
{
    memset(o, 0, sizeof *o);
    o->persons = 5000;
    o->seed = 1;
    o->at = ib_date_from_ymd(2025, 12, 31);
    o->layout = IB_DEMO_LAYOUT_SINGLE;
}

int ib_demo_layout_parse(const char *s, ib_demo_layout *out, ib_err *err)
{
    if (s && strcmp(s, "single") == 0)
        *out = IB_DEMO_LAYOUT_SINGLE;
    else if (s && strcmp(s, "chain") == 0)
        *out = IB_DEMO_LAYOUT_CHAIN;
    else
        return ib_err_set(err, IB_EINVAL, "onbekende indeling '%.40s'; kies "
                          "single of chain", s ? s : "");
    return IB_OK;
}

static int check_opts(const ib_demo_opts *o, ib_err *err)
{
    if (o->persons < 1 || o->persons > IB_DEMO_PERSONS_MAX)
        return ib_err_set(err, IB_EINVAL,
                          "aantal personen moet tussen 1 en %d liggen",
                          IB_DEMO_PERSONS_MAX);
    if (o->at < ib_date_from_ymd(2010, 12, 31) ||
        o->at > ib_date_from_ymd(2060, 12, 31))
        return ib_err_set(err, IB_EINVAL,
                          "peildatum moet tussen 2010-12-31 en 2060-12-31 liggen");
    if (o->layout != IB_DEMO_LAYOUT_SINGLE && o->layout != IB_DEMO_LAYOUT_CHAIN)
        return ib_err_set(err, IB_EINVAL, "onbekende indeling");
    return IB_OK;
}

int demo_make_dir(const char *dir, ib_err *err)
{
    char path[4096];
    if (!ib_strlcpy(path, dir, sizeof path))
        return ib_err_set(err, IB_EINVAL, "pad te lang: %s", dir);
    for (char *s = path + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char keep = *s;
        *s = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return ib_err_set(err, IB_EIO, "map %s kan niet worden gemaakt: %s",
                              path, strerror(errno));
        *s = keep;
        if (keep == '\0')
            break;
    }
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return ib_err_set(err, IB_EIO, "%s is geen map", dir);
    return IB_OK;
}

int person_finish(dctx *c, dperson *p)
{
    for (size_t i = 0; i < p->houses.n; i++) {
        dhouse *h = &p->houses.v[i];
        if (h->loc == HOME_NEW) {
            int64_t l = world_new_home(&c->w, h->muni);
            if (l < 0)
                return IB_ENOMEM;
            h->loc = (int32_t)l;
        }
        if (h->end == IB_DATE_NONE && h->start <= c->at)
            c->w.locs[h->loc].occupancy++;
    }
    return IB_OK;
}

static void init_ctx(dctx *c, const ib_demo_opts *o)
{
    int y, m, d;
    ib_date_to_ymd(o->at, &y, &m, &d);
    c->model = demo_model_default;
    c->at = o->at;
    c->seed = o->seed;
    c->persons = o->persons;
    c->n_years = y - 2010 + 1;
    if (c->n_years > 64)
        c->n_years = 64;
    double sum = 0;
    for (int i = 0; i < c->n_years; i++) {
        double wgt = demo_year_weight(2010 + i);
        if (i == c->n_years - 1)    /* the year of R only up to R */
            wgt *= (double)(o->at - ib_date_from_ymd(y, 1, 1) + 1) / 365.0;
        c->year_cum[i] = sum += wgt;
    }
}

static bool is_present(const dctx *c, const dperson *p)
{
    const dstay *s = &p->stays.v[p->stays.n - 1];
    return s->arrival <= c->at && s->departure == IB_DATE_NONE;
}

/* Where the persons' rows go: the files of the single layout, or the
 * chain's senders. */
typedef struct dsink {
    dout *files;
    dchain *chain;
} dsink;

static int run_persons(dctx *c, const ib_demo_opts *o, const dsink *to,
                       ib_demo_summary *sum, ib_err *err)
{
    dperson p;
    memset(&p, 0, sizeof p);
    int rc = IB_OK;
    int64_t step = o->persons / 200 + 1;
    for (int64_t i = 0; i < o->persons; i++) {
        person_generate(c, &p, i);
        if (!p.oom)
            contacts_generate(c, &p);
        if (p.oom || person_finish(c, &p) != IB_OK) {
            rc = ib_err_set(err, IB_ENOMEM, "geen geheugen bij persoon %lld",
                            (long long)i + 1);
            break;
        }
        if (!to->chain)
            rows_person(to->files, c, &p);
        else if (chain_person(to->chain, c, &p) != IB_OK) {
            rc = ib_err_set(err, IB_ENOMEM, "geen geheugen bij persoon %lld",
                            (long long)i + 1);
            break;
        }
        if (is_present(c, &p))
            sum->present++;
        if (o->progress && (i % step == 0 || i + 1 == o->persons) &&
            o->progress(o->progress_ctx, i + 1, o->persons) != 0) {
            rc = ib_err_set(err, IB_ELIMIT, "afgebroken");
            break;
        }
    }
    person_free(&p);
    return rc;
}

static int generate_single(dctx *c, const ib_demo_opts *o, const char *dir,
                           ib_demo_summary *sum, ib_err *err)
{
    int rc = IB_OK;
    dout files[IB_KIND_COUNT];
    memset(files, 0, sizeof files);
    for (int k = 0; k < IB_KIND_COUNT && rc == IB_OK; k++) {
        char name[64];
        snprintf(name, sizeof name, "%s.csv", ib_kind_file_stem((ib_kind)k));
        rc = out_open(&files[k], dir, name, demo_headers[k], err);
    }
    dsink to = {files, NULL};
    if (rc == IB_OK)
        rc = run_persons(c, o, &to, sum, err);
    if (rc == IB_OK && rows_organisations(&files[IB_KIND_ORGANISATION], c) != IB_OK)
        rc = ib_err_set(err, IB_ENOMEM, "geen geheugen voor de organisaties");
    if (rc == IB_OK)
        rows_locations(&files[IB_KIND_LOCATION], c);
    for (int k = 0; k < IB_KIND_COUNT; k++) {
        ib_err cerr;
        sum->rows[k] = files[k].rows;
        if (out_close(&files[k], &cerr) != IB_OK && rc == IB_OK) {
            rc = cerr.code;
            if (err)
                *err = cerr;
        }
    }
    return rc;
}

static int generate_chain(dctx *c, const ib_demo_opts *o, const char *dir,
                          ib_demo_summary *sum, ib_err *err)
{
    dchain *ch = NULL;
    int rc = chain_open(&ch, c, dir, err);
    dsink to = {NULL, ch};
    if (rc == IB_OK)
        rc = run_persons(c, o, &to, sum, err);
    ib_err cerr;
    int crc = ch ? chain_close(ch, c, dir, rc == IB_OK, sum, &cerr) : IB_OK;
    if (crc != IB_OK && rc == IB_OK) {
        rc = crc;
        if (err)
            *err = cerr;
    }
    return rc;
}

int ib_demo_generate(const ib_demo_opts *o, const char *dir,
                     ib_demo_summary *sum, ib_err *err)
{
    ib_demo_summary local;
    if (!sum)
        sum = &local;
    memset(sum, 0, sizeof *sum);
    int rc = check_opts(o, err);
    if (rc == IB_OK)
        rc = demo_make_dir(dir, err);
    if (rc != IB_OK)
        return rc;
    dctx c;
    memset(&c, 0, sizeof c);
    init_ctx(&c, o);
    if (dcal_init(&c.cal) != IB_OK)
        return ib_err_set(err, IB_ENOMEM, "geen geheugen voor de kalender");
    rc = world_build(&c.w, o->seed, o->persons, err);
    if (rc == IB_OK)
        rc = o->layout == IB_DEMO_LAYOUT_CHAIN
                 ? generate_chain(&c, o, dir, sum, err)
                 : generate_single(&c, o, dir, sum, err);
    world_free(&c.w);
    dcal_free(&c.cal);
    return rc;
}
