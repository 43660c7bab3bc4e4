#!/usr/bin/env python3
"""test_monitor.py — the monitor figures over the API (/api/v1/monitor/...):
the same documents as `inbeeld monitor` (JSON, CSV) byte for byte, XLSX
workbooks with the CSV's table, small cells suppressed for analysts and
shown to an administrator only with detail=true, the municipality scope of
an analyst, parameter checking, and no audit entries (aggregates are no
person-level reads). Every JSON answer is checked against the OpenAPI
document.
Usage: test_monitor.py path/to/inbeeld"""
import csv
import io
import json
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
apilib.run(inbeeld, "user", "add", "analyst_region", "--db", db, "--role", "analyst",
           "--organisation", "provincie", "--municipalities", "GM1783",
           stdin=apilib.PASSWORD + "\n")
AT = "2025-01-01"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client(name):
    c = apilib.Client(server.port, openapi)
    c.login(name)
    return c


def cli(*args):
    return apilib.run(inbeeld, "monitor", *args, "--db", db, "--at", AT)


def get(c, path, **kw):
    status, headers, body = c.request("GET", path, **kw)
    check(status == 200, "GET %s: %d %s" % (path, status, body[:300]))
    return headers, body


def counts_in(doc):
    """Every count field (n, events, n_risk) of a survival document."""
    out = []

    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                if k == "curve":
                    check(all(r >= 10 for r in x["n_risk"]) or not isinstance(doc["suppressed_below"], int),
                          "curve with fewer than 10 at risk: %s" % x["n_risk"])
                elif k in ("n", "events", "n_risk"):
                    out.append(x)
                else:
                    walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(doc)
    return out


def test_same_documents_as_the_cli():
    admin, analyst = client("admin"), client("analyst")
    _, body = get(admin, "/api/v1/monitor/survival?at=%s&by=eu&detail=true" % AT)
    check(body.decode() == cli("survival", "--by", "eu", "--curve", "--no-suppress",
                               "--format", "json"), "survival JSON differs from the CLI's")
    _, body = get(analyst, "/api/v1/monitor/typology?at=%s&by=nationality&format=csv" % AT)
    check(body.decode() == cli("typology", "--by", "nationality", "--format", "csv"),
          "typology CSV differs from the CLI's")
    _, body = get(analyst, "/api/v1/monitor/cox?at=%s&covariates=employed,partner" % AT)
    check(body.decode() == cli("cox", "--covariates", "employed,partner", "--format", "json"),
          "cox JSON differs from the CLI's")
    for view in ("municipalities", "locations", "providers", "worklive"):
        _, body = get(analyst, "/api/v1/monitor/housing?at=%s&view=%s" % (AT, view))
        check(body.decode() == cli("housing", "--view", view, "--format", "json"),
              "housing %s differs from the CLI's" % view)
    _, body = get(analyst, "/api/v1/monitor/registration?at=%s" % AT)
    check(body.decode() == cli("registration", "--format", "json"), "registration differs")


def test_suppression_for_analysts():
    analyst, admin = client("analyst"), client("admin")
    _, body = get(analyst, "/api/v1/monitor/survival?at=%s&by=nationality" % AT)
    doc = json.loads(body)
    check(doc["suppressed_below"] == 10, "analyst: suppressed below 10")
    counts = counts_in(doc)
    check(counts and all(c in ("<10", "verborgen") or (isinstance(c, (int, float)) and c >= 10)
                         for c in counts),
          "analyst sees a count under 10: %s" % counts)
    check("<10" in counts, "the small test data has small cells")
    # A group shown with its size while the other groups are hidden would
    # give the hidden ones away through the total: secondary suppression.
    shown = [g for g in doc["groups"] if not isinstance(g["n"], str)]
    hidden = [g for g in doc["groups"] if isinstance(g["n"], str)]
    check(len(hidden) != 1 or isinstance(doc["all"]["n"], str),
          "one hidden group with a shown total is derivable")
    if not isinstance(doc["all"]["n"], str):
        check(len(hidden) == 0 or len(hidden) >= 2 or not shown, "secondary suppression")
    _, body = get(admin, "/api/v1/monitor/survival?at=%s&by=nationality&detail=true" % AT)
    detail = json.loads(body)
    check(detail["suppressed_below"] is None, "admin detail: nothing suppressed")
    check(all(isinstance(c, (int, float)) for c in counts_in(detail)), "admin detail: numbers")
    check(sum(g["n"] for g in detail["groups"]) == detail["all"]["n"], "groups add up")
    status, _, _ = analyst.request("GET", "/api/v1/monitor/survival?detail=true")
    check(status == 403, "analyst detail=true: %d" % status)
    _, body = get(admin, "/api/v1/monitor/typology?at=%s" % AT)
    check(json.loads(body)["perturbed"] is True, "admin without detail: perturbed too")
    _, body = get(admin, "/api/v1/monitor/typology?at=%s&detail=true" % AT)
    check(json.loads(body)["perturbed"] is False, "admin detail: exact")


def test_csv_and_xlsx():
    analyst = client("analyst")
    h, body = get(analyst, "/api/v1/monitor/housing?at=%s&format=csv" % AT)
    check(h["content-type"].startswith("text/csv"), "CSV type: " + h["content-type"])
    check(h["content-disposition"] == 'attachment; filename="inbeeld-housing-%s.csv"' % AT,
          "CSV disposition: " + h.get("content-disposition", ""))
    rows = list(csv.reader(io.StringIO(body.decode())))
    check(rows[0][0] == "municipality" and rows[-1][0] == "total", "CSV table: %s" % rows)
    h2, body2 = get(analyst, "/api/v1/monitor/housing?at=%s" % AT, headers={"Accept": "text/csv"})
    check(body2 == body, "Accept: text/csv gives the same CSV")
    h, x = get(analyst, "/api/v1/monitor/housing?at=%s&format=xlsx" % AT)
    check(h["content-type"] == XLSX, "XLSX type")
    book = zipfile.ZipFile(io.BytesIO(x))
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    strings = book.read("xl/sharedStrings.xml").decode()
    for name in rows[0]:
        check(">%s<" % name in strings, "XLSX lacks header %s" % name)
    # every numeric CSV cell is a number cell in the sheet
    numbers = [v for r in rows[1:] for v in r if v.replace(".", "", 1).isdigit()]
    check(sheet.count("<v>") >= len(rows[0]) + len(numbers), "XLSX cells")
    names = workbook_sheet_names(book)
    check(names == ["housing"], "sheet name: %s" % names)
    h, _ = get(analyst, "/api/v1/monitor/survival?at=%s" % AT, headers={"Accept": XLSX})
    check(h["content-type"] == XLSX, "Accept: XLSX")


def workbook_sheet_names(book):
    import re
    return re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode())


def joined_stays(rows):
    """The stays of a person (docs/linkage.md): the stays of its records
    that overlap or touch (one ends the day before the other begins) are
    one. rows: (arrival, departure) as day numbers, departure None: open."""
    n, end = 0, None
    for arrival, departure in sorted(rows, key=lambda r: r[0]):
        if n and (end is None or arrival <= end + 1):
            end = None if end is None or departure is None else max(end, departure)
            continue
        n, end = n + 1, departure
    return n


def stays_in(muni):
    """Stays of the persons in muni (a registration there or a housing at a
    location there, in any of their records), and of every person: the
    monitor counts over persons."""
    con = sqlite3.connect(db)
    rows = con.execute("SELECT p.people_id, s.arrival, s.departure FROM stays s"
                       " JOIN persons p ON p.id = s.person_id").fetchall()
    here = {r[0] for r in con.execute(
        "SELECT people_id FROM persons WHERE id IN ("
        " SELECT person_id FROM registrations WHERE municipality = ?"
        " UNION SELECT h.person_id FROM housings h JOIN locations l ON l.id = h.location_id"
        " WHERE l.municipality = ?)", (muni, muni))}
    con.close()
    by_person = {}
    for person, arrival, departure in rows:
        by_person.setdefault(person, []).append((arrival, departure))
    n = sum(joined_stays(v) for k, v in by_person.items() if k in here)
    total = sum(joined_stays(v) for v in by_person.values())
    return n, total


def test_municipality_scope():
    admin, region = client("admin"), client("analyst_region")
    n, total = stays_in("GM1783")
    check(0 < n < total, "test data: GM1783 holds some of the stays (%d of %d)" % (n, total))
    path = "/api/v1/monitor/survival?curve=false&detail=true"
    _, body = get(admin, path)
    check(json.loads(body)["all"]["n"] == total, "admin: every stay")
    _, body = get(admin, path + "&municipality=GM1783")
    check(json.loads(body)["all"]["n"] == n, "admin, municipality=GM1783: %d stays" % n)
    # The regional analyst sees only GM1783, asked or not, suppressed.
    _, own = get(region, "/api/v1/monitor/survival?curve=false")
    _, asked = get(region, "/api/v1/monitor/survival?curve=false&municipality=GM1783")
    _, adm = get(admin, "/api/v1/monitor/survival?curve=false&municipality=GM1783")
    check(own == asked == adm, "regional analyst: the figures of GM1783")
    status, _, _ = region.request("GET", "/api/v1/monitor/survival?municipality=GM0344")
    check(status == 403, "regional analyst, other municipality: %d" % status)


def test_bad_parameters():
    analyst = client("analyst")
    for path in ("/api/v1/monitor/typology?curve=true",       # not this figure's
                 "/api/v1/monitor/survival?format=pdf",
                 "/api/v1/monitor/survival?at=2025-13-01",
                 "/api/v1/monitor/survival?by=shoe_size",
                 "/api/v1/monitor/survival?cohort=abc",
                 "/api/v1/monitor/survival?municipality=GM12",
                 "/api/v1/monitor/cox?covariates=shoe_size",
                 "/api/v1/monitor/cox?covariates=employed,,partner",
                 "/api/v1/monitor/housing?view=map",
                 "/api/v1/monitor/survival?cohort=1990"):      # no stays
        status, h, body = analyst.request("GET", path)
        check(status == 400 and h["content-type"] == "application/problem+json",
              "%s: %d" % (path, status))
    status, _, _ = analyst.request("GET", "/api/v1/monitor/survival?sender=nobody")
    check(status == 404, "unknown sender: %d" % status)


def test_not_audited():
    analyst = client("analyst")     # logging in is audited; the figures not
    con = sqlite3.connect(db)
    before = con.execute("SELECT count(*) FROM audit").fetchone()[0]
    con.close()
    get(analyst, "/api/v1/monitor/survival?at=%s" % AT)
    con = sqlite3.connect(db)
    after = con.execute("SELECT count(*) FROM audit").fetchone()[0]
    con.close()
    check(after == before, "monitor figures wrote %d audit entries" % (after - before))


try:
    apilib.main([test_same_documents_as_the_cli, test_suppression_for_analysts,
                 test_csv_and_xlsx, test_municipality_scope, test_bad_parameters,
                 test_not_audited], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
