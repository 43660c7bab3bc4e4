/* cmd_audit.c — `inbeeld audit verify` checks the hash chain of the audit
 * log; `inbeeld audit show --person REF` lists who did what with one
 * person's data (the "who looked at me" report of the GDPR right of
 * access). */
#include <getopt.h>
#include <sodium.h>
#include <string.h>

#include "cli/cli.h"

static void audit_help(FILE *out)
{
    fprintf(out,
        "Gebruik:\n"
        "  inbeeld audit verify\n"
        "  inbeeld audit show --person REF [--sender AFZENDER]\n\n"
        "verify herberekent de hashketen van het auditlog en meldt de eerste\n"
        "regel die gewijzigd, ingevoegd of verwijderd is (exitcode 4).\n"
        "show toont elke inzage en wijziging van de gegevens van één persoon:\n"
        "wanneer, wie, wat en met welk doel. Het opvragen zelf wordt ook\n"
        "vastgelegd.\n"
        "  --db PAD, --key PAD\n");
}

static int print_entry(void *ctx, const ib_audit_entry *e)
{
    (*(long *)ctx)++;
    printf("%-24s %-28s %-12s %-12s %s\n", e->at, e->actor, e->action, e->entity,
           e->detail);
    return 0;
}

static int audit_run(int argc, char **argv)
{
    static const struct option opts[] = {
        IB_CLI_DB_OPTIONS, {"person", required_argument, NULL, 'p'},
        {"sender", required_argument, NULL, 's'}, {0, 0, 0, 0}};
    ib_cli_db db;
    ib_cli_db_defaults(&db);
    const char *person = NULL, *sender = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db.path = optarg; break;
        case 'k': db.key = optarg; break;
        case 'p': person = optarg; break;
        case 's': sender = optarg; break;
        default: return ib_cli_usage("audit", "onbekende optie");
        }
    }
    if (argc - optind != 1)
        return ib_cli_usage("audit", "gebruik: inbeeld audit verify|show");
    const char *sub = argv[optind];
    bool verify = strcmp(sub, "verify") == 0;
    if (!verify && strcmp(sub, "show") != 0)
        return ib_cli_usage("audit", "onbekende opdracht '%s'", sub);
    if (!verify && !person)
        return ib_cli_usage("audit", "show heeft --person REF nodig");
    ib_store *st = ib_cli_open(&db, false);
    if (!st)
        return IB_EXIT_FAILURE;
    ib_err err;
    ib_err_clear(&err);
    int rc;
    if (verify) {
        int64_t checked = 0;
        rc = ib_store_audit_verify(st, &checked, &err);
        if (rc == IB_OK)
            printf("auditlog in orde: %lld regels gecontroleerd\n", (long long)checked);
    } else {
        int64_t sender_id = 0;
        ib_person p;
        rc = sender ? ib_store_sender(st, sender, false, &sender_id, &err) : IB_OK;
        if (rc == IB_OK)
            rc = ib_store_get_person(st, sender_id, person, &p, &err);
        if (rc == IB_OK) {
            sodium_memzero(p.bsn, sizeof p.bsn);
            ib_audit_entry a = {.entity_id = p.meta.id, .person_id = p.meta.id};
            ib_strlcpy(a.actor, "cli", sizeof a.actor);
            ib_strlcpy(a.action, "read-audit", sizeof a.action);
            ib_strlcpy(a.entity, "person", sizeof a.entity);
            ib_strlcpy(a.detail, "inbeeld audit show", sizeof a.detail);
            rc = ib_store_audit_reads(st, &a, 1, &err);
        }
        if (rc == IB_OK) {
            long n = 0;
            printf("%-24s %-28s %-12s %-12s %s\n", "tijdstip", "wie", "actie", "soort",
                   "omschrijving");
            rc = ib_store_each_audit(st, p.meta.id, print_entry, &n, &err);
            if (rc == IB_OK)
                printf("%ld regels\n", n);
        }
    }
    ib_store_close(st);
    return rc == IB_OK ? IB_EXIT_OK : ib_cli_fail("audit", &err);
}

const ib_cli_command ib_cmd_audit = {
    "audit", "auditlog controleren of tonen: audit verify | audit show --person REF",
    audit_run, audit_help};
