/* cmd_audit.c — `inbeeld audit verify` checks the hash chains of the audit
 * trail (the change log and the read log) and their heads, and with
 * --anchor FILE both logs against an anchor that `inbeeld audit anchor`
 * printed earlier for safekeeping elsewhere; `inbeeld audit show --person
 * REF` lists who did what with one person's data (the "who looked at me"
 * report of the GDPR right of access); `inbeeld audit forget-reads` lets a
 * database go on after its read log was lost beyond repair, on record. */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <string.h>

#include "cli/cli.h"

static void audit_help(FILE *out)
{
    fprintf(out,
        "Gebruik:\n"
        "  inbeeld audit verify [--anchor BESTAND]\n"
        "  inbeeld audit anchor\n"
        "  inbeeld audit show --person REF [--sender AFZENDER]\n"
        "  inbeeld audit forget-reads --reason TEKST\n\n"
        "Het auditlog bestaat uit het wijzigingslog (in de database) en het\n"
        "leeslog (DB.reads ernaast, elke inzage van persoonsgegevens).\n"
        "verify herberekent beide hashketens en meldt de eerste regel die\n"
        "gewijzigd, ingevoegd of verwijderd is, of dat het leeslog ontbreekt\n"
        "(exitcode 4). Elk log heeft een kop met het aantal regels en de\n"
        "laatste hash, met de sleutel ondertekend en naar het andere log\n"
        "verwezen: laatste regels verwijderd, een log leeggemaakt of een\n"
        "oudere kopie van het leeslog teruggezet valt zo op.\n"
        "anchor controleert het auditlog en drukt dan het anker af: hoeveel\n"
        "regels elk log heeft en de hash van de laatste. Bewaar het buiten de\n"
        "server (een ander systeem, papier); verify --anchor BESTAND meldt\n"
        "daarna elk log dat korter is dan het anker of tot daar anders, ook\n"
        "als database en leeslog samen uit een oude kopie zijn teruggezet.\n"
        "show toont elke inzage en wijziging van de gegevens van één persoon:\n"
        "wanneer, wie, wat en met welk doel. Het opvragen zelf wordt ook\n"
        "vastgelegd.\n"
        "forget-reads is alleen voor een leeslog dat verloren is en niet uit\n"
        "een reservekopie terug kan: de database vergeet het (met de reden in\n"
        "het wijzigingslog) en begint bij de volgende inzage een nieuw, leeg\n"
        "leeslog.\n"
        "  --db PAD, --key PAD\n");
}

static int print_entry(void *ctx, const ib_audit_entry *e)
{
    (*(long *)ctx)++;
    printf("%-24s %-28s %-12s %-12s %s\n", e->at, e->actor, e->action, e->entity,
           e->detail);
    return 0;
}

/* The saved anchor in out; IB_EIO when the file cannot be read. */
static int read_anchor(const char *path, ib_audit_anchor *out, ib_err *err)
{
    char text[2048];
    FILE *f = fopen(path, "r");
    if (!f)
        return ib_err_set(err, IB_EIO, "anker %s niet te lezen: %s", path, strerror(errno));
    size_t n = fread(text, 1, sizeof text - 1, f);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed)
        return ib_err_set(err, IB_EIO, "anker %s niet te lezen", path);
    text[n] = '\0';
    int rc = ib_audit_anchor_parse(text, out, err);
    if (rc != IB_OK) {
        char why[200];
        ib_strlcpy(why, err->msg, sizeof why);
        ib_err_set(err, rc, "%s: %s", path, why);
    }
    return rc;
}

static int audit_verify(ib_store *st, const char *anchor_path, ib_err *err)
{
    int64_t checked = 0;
    ib_audit_anchor anchor;
    int rc = anchor_path ? read_anchor(anchor_path, &anchor, err) : IB_OK;
    if (rc == IB_OK)
        rc = ib_store_audit_verify_anchor(st, anchor_path ? &anchor : NULL, NULL,
                                          &checked, err);
    if (rc == IB_OK)
        printf("auditlog in orde: %lld regels gecontroleerd%s\n", (long long)checked,
               anchor_path ? ", het anker klopt" : "");
    return rc;
}

/* Verifies, then prints the anchor of the logs as verified. */
static int audit_anchor(ib_store *st, ib_err *err)
{
    ib_audit_anchor now;
    char text[512];
    int rc = ib_store_audit_verify_anchor(st, NULL, &now, NULL, err);
    if (rc != IB_OK)
        return rc;
    ib_audit_anchor_format(&now, text, sizeof text);
    fputs(text, stdout);
    return IB_OK;
}

/* The "who looked at me" report; asking for it is itself a read. */
static int audit_show(ib_store *st, const char *person, const char *sender, ib_err *err)
{
    int64_t sender_id = 0;
    ib_person p;
    int rc = sender ? ib_store_sender(st, sender, false, &sender_id, err) : IB_OK;
    if (rc == IB_OK)
        rc = ib_store_get_person(st, sender_id, person, &p, err);
    if (rc != IB_OK)
        return rc;
    sodium_memzero(p.bsn, sizeof p.bsn);
    ib_audit_entry a = {.entity_id = p.meta.id, .person_id = p.person_id};
    ib_strlcpy(a.actor, "cli", sizeof a.actor);
    ib_strlcpy(a.action, "read-audit", sizeof a.action);
    ib_strlcpy(a.entity, "person", sizeof a.entity);
    ib_strlcpy(a.detail, "inbeeld audit show", sizeof a.detail);
    if ((rc = ib_store_audit_reads(st, &a, 1, err)) != IB_OK)
        return rc;
    long n = 0;
    printf("%-24s %-28s %-12s %-12s %s\n", "tijdstip", "wie", "actie", "soort",
           "omschrijving");
    rc = ib_store_each_audit(st, p.person_id, print_entry, &n, err);
    if (rc == IB_OK)
        printf("%ld regels\n", n);
    return rc;
}

static int audit_forget_reads(ib_store *st, const char *reason, ib_err *err)
{
    ib_store_set_actor(st, "cli");
    int rc = ib_store_forget_reads(st, reason, err);
    if (rc == IB_OK)
        printf("leeslog vergeten (vastgelegd in het wijzigingslog); de volgende "
               "inzage begint een nieuw leeslog\n");
    return rc;
}

static int audit_run(int argc, char **argv)
{
    static const struct option opts[] = {
        IB_CLI_DB_OPTIONS, {"person", required_argument, NULL, 'p'},
        {"sender", required_argument, NULL, 's'},
        {"reason", required_argument, NULL, 'r'},
        {"anchor", required_argument, NULL, 'a'}, {0, 0, 0, 0}};
    ib_cli_db db;
    ib_cli_db_defaults(&db);
    const char *person = NULL, *sender = NULL, *reason = NULL, *anchor = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db.path = optarg; break;
        case 'k': db.key = optarg; break;
        case 'p': person = optarg; break;
        case 's': sender = optarg; break;
        case 'r': reason = optarg; break;
        case 'a': anchor = optarg; break;
        default: return ib_cli_usage("audit", "onbekende optie");
        }
    }
    if (argc - optind != 1)
        return ib_cli_usage("audit", "gebruik: inbeeld audit "
                                     "verify|anchor|show|forget-reads");
    const char *sub = argv[optind];
    bool verify = strcmp(sub, "verify") == 0, show = strcmp(sub, "show") == 0,
         forget = strcmp(sub, "forget-reads") == 0, anchor_now = strcmp(sub, "anchor") == 0;
    if (!verify && !show && !forget && !anchor_now)
        return ib_cli_usage("audit", "onbekende opdracht '%s'", sub);
    if (anchor && !verify)
        return ib_cli_usage("audit", "--anchor hoort bij verify");
    if (show && !person)
        return ib_cli_usage("audit", "show heeft --person REF nodig");
    if (forget && (!reason || !reason[0]))
        return ib_cli_usage("audit", "forget-reads heeft --reason TEKST nodig");
    ib_store *st = ib_cli_open(&db, false);
    if (!st)
        return IB_EXIT_FAILURE;
    ib_err err;
    ib_err_clear(&err);
    int rc = verify ? audit_verify(st, anchor, &err)
             : anchor_now ? audit_anchor(st, &err)
             : show ? audit_show(st, person, sender, &err)
                    : audit_forget_reads(st, reason, &err);
    ib_store_close(st);
    return rc == IB_OK ? IB_EXIT_OK : ib_cli_fail("audit", &err);
}

const ib_cli_command ib_cmd_audit = {
    "audit", "auditlog controleren of tonen: audit verify [--anchor BESTAND] |"
             " audit anchor | audit show --person REF | audit forget-reads --reason TEKST",
    audit_run, audit_help};
