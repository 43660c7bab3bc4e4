#!/usr/bin/env python3
"""test_exports.py — GET /api/v1/exports/{kind}: every role gets exactly
the records of what its list endpoint shows (agency: own sender's records;
caseworker: every sender's records of the persons of its municipalities
and their episodes; inspector: locations there), in the exchange format
that imports again, with the BSN left out, as XLSX on request, and every
person in a download audited as one read.
Usage: test_exports.py path/to/inbeeld"""
import csv
import io
import os
import sqlite3
import sys
import zipfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
from apilib import check  # noqa: E402

inbeeld = sys.argv[1]
folder, db, server, openapi = apilib.start(inbeeld)
EPISODES = ("stays", "registrations", "employments", "housings", "life-events", "contacts")


def client(name):
    c = apilib.Client(server.port, openapi)
    c.login(name)
    return c


def export(c, kind, query=""):
    status, h, body = c.request("GET", "/api/v1/exports/%s%s" % (kind, query))
    check(status == 200, "export %s: %d %s" % (kind, status, body[:200]))
    return h, list(csv.DictReader(io.StringIO(body.decode())))


def listed(c, path):
    """Every item of a list endpoint, all pages."""
    items, page = [], 1
    while True:
        sep = "&" if "?" in path else "?"
        status, _, body = c.json("GET", "%s%spage=%d&pageSize=100" % (path, sep, page))
        check(status == 200, "GET %s: %d" % (path, status))
        items += body["items"]
        if len(items) >= body["total"] or not body["items"]:
            return items
        page += 1


def records_of(person_ids, sender=None):
    """(sender, ref) of the records of these persons (of one sender)."""
    con = sqlite3.connect(db)
    rows = con.execute("SELECT p.people_id, s.ref, p.ref FROM persons p"
                       " JOIN senders s ON s.id = p.sender_id").fetchall()
    con.close()
    return sorted((s, ref) for person, s, ref in rows
                  if person in person_ids and sender in (None, s))


def test_persons_as_the_list_shows_them():
    """The export is per record (a sender gets back what it sent): the
    records of the persons the list shows, one row per person for an
    agency (its own record), every sender's record for the others."""
    for role, sender in (("admin", None), ("agency", "bureau-a"), ("agency_other", "bureau-b"),
                         ("caseworker", None), ("caseworker_other", None)):
        c = client(role)
        _, rows = export(c, "persons")
        got = sorted(r["person_ref"] for r in rows)
        persons = listed(c, "/api/v1/persons")
        want = sorted(ref for _, ref in records_of({p["id"] for p in persons}, sender))
        check(got == want, "%s: export %s, records of the listed persons %s" % (role, got, want))
        if sender:
            check(got == sorted(p["person_ref"] for p in persons),
                  "%s: its own record of each person: %s" % (role, got))
        check(all(r["bsn"] == "" for r in rows), "%s: a BSN in the export" % role)
    n_admin = len(export(client("admin"), "persons")[1])
    n_other = len(export(client("caseworker_other"), "persons")[1])
    check(n_other < n_admin, "the other municipality sees fewer persons")


def test_episodes_scoped():
    agency = client("agency")
    for kind in EPISODES:
        _, rows = export(agency, kind)
        want = listed(agency, "/api/v1/" + kind)
        check(len(rows) == len(want), "agency %s: %d rows, list %d" % (kind, len(rows), len(want)))
    for role, muni in (("caseworker", "GM1783"), ("caseworker_other", "GM0344")):
        c = client(role)
        visible = {p["person_ref"] for p in listed(c, "/api/v1/persons")}
        for kind in EPISODES:
            _, rows = export(c, kind)
            check(all(r["person_ref"] in visible for r in rows), "%s %s out of scope" % (role, kind))
            want = rows_in(kind.replace("-", "_"), muni)
            check(len(rows) == want, "%s %s: %d rows, %d in %s" % (role, kind, len(rows), want, muni))


def rows_in(table, muni):
    """Rows of table whose person lies in muni (a registration there or a
    housing at a location there, in any of its records: the rows of every
    sender of such a person), counted in the database."""
    con = sqlite3.connect(db)
    n = con.execute(
        "SELECT count(*) FROM %s x JOIN persons p ON p.id = x.person_id"
        " WHERE p.people_id IN (SELECT people_id FROM persons WHERE id IN ("
        " SELECT person_id FROM registrations WHERE municipality = ?"
        " UNION SELECT h.person_id FROM housings h JOIN locations l ON l.id = h.location_id"
        " WHERE l.municipality = ?))" % table, (muni, muni)).fetchone()[0]
    con.close()
    return n


def test_locations_and_organisations():
    for role in ("inspector", "inspector_other", "caseworker", "agency_other"):
        c = client(role)
        _, rows = export(c, "locations")
        want = sorted(l["location_ref"] for l in listed(c, "/api/v1/locations"))
        check(sorted(r["location_ref"] for r in rows) == want, "%s locations" % role)
        _, rows = export(c, "organisations")
        want = sorted(o["org_ref"] for o in listed(c, "/api/v1/organisations"))
        check(sorted(r["org_ref"] for r in rows) == want, "%s organisations" % role)


def test_reimport_and_xlsx():
    agency = client("agency")
    h, _ = export(agency, "stays")
    check(h["content-disposition"] == 'attachment; filename="stays.csv"', "file name")
    status, _, body = agency.request("GET", "/api/v1/exports/persons")
    status, _, rep = agency.json("POST", "/api/v1/imports?kind=persons&dry_run=true",
                                 body, ctype="text/csv")
    check(status == 200 and rep["ok"], "the export imports again: %d %s" % (status, rep))
    status, h, x = agency.request("GET", "/api/v1/exports/life-events?format=xlsx")
    check(status == 200 and h["content-disposition"].endswith('life_events.xlsx"'), "xlsx")
    book = zipfile.ZipFile(io.BytesIO(x))
    check("person_ref" in book.read("xl/sharedStrings.xml").decode(), "xlsx header")


FORMULA = '=HYPERLINK("http://x","y")'


def csv_line(*values):
    """One CSV line as the exchange format writes it (RFC 4180 quoting)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def test_formulas_exact_in_export_guarded_in_monitor():
    """A name a spreadsheet would run comes back exactly in the exchange
    format (a machine contract that imports again) and with a quote in
    front in the monitor's CSV for people; the XLSX holds it as text."""
    admin = client("admin")
    files = {
        "persons": "person_ref,family_name,given_names,birth_date,nationality\n"
                   + csv_line("F1", FORMULA, "@SUM(1+1)", "1990-01-01", "PL"),
        "locations": "location_ref,postcode,house_number,municipality,kind,capacity\n"
                     + csv_line(FORMULA, "2671AB", "1", "GM1783", "shared_house", "4"),
        "housings": "person_ref,location_ref,start_date\n"
                    + csv_line("F1", FORMULA, "2024-01-01"),
    }
    for kind, body in files.items():
        status, _, rep = admin.json("POST", "/api/v1/imports?kind=%s&sender=formules" % kind,
                                    body, ctype="text/csv")
        check(status == 200 and rep["ok"], "import %s: %d %s" % (kind, status, rep))
    status, _, body = admin.request("GET", "/api/v1/exports/persons?sender=formules")
    check(status == 200, "export: %d" % status)
    row = body.decode().splitlines()[1]
    check(row == csv_line("F1", "", FORMULA, "@SUM(1+1)", "1990-01-01", "", "PL", "", "labour").rstrip(),
          "export keeps the values exactly: %s" % row)
    status, _, x = admin.request("GET", "/api/v1/exports/persons?sender=formules&format=xlsx")
    strings = zipfile.ZipFile(io.BytesIO(x)).read("xl/sharedStrings.xml").decode()
    check('>=HYPERLINK("http://x","y")<' in strings, "export xlsx: %s" % strings)

    path = "/api/v1/monitor/housing?view=locations&at=2025-01-01&format="
    status, _, body = admin.request("GET", path + "csv")
    check(status == 200, "monitor csv: %d" % status)
    text = body.decode()
    check(csv_line("'" + FORMULA).rstrip() + "," in text, "monitor csv not guarded: %s" % text)
    check("\n" + csv_line(FORMULA).rstrip() not in text, "monitor csv holds the formula raw")
    status, _, x = admin.request("GET", path + "xlsx")
    strings = zipfile.ZipFile(io.BytesIO(x)).read("xl/sharedStrings.xml").decode()
    check('>=HYPERLINK("http://x","y")<' in strings,
          "monitor xlsx holds the value without the guard: %s" % strings)


def test_audited_per_person():
    cw = client("caseworker")
    con = sqlite3.connect(db + ".reads")        # the read log
    before = con.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]
    con.close()
    _, rows = export(cw, "persons", "?purpose=jaarlijkse+controle")
    con = sqlite3.connect(db + ".reads")
    entries = con.execute("SELECT actor, action, person_id, detail FROM audit WHERE id > ?",
                          (before,)).fetchall()
    con.close()
    persons = {p["id"] for p in listed(cw, "/api/v1/persons")}
    check(len(rows) > len(persons), "both senders' records of a person: %d rows" % len(rows))
    check(sorted(e[2] for e in entries) == sorted(persons),
          "one audit entry per person: %s for %s" % ([e[2] for e in entries], persons))
    check(all(e[0] == "user:caseworker" and e[1] == "read" and "jaarlijkse controle" in e[3]
              for e in entries), "audit entries: %s" % entries[:2])


def test_refused():
    status, _, _ = client("inspector").request("GET", "/api/v1/exports/persons")
    check(status == 403, "inspector persons: %d" % status)
    status, _, _ = client("agency").request("GET", "/api/v1/exports/persons?sender=bureau-b")
    check(status == 403, "agency naming another sender: %d" % status)
    status, _, _ = client("admin").request("GET", "/api/v1/exports/persons?format=pdf")
    check(status == 400, "bad format: %d" % status)
    status, _, _ = client("admin").request("GET", "/api/v1/exports/persons?sender=nobody")
    check(status == 404, "unknown sender: %d" % status)


try:
    apilib.main([test_persons_as_the_list_shows_them, test_episodes_scoped,
                 test_locations_and_organisations, test_reimport_and_xlsx,
                 test_audited_per_person, test_refused,
                 test_formulas_exact_in_export_guarded_in_monitor], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
