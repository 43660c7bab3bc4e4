/* cmd_monitor.c — `inbeeld monitor survival|cox|typology|registration|
 * housing|intervals`: the monitor figures of spec/monitor.md on a reference
 * date, as readable tables, CSV or JSON. The figures are computed by the
 * monitor library; monitor_out.c and monitor_surv.c print them. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cli/cli.h"
#include "figures/figures.h"

#define CMD "monitor"

static void monitor_help(FILE *out)
{
    fprintf(out,
"Gebruik: inbeeld monitor FIGUUR [OPTIES]\n\n"
"De monitor van spec/monitor.md op een peildatum (docs/monitor.md legt elk\n"
"cijfer uit). FIGUUR is een van:\n\n"
"  survival      Hoe lang blijven mensen: per groep het aandeel dat na 1, 3,\n"
"                5 en 10 jaar nog in Nederland is (Kaplan–Meier, met 95%%-\n"
"                betrouwbaarheidsinterval en het aantal nog in beeld), de\n"
"                gemiddelde verblijfsduur binnen 10 jaar en de log-rank-toets\n"
"                of de groepen echt verschillen.\n"
"  cox           Wat bindt mensen: per factor (werk, vast contract, partner,\n"
"                kinderen, eigen woning, ...) hoeveel sneller of langzamer men\n"
"                vertrekt (hazard ratio), met toetsen, concordantie en de\n"
"                verwachte verblijfsduur van SEO's profielen.\n"
"  typology      De typologie op de peildatum: kwetsbare en perspectiefrijke\n"
"                passanten, chronisch kwetsbaren, duurzaam perspectiefrijken.\n"
"  registration  Wie op de peildatum hier is en ingeschreven staat in de BRP,\n"
"                de RNI of nergens; wie langer dan 120 dagen hier is zonder BRP.\n"
"  housing       Bezetting en overbewoning van huisvesting, huisvesting via\n"
"                de werkgever (gebonden), wie hoeveel mensen huisvest, en de\n"
"                woon-werkmatrix tussen gemeenten.\n"
"  intervals     De verblijven als intervallen (start, stop] met vertrek en\n"
"                alle covariaten, als CSV: om elk cijfer na te rekenen (R).\n\n");
    fprintf(out,
"Opties voor alle figuren:\n"
"  --at JJJJ-MM-DD    peildatum (standaard vandaag); latere gegevens tellen niet\n"
"  --by GROEP         groepering: all, eu, cee, south, nationality, category,\n"
"                     sex, age, cohort, first_brp, municipality (bij survival\n"
"                     en cox: gemeente van eerste BRP-inschrijving)\n"
"  --cohort JAAR      alleen verblijven met aankomst in JAAR (survival, cox,\n"
"                     intervals)\n"
"  --stays first|all  alleen het eerste verblijf per persoon, of alle\n"
"                     (standaard) (survival, cox, intervals)\n"
"  --format FORMAAT   table (standaard, leesbaar), csv of json\n"
"                     Aantallen in tabellen zijn licht verstoord (celsleutel-\n"
"                     methode, hooguit 3 ernaast; 1 en 2 komen niet voor).\n"
"  --k N              overlevingscijfers van minder dan N verblijven niet\n"
"                     tonen (standaard 10)\n"
"  --no-suppress      exacte aantallen, niets verstoord of afgeschermd (alleen\n"
"                     voor wie details mag zien)\n"
"  --sender AFZENDER  alleen de gegevens van deze afzender\n"
"  --no-snapshot      de momentopname naast de database (<db>.monitor) niet\n"
"                     lezen of schrijven, maar alles uit de database laden\n"
"                     (ook met $INBEELD_SNAPSHOT=off)\n"
"  --timing           tijd van laden en rekenen naar stderr (voor bench/)\n"
"  --db PAD, --key PAD\n\n"
"survival:  --curve          ook de hele curve (elke dag met een vertrek)\n"
"           --horizon JAREN  horizon van de gemiddelde duur (standaard 10)\n"
"cox:       --covariates A,B,...  factoren (standaard employed,permanent,\n"
"                     agency,income_130,partner,children,home_owner,eu); ook\n"
"                     self_employed, wage_ratio, income_200, cee, south,\n"
"                     sex_V, age_25_34, nationality_PL, cohort_2017, ...\n"
"           --by GROEP       voegt een dummy per groep toe (referentie: de\n"
"                     grootste groep)\n"
"           --ties efron|breslow  behandeling van gelijke vertrekdagen\n"
"           --horizon JAREN  horizon van de verwachte verblijfsduur\n");
    /* two strings: one would pass the 4095 characters C17 promises */
    fprintf(out,
"typology:  --basis point|all-months  alleen op de peildatum (standaard), of\n"
"                     op de eerste dag van elke maand van het verblijf\n"
"           --long-after DAGEN  grens passant/blijver (standaard 730)\n"
"registration: --unregistered  lijst van wie > 120 dagen hier is zonder BRP\n"
"                     (persoonsgegevens: alleen met --no-suppress)\n"
"housing:   --view municipalities|locations|providers|worklive\n"
"                     per gemeente (standaard), per locatie, per huisvester,\n"
"                     of de woon-werkmatrix\n"
"           --m2-per-person M2  norm voor overbewoning (standaard 12)\n"
"intervals: --out BESTAND    CSV naar BESTAND (standaard het scherm)\n"
"           --covariates A,B,...  alleen deze factoren als kolom, en een\n"
"                     nieuw interval alleen waar een ervan verandert: de\n"
"                     intervallen die cox met dezelfde covariaten gebruikt\n"
"                     (standaard alle factoren, gesneden bij elke wijziging)\n\n"
"Afsluitcode: 0 goed, 1 verkeerde opdracht, 2 geen cijfer mogelijk (bijv.\n"
"geen verblijven in de selectie), 4 database- of bestandsfout.\n");
}

/* ------------------------------------------------------------ options */

typedef enum { F_SURVIVAL, F_COX, F_TYPOLOGY, F_REGISTRATION, F_HOUSING,
               F_INTERVALS, F_COUNT } figure;
static const char *const figure_names[F_COUNT] = {
    "survival", "cox", "typology", "registration", "housing", "intervals"};

/* Options and which figures accept them (bit per figure). */
enum { O_COHORT = 0x100, O_STAYS, O_CURVE, O_HORIZON, O_COVARIATES, O_TIES,
       O_BASIS, O_LONG_AFTER, O_UNREG, O_VIEW, O_M2, O_OUT, O_K,
       O_NO_SUPPRESS, O_SENDER, O_AT, O_BY, O_FORMAT, O_TIMING, O_NO_SNAPSHOT };

#define FIG(f) (1u << (f))
#define ALL_FIGS 0x3Fu
#define SURV_FIGS (FIG(F_SURVIVAL) | FIG(F_COX) | FIG(F_INTERVALS))

typedef struct opt_rule {
    int code;
    const char *name;
    unsigned figures;
} opt_rule;

static const opt_rule rules[] = {
    {O_COHORT, "cohort", SURV_FIGS},
    {O_STAYS, "stays", SURV_FIGS},
    {O_CURVE, "curve", FIG(F_SURVIVAL)},
    {O_HORIZON, "horizon", FIG(F_SURVIVAL) | FIG(F_COX)},
    {O_COVARIATES, "covariates", FIG(F_COX) | FIG(F_INTERVALS)},
    {O_TIES, "ties", FIG(F_COX)},
    {O_BASIS, "basis", FIG(F_TYPOLOGY)},
    {O_LONG_AFTER, "long-after", FIG(F_TYPOLOGY)},
    {O_UNREG, "unregistered", FIG(F_REGISTRATION)},
    {O_VIEW, "view", FIG(F_HOUSING)},
    {O_M2, "m2-per-person", FIG(F_HOUSING)},
    {O_OUT, "out", FIG(F_INTERVALS)},
    {O_BY, "by", ALL_FIGS & ~FIG(F_INTERVALS)},
    {O_FORMAT, "format", ALL_FIGS & ~FIG(F_INTERVALS)},
    {O_K, "k", ALL_FIGS & ~FIG(F_INTERVALS) & ~FIG(F_COX)},
    {O_NO_SUPPRESS, "no-suppress",
     ALL_FIGS & ~FIG(F_INTERVALS) & ~FIG(F_COX)},
};

typedef struct mon_args {
    ib_cli_db db;
    figure fig;
    ib_date at;
    ib_group by;
    bool has_by;
    const char *by_name;
    int cohort;
    bool first_only;
    ib_mo_format fmt;
    int64_t k;
    bool curve;
    double horizon_years;
    char *covariates;        /* comma list as given (owned by argv) */
    ib_cox_ties ties;
    ib_mbasis basis;
    int32_t long_after;
    bool unregistered;
    int view;
    int64_t m2_hundredths;
    const char *out;
    const char *sender;
    bool timing;
    bool no_snapshot;
    ib_mcellkey ck;          /* the record keys' secret, when perturbing */
    const ib_mcellkey *cellkey;  /* &ck when counts are perturbed (k > 0) */
    unsigned given[32];      /* option codes seen */
    size_t n_given;
} mon_args;

static const char *const view_names[] = {"municipalities", "locations",
                                         "providers", "worklive"};

/* One option's value into a; a usage message and IB_EXIT_USAGE on error. */
static int take_option(mon_args *a, int c, const char *v)
{
    ib_err err;
    long n;
    double x;
    switch (c) {
    case 'd': a->db.path = v; break;
    case 'k': a->db.key = v; break;
    case O_AT:
        if (ib_date_parse(v, strlen(v), &a->at, &err) != IB_OK)
            return ib_cli_usage(CMD, "--at: %s", err.msg);
        break;
    case O_BY:
        if (ib_group_parse(v, &a->by, &err) != IB_OK)
            return ib_cli_usage(CMD, "--by: %s", err.msg);
        a->has_by = true;
        a->by_name = v;
        break;
    case O_COHORT:
        if (!ib_parse_long(v, 1900, 2200, &n))
            return ib_cli_usage(CMD, "--cohort: '%s' is geen jaartal", v);
        a->cohort = (int)n;
        break;
    case O_STAYS:
        if (strcmp(v, "first") && strcmp(v, "all"))
            return ib_cli_usage(CMD, "--stays: kies first of all, niet '%s'", v);
        a->first_only = strcmp(v, "first") == 0;
        break;
    case O_FORMAT:
        if (ib_mo_format_parse(v, &a->fmt) != IB_OK)
            return ib_cli_usage(CMD, "--format: kies table, csv of json, niet "
                                "'%s'", v);
        break;
    case O_K:
        if (!ib_parse_long(v, 1, 1000000, &n))
            return ib_cli_usage(CMD, "--k: '%s' is geen geheel getal van 1 "
                                "of meer", v);
        a->k = n;
        break;
    case O_NO_SUPPRESS: a->k = 0; break;
    case O_CURVE: a->curve = true; break;
    case O_HORIZON:
        if (!ib_parse_positive(v, 100, &a->horizon_years) ||
            a->horizon_years * 365.25 < 1)
            return ib_cli_usage(CMD, "--horizon: '%s' is geen aantal jaren "
                                "(groter dan 0, hooguit 100)", v);
        break;
    case O_COVARIATES: a->covariates = (char *)v; break;
    case O_TIES:
        if (strcmp(v, "efron") && strcmp(v, "breslow"))
            return ib_cli_usage(CMD, "--ties: kies efron of breslow, niet '%s'",
                                v);
        a->ties = strcmp(v, "breslow") == 0 ? IB_COX_BRESLOW : IB_COX_EFRON;
        break;
    case O_BASIS:
        if (ib_mbasis_parse(v, &a->basis, &err) != IB_OK)
            return ib_cli_usage(CMD, "--basis: kies point of all-months, niet "
                                "'%s'", v);
        break;
    case O_LONG_AFTER:
        if (!ib_parse_long(v, 1, 36525, &n))
            return ib_cli_usage(CMD, "--long-after: '%s' is geen aantal dagen "
                                "(1 tot 36525)", v);
        a->long_after = (int32_t)n;
        break;
    case O_UNREG: a->unregistered = true; break;
    case O_VIEW:
        a->view = -1;
        for (int i = 0; i < 4; i++)
            if (strcmp(v, view_names[i]) == 0)
                a->view = i;
        if (a->view < 0)
            return ib_cli_usage(CMD, "--view: kies municipalities, locations, "
                                "providers of worklive, niet '%s'", v);
        break;
    case O_M2:
        if (!ib_parse_positive(v, 1000, &x))
            return ib_cli_usage(CMD, "--m2-per-person: '%s' is geen oppervlak "
                                "in m² (groter dan 0)", v);
        a->m2_hundredths = (int64_t)(x * 100 + 0.5);
        break;
    case O_OUT: a->out = v; break;
    case O_SENDER: a->sender = v; break;
    case O_TIMING: a->timing = true; break;
    case O_NO_SNAPSHOT: a->no_snapshot = true; break;
    default: return ib_cli_usage(CMD, "onbekende optie");
    }
    if (c >= O_COHORT && a->n_given < sizeof a->given / sizeof a->given[0])
        a->given[a->n_given++] = (unsigned)c;
    return IB_EXIT_OK;
}

/* Every option given must fit the figure; --k and --no-suppress exclude
 * each other. */
static int check_options(const mon_args *a)
{
    bool has_k = false, has_no = false;
    for (size_t i = 0; i < a->n_given; i++) {
        has_k |= a->given[i] == O_K;
        has_no |= a->given[i] == O_NO_SUPPRESS;
        for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++)
            if ((unsigned)rules[r].code == a->given[i] &&
                !(rules[r].figures & FIG(a->fig)))
                return ib_cli_usage(CMD, "--%s hoort niet bij monitor %s",
                                    rules[r].name, figure_names[a->fig]);
    }
    if (has_k && has_no)
        return ib_cli_usage(CMD, "--k en --no-suppress gaan niet samen");
    if (a->unregistered && a->k > 0)
        return ib_cli_usage(CMD, "--unregistered toont personen: alleen met "
                            "--no-suppress (voor wie details mag zien)");
    return IB_EXIT_OK;
}

static int parse_args(int argc, char **argv, mon_args *a)
{
    static const struct option opts[] = {
        IB_CLI_DB_OPTIONS,
        {"at", required_argument, NULL, O_AT},
        {"by", required_argument, NULL, O_BY},
        {"cohort", required_argument, NULL, O_COHORT},
        {"stays", required_argument, NULL, O_STAYS},
        {"format", required_argument, NULL, O_FORMAT},
        {"k", required_argument, NULL, O_K},
        {"no-suppress", no_argument, NULL, O_NO_SUPPRESS},
        {"curve", no_argument, NULL, O_CURVE},
        {"horizon", required_argument, NULL, O_HORIZON},
        {"covariates", required_argument, NULL, O_COVARIATES},
        {"ties", required_argument, NULL, O_TIES},
        {"basis", required_argument, NULL, O_BASIS},
        {"long-after", required_argument, NULL, O_LONG_AFTER},
        {"unregistered", no_argument, NULL, O_UNREG},
        {"view", required_argument, NULL, O_VIEW},
        {"m2-per-person", required_argument, NULL, O_M2},
        {"out", required_argument, NULL, O_OUT},
        {"sender", required_argument, NULL, O_SENDER},
        {"timing", no_argument, NULL, O_TIMING},
        {"no-snapshot", no_argument, NULL, O_NO_SNAPSHOT},
        {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    ib_cli_db_defaults(&a->db);
    a->at = ib_date_today();
    a->by = IB_GROUP_ALL;
    a->by_name = "all";
    a->fmt = IB_MO_TABLE;
    a->k = 10;
    a->horizon_years = 10;
    a->ties = IB_COX_EFRON;
    a->basis = IB_BASIS_POINT;
    a->long_after = 730;
    a->m2_hundredths = 1200;
    int c, rc;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == '?') {
            const char *bad = argv[optind - 1];
            if (optopt)
                return ib_cli_usage(CMD, "optie --%s mist een waarde",
                                    bad + strspn(bad, "-"));
            return ib_cli_usage(CMD, "onbekende optie '%s'", bad);
        }
        if ((rc = take_option(a, c, optarg)))
            return rc;
    }
    if (argc - optind != 1)
        return ib_cli_usage(CMD, argc - optind < 1
            ? "welk cijfer? survival, cox, typology, registration, housing "
              "of intervals"
            : "één cijfer tegelijk, en geen losse woorden na de opties");
    const char *name = argv[optind];
    a->fig = F_COUNT;
    for (int f = 0; f < F_COUNT; f++)
        if (strcmp(name, figure_names[f]) == 0)
            a->fig = (figure)f;
    if (a->fig == F_COUNT)
        return ib_cli_usage(CMD, "onbekend cijfer '%s'; kies survival, cox, "
                            "typology, registration, housing of intervals",
                            name);
    return check_options(a);
}

/* ------------------------------------------------------------ figures */

/* The horizon in days: year n ends at day floor(n x 365.25) (spec
 * "Reference date and units"), so 10 years is day 3652. */
static double horizon_days(const mon_args *a)
{
    return floor(a->horizon_years * 365.25);
}

static ib_mo_opts out_opts(const mon_args *a)
{
    return (ib_mo_opts){a->fmt, a->k, a->curve, a->at, a->cohort,
                        a->by_name, NULL};
}

static int run_survival(const ib_mdata *d, const mon_args *a, ib_err *err)
{
    ib_msurv_opts so = {.at = a->at, .first_only = a->first_only,
                        .cohort = a->cohort};
    ib_msurv_result r;
    int rc = ib_monitor_survival(d, &so, a->by, horizon_days(a), &r,
                                 err);
    if (rc)
        return rc;
    if (r.all.n == 0) {
        ib_msurv_result_free(&r);
        return ib_err_set(err, IB_EINVAL, "geen verblijven in de selectie "
                          "(peildatum, cohort, afzender)");
    }
    ib_mo_opts o = out_opts(a);
    ib_mo_survival(stdout, &r, &o);
    ib_msurv_result_free(&r);
    return IB_OK;
}

/* Takes d over: it is freed once the design is built, before the fit, so
 * that the registry and the engine's copies are never in memory together. */
static int run_cox(ib_mdata *d, const mon_args *a, ib_err *err)
{
    ib_msurv_opts so = {.at = a->at, .first_only = a->first_only,
                        .cohort = a->cohort};
    char *names[IB_MO_COVARIATES_MAX] = {0}, ref[IB_MLABEL_MAX] = "";
    size_t p = 0;
    int rc = ib_mo_cox_names(d, &so, a->covariates, a->has_by ? a->by : IB_GROUP_ALL,
                             names, &p, ref, err);
    ib_cox_opts co;
    ib_cox_opts_init(&co);
    co.ties = a->ties;
    ib_mcox_result r;
    ib_mdesign x;
    if (!rc)
        rc = ib_monitor_design(d, &so, (const char *const *)names, p, &x, err);
    ib_mdata_free(d);
    ib_mdata_init(d);
    if (!rc)
        rc = ib_monitor_cox_design(&x, (const char *const *)names, p, &co,
                                   horizon_days(a), &r, err);
    if (!rc) {
        ib_mo_opts o = out_opts(a);
        o.k = 0;                      /* a model: nothing to suppress */
        o.reference = ref[0] ? ref : NULL;
        ib_mo_cox(stdout, &r, &o);
        ib_mcox_result_free(&r);
    }
    for (size_t i = 0; i < p; i++)
        free(names[i]);
    return rc;
}

/* The heading of a readable table: what is counted, on which day, in
 * which unit. */
static void heading(const mon_args *a, const char *what, const char *unit)
{
    char at[IB_DATE_STRLEN];
    if (a->fmt != IB_MO_TABLE)
        return;
    printf("%s op %s (%s)\n", what, ib_date_format(a->at, at), unit);
}

/* Tables are protected by the cell-key method (docs/monitor.md
 * "Disclosure control"): their counts perturbed, unless detail is asked. */
static void print_table(ib_mtable *t, const mon_args *a, bool shares)
{
    if (a->cellkey)
        ib_mtable_perturb(t);
    ib_mo_table(stdout, t, a->fmt, shares);
    ib_mtable_free(t);
}

static int run_typology(const ib_mdata *d, const mon_args *a, ib_err *err)
{
    ib_mtypology_opts o;
    ib_mtypology_opts_init(&o, a->at);
    o.long_after = a->long_after;
    o.basis = a->basis;
    o.cellkey = a->cellkey;
    ib_mtable t;
    int rc = ib_monitor_typology(d, &o, a->by, &t, err);
    if (rc)
        return rc;
    char unit[160];
    snprintf(unit, sizeof unit, "aantal arbeids- en kennismigranten; passant "
             "tot en met %d dagen hier; %s", (int)a->long_after,
             a->basis == IB_BASIS_POINT ? "beoordeeld op de peildatum"
             : "beoordeeld op de eerste dag van elke maand");
    heading(a, "Typologie", unit);
    print_table(&t, a, true);
    return IB_OK;
}

static void unregistered_list(const ib_mdata *d, const ib_munreg_list *l,
                              ib_mo_format fmt)
{
    char muni[7];
    if (fmt == IB_MO_JSON) {
        ib_json j;
        ib_json_init(&j, stdout);
        ib_json_array(&j, NULL, false);
        for (size_t i = 0; i < l->n; i++) {
            const ib_munreg *u = &l->items[i];
            ib_json_object(&j, NULL);
            ib_json_str(&j, "person_ref",
                        ib_mdata_str(d, d->persons[u->person].ref));
            ib_json_int(&j, "days_present", u->days_present);
            ib_json_str(&j, "registration", ib_mcover_name(u->cover));
            ib_json_str(&j, "housing_municipality",
                        ib_muni_format(u->municipality, muni));
            ib_json_end(&j);
        }
        ib_json_finish(&j);
        return;
    }
    if (fmt == IB_MO_CSV)
        fputs("person_ref,days_present,registration,housing_municipality\n",
              stdout);
    else
        printf("Langer dan 120 dagen hier zonder BRP-inschrijving: %zu "
               "personen\n\n%-20s %8s  %-12s %s\n", l->n, "persoon", "dagen",
               "inschrijving", "gemeente (huisvesting)");
    for (size_t i = 0; i < l->n; i++) {
        const ib_munreg *u = &l->items[i];
        const char *ref = ib_mdata_str(d, d->persons[u->person].ref);
        if (fmt == IB_MO_CSV) {
            ib_csv_put_field(stdout, ref);
            printf(",%d,%s,%s\n", u->days_present, ib_mcover_name(u->cover),
                   ib_muni_format(u->municipality, muni));
        } else {
            printf("%-20s %8d  %-12s %s\n", ref, u->days_present,
                   ib_mcover_name(u->cover),
                   ib_muni_format(u->municipality, muni));
        }
    }
}

/* The number of unregistered persons as published: a count like any
 * other, perturbed by its contributors' keys unless detail is asked. */
static int64_t unregistered_count(const ib_mdata *d, const ib_munreg_list *l,
                                  const ib_mcellkey *ck)
{
    uint32_t key = 0;
    for (size_t i = 0; ck && i < l->n; i++)
        key += ib_mrecord_key(ck, d, l->items[i].person);
    return ck ? ib_ptable_perturb((int64_t)l->n, key) : (int64_t)l->n;
}

/* The monitor's lists name persons: each one listed is a read, recorded
 * (by the person's id in the store) before the list is written. */
static int audit_listed(ib_store *st, const ib_mdata *d, const uint32_t *persons,
                        size_t n, const char *detail, ib_err *err)
{
    ib_cli_reads reads = {0};
    int rc = IB_OK;
    for (size_t i = 0; rc == IB_OK && i < n; i++) {
        const ib_mperson *mp = &d->persons[persons[i]];
        ib_person p;
        rc = ib_store_get_person(st, d->sender_ids[mp->sender], ib_mdata_str(d, mp->ref),
                                 &p, err);
        sodium_memzero(p.bsn, sizeof p.bsn);
        if (rc == IB_OK && ib_cli_reads_add(&reads, p.meta.id, p.person_id) != IB_OK)
            rc = ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    }
    if (rc == IB_OK)
        rc = ib_cli_audit_reads(st, "person", &reads, detail, err);
    ib_cli_reads_free(&reads);
    return rc;
}

static int audit_unregistered(ib_store *st, const ib_mdata *d, const ib_munreg_list *l,
                              ib_err *err)
{
    uint32_t *persons = malloc((l->n ? l->n : 1) * sizeof *persons);
    if (!persons)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    for (size_t i = 0; i < l->n; i++)
        persons[i] = l->items[i].person;
    int rc = audit_listed(st, d, persons, l->n,
                          "inbeeld monitor registration --unregistered", err);
    free(persons);
    return rc;
}

static int run_registration(const ib_mdata *d, const mon_args *a, ib_store *st,
                            ib_err *err)
{
    ib_mtable t;
    ib_munreg_list unreg = {0};
    ib_group g = a->has_by ? a->by : IB_GROUP_MUNICIPALITY;
    int rc = ib_monitor_registration_keyed(d, a->at, g, a->cellkey, &t, &unreg,
                                           err);
    if (rc)
        return rc;
    if (a->unregistered) {
        ib_mtable_free(&t);
        rc = audit_unregistered(st, d, &unreg, err);
        if (rc == IB_OK)
            unregistered_list(d, &unreg, a->fmt);
        ib_munreg_list_free(&unreg);
        return rc;
    }
    heading(a, "Inschrijving van wie hier is", "aantal verblijven, naar "
            "inschrijving in de BRP, de RNI of nergens");
    print_table(&t, a, true);
    if (a->fmt == IB_MO_TABLE) {
        char n[32];
        printf("\nLanger dan 120 dagen hier zonder BRP-inschrijving: %s "
               "personen (lijst: --unregistered --no-suppress)\n",
               ib_mo_nl((double)unregistered_count(d, &unreg, a->cellkey), 0,
                        n, sizeof n));
    }
    ib_munreg_list_free(&unreg);
    return IB_OK;
}

static int run_housing(const ib_mdata *d, const mon_args *a, ib_err *err)
{
    ib_mhousing_opts o;
    ib_mhousing_opts_init(&o, a->at);
    o.m2_norm = a->m2_hundredths;
    o.cellkey = a->cellkey;
    static const char *const what[] = {
        "Huisvesting per gemeente", "Huisvesting per locatie",
        "Huisvesting per huisvester", "Woon-werkmatrix"};
    static const char *const unit[] = {
        "personen; overbewoond: meer bewoners dan bedden of te weinig m² per "
        "persoon; gebonden: woning via de eigen werkgever of het "
        "uitzendbureau",
        "bewoners, bedden, m²; overbewoond 1 = ja",
        "personen gehuisvest, waarvan bij de eigen werkgever",
        "personen: gemeente van de woning × gemeente van de werkgever"};
    heading(a, what[a->view], unit[a->view]);
    ib_mtable t;
    int rc;
    switch (a->view) {
    case 1: rc = ib_monitor_housing_locations(d, &o, &t, err); break;
    case 2: rc = ib_monitor_housing_providers(d, &o, &t, err); break;
    case 3: rc = ib_monitor_worklive(d, &o, &t, err); break;
    default: rc = ib_monitor_housing_municipalities(d, &o, &t, err); break;
    }
    if (!rc)
        print_table(&t, a, a->view == 3);
    return rc;
}

/* The persons the intervals hold, once each (they come in person order). */
typedef struct interval_persons {
    uint32_t *v;
    size_t n, cap;
} interval_persons;

static int add_interval_person(void *ctx, const ib_mstay *s, const ib_minterval *iv)
{
    (void)iv;
    interval_persons *ip = ctx;
    if (ip->n > 0 && ip->v[ip->n - 1] == s->person)
        return 0;
    if (ip->n == ip->cap) {
        size_t cap = ip->cap ? 2 * ip->cap : 256;
        uint32_t *p = realloc(ip->v, cap * sizeof *p);
        if (!p)
            return IB_ENOMEM;
        ip->v = p;
        ip->cap = cap;
    }
    ip->v[ip->n++] = s->person;
    return 0;
}

/* The factors whose changes cut and whose columns are written: those of
 * --covariates (as cox cuts for them), else all. */
static int interval_set(const ib_mdata *d, const mon_args *a,
                        const ib_msurv_opts *so, ib_tv_set *set, ib_err *err)
{
    *set = IB_TV_ALL;
    if (!a->covariates)
        return IB_OK;
    char *names[IB_MO_COVARIATES_MAX] = {0}, ref[IB_MLABEL_MAX];
    size_t p = 0;
    int rc = ib_mo_cox_names(d, so, a->covariates, IB_GROUP_ALL, names, &p,
                             ref, err);
    if (!rc)
        *set = ib_monitor_tv_set((const char *const *)names, p);
    for (size_t i = 0; i < p; i++)
        free(names[i]);
    return rc;
}

static int run_intervals(const ib_mdata *d, const mon_args *a, ib_store *st,
                         ib_err *err)
{
    ib_msurv_opts so = {.at = a->at, .first_only = a->first_only,
                        .cohort = a->cohort};
    ib_tv_set set;
    int rc = interval_set(d, a, &so, &set, err);
    if (rc)
        return rc;
    interval_persons ip = {NULL, 0, 0};
    rc = ib_monitor_each_interval(d, &so, set, add_interval_person, &ip, err);
    if (rc == IB_ENOMEM)
        ib_err_set(err, rc, "onvoldoende geheugen");
    if (rc == IB_OK)
        rc = audit_listed(st, d, ip.v, ip.n, "inbeeld monitor intervals", err);
    free(ip.v);
    if (rc != IB_OK)
        return rc;
    FILE *f = stdout;
    if (a->out && strcmp(a->out, "-") != 0 && !(f = ib_fopen_private(a->out)))
        return ib_err_set(err, IB_EIO, "%s: %s", a->out, strerror(errno));
    rc = ib_monitor_write_intervals(f, d, &so, set, err);
    if (f != stdout && fclose(f) != 0 && !rc)
        rc = ib_err_set(err, IB_EIO, "%s: schrijven mislukt", a->out);
    return rc;
}

static int run_figure(ib_mdata *d, const mon_args *a, ib_store *st, ib_err *err)
{
    switch (a->fig) {
    case F_SURVIVAL: return run_survival(d, a, err);
    case F_COX: return run_cox(d, a, err);
    case F_TYPOLOGY: return run_typology(d, a, err);
    case F_REGISTRATION: return run_registration(d, a, st, err);
    case F_HOUSING: return run_housing(d, a, err);
    case F_INTERVALS: return run_intervals(d, a, st, err);
    case F_COUNT: break;
    }
    return ib_err_set(err, IB_EINVAL, "onbekend cijfer");
}

/* Checks the --covariates names before any data is read: a name the design
 * does not know is a usage error (exit 1), not a data problem. */
static int check_covariates(const mon_args *a)
{
    if ((a->fig != F_COX && a->fig != F_INTERVALS) || !a->covariates)
        return IB_EXIT_OK;
    char *list = strdup(a->covariates), *save = NULL;
    if (!list)
        return IB_EXIT_FAILURE;
    ib_mdata empty;
    ib_mdata_init(&empty);
    ib_msurv_opts so = {.at = a->at};
    ib_err err;
    ib_err_clear(&err);
    int rc = IB_EXIT_OK;
    size_t n = 0;
    for (char *t = strtok_r(list, ",", &save); t && !rc;
         t = strtok_r(NULL, ",", &save), n++) {
        const char *name = t;
        ib_mdesign x;
        if (ib_monitor_design(&empty, &so, &name, 1, &x, &err) != IB_OK)
            rc = ib_cli_usage(CMD, "--covariates: %s", err.msg);
        else
            ib_mdesign_free(&x);
    }
    if (!rc && n == 0)
        rc = ib_cli_usage(CMD, "--covariates: geen covariaten genoemd");
    free(list);
    return rc;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int monitor_run(int argc, char **argv)
{
    mon_args a;
    int rc = parse_args(argc, argv, &a);
    if (!rc)
        rc = check_covariates(&a);
    if (rc)
        return rc;
    ib_store *st = ib_cli_open(&a.db, false);
    if (!st)
        return IB_EXIT_FAILURE;
    ib_err err;
    ib_err_clear(&err);
    ib_filter f = {0};
    ib_mdata d;
    ib_mdata_init(&d);
    if (a.sender && ib_store_sender(st, a.sender, false, &f.sender_id, &err))
        goto fail;
    double t0 = seconds_now();
    /* One sender's data is not the registry: that is not in the snapshot. */
    ib_msnap_info snap = {.why = "per afzender"};
    if (a.sender ? ib_mdata_load(st, &f, &d, &err) != IB_OK
                 : ib_mdata_load_snapshot(st, ib_cli_snapshot_enabled(a.no_snapshot)
                                                  ? IB_MSNAP_MAP : IB_MSNAP_OFF,
                                          &d, &snap, &err) != IB_OK)
        goto fail;
    if (a.k > 0) {
        ib_store_cellkey_secret(st, a.ck.secret);
        a.cellkey = &a.ck;
    }
    /* The figures that list persons keep the store for their audit. */
    bool lists_persons = a.fig == F_INTERVALS || (a.fig == F_REGISTRATION && a.unregistered);
    if (!lists_persons) {
        ib_store_close(st);
        st = NULL;
    }
    double t1 = seconds_now();
    size_t n_persons = d.n_persons, n_stays = d.n_stays;
    if (run_figure(&d, &a, st, &err) != IB_OK)
        goto fail;
    if (st)
        ib_store_close(st);
    st = NULL;
    if (a.timing)
        fprintf(stderr, "tijd: laden %.3f s (%zu personen, %zu verblijven; %s%s%s), "
                "%s %.3f s\n", t1 - t0, n_persons, n_stays,
                snap.used ? "uit de momentopname"
                          : snap.written ? "momentopname geschreven" : "database",
                snap.why[0] ? ": " : "", snap.why,
                figure_names[a.fig], seconds_now() - t1);
    ib_mdata_free(&d);
    sodium_memzero(&a.ck, sizeof a.ck);
    return fflush(stdout) == 0 ? IB_EXIT_OK : IB_EXIT_FAILURE;
fail:
    sodium_memzero(&a.ck, sizeof a.ck);
    ib_mdata_free(&d);
    if (st)
        ib_store_close(st);
    return ib_cli_fail(CMD, &err);
}

const ib_cli_command ib_cmd_monitor = {
    "monitor",
    "monitorcijfers: survival, cox, typology, registration, housing, "
    "intervals",
    monitor_run, monitor_help};
