/* cmd_audit.c — `inbeeld audit verify` checks the hash chains of the audit
 * trail (the change log and the read log); `inbeeld audit show --person
 * REF` lists who did what with one person's data (the "who looked at me"
 * report of the GDPR right of access); `inbeeld audit forget-reads` lets a
 * database go on after its read log was lost beyond repair, on record. */
#include <getopt.h>
#include <sodium.h>
#include <string.h>

#include "cli/cli.h"

static void audit_help(FILE *out)
{
    fprintf(out,
        "Gebruik:\n"
        "  inbeeld audit verify\n"
        "  inbeeld audit show --person REF [--sender AFZENDER]\n"
        "  inbeeld audit forget-reads --reason TEKST\n\n"
        "Het auditlog bestaat uit het wijzigingslog (in de database) en het\n"
        "leeslog (DB.reads ernaast, elke inzage van persoonsgegevens).\n"
        "verify herberekent beide hashketens en meldt de eerste regel die\n"
        "gewijzigd, ingevoegd of verwijderd is, of dat het leeslog ontbreekt\n"
        "(exitcode 4).\n"
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

static int audit_verify(ib_store *st, ib_err *err)
{
    int64_t checked = 0;
    int rc = ib_store_audit_verify(st, &checked, err);
    if (rc == IB_OK)
        printf("auditlog in orde: %lld regels gecontroleerd\n", (long long)checked);
    return rc;
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
    ib_audit_entry a = {.entity_id = p.meta.id, .person_id = p.meta.id};
    ib_strlcpy(a.actor, "cli", sizeof a.actor);
    ib_strlcpy(a.action, "read-audit", sizeof a.action);
    ib_strlcpy(a.entity, "person", sizeof a.entity);
    ib_strlcpy(a.detail, "inbeeld audit show", sizeof a.detail);
    if ((rc = ib_store_audit_reads(st, &a, 1, err)) != IB_OK)
        return rc;
    long n = 0;
    printf("%-24s %-28s %-12s %-12s %s\n", "tijdstip", "wie", "actie", "soort",
           "omschrijving");
    rc = ib_store_each_audit(st, p.meta.id, print_entry, &n, err);
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
        {"reason", required_argument, NULL, 'r'}, {0, 0, 0, 0}};
    ib_cli_db db;
    ib_cli_db_defaults(&db);
    const char *person = NULL, *sender = NULL, *reason = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db.path = optarg; break;
        case 'k': db.key = optarg; break;
        case 'p': person = optarg; break;
        case 's': sender = optarg; break;
        case 'r': reason = optarg; break;
        default: return ib_cli_usage("audit", "onbekende optie");
        }
    }
    if (argc - optind != 1)
        return ib_cli_usage("audit", "gebruik: inbeeld audit verify|show|forget-reads");
    const char *sub = argv[optind];
    bool verify = strcmp(sub, "verify") == 0, show = strcmp(sub, "show") == 0,
         forget = strcmp(sub, "forget-reads") == 0;
    if (!verify && !show && !forget)
        return ib_cli_usage("audit", "onbekende opdracht '%s'", sub);
    if (show && !person)
        return ib_cli_usage("audit", "show heeft --person REF nodig");
    if (forget && (!reason || !reason[0]))
        return ib_cli_usage("audit", "forget-reads heeft --reason TEKST nodig");
    ib_store *st = ib_cli_open(&db, false);
    if (!st)
        return IB_EXIT_FAILURE;
    ib_err err;
    ib_err_clear(&err);
    int rc = verify ? audit_verify(st, &err)
             : show ? audit_show(st, person, sender, &err)
                    : audit_forget_reads(st, reason, &err);
    ib_store_close(st);
    return rc == IB_OK ? IB_EXIT_OK : ib_cli_fail("audit", &err);
}

const ib_cli_command ib_cmd_audit = {
    "audit", "auditlog controleren of tonen: audit verify | audit show --person REF"
             " | audit forget-reads --reason TEKST",
    audit_run, audit_help};
