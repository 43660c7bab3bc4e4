/* cmd_person.c — `inbeeld person show REF`: one person's data and a readable
 * timeline of stays, registrations, jobs, housing, life events and contact
 * moments; `person
 * export` and `person erase` (person_rights.c) for the person's GDPR
 * rights; `person links|link|unlink|review` (cmd_links.c) for the records
 * of several senders that are one person. Every look-up is written to the
 * audit trail (who looked at whom). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/person_links.h"
#include "cli/person_rights.h"
#include "cli/timeline.h"

typedef struct person_ctx {
    ib_store *st;
    ib_timeline tl;
    int rc;
    ib_stay *stays;             /* of every record, joined before printing */
    size_t nstays, cap_stays;
} person_ctx;

static void person_help(FILE *out)
{
    fprintf(out,
        "Gebruik: inbeeld person show REF [--sender AFZENDER] [--show-bsn]\n"
        "         inbeeld person export REF [--sender AFZENDER] [--out BESTAND]\n"
        "         inbeeld person erase REF [--sender AFZENDER] --reason TEKST\n\n"
        "show    toont de gegevens van een persoon en een tijdlijn van verblijven,\n"
        "        inschrijvingen (BRP/RNI), werk, huisvesting, levensgebeurtenissen\n"
        "        en contactmomenten.\n"
        "export  alles wat over de persoon is vastgelegd, met het volledige BSN en\n"
        "        wie de gegevens wanneer bekeek, als JSON (recht op inzage, AVG\n"
        "        art. 15).\n"
        "erase   wist de persoon en al zijn verblijven, inschrijvingen, werk,\n"
        "        huisvesting, levensgebeurtenissen en contactmomenten in één\n"
        "        transactie (recht op vergetelheid, AVG art. 17). Het auditlog houdt vast wie wiste en\n"
        "        waarom; de keten van het auditlog blijft controleerbaar.\n\n"
        "REF is de sleutel van de afzender (person_ref). Is dezelfde REF bij\n"
        "meer afzenders in gebruik, geef dan --sender. Elke inzage wordt in\n"
        "het auditlog vastgelegd.\n\n"
        "  --sender AFZENDER  de afzender (org_ref uit 'inbeeld import --sender')\n"
        "  --show-bsn         show: toon het volledige BSN (standaard gemaskeerd)\n"
        "  --out BESTAND      export: naar BESTAND (standaard het scherm)\n"
        "  --reason TEKST     erase: de reden (verplicht), komt in het auditlog\n"
        "  --db PAD, --key PAD\n\n"
        "Eén persoon over de keten (docs/linkage.md): de records van meer\n"
        "afzenders die bij één persoon horen.\n\n"
        "Gebruik: inbeeld person links ID\n"
        "         inbeeld person link ID1 ID2 --reason TEKST\n"
        "         inbeeld person unlink RECORD --reason TEKST\n"
        "         inbeeld person unlink REF --sender AFZENDER --reason TEKST\n"
        "         inbeeld person review [--state open|linked|different|all]\n"
        "         inbeeld person review ID --same|--different --reason TEKST\n\n"
        "links   de records van persoon ID: afzender, ref, hoe gekoppeld en de\n"
        "        vaste gegevens; waar de records het oneens zijn staat '<- wijkt\n"
        "        af'. Een inzage: vastgelegd in het auditlog.\n"
        "link    koppelt persoon ID1 en ID2 met de hand (regel 5); geweigerd als\n"
        "        ze verschillende BSN's hebben (regel 2).\n"
        "unlink  haalt record RECORD (of REF van AFZENDER) uit zijn persoon: het\n"
        "        wordt weer de persoon die het was. Geweigerd als een ander record\n"
        "        van de persoon hetzelfde BSN heeft (regel 1).\n"
        "review  de paren die misschien één persoon zijn (regel 4), de twee records\n"
        "        naast elkaar (standaard de open paren; een inzage, vastgelegd);\n"
        "        met ID en --same of --different beslist u: zelfde persoon\n"
        "        (gekoppeld) of niet (nooit meer voorgesteld).\n"
        "Elke koppeling, ontkoppeling en elk besluit komt met de reden in het\n"
        "auditlog ('inbeeld audit show --person REF').\n\n"
        "  --state TOESTAND   review: open (standaard), linked, different of all\n"
        "  --same, --different  review ID: zelfde persoon of niet\n\n"
        "Afsluitcode: 0 goed, 1 verkeerde opdracht, 2 geweigerd door de regels\n"
        "(link, unlink, review), 3 persoon, record of paar niet gevonden,\n"
        "4 database- of bestandsfout.\n");
}

static const char *org_name(ib_store *st, int64_t id, char *buf, size_t size)
{
    ib_organisation o;
    ib_err err;
    if (id == 0 || ib_store_get_organisation_by_id(st, id, &o, &err) != IB_OK)
        return "?";
    snprintf(buf, size, "%s (%s)", o.name, o.ref);
    return buf;
}

/* The stays are gathered first: those of different senders' records that
 * overlap or touch are one stay of the person (docs/linkage.md), as the
 * monitor counts them. */
static int on_stay(void *ctx, const ib_stay *s)
{
    person_ctx *pc = ctx;
    if (pc->nstays == pc->cap_stays) {
        size_t cap = pc->cap_stays ? 2 * pc->cap_stays : 8;
        ib_stay *v = realloc(pc->stays, cap * sizeof *v);
        if (!v)
            return IB_ENOMEM;
        pc->stays = v;
        pc->cap_stays = cap;
    }
    pc->stays[pc->nstays++] = *s;
    return 0;
}

static int by_arrival(const void *a, const void *b)
{
    const ib_stay *x = a, *y = b;
    return (x->arrival > y->arrival) - (x->arrival < y->arrival);
}

static bool same_record(const ib_stay *a, const ib_stay *b)
{
    return a->meta.sender_id == b->meta.sender_id && strcmp(a->person_ref, b->person_ref) == 0;
}

static int add_joined_stays(person_ctx *pc)
{
    if (pc->nstays > 1)
        qsort(pc->stays, pc->nstays, sizeof *pc->stays, by_arrival);
    int rc = 0;
    for (size_t i = 0; i < pc->nstays && rc == 0;) {
        ib_stay cur = pc->stays[i++];
        int senders = 1;
        /* As the monitor joins them (src/monitor/data.c): a stay of another
         * record than the first that overlaps or touches. */
        while (i < pc->nstays && !same_record(&pc->stays[i], &cur) &&
               (cur.departure == IB_DATE_NONE || pc->stays[i].arrival <= cur.departure + 1)) {
            const ib_stay *n = &pc->stays[i++];
            if (cur.departure != IB_DATE_NONE &&
                (n->departure == IB_DATE_NONE || n->departure > cur.departure))
                cur.departure = n->departure;
            senders++;
        }
        rc = ib_tl_add(&pc->tl, cur.arrival, cur.departure, true, 0,
                       "verblijf in Nederland%s%s",
                       cur.departure == IB_DATE_NONE ? " (nog aanwezig)" : "",
                       senders > 1 ? " (gemeld door meer afzenders)" : "");
    }
    return rc;
}

/* "Bekend bij": every sender's record of the person, with how it was
 * linked (docs/linkage.md). */
static int print_record(void *ctx, const ib_person_record *r)
{
    (void)ctx;
    static const char *const how[] = {"eigen record", "zelfde BSN",
                                      "naam, geboortedatum en nationaliteit",
                                      "met de hand gekoppeld"};
    printf("  %-30s %-16s %s%s%s (%s)\n", r->sender_ref, r->p.ref, r->p.family_name,
           r->p.given_names[0] ? ", " : "", r->p.given_names, how[r->rule]);
    return 0;
}

static int on_registration(void *ctx, const ib_registration *r)
{
    person_ctx *pc = ctx;
    return ib_tl_add(&pc->tl, r->start, r->end, true, 1, "inschrijving %s%s%s",
                     r->kind == IB_REG_BRP ? "BRP (ingezetene)"
                                           : "RNI (niet-ingezetene)",
                     r->municipality[0] ? " " : "", r->municipality);
}

static int on_employment(void *ctx, const ib_employment *e)
{
    person_ctx *pc = ctx;
    char emp[260], ag[260], wage[32] = "loon onbekend", money[24];
    if (e->monthly_wage != IB_CENTS_NONE)
        snprintf(wage, sizeof wage, "€ %s/mnd",
                 ib_money_format(e->monthly_wage, money, sizeof money));
    org_name(pc->st, e->employer_id, emp, sizeof emp);
    if (e->agency_id)
        return ib_tl_add(&pc->tl, e->start, e->end, true, 2,
                         "werk: %s via %s bij %s, %s",
                         ib_code_text(ib_contract_codes, (int)e->contract),
                         org_name(pc->st, e->agency_id, ag, sizeof ag), emp, wage);
    return ib_tl_add(&pc->tl, e->start, e->end, true, 2, "werk: %s bij %s, %s",
                     ib_code_text(ib_contract_codes, (int)e->contract), emp, wage);
}

static int on_housing(void *ctx, const ib_housing *h)
{
    person_ctx *pc = ctx;
    char by[260] = "";
    if (h->provided_by_id) {
        char name[260];
        snprintf(by, sizeof by, ", bed van %s",
                 org_name(pc->st, h->provided_by_id, name, sizeof name));
    }
    return ib_tl_add(&pc->tl, h->start, h->end, true, 3, "wonen: locatie %s%s",
                     h->location_ref, by);
}

static int on_event(void *ctx, const ib_life_event *ev)
{
    static const char *const text[] = {
        "partner (begin)", "partner (einde)", "geboorte kind", "huis gekocht",
        "huis verkocht"};
    person_ctx *pc = ctx;
    return ib_tl_add(&pc->tl, ev->date, IB_DATE_NONE, false, 4,
                     "levensgebeurtenis: %s", text[ev->event]);
}

/* "contact: informatie (balie, in pl, begrepen: ja); onderwerpen:
 * registration housing". */
static int on_contact(void *ctx, const ib_contact *c)
{
    static const char *const kind[] = {"informatie", "aanbod taalcursus",
                                       "aanbod loopbaanadvies", "overig"};
    static const char *const channel[] = {"", "balie", "telefoon", "huisbezoek",
                                          "online", "brief", "anders"};
    static const char *const understood[] = {"", "ja", "deels", "nee"};
    person_ctx *pc = ctx;
    char how[160] = "";
    int n = 0;
    if (c->channel != IB_CHANNEL_NONE)
        n += snprintf(how + n, sizeof how - (size_t)n, "%s", channel[c->channel]);
    if (c->language[0])
        n += snprintf(how + n, sizeof how - (size_t)n, "%sin %s", n ? ", " : "", c->language);
    if (c->understood != IB_UNDERSTOOD_UNKNOWN)
        n += snprintf(how + n, sizeof how - (size_t)n, "%sbegrepen: %s", n ? ", " : "",
                      understood[c->understood]);
    return ib_tl_add(&pc->tl, c->date, IB_DATE_NONE, false, 5, "contact: %s%s%s%s%s%s",
                     kind[c->kind], how[0] ? " (" : "", how, how[0] ? ")" : "",
                     c->topics[0] ? "; onderwerpen: " : "", c->topics);
}

static void print_person(const ib_person *p, bool show_bsn, const char *sender)
{
    char bd[IB_DATE_STRLEN];
    printf("Persoon %s (afzender %s)\n", p->ref, sender);
    printf("  Naam            %s%s%s\n", p->family_name,
           p->given_names[0] ? ", " : "", p->given_names);
    printf("  Geboren         %s (%d jaar)\n", ib_date_format(p->birth_date, bd),
           ib_date_age_years(p->birth_date, ib_date_today()));
    printf("  Geslacht        %s\n", p->sex == IB_SEX_UNKNOWN ? "onbekend"
                                     : ib_code_text(ib_sex_codes, (int)p->sex));
    const char *cn = ib_country_name(p->nationality);
    printf("  Nationaliteit   %s (%s)%s\n", p->nationality, cn ? cn : "?",
           ib_country_is_eu(p->nationality) ? ", EU/EER" : "");
    const char *ln = p->language[0] ? ib_language_name(p->language) : NULL;
    printf("  Taal            %s%s%s%s\n", p->language[0] ? p->language : "onbekend",
           ln ? " (" : "", ln ? ln : "", ln ? ")" : "");
    printf("  Categorie       %s\n", ib_code_text(ib_category_codes, (int)p->category));
    if (!p->bsn[0])
        printf("  BSN             onbekend\n");
    else if (show_bsn)
        printf("  BSN             %s\n", p->bsn);
    else
        printf("  BSN             *****%s (--show-bsn toont alles)\n", p->bsn + 5);
}


static int show_person(ib_store *st, const char *sender, const char *ref,
                       bool show_bsn)
{
    ib_err err;
    ib_err_clear(&err);
    int64_t sender_id = 0;
    if (sender && ib_store_sender(st, sender, false, &sender_id, &err) != IB_OK)
        return ib_cli_fail("person", &err);
    ib_person p;
    if (ib_store_get_person(st, sender_id, ref, &p, &err) != IB_OK)
        return ib_cli_fail("person", &err);

    char sender_ref[IB_REF_MAX + 1];
    ib_cli_sender_ref(st, p.meta.sender_id, sender_ref);

    ib_audit_entry a = {.entity_id = p.meta.id, .person_id = p.person_id};
    ib_strlcpy(a.actor, "cli", sizeof a.actor);
    ib_strlcpy(a.action, show_bsn ? "read-bsn" : "read", sizeof a.action);
    ib_strlcpy(a.entity, "person", sizeof a.entity);
    ib_strlcpy(a.detail, "inbeeld person show", sizeof a.detail);
    if (ib_store_audit_reads(st, &a, 1, &err) != IB_OK)
        return ib_cli_fail("person", &err);

    person_ctx pc = {.st = st};
    ib_filter f = {.person_id = p.person_id};
    int rc = ib_store_each_stay(st, &f, on_stay, &pc, &err);
    if (!rc && add_joined_stays(&pc) != 0)
        rc = ib_err_set(&err, IB_ENOMEM, "onvoldoende geheugen");
    free(pc.stays);
    if (!rc) rc = ib_store_each_registration(st, &f, on_registration, &pc, &err);
    if (!rc) rc = ib_store_each_employment(st, &f, on_employment, &pc, &err);
    if (!rc) rc = ib_store_each_housing(st, &f, on_housing, &pc, &err);
    if (!rc) rc = ib_store_each_life_event(st, &f, on_event, &pc, &err);
    if (!rc) rc = ib_store_each_contact(st, &f, on_contact, &pc, &err);
    if (rc) {
        ib_tl_free(&pc.tl);
        return ib_cli_fail("person", &err);
    }
    print_person(&p, show_bsn, sender_ref);
    printf("\nBekend bij\n");
    if (ib_store_each_record(st, p.person_id, 0, print_record, NULL, &err) != IB_OK) {
        ib_tl_free(&pc.tl);
        return ib_cli_fail("person", &err);
    }
    printf("\nTijdlijn\n");
    ib_tl_print(&pc.tl, stdout);
    ib_tl_free(&pc.tl);
    return IB_EXIT_OK;
}

static int person_run(int argc, char **argv)
{
    static const struct option opts[] = {
        IB_CLI_DB_OPTIONS, {"sender", required_argument, NULL, 's'},
        {"show-bsn", no_argument, NULL, 'b'}, {"out", required_argument, NULL, 'o'},
        {"reason", required_argument, NULL, 'r'}, {"state", required_argument, NULL, 't'},
        {"same", no_argument, NULL, 'S'}, {"different", no_argument, NULL, 'D'},
        {0, 0, 0, 0}};
    ib_cli_db db;
    ib_cli_db_defaults(&db);
    const char *sender = NULL, *out = NULL, *reason = NULL;
    bool show_bsn = false;
    ib_cli_link_opts lo = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db.path = optarg; break;
        case 'k': db.key = optarg; break;
        case 's': sender = optarg; break;
        case 'b': show_bsn = true; break;
        case 'o': out = optarg; break;
        case 'r': reason = optarg; break;
        case 't': lo.state = optarg; break;
        case 'S':
        case 'D':
            if (lo.decision)
                return ib_cli_usage("person", "--same of --different, niet beide");
            lo.decision = c == 'S' ? 1 : -1;
            break;
        default: return ib_cli_usage("person", "onbekende optie");
        }
    }
    if (optind < argc && ib_cli_is_link_command(argv[optind])) {
        if (show_bsn || out)
            return ib_cli_usage("person", "--show-bsn hoort bij show, --out bij export");
        lo.sender = sender;
        lo.reason = reason;
        return ib_cli_person_linkage(&db, argv[optind], argc - optind - 1,
                                     argv + optind + 1, &lo);
    }
    if (lo.state || lo.decision)
        return ib_cli_usage("person", "--state, --same en --different horen bij review");
    const char *sub = argc - optind == 2 ? argv[optind] : "";
    bool show = strcmp(sub, "show") == 0, export = strcmp(sub, "export") == 0,
         erase = strcmp(sub, "erase") == 0;
    if (!show && !export && !erase)
        return ib_cli_usage("person", "gebruik: inbeeld person show|export|erase REF");
    if ((show_bsn && !show) || (out && !export) || (reason && !erase))
        return ib_cli_usage("person", "--show-bsn hoort bij show, --out bij export, "
                            "--reason bij erase");
    if (erase && (!reason || !reason[strspn(reason, " \t")]))
        return ib_cli_usage("person", "erase heeft --reason TEKST nodig");
    ib_store *st = ib_cli_open(&db, false);
    if (!st)
        return IB_EXIT_FAILURE;
    const char *ref = argv[optind + 1];
    int rc = show ? show_person(st, sender, ref, show_bsn)
             : export ? ib_cli_person_export(st, sender, ref, out)
                      : ib_cli_person_erase(st, sender, ref, reason);
    ib_store_close(st);
    return rc;
}

const ib_cli_command ib_cmd_person = {
    "person", "een persoon tonen, exporteren (inzage) of wissen: person "
    "show|export|erase REF; records koppelen: person links|link|unlink|review",
    person_run,
    person_help};
