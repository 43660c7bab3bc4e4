/* cmd_location.c — `inbeeld location show REF`: a housing location with its
 * capacity, certification, occupancy on a date and the history of who
 * lived there. */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/timeline.h"

typedef struct location_ctx {
    ib_date at;
    int occupants;
    ib_timeline tl;
    ib_cli_reads shown;                 /* the residents' housings, audited */
} location_ctx;

static void location_help(FILE *out)
{
    fprintf(out,
        "Gebruik: inbeeld location show REF [--sender AFZENDER] [--at DATUM]\n\n"
        "Toont een huisvestingslocatie: adres, soort, capaciteit, oppervlak,\n"
        "keurmerk, de bezetting op DATUM (standaard vandaag) met een signaal\n"
        "bij overbewoning (meer bewoners dan bedden, of minder dan 12 m² per\n"
        "bewoner), en wie er wanneer woonde. Elke getoonde bewoner wordt als\n"
        "inzage in het auditlog vastgelegd.\n\n"
        "  --sender AFZENDER  afzender van de locatie (bij dubbele REF)\n"
        "  --at JJJJ-MM-DD    peildatum voor de bezetting\n"
        "  --db PAD, --key PAD\n");
}

static int on_housing(void *ctx, const ib_housing *h)
{
    location_ctx *lc = ctx;
    if (ib_cli_reads_add(&lc->shown, h->meta.id, h->person_id) != IB_OK)
        return IB_ENOMEM;
    if (h->start <= lc->at && (h->end == IB_DATE_NONE || lc->at <= h->end))
        lc->occupants++;
    return ib_tl_add(&lc->tl, h->start, h->end, true, 0, "bewoner %s%s",
                     h->person_ref, h->provided_by_ref[0] ? " (bed via werkgever/"
                                                            "bureau of verhuurder)" : "");
}

static void print_location(const ib_location *l, const location_ctx *lc,
                           const char *sender)
{
    char buf[32], at[IB_DATE_STRLEN];
    printf("Locatie %s (afzender %s)\n", l->ref, sender);
    printf("  Adres           %s %s, gemeente %s\n", l->postcode, l->house_number,
           l->municipality);
    printf("  Soort           %s\n", ib_code_text(ib_location_kind_codes, (int)l->kind));
    if (l->capacity >= 0)
        printf("  Capaciteit      %d bedden\n", l->capacity);
    else
        printf("  Capaciteit      onbekend\n");
    if (l->floor_area_m2 == IB_CENTS_NONE)
        printf("  Oppervlak       onbekend\n");
    else
        printf("  Oppervlak       %s m²\n",
               ib_money_format(l->floor_area_m2, buf, sizeof buf));
    if (l->provider_ref[0])
        printf("  Aanbieder       %s\n", l->provider_ref);
    printf("  Keurmerk tot    %s\n", l->certified_until == IB_DATE_NONE ? "geen"
           : ib_date_format(l->certified_until, buf));
    printf("  Bezetting       %d op %s", lc->occupants, ib_date_format(lc->at, at));
    bool over_capacity = l->capacity >= 0 && lc->occupants > l->capacity;
    /* floor area is in hundredths of m2: area/occupants < 12 m2 per person */
    bool too_small = l->floor_area_m2 != IB_CENTS_NONE && lc->occupants > 0 &&
                     l->floor_area_m2 < (int64_t)lc->occupants * 1200;
    if (over_capacity || too_small)
        printf("  — OVERBEWONING (%s)", over_capacity ? "meer bewoners dan bedden"
                                                      : "minder dan 12 m² per bewoner");
    printf("\n\nBewoners door de tijd\n");
}

static int show_location(ib_store *st, const char *sender, const char *ref,
                         ib_date at)
{
    ib_err err;
    ib_err_clear(&err);
    int64_t sender_id = 0;
    if (sender && ib_store_sender(st, sender, false, &sender_id, &err) != IB_OK)
        return ib_cli_fail("location", &err);
    ib_location l;
    if (ib_store_get_location(st, sender_id, ref, &l, &err) != IB_OK)
        return ib_cli_fail("location", &err);
    location_ctx lc = {.at = at};
    ib_filter f = {.location_id = l.meta.id};
    /* Every resident shown is a read of their housing, recorded before it
     * is shown (as the server's list of residents). */
    int rc = ib_store_each_housing(st, &f, on_housing, &lc, &err);
    if (rc == IB_ENOMEM)
        ib_err_set(&err, rc, "onvoldoende geheugen");
    if (rc == IB_OK)
        rc = ib_cli_audit_reads(st, "housing", &lc.shown, "inbeeld location show", &err);
    ib_cli_reads_free(&lc.shown);
    if (rc != IB_OK) {
        ib_tl_free(&lc.tl);
        return ib_cli_fail("location", &err);
    }
    char sender_ref[IB_REF_MAX + 1];
    ib_cli_sender_ref(st, l.meta.sender_id, sender_ref);
    print_location(&l, &lc, sender_ref);
    ib_tl_print(&lc.tl, stdout);
    ib_tl_free(&lc.tl);
    return IB_EXIT_OK;
}

static int location_run(int argc, char **argv)
{
    static const struct option opts[] = {
        IB_CLI_DB_OPTIONS, {"sender", required_argument, NULL, 's'},
        {"at", required_argument, NULL, 'a'}, {0, 0, 0, 0}};
    ib_cli_db db;
    ib_cli_db_defaults(&db);
    const char *sender = NULL;
    ib_date at = ib_date_today();
    ib_err err;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db.path = optarg; break;
        case 'k': db.key = optarg; break;
        case 's': sender = optarg; break;
        case 'a':
            if (ib_date_parse(optarg, strlen(optarg), &at, &err) != IB_OK)
                return ib_cli_usage("location", "--at: %s", err.msg);
            break;
        default: return ib_cli_usage("location", "onbekende optie");
        }
    }
    if (argc - optind != 2 || strcmp(argv[optind], "show") != 0)
        return ib_cli_usage("location", "gebruik: inbeeld location show REF");
    ib_store *st = ib_cli_open(&db, false);
    if (!st)
        return IB_EXIT_FAILURE;
    int rc = show_location(st, sender, argv[optind + 1], at);
    ib_store_close(st);
    return rc;
}

const ib_cli_command ib_cmd_location = {
    "location", "een huisvestingslocatie tonen: location show REF",
    location_run, location_help};
