/* cmd_demo.c — `inbeeld demo`: writes a synthetic population in the
 * exchange format (src/demo, docs/demo-data.md) into a folder, ready for
 * `inbeeld import --sender demo DIR`, or with --layout chain into one
 * sub-folder per sender, listed in senders.txt. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "demo/demo.h"

static void demo_help(FILE *out)
{
    fprintf(out,
        "Gebruik: inbeeld demo --out MAP [--persons N] [--seed S] [--at DATUM]\n"
        "                     [--layout single|chain]\n\n"
        "Maakt verzonnen demogegevens in het uitwisselformaat: organisaties,\n"
        "locaties, personen, verblijven, inschrijvingen, banen, huisvesting,\n"
        "levensgebeurtenissen en contactmomenten, als CSV-bestanden in MAP. Vertrek volgt een\n"
        "model dat is afgestemd op de CBS-cijfers over blijven (zie\n"
        "docs/demo-data.md). Dezelfde N en S geven byte voor byte dezelfde\n"
        "bestanden. Inlezen: inbeeld import --sender demo MAP\n\n"
        "Met --layout chain levert elke partij in de keten apart aan: de\n"
        "gemeente, uitzendbureaus, werkgevers en huisvesters, elk in een eigen\n"
        "submap met eigen sleutels en eigen schrijfwijze van namen en adressen.\n"
        "MAP/%s noemt de submappen en afzenders in inleesvolgorde:\n"
        "  inbeeld import --sender AFZENDER MAP/SUBMAP\n\n"
        "  --out MAP          map voor de bestanden (wordt aangemaakt)\n"
        "  --persons N        aantal personen (standaard 5000, max %d)\n"
        "  --seed S           startwaarde van het toeval (standaard 1)\n"
        "  --at JJJJ-MM-DD    peildatum \"nu\" (standaard 2025-12-31): wie dan\n"
        "                     nog hier is, heeft geen vertrekdatum\n"
        "  --layout L         single (standaard): één map, één afzender;\n"
        "                     chain: een submap per afzender\n",
        IB_DEMO_SENDERS_FILE, IB_DEMO_PERSONS_MAX);
}

typedef struct progress_ctx {
    bool tty;
    time_t last;
} progress_ctx;

static int on_progress(void *ctx, int64_t done, int64_t total)
{
    progress_ctx *pc = ctx;
    if (!pc->tty)
        return 0;
    time_t now = time(NULL);
    if (done < total && now == pc->last)
        return 0;
    pc->last = now;
    fprintf(stderr, "\rpersonen: %" PRId64 " van %" PRId64 " (%d%%)", done, total,
            (int)(done * 100 / total));
    if (done == total)
        fputc('\n', stderr);
    return 0;
}

static bool parse_count(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > IB_DEMO_PERSONS_MAX)
        return false;
    *out = v;
    return true;
}

static bool parse_seed(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end)
        return false;
    *out = v;
    return true;
}

static void print_summary(const char *dir, const ib_demo_summary *sum,
                          const ib_demo_opts *o)
{
    char at[IB_DATE_STRLEN];
    printf("Demogegevens geschreven naar %s%s:\n", dir,
           o->layout == IB_DEMO_LAYOUT_CHAIN ? " (alle afzenders samen)" : "");
    for (int k = 0; k < IB_KIND_COUNT; k++) {
        char name[40];
        snprintf(name, sizeof name, "%s.csv", ib_kind_file_stem((ib_kind)k));
        printf("  %-20s %10" PRId64 " regels\n", name, sum->rows[k]);
    }
    printf("Op %s nog in Nederland: %" PRId64 " van %" PRId64 " personen.\n",
           ib_date_format(o->at, at), sum->present, o->persons);
    if (o->layout != IB_DEMO_LAYOUT_CHAIN)
        return;
    printf("Keten: %" PRId64 " afzenders (%s/%s); %" PRId64
           " regels zonder bekend BSN, %" PRId64 " naamgenoten, %" PRId64
           " regels die op een ander lijken.\n",
           sum->senders, dir, IB_DEMO_SENDERS_FILE, sum->without_bsn,
           sum->namesakes, sum->lookalikes);
}

static int demo_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},
        {"persons", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"at", required_argument, NULL, 'a'},
        {"layout", required_argument, NULL, 'l'},
        {0, 0, 0, 0}};
    ib_demo_opts o;
    ib_demo_opts_init(&o);
    const char *dir = NULL;
    ib_err err;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'o': dir = optarg; break;
        case 'n':
            if (!parse_count(optarg, &o.persons))
                return ib_cli_usage("demo", "--persons: '%s' is geen aantal van 1 "
                                    "tot en met %d", optarg, IB_DEMO_PERSONS_MAX);
            break;
        case 's':
            if (!parse_seed(optarg, &o.seed))
                return ib_cli_usage("demo", "--seed: '%s' is geen getal", optarg);
            break;
        case 'a':
            if (ib_date_parse(optarg, strlen(optarg), &o.at, &err) != IB_OK)
                return ib_cli_usage("demo", "--at: %s", err.msg);
            break;
        case 'l':
            if (ib_demo_layout_parse(optarg, &o.layout, &err) != IB_OK)
                return ib_cli_usage("demo", "--layout: %s", err.msg);
            break;
        default: return ib_cli_usage("demo", "onbekende optie");
        }
    }
    if (optind < argc)
        return ib_cli_usage("demo", "onverwacht argument '%s'", argv[optind]);
    if (!dir)
        return ib_cli_usage("demo", "--out MAP ontbreekt");
    progress_ctx pc = {ib_cli_is_tty(), 0};
    o.progress = on_progress;
    o.progress_ctx = &pc;
    ib_demo_summary sum;
    if (ib_demo_generate(&o, dir, &sum, &err) != IB_OK) {
        if (err.code == IB_EINVAL)
            return ib_cli_usage("demo", "%s", err.msg);
        return ib_cli_fail("demo", &err);
    }
    print_summary(dir, &sum, &o);
    return IB_EXIT_OK;
}

const ib_cli_command ib_cmd_demo = {
    "demo", "demogegevens maken (verzonnen personen, uitwisselformaat)",
    demo_run, demo_help};
