#!/usr/bin/env python3
"""test_webviews.py — the endpoints the staff web application added, on
the good import corpus (senders bureau-a and bureau-b): residents and
monthly occupancy of a location counted as the monitor counts (start <= day
<= end), the occupancy of every visible location, "who looked at this
person" (which lists the reads, with purpose, and is itself audited), the
history of deliveries, and person search by exact BSN and by date of birth
within the caller's scope. Every answer is checked against the OpenAPI document.
Usage: test_webviews.py path/to/inbeeld"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
from apilib import check  # noqa: E402

inbeeld = sys.argv[1]
folder, db, server, openapi = apilib.start(inbeeld)


def client(name):
    c = apilib.Client(server.port, openapi)
    c.login(name)
    return c


def location_id(c, ref):
    items = c.json("GET", "/api/v1/locations?pageSize=100")[2]["items"]
    return [l["id"] for l in items if l["location_ref"] == ref and l["sender_id"] == items[0]["sender_id"]][0]


def test_residents_and_monthly_occupancy():
    c = client("inspector")                       # GM1783: L001, L002
    l001 = location_id(c, "L001")
    # On 2021-12-20 P001 still lives at L001 (end day included); not a day later.
    status, _, r = c.json("GET", "/api/v1/locations/%d/residents?date=2021-12-20" % l001)
    check(status == 200 and r["occupants"] == 1 and r["residents"][0]["person_ref"] == "P001", "L001 on 2021-12-20: %s" % r)
    # The bed is UB01's, but P001's job through UB01 ended on 2021-12-15:
    # no longer tied (test_tied.py has the rule).
    check(r["residents"][0]["tied"] is False and r["residents"][0]["provided_by_ref"] == "UB01", "UB01's bed, job ended")
    status, _, r = c.json("GET", "/api/v1/locations/%d/residents?date=2021-12-21" % l001)
    check(r["occupants"] == 0 and r["residents"] == [], "nobody the day after: %s" % r)
    # The series runs monthly from the first start (2020-03) to the date.
    status, _, r = c.json("GET", "/api/v1/locations/%d/residents?date=2023-03-15" % l001)
    months = {m["date"]: m["occupants"] for m in r["occupancy"]}
    check(r["occupancy"][0]["date"] == "2020-03-01" and r["occupancy"][-1]["date"] == "2023-03-01", "series bounds")
    check(len(r["occupancy"]) == 37, "37 months: %d" % len(r["occupancy"]))
    check(months["2020-03-01"] == 1 and months["2022-01-01"] == 0 and months["2023-02-01"] == 1, "months: %s" % months)
    check(r["capacity"] == 80, "capacity")
    status, _, _ = c.json("GET", "/api/v1/locations/%d/residents?date=2023-02-30" % l001)
    check(status == 400, "impossible date: %d" % status)
    # Another municipality's inspector does not see the location.
    status, _, _ = client("inspector_other").json("GET", "/api/v1/locations/%d/residents" % l001)
    check(status == 404, "other municipality: %d" % status)


def test_occupancy_of_visible_locations():
    c = client("inspector")
    status, _, r = c.json("GET", "/api/v1/occupancy?date=2024-03-01")
    locs = {l["id"]: l for l in c.json("GET", "/api/v1/locations?pageSize=100")[2]["items"]}
    check(status == 200 and set(o["location_id"] for o in r["items"]) == set(locs), "exactly the visible locations")
    by_ref = {}
    for o in r["items"]:
        by_ref.setdefault(locs[o["location_id"]]["location_ref"], []).append(o["occupants"])
    # On 2024-03-01: P002 at L002 (both senders deliver the corpus).
    check(by_ref["L002"] == [1, 1] and by_ref["L001"] == [0, 0], "occupancy: %s" % by_ref)
    check(r["date"] == "2024-03-01", "date echoed")
    status, _, r = client("agency_other").json("GET", "/api/v1/occupancy?date=2024-03-01")
    check(status == 200 and len(r["items"]) == 4, "an agency sees its own four locations: %s" % r)


def test_person_audit_lists_reads():
    cw = client("caseworker")
    p = cw.json("GET", "/api/v1/persons?ref=P001&pageSize=1")[2]["items"][0]
    cw.json("GET", "/api/v1/persons/%d" % p["id"], headers={"X-Purpose": "spreekuur 12 mei"})
    status, _, a = cw.json("GET", "/api/v1/persons/%d/audit" % p["id"])
    check(status == 200 and a["total"] >= 3, "entries: %s" % a)
    # Newest first: this very look at the audit, then the read of the person.
    check(a["items"][0]["entity"] == "audit" and a["items"][0]["actor"] == "user:caseworker", "own audit read first: %s" % a["items"][0])
    read = a["items"][1]
    check(read["action"] == "read" and read["entity"] == "person" and "spreekuur 12 mei" in read["detail"],
          "the read, with its purpose: %s" % read)
    status, _, b = cw.json("GET", "/api/v1/persons/%d/audit?pageSize=1&page=2" % p["id"])
    check(b["total"] == a["total"] + 1 and b["items"][0]["id"] == a["items"][0]["id"], "paged, newest first: %s" % b)
    status, _, _ = client("caseworker_other").json("GET", "/api/v1/persons/%d/audit" % p["id"])
    check(status == 404, "outside the scope: %d" % status)


def test_imports_history():
    ag = client("agency")
    good = "person_ref,birth_date,nationality\nHIST1,1990-01-01,PL\n"
    bad = "person_ref,birth_date,nationality\nHIST2,1990-02-30,PL\n"
    check(ag.json("POST", "/api/v1/imports?kind=persons", good, ctype="text/csv")[0] == 200, "good delivery")
    check(ag.json("POST", "/api/v1/imports?kind=persons", bad, ctype="text/csv")[0] == 422, "bad delivery")
    check(ag.json("POST", "/api/v1/imports?kind=persons&dry_run=true", good, ctype="text/csv")[0] == 200, "dry run")
    status, _, h = ag.json("GET", "/api/v1/imports")
    check(status == 200 and h["total"] == 2, "two deliveries (a dry run is none): %s" % h)
    rejected, stored = h["items"]
    check(rejected["stored"] is False and rejected["result"] is None and rejected["kind"] == "persons", "rejected: %s" % rejected)
    # One row is "1 rij"; the counts are the import's, without the file again.
    check(stored["stored"] is True and stored["detail"] == "persons.csv 1 rij"
          and stored["result"].startswith("1 gelezen, 1 nieuw"), "stored: %s" % stored)
    status, _, h2 = client("agency_other").json("GET", "/api/v1/imports")
    check(h2["total"] == 0, "another agency sees none of it")
    status, _, h3 = client("admin").json("GET", "/api/v1/imports")
    check(h3["total"] >= 2, "an admin sees all, the CLI's imports too: %s" % h3["total"])
    # A CLI delivery: the file and sender, then the counts, each once.
    cli = [d for d in h3["items"] if d["actor"].startswith("cli:")]
    check(cli and all(d["detail"].endswith(")") and "(afzender bureau-" in d["detail"] and d["result"]
                      and "gelezen" in d["result"] and "afzender" not in d["result"] for d in cli), "CLI deliveries: %s" % cli[:2])


def test_person_by_bsn():
    cw = client("caseworker")                     # GM1783
    # P001 of both senders has this BSN: one person (docs/linkage.md), one
    # row, as in the list.
    status, _, r = cw.json("GET", "/api/v1/persons?bsn=111222333")
    check(status == 200 and r["total"] == 1 and len(r["items"]) == 1
          and r["items"][0]["person_ref"] == "P001", "P001 of both senders, one person: %s" % r)
    check(all(p["bsn_masked"] == "*****2333" for p in r["items"]), "masked")
    person = r["items"][0]["id"]
    # An agency finds the person through its own record, and learns
    # nothing of the other sender's.
    for name, own in (("agency", "bureau-a"), ("agency_other", "bureau-b")):
        status, _, r = client(name).json("GET", "/api/v1/persons?bsn=111222333")
        check(r["total"] == 1 and [(p["id"], p["sender"]) for p in r["items"]] == [(person, own)],
              "%s only its own: %s" % (name, r))
    status, _, r = client("caseworker_other").json("GET", "/api/v1/persons?bsn=111222333")
    check(r["total"] == 0, "another municipality: %s" % r)
    status, _, _ = cw.json("GET", "/api/v1/persons?bsn=111222334")
    check(status == 400, "11-check failure: %d" % status)
    status, _, r = cw.json("GET", "/api/v1/persons?bsn=123456782")
    check(status == 200 and r["total"] == 1, "P003 of both senders, one person: %s" % r)
    status, _, r = cw.json("GET", "/api/v1/persons?bsn=123456782&page=2&pageSize=1")
    check(status == 200 and r["total"] == 1 and r["items"] == [], "page 2 is empty: %s" % r)
    status, _, r = cw.json("GET", "/api/v1/persons?bsn=100000009")
    check(status == 200 and r["total"] == 0, "a valid BSN nobody has: %s" % r)


def test_person_by_birth_date():
    cw = client("caseworker")
    # P001 of both senders: one person.
    status, _, r = cw.json("GET", "/api/v1/persons?birth_date=1990-04-12")
    check(status == 200 and r["total"] == 1 and all(p["person_ref"] == "P001" for p in r["items"]), "born 1990-04-12: %s" % r)
    status, _, r = cw.json("GET", "/api/v1/persons?birth_date=1990-04-12&family_name=Wi")
    check(r["total"] == 1, "with the family name: %s" % r)
    status, _, r = cw.json("GET", "/api/v1/persons?birth_date=1990-04-12&family_name=Po")
    check(r["total"] == 0, "another family name: %s" % r)
    status, _, r = cw.json("GET", "/api/v1/persons?birth_date=1990-04-13")
    check(r["total"] == 0, "a day later: %s" % r)
    status, _, _ = cw.json("GET", "/api/v1/persons?birth_date=1990-02-30")
    check(status == 400, "impossible date: %d" % status)
    status, _, r = client("caseworker_other").json("GET", "/api/v1/persons?birth_date=1990-04-12")
    check(r["total"] == 0, "outside the scope: %s" % r)


try:
    apilib.main([test_residents_and_monthly_occupancy, test_occupancy_of_visible_locations,
                 test_person_audit_lists_reads, test_imports_history, test_person_by_bsn,
                 test_person_by_birth_date], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
