/* test_ingest.c — the exchange-format parsers without a database: header
 * matching, every value rule of every record kind with its exact message,
 * the CSV dialects (BOM, ';' with ',' decimals, CRLF, quoting), row-level
 * problems, duplicate keys, the JSON form and the three report writers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"
#include "ingest/ingest_internal.h"

/* ------------------------------------------------------------ helpers */

/* Checks CSV text of one kind and returns the text report (static). */
static const char *check(ib_kind kind, const char *csv)
{
    static char *out;
    size_t len;
    ib_import_report rep;
    ib_err err;
    ib_import_report_init(&rep);
    int rc = ib_check_csv_mem(kind, ib_kind_file_stem(kind), csv, strlen(csv),
                              &rep, &err);
    assert_true(rc == IB_OK || rc == IB_EINVAL);
    free(out);
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    assert_int_equal(ib_import_report_write_text(&rep, f), IB_OK);
    fclose(f);
    ib_import_report_free(&rep);
    return out;
}

/* The single rejection line of checking csv, without indentation. */
static const char *first_rejection(ib_kind kind, const char *csv)
{
    static char line[1024];
    const char *r = check(kind, csv);
    const char *p = strstr(r, "\n  ");
    if (!p)
        return "";
    p += 3;
    size_t n = strcspn(p, "\n");
    snprintf(line, sizeof line, "%.*s", (int)n, p);
    return line;
}

static void expect_ok(ib_kind kind, const char *csv)
{
    const char *r = check(kind, csv);
    if (strstr(r, "afgewezen —") || strstr(r, "\n  ")) {
        print_message("unexpected report:\n%s", r);
        fail();
    }
}

static void expect(ib_kind kind, const char *csv, const char *want)
{
    const char *got = first_rejection(kind, csv);
    if (strcmp(got, want) != 0) {
        print_message("want: %s\ngot:  %s\n", want, got);
        fail();
    }
}

#define PERSONS "person_ref,bsn,family_name,given_names,birth_date,sex,nationality,language,category\n"
#define STAYS "person_ref,arrival_date,departure_date\n"
#define REGS "person_ref,kind,municipality,start_date,end_date\n"
#define ORGS "org_ref,name,kvk,kind,certified\n"
#define EMPS "person_ref,employer_ref,agency_ref,contract,start_date,end_date,hours_per_week,monthly_wage,sector\n"
#define LOCS "location_ref,postcode,house_number,municipality,kind,capacity,floor_area_m2,provider_ref,certified_until\n"
#define HOUS "person_ref,location_ref,start_date,end_date,provided_by_ref\n"
#define EVTS "person_ref,event,date\n"
#define CONS "person_ref,date,kind,channel,topics,language,understood\n"

/* ------------------------------------------------------------ header */

static void test_header_any_order_and_case(void **state)
{
    (void)state;
    expect_ok(IB_KIND_STAY, "Departure_Date,ARRIVAL_DATE,person_ref\n"
                            ",2023-01-01,P1\n2023-05-01,2023-02-01,P2\n");
    /* missing optional columns are empty */
    expect_ok(IB_KIND_PERSON, "person_ref,birth_date,nationality\n"
                              "P1,1990-01-01,PL\n");
}

static void test_header_problems(void **state)
{
    (void)state;
    expect(IB_KIND_STAY, "person_ref,arrival_date,email\nP1,2023-01-01,x\n",
           "regel 1, kolom 3 (email): onbekende kolom 'email'; verwacht: "
           "person_ref, arrival_date, departure_date");
    expect(IB_KIND_STAY, "person_ref,departure_date\nP1,\n",
           "regel 1 (arrival_date): verplichte kolom 'arrival_date' ontbreekt");
    expect(IB_KIND_STAY, "person_ref,arrival_date,person_ref\nP1,2023-01-01,P1\n",
           "regel 1, kolom 3 (person_ref): kolom 'person_ref' komt twee keer "
           "voor (ook kolom 1)");
    expect(IB_KIND_STAY, "person_ref,,arrival_date\nP1,,2023-01-01\n",
           "regel 1, kolom 2: kolomnaam is leeg");
    expect(IB_KIND_STAY, "", "regel 1: leeg bestand: de kopregel ontbreekt");
    expect(IB_KIND_STAY, "\n\n", "regel 1: leeg bestand: de kopregel ontbreekt");
    /* every header problem is listed, the rows are not read */
    const char *r = check(IB_KIND_STAY, "a,b\nP1,2023-01-01\n");
    assert_non_null(strstr(r, "kolom 1 (a)"));
    assert_non_null(strstr(r, "kolom 2 (b)"));
    assert_non_null(strstr(r, "'person_ref' ontbreekt"));
    assert_non_null(strstr(r, "'arrival_date' ontbreekt"));
    assert_non_null(strstr(r, "0 regels gelezen, 4 afgewezen"));
}

static void test_header_only_is_fine(void **state)
{
    (void)state;
    const char *r = check(IB_KIND_PERSON, PERSONS);
    assert_non_null(strstr(r, "persons: gecontroleerd — 0 regels gelezen"));
}

/* ------------------------------------------------------------ rows */

static void test_row_field_counts(void **state)
{
    (void)state;
    expect(IB_KIND_STAY, STAYS "P1,2023-01-01,,extra\n",
           "regel 2, kolom 4: te veel velden: 4, de kopregel heeft er 3");
    expect(IB_KIND_STAY, STAYS "P1\n",
           "regel 2, kolom 2 (arrival_date): te weinig velden: 1, de kopregel "
           "heeft er 3");
}

static void test_syntax_errors_continue(void **state)
{
    (void)state;
    const char *r = check(IB_KIND_STAY, STAYS "P1,2023-01-01,\n"
                                              "P2,2023-01-01,x\"y\n"
                                              "P3,2023-13-01,\n"
                                              "P4,2023-01-01,\n");
    assert_non_null(strstr(r, "  regel 3: aanhalingsteken in veld zonder "
                              "aanhalingstekens (teken 16)\n"));
    assert_non_null(strstr(r, "  regel 4, kolom 2 (arrival_date): 2023-13-01 "
                              "bestaat niet\n"));
    assert_non_null(strstr(r, "4 regels gelezen, 2 afgewezen"));
    expect(IB_KIND_STAY, STAYS "P1,\"2023-01-01,\n",
           "regel 3: aanhalingsteken niet gesloten (geopend op regel 2, "
           "kolom 4) (teken 1)");
    expect(IB_KIND_STAY, STAYS "P\xff,2023-01-01,\n",
           "regel 2: ongeldige UTF-8 (teken 2)");
}

static void test_dialects(void **state)
{
    (void)state;
    /* BOM, CRLF, quoted separators and quotes */
    expect_ok(IB_KIND_ORGANISATION,
              "\xEF\xBB\xBForg_ref,name,kind\r\n"
              "O1,\"Flex, B.V.\",agency\r\n"
              "O2,\"De \"\"Tuin\"\"\",employer\r\n");
    /* ';' files accept ',' decimals, ',' files do not */
    expect_ok(IB_KIND_EMPLOYMENT,
              "person_ref;employer_ref;contract;start_date;hours_per_week;monthly_wage\n"
              "P1;E1;agency;2023-01-01;37,5;2500,50\n");
    expect(IB_KIND_EMPLOYMENT,
           "person_ref,employer_ref,contract,start_date,monthly_wage\n"
           "P1,E1,agency,2023-01-01,\"2500,50\"\n",
           "regel 2, kolom 5 (monthly_wage): '2500,50': decimale komma alleen "
           "in bestanden met ';' als scheidingsteken; gebruik een punt");
    expect(IB_KIND_EMPLOYMENT,
           "person_ref,employer_ref,contract,start_date,hours_per_week\n"
           "P1,E1,agency,2023-01-01,\"37,5\"\n",
           "regel 2, kolom 5 (hours_per_week): '37,5': decimale komma alleen "
           "in bestanden met ';' als scheidingsteken; gebruik een punt");
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    expect(IB_KIND_PERSON, PERSONS "P1,,,,1990-01-01,,PL,,\n"
                                   "P2,,,,1990-01-01,,PL,,\n"
                                   "P1,,,,1991-01-01,,PL,,\n",
           "regel 4, kolom 1 (person_ref): dubbel: dezelfde sleutel "
           "(person_ref) als regel 2");
    expect(IB_KIND_STAY, STAYS "P1,2023-01-01,\nP1,2023-01-01,2023-02-01\n",
           "regel 3, kolom 1 (person_ref): dubbel: dezelfde sleutel "
           "(person_ref, arrival_date) als regel 2");
    /* same person, other arrival: not a duplicate */
    expect_ok(IB_KIND_STAY, STAYS "P1,2023-01-01,2023-01-31\nP1,2023-03-01,\n");
    expect(IB_KIND_EMPLOYMENT,
           "person_ref,employer_ref,contract,start_date\n"
           "P1,E1,agency,2023-01-01\nP1,E2,agency,2023-01-01\n"
           "P1,E1,permanent,2023-01-01\n",
           "regel 4, kolom 1 (person_ref): dubbel: dezelfde sleutel "
           "(person_ref, employer_ref, start_date) als regel 2");
}

/* A file longer than the key check's memory: its keys move to disk, and
 * duplicates are found, with the right earlier line, whether the earlier
 * key was moved long ago or is still in memory; nothing else is flagged. */
static void test_duplicate_keys_beyond_memory(void **state)
{
    (void)state;
    size_t n = 20000, cap = 64 + (n + 3) * 32;
    char *csv = malloc(cap), *p = csv;
    assert_non_null(csv);
    p += snprintf(p, cap, STAYS);
    for (size_t i = 0; i < n; i++)
        p += snprintf(p, cap - (size_t)(p - csv), "P%zu,2023-01-01,\n", i);
    /* lines: P0 is line 2, so Pi is line i + 2 */
    p += snprintf(p, cap - (size_t)(p - csv), "P10,2023-01-01,2023-02-01\n");
    p += snprintf(p, cap - (size_t)(p - csv), "P19999,2023-01-01,\n");
    p += snprintf(p, cap - (size_t)(p - csv), "P10,2023-01-02,\n");
    ib_import_options opt = {.key_memory = 16384}; /* 1,024 slots */
    ib_import_report rep;
    ib_err err;
    ib_import_report_init(&rep);
    assert_int_equal(ib_import_csv_mem(NULL, IB_KIND_STAY, "stays.csv", csv,
                                       (size_t)(p - csv), &opt, &rep, &err),
                     IB_EINVAL);
    assert_int_equal(rep.files[0].read, (int64_t)n + 3);
    assert_int_equal(rep.files[0].rejected, 2);
    assert_int_equal(rep.files[0].nrejections, 2);
    const ib_import_rejection *r = rep.files[0].rejections;
    assert_int_equal(r[0].line, 20002);
    assert_string_equal(r[0].msg, "dubbel: dezelfde sleutel (person_ref, "
                                  "arrival_date) als regel 12");
    assert_int_equal(r[1].line, 20003);
    assert_string_equal(r[1].msg, "dubbel: dezelfde sleutel (person_ref, "
                                  "arrival_date) als regel 20001");
    ib_import_report_free(&rep);
    free(csv);
}

/* ------------------------------------------------------------ values */

static void test_persons(void **state)
{
    (void)state;
    expect_ok(IB_KIND_PERSON, PERSONS
              "P1,111222333,Wiśniewska,Anna,1990-04-12,V,PL,pl,labour\n"
              "P2,,,,1990-04-12,,XX,,\n");
    expect(IB_KIND_PERSON, PERSONS "P1,123456789,,,1990-01-01,,PL,,\n",
           "regel 2, kolom 2 (bsn): 123456789 is geen geldig BSN (elfproef)");
    expect(IB_KIND_PERSON, PERSONS "P1,12345678,,,1990-01-01,,PL,,\n",
           "regel 2, kolom 2 (bsn): '12345678' is geen BSN (9 cijfers)");
    expect(IB_KIND_PERSON, PERSONS ",,,,1990-01-01,,PL,,\n",
           "regel 2, kolom 1 (person_ref): verplicht veld is leeg");
    expect(IB_KIND_PERSON, PERSONS "P1,,,,12-03-1990,,PL,,\n",
           "regel 2, kolom 5 (birth_date): '12-03-1990' is geen datum van de "
           "vorm JJJJ-MM-DD");
    expect(IB_KIND_PERSON, PERSONS "P1,,,,1990-01-01,F,PL,,\n",
           "regel 2, kolom 6 (sex): 'F' is geen geldige waarde; kies uit: M, "
           "V, X (of leeg)");
    expect(IB_KIND_PERSON, PERSONS "P1,,,,1990-01-01,,pl,,\n",
           "regel 2, kolom 7 (nationality): 'pl' is geen landcode (ISO "
           "3166-1: twee hoofdletters zoals PL of RO; XX voor staatloos of "
           "onbekend)");
    expect(IB_KIND_PERSON, PERSONS "P1,,,,1990-01-01,,PL,xx,\n",
           "regel 2, kolom 8 (language): 'xx' is geen taalcode (ISO 639-1: "
           "twee kleine letters zoals pl of ro)");
    expect(IB_KIND_PERSON, PERSONS "P1,,,,1990-01-01,,PL,,seasonal\n",
           "regel 2, kolom 9 (category): 'seasonal' is geen geldige waarde; "
           "kies uit: labour, knowledge, status_holder, family, student, "
           "other (of leeg)");
    expect(IB_KIND_PERSON, PERSONS "P1,,\"a\tb\",,1990-01-01,,PL,,\n",
           "regel 2, kolom 3 (family_name): bevat een stuurteken (zoals een "
           "tab of regeleinde) op positie 2");
    char long_ref[200];
    memset(long_ref, 'x', 65);
    snprintf(long_ref + 65, sizeof long_ref - 65, ",,,,1990-01-01,,PL,,\n");
    char csv[400];
    snprintf(csv, sizeof csv, PERSONS "%s", long_ref);
    expect(IB_KIND_PERSON, csv,
           "regel 2, kolom 1 (person_ref): te lang (max 64 tekens)");
}

static void test_stays_and_registrations(void **state)
{
    (void)state;
    expect(IB_KIND_STAY, STAYS "P1,2023-02-30,\n",
           "regel 2, kolom 2 (arrival_date): 2023-02-30 bestaat niet");
    expect(IB_KIND_STAY, STAYS "P1,2023-03-01,2023-02-01\n",
           "regel 2, kolom 3 (departure_date): departure_date 2023-02-01 ligt "
           "niet na arrival_date 2023-03-01");
    expect(IB_KIND_STAY, STAYS "P1,2023-03-01,2023-03-01\n",
           "regel 2, kolom 3 (departure_date): departure_date 2023-03-01 ligt "
           "niet na arrival_date 2023-03-01");
    expect_ok(IB_KIND_REGISTRATION, REGS "P1,rni,,2023-01-01,\n"
                                         "P1,brp,GM0518,2023-02-01,2023-02-01\n");
    expect(IB_KIND_REGISTRATION, REGS "P1,brp,,2023-01-01,\n",
           "regel 2, kolom 3 (municipality): verplicht bij kind brp: de "
           "gemeente van inschrijving (CBS-code, zoals GM0518)");
    expect(IB_KIND_REGISTRATION, "person_ref,kind,start_date\nP1,brp,2023-01-01\n",
           "regel 2 (municipality): verplicht bij kind brp: de gemeente van "
           "inschrijving (CBS-code, zoals GM0518)");
    expect(IB_KIND_REGISTRATION, REGS "P1,gba,,2023-01-01,\n",
           "regel 2, kolom 2 (kind): 'gba' is geen geldige waarde; kies uit: "
           "brp, rni");
    expect(IB_KIND_REGISTRATION, REGS "P1,brp,0518,2023-01-01,\n",
           "regel 2, kolom 3 (municipality): '0518' is geen CBS-gemeentecode "
           "(GM en vier cijfers, zoals GM0518)");
    expect(IB_KIND_REGISTRATION, REGS "P1,rni,,2023-05-01,2023-04-30\n",
           "regel 2, kolom 5 (end_date): end_date 2023-04-30 ligt vóór "
           "start_date 2023-05-01");
}

static void test_organisations_and_employments(void **state)
{
    (void)state;
    expect(IB_KIND_ORGANISATION, ORGS "O1,Flex,1234567,agency,\n",
           "regel 2, kolom 3 (kvk): '1234567' is geen KvK-nummer (8 cijfers)");
    expect(IB_KIND_ORGANISATION, ORGS "O1,Flex,,bank,\n",
           "regel 2, kolom 4 (kind): 'bank' is geen geldige waarde; kies uit: "
           "agency, employer, housing_provider, welfare, municipality, other");
    expect(IB_KIND_ORGANISATION, ORGS "O1,Flex,,agency,iso9001\n",
           "regel 2, kolom 5 (certified): 'iso9001' is geen geldige waarde; "
           "kies uit: nen4400, snf, both (of leeg)");
    expect(IB_KIND_ORGANISATION, ORGS "O1,,,agency,\n",
           "regel 2, kolom 2 (name): verplicht veld is leeg");
    expect(IB_KIND_EMPLOYMENT, EMPS "P1,E1,,zzp,2023-01-01,,,,\n",
           "regel 2, kolom 4 (contract): 'zzp' is geen geldige waarde; kies "
           "uit: agency, temporary, permanent, self_employed");
    expect(IB_KIND_EMPLOYMENT, EMPS "P1,E1,,agency,2023-01-01,,0,,\n",
           "regel 2, kolom 7 (hours_per_week): '0' is geen geldig aantal uren "
           "per week (meer dan 0, hoogstens 168)");
    expect(IB_KIND_EMPLOYMENT, EMPS "P1,E1,,agency,2023-01-01,,168.01,,\n",
           "regel 2, kolom 7 (hours_per_week): '168.01' is geen geldig aantal "
           "uren per week (meer dan 0, hoogstens 168)");
    expect_ok(IB_KIND_EMPLOYMENT, EMPS "P1,E1,,agency,2023-01-01,,168,0,U\n");
    expect(IB_KIND_EMPLOYMENT, EMPS "P1,E1,,agency,2023-01-01,,40,abc,\n",
           "regel 2, kolom 8 (monthly_wage): 'abc' is geen bedrag");
    expect(IB_KIND_EMPLOYMENT, EMPS "P1,E1,,agency,2023-01-01,,40,2500.555,\n",
           "regel 2, kolom 8 (monthly_wage): '2500.555' is geen bedrag "
           "(hoogstens twee decimalen)");
    expect(IB_KIND_EMPLOYMENT, EMPS "P1,E1,,agency,2023-01-01,,40,,V\n",
           "regel 2, kolom 9 (sector): 'V' is geen SBI-sectie (één "
           "hoofdletter, A tot en met U)");
    expect(IB_KIND_EMPLOYMENT, EMPS "P1,E1,,agency,2023-01-01,2022-12-31,,,\n",
           "regel 2, kolom 6 (end_date): end_date 2022-12-31 ligt vóór "
           "start_date 2023-01-01");
}

static void test_locations_housings_events(void **state)
{
    (void)state;
    expect_ok(IB_KIND_LOCATION, LOCS "L1,2671 AB,12-A,GM1783,shared_house,6,95.5,,2026-01-01\n"
                                     "L2,2671AB,12A,GM1783,other,0,1,,\n"
                                     "L3,2671AB,99999 bis,GM1783,other,,,,\n");
    expect(IB_KIND_LOCATION, LOCS "L1,123AB,12,GM1783,other,,,,\n",
           "regel 2, kolom 2 (postcode): '123AB' is geen postcode (vier "
           "cijfers en twee hoofdletters, zoals 2511AB)");
    expect(IB_KIND_LOCATION, LOCS "L1,1234 SA,12,GM1783,other,,,,\n",
           "regel 2, kolom 2 (postcode): postcode 1234 SA bestaat niet (SA, "
           "SD en SS worden niet uitgegeven)");
    const char *bad_numbers[] = {"A12", "0", "012", "123456", "12--A", "12-",
                                 "12 ABCDEFG", "1234567"};
    for (size_t i = 0; i < sizeof bad_numbers / sizeof *bad_numbers; i++) {
        char csv[512], want[512];
        snprintf(csv, sizeof csv, LOCS "L1,2671AB,%s,GM1783,other,,,,\n",
                 bad_numbers[i]);
        snprintf(want, sizeof want,
                 "regel 2, kolom 3 (house_number): '%s' is geen huisnummer (1 "
                 "tot en met 99999, eventueel met toevoeging, zoals 12, 12A of "
                 "12-A)", bad_numbers[i]);
        expect(IB_KIND_LOCATION, csv, want);
    }
    expect(IB_KIND_LOCATION, LOCS "L1,2671AB,12,GM1783,other,-3,,,\n",
           "regel 2, kolom 6 (capacity): '-3' is geen geldig aantal (een "
           "geheel getal van 0 tot en met 100000)");
    expect(IB_KIND_LOCATION, LOCS "L1,2671AB,12,GM1783,other,,0,,\n",
           "regel 2, kolom 7 (floor_area_m2): '0' is geen geldig vloeroppervlak "
           "in m² (meer dan 0, hoogstens 1000000)");
    expect(IB_KIND_LOCATION, LOCS "L1,2671AB,12,GM1783,hostel,,,,\n",
           "regel 2, kolom 5 (kind): 'hostel' is geen geldige waarde; kies "
           "uit: short_stay_facility, shared_house, private_rental, "
           "corporation_rental, owner_occupied, hotel_or_recreation, other");
    expect(IB_KIND_HOUSING, HOUS "P1,L1,2023-05-01,2023-04-01,\n",
           "regel 2, kolom 4 (end_date): end_date 2023-04-01 ligt vóór "
           "start_date 2023-05-01");
    expect(IB_KIND_LIFE_EVENT, EVTS "P1,marriage,2023-01-01\n",
           "regel 2, kolom 2 (event): 'marriage' is geen geldige waarde; kies "
           "uit: partner_start, partner_end, child_birth, home_purchase, "
           "home_sale");
    expect(IB_KIND_LIFE_EVENT, EVTS "P1,child_birth,\n",
           "regel 2, kolom 3 (date): verplicht veld is leeg");
}

static void test_contacts(void **state)
{
    (void)state;
    expect_ok(IB_KIND_CONTACT, CONS "P1,2024-03-01,information,desk,registration housing,pl,yes\n"
                                    "P1,2024-03-01,career_offer,,,,\n"
                                    "P1,2024-04-01,language_course_offer,letter,dutch_language,,\n"
                                    "P2,2024-04-01,other,online, leave  health ,en,partly\n"
                                    "P3,2024-04-02,information,visit,,ro,no\n");
    /* Only the three key columns are required; the order of columns is free. */
    expect_ok(IB_KIND_CONTACT, "kind,person_ref,date\ninformation,P1,2024-03-01\n");
    expect(IB_KIND_CONTACT, CONS "P1,2024-03-01,intake,desk,,,\n",
           "regel 2, kolom 3 (kind): 'intake' is geen geldige waarde; kies uit: "
           "information, language_course_offer, career_offer, other");
    expect(IB_KIND_CONTACT, CONS "P1,2024-03-01,,desk,,,\n",
           "regel 2, kolom 3 (kind): verplicht veld is leeg; kies uit: "
           "information, language_course_offer, career_offer, other");
    expect(IB_KIND_CONTACT, CONS "P1,,information,,,,\n",
           "regel 2, kolom 2 (date): verplicht veld is leeg");
    expect(IB_KIND_CONTACT, CONS "P1,2024-02-30,information,,,,\n",
           "regel 2, kolom 2 (date): 2024-02-30 bestaat niet");
    expect(IB_KIND_CONTACT, CONS "P1,2024-03-01,information,email,,,\n",
           "regel 2, kolom 4 (channel): 'email' is geen geldige waarde; kies uit: "
           "desk, phone, visit, online, letter, other (of leeg)");
    expect(IB_KIND_CONTACT, CONS "P1,2024-03-01,information,desk,housing pension,,\n",
           "regel 2, kolom 5 (topics): 'pension' is geen onderwerp; kies uit: "
           "registration, work_contract, housing, health, taxes, safe_work, "
           "dismissal, self_employment, dutch_language, transport, help, leave "
           "(gescheiden door spaties)");
    expect(IB_KIND_CONTACT, CONS "P1,2024-03-01,information,desk,\"housing,health\",,\n",
           "regel 2, kolom 5 (topics): 'housing,health' is geen onderwerp; kies uit: "
           "registration, work_contract, housing, health, taxes, safe_work, "
           "dismissal, self_employment, dutch_language, transport, help, leave "
           "(gescheiden door spaties)");
    expect(IB_KIND_CONTACT, CONS "P1,2024-03-01,information,desk,,PL,\n",
           "regel 2, kolom 6 (language): 'PL' is geen taalcode (ISO 639-1: twee "
           "kleine letters zoals pl of ro)");
    expect(IB_KIND_CONTACT, CONS "P1,2024-03-01,information,desk,,pol,\n",
           "regel 2, kolom 6 (language): 'pol' is geen taalcode (ISO 639-1: twee "
           "kleine letters zoals pl of ro)");
    expect(IB_KIND_CONTACT, CONS "P1,2024-03-01,information,desk,,,maybe\n",
           "regel 2, kolom 7 (understood): 'maybe' is geen geldige waarde; kies "
           "uit: yes, partly, no (of leeg)");
    /* The key: the same person, date and kind twice. */
    expect(IB_KIND_CONTACT, CONS "P1,2024-03-01,information,desk,,,\n"
                                 "P1,2024-03-01,information,phone,,,\n",
           "regel 3, kolom 1 (person_ref): dubbel: dezelfde sleutel (person_ref, "
           "date, kind) als regel 2");
    /* Notes are not exchanged: no column for them. */
    expect(IB_KIND_CONTACT, "person_ref,date,kind,note\nP1,2024-03-01,other,x\n",
           "regel 1, kolom 4 (note): onbekende kolom 'note'; verwacht: person_ref, "
           "date, kind, channel, topics, language, understood");

    /* Topics are stored and written back in the catalogue's order, once. */
    const ib_record_type *t = ib_record_type_of(IB_KIND_CONTACT);
    ib_value v[7] = {{"P1", 2}, {"2024-03-01", 10}, {"information", 11},
                     {"", 0}, {"leave  housing leave", 20}, {"", 0}, {"", 0}};
    int pos[7] = {1, 2, 3, 4, 5, 6, 7};
    ib_row_in in = {t, v, pos, 2, false};
    ib_contact c;
    ib_err err;
    assert_int_equal(t->parse(&in, &c, &err), IB_OK);
    assert_string_equal(c.topics, "housing leave");
    assert_int_equal(c.channel, IB_CHANNEL_NONE);
    assert_int_equal(c.understood, IB_UNDERSTOOD_UNKNOWN);
    ib_fmt_buf buf;
    const char *out[IB_COLUMNS_MAX];
    t->format(&c, &buf, out);
    assert_string_equal(out[1], "2024-03-01");
    assert_string_equal(out[2], "information");
    assert_string_equal(out[3], "");
    assert_string_equal(out[4], "housing leave");
    assert_string_equal(out[6], "");
}

/* A row parser is a pure function: values in, record out. */
static void test_parse_is_pure(void **state)
{
    (void)state;
    const ib_record_type *t = ib_record_type_of(IB_KIND_EMPLOYMENT);
    ib_value v[9] = {{"P1", 2}, {"E1", 2}, {"A1", 2}, {"agency", 6},
                     {"2023-01-02", 10}, {"", 0}, {"37,5", 4},
                     {"2500,5", 6}, {"C", 1}};
    int pos[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    ib_row_in in = {t, v, pos, 7, true};
    ib_employment e;
    ib_err err;
    assert_int_equal(t->parse(&in, &e, &err), IB_OK);
    assert_string_equal(e.person_ref, "P1");
    assert_string_equal(e.agency_ref, "A1");
    assert_int_equal(e.contract, IB_CONTRACT_AGENCY);
    assert_int_equal(e.start, ib_date_from_ymd(2023, 1, 2));
    assert_int_equal(e.end, IB_DATE_NONE);
    assert_int_equal(e.hours_per_week, 3750);
    assert_int_equal(e.monthly_wage, 250050);
    assert_int_equal(e.sector, 'C');
    in.allow_comma = false;
    assert_int_equal(t->parse(&in, &e, &err), IB_EINVAL);
    assert_int_equal(err.line, 7);
    assert_int_equal(err.column, 7);
    assert_string_equal(err.field, "hours_per_week");

    /* format is the inverse of parse */
    ib_fmt_buf buf;
    const char *out[IB_COLUMNS_MAX];
    in.allow_comma = true;
    assert_int_equal(t->parse(&in, &e, &err), IB_OK);
    t->format(&e, &buf, out);
    assert_string_equal(out[6], "37.5");
    assert_string_equal(out[7], "2500.50");
    assert_string_equal(out[5], "");
}

/* ------------------------------------------------------------ JSON */

static const char *check_json(ib_kind kind, const char *json)
{
    static char out[8192];
    ib_import_report rep;
    ib_err err;
    ib_import_report_init(&rep);
    int rc = ib_import_json(NULL, kind, "persons.json", json, strlen(json),
                            NULL, &rep, &err);
    assert_true(rc == IB_OK || rc == IB_EINVAL);
    FILE *f = fmemopen(out, sizeof out, "w");
    assert_int_equal(ib_import_report_write_text(&rep, f), IB_OK);
    fclose(f);
    ib_import_report_free(&rep);
    return out;
}

static void test_json(void **state)
{
    (void)state;
    const char *r = check_json(IB_KIND_PERSON,
        "[{\"person_ref\":\"P1\",\"birth_date\":\"1990-01-01\",\"nationality\":\"PL\","
        "\"bsn\":null,\"sex\":\"V\"},"
        " {\"person_ref\":\"P2\",\"bsn\":\"123456789\",\"birth_date\":\"1990-01-01\",\"nationality\":\"PL\"},"
        " {\"person_ref\":\"P3\",\"email\":\"x\"},"
        " 17,"
        " {\"person_ref\":\"P4\",\"birth_date\":true},"
        " {\"person_ref\":\"P1\",\"birth_date\":\"1990-01-01\",\"nationality\":\"PL\"}]");
    assert_string_equal(r,
        "persons.json: afgewezen — 6 elementen gelezen, 5 afgewezen; niets opgeslagen\n"
        "  element 2 (bsn): 123456789 is geen geldig BSN (elfproef)\n"
        "  element 3 (email): onbekend veld 'email'\n"
        "  element 4: element is geen object\n"
        "  element 5 (birth_date): moet tekst, een getal of null zijn\n"
        "  element 6 (person_ref): dubbel: dezelfde sleutel (person_ref) als element 1\n"
        "totaal: 1 bestand, 6 regels gelezen, 0 nieuw, 0 gewijzigd, 0 ongewijzigd, 5 afgewezen\n");
    r = check_json(IB_KIND_EMPLOYMENT,
        "[{\"person_ref\":\"P1\",\"employer_ref\":\"E1\",\"contract\":\"agency\","
        "\"start_date\":\"2023-01-01\",\"hours_per_week\":37.5,\"monthly_wage\":2500}]");
    assert_non_null(strstr(r, "gecontroleerd — 1 element gelezen"));
    r = check_json(IB_KIND_PERSON, "{\"person_ref\":\"P1\"}");
    assert_non_null(strstr(r, "  verwacht een JSON-array van objecten\n"));
    r = check_json(IB_KIND_PERSON, "[{\"person_ref\":");
    assert_non_null(strstr(r, "geen geldige JSON"));
}

/* JSON is read one element at a time: values that are not objects are
 * skipped whole (strings with brackets and commas, nested arrays), and a
 * syntax error is placed by line and character in the whole text. */
static void test_json_stream(void **state)
{
    (void)state;
#define JP(ref) "{\"person_ref\":\"" ref "\",\"birth_date\":\"1990-01-01\",\"nationality\":\"PL\"}"
    const char *r = check_json(IB_KIND_PERSON,
        "[\n " JP("P1") ",\n \"a,]\\\"b{\",\n [1, [2, \"]\"], {}],\n " JP("P2") "\n]\n");
    assert_string_equal(r,
        "persons.json: afgewezen — 4 elementen gelezen, 2 afgewezen; niets opgeslagen\n"
        "  element 2: element is geen object\n"
        "  element 3: element is geen object\n"
        "totaal: 1 bestand, 4 regels gelezen, 0 nieuw, 0 gewijzigd, 0 ongewijzigd, 2 afgewezen\n");
    r = check_json(IB_KIND_PERSON, "[\n" JP("P1") ",\n  {\"person_ref\" \"P2\"}]");
    assert_non_null(strstr(r, "  geen geldige JSON (regel 3, teken 20): "
                              "':' expected near '\"P2\"'\n"));
    r = check_json(IB_KIND_PERSON, "[" JP("P1") "\n  " JP("P2") "]");
    assert_non_null(strstr(r, "  geen geldige JSON (regel 2, teken 3): "
                              "',' or ']' expected near '{'\n"));
    r = check_json(IB_KIND_PERSON, "[" JP("P1") "] x");
    assert_non_null(strstr(r, "  geen geldige JSON (regel 1, teken 68): "
                              "end of file expected near 'x'\n"));
    r = check_json(IB_KIND_PERSON, "  ");
    assert_non_null(strstr(r, "  geen geldige JSON (regel 1, teken 2): "
                              "'[' or '{' expected near end of file\n"));
    r = check_json(IB_KIND_PERSON, "[]");
    assert_non_null(strstr(r, "gecontroleerd — 0 elementen gelezen"));
#undef JP
}

/* ------------------------------------------------------------ reports */

static void test_report_writers(void **state)
{
    (void)state;
    ib_import_report rep;
    ib_err err;
    ib_import_report_init(&rep);
    const char *csv = STAYS "P1,2023-02-30,\nP2,2023-01-01,\n";
    assert_int_equal(ib_check_csv_mem(IB_KIND_STAY, "stays.csv", csv,
                                      strlen(csv), &rep, &err), IB_EINVAL);
    assert_string_equal(err.msg, "1 regel afgewezen in 1 bestand");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(ib_import_report_write_csv(&rep, f), IB_OK);
    fclose(f);
    assert_string_equal(buf, "file,line,column,field,message\n"
                             "stays.csv,2,2,arrival_date,2023-02-30 bestaat niet\n");
    free(buf);
    f = open_memstream(&buf, &len);
    assert_int_equal(ib_import_report_write_json(&rep, f), IB_OK);
    fclose(f);
    assert_non_null(strstr(buf, "\"ok\": false"));
    assert_non_null(strstr(buf, "\"status\": \"rejected\""));
    assert_non_null(strstr(buf, "\"message\": \"2023-02-30 bestaat niet\""));
    assert_non_null(strstr(buf, "\"read\": 2"));
    free(buf);
    ib_import_report_free(&rep);
}

static void test_rejection_cap(void **state)
{
    (void)state;
    size_t n = 1500, cap = 64 + n * 24;
    char *csv = malloc(cap), *p = csv;
    assert_non_null(csv);
    p += snprintf(p, cap, STAYS);
    for (size_t i = 0; i < n; i++)
        p += snprintf(p, cap - (size_t)(p - csv), "P%zu,2023-02-30,\n", i);
    ib_import_report rep;
    ib_err err;
    ib_import_report_init(&rep);
    assert_int_equal(ib_check_csv_mem(IB_KIND_STAY, "stays.csv", csv,
                                      (size_t)(p - csv), &rep, &err), IB_EINVAL);
    assert_int_equal(rep.files[0].rejected, 1500);
    assert_int_equal(rep.files[0].nrejections, IB_IMPORT_REJECTIONS_MAX);
    assert_int_equal(rep.files[0].rejections_omitted, 500);
    const char *text = check(IB_KIND_STAY, csv);
    assert_non_null(strstr(text, "  ... en nog 500 afgewezen regels (niet getoond)\n"));
    ib_import_report_free(&rep);
    free(csv);
}

static void test_helpers(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(ib_fmt_hundredths(4000, buf, sizeof buf), "40");
    assert_string_equal(ib_fmt_hundredths(3750, buf, sizeof buf), "37.5");
    assert_string_equal(ib_fmt_hundredths(3725, buf, sizeof buf), "37.25");
    assert_string_equal(ib_fmt_hundredths(5, buf, sizeof buf), "0.05");
    assert_string_equal(ib_fmt_hundredths(IB_CENTS_NONE, buf, sizeof buf), "");
    char s[16];
    assert_string_equal(ib_show("a\tb\xff", 4, s, sizeof s), "a?b?");
    assert_string_equal(ib_show("abcdefghijklmnopqrstuvwxyz", 26, s, sizeof s),
                        "abcdefghijkl...");
    assert_string_equal(ib_show("ééééééééé", 18, s, sizeof s), "éééééé...");
    ib_kind k;
    bool json;
    assert_int_equal(ib_import_kind_of_name("a/b/Persons.CSV", &k, &json), IB_OK);
    assert_int_equal(k, IB_KIND_PERSON);
    assert_false(json);
    assert_int_equal(ib_import_kind_of_name("life_events.json", &k, &json), IB_OK);
    assert_int_equal(k, IB_KIND_LIFE_EVENT);
    assert_true(json);
    assert_int_equal(ib_import_kind_of_name("Contacts.csv", &k, &json), IB_OK);
    assert_int_equal(k, IB_KIND_CONTACT);
    assert_int_equal(ib_import_kind_of_name("people.csv", &k, &json), IB_EINVAL);
    assert_int_equal(ib_import_kind_of_name("persons.txt", &k, &json), IB_EINVAL);
    assert_int_equal(ib_import_kind_of_name("persons", &k, &json), IB_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_any_order_and_case),
        cmocka_unit_test(test_header_problems),
        cmocka_unit_test(test_header_only_is_fine),
        cmocka_unit_test(test_row_field_counts),
        cmocka_unit_test(test_syntax_errors_continue),
        cmocka_unit_test(test_dialects),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_persons),
        cmocka_unit_test(test_stays_and_registrations),
        cmocka_unit_test(test_organisations_and_employments),
        cmocka_unit_test(test_locations_housings_events),
        cmocka_unit_test(test_contacts),
        cmocka_unit_test(test_parse_is_pure),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_report_writers),
        cmocka_unit_test(test_rejection_cap),
        cmocka_unit_test(test_json_stream),
        cmocka_unit_test(test_duplicate_keys_beyond_memory),
        cmocka_unit_test(test_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
