#!/usr/bin/env python3
"""test_tied.py — tied housing in the API by the monitor's rule (a bed is
tied on a day when its provider is the person's employer or agency in a job
covering that day; records of one KvK number are one organisation), on the
good import corpus under bureau-a and bureau-b: a location's residents are
tied on the asked date exactly as `inbeeld monitor housing` counts them on
that date; a person's beds say whether and on which days they are tied; a
provider that only lets the bed is no tie; the jobs and beds carry the
organisations' names and an agency's certification, a bed its location's
address, a location its provider's name. An agency's answer uses its own
records only.
Usage: test_tied.py path/to/inbeeld"""
import csv
import io
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
from apilib import check  # noqa: E402

inbeeld = sys.argv[1]
folder, db, server, openapi = apilib.start(inbeeld)
DATES = ["2019-07-01", "2020-03-01", "2020-03-02", "2021-12-01", "2021-12-15", "2021-12-16",
         "2022-06-01", "2023-03-01", "2023-06-30", "2023-07-01", "2024-03-01"]


def client(name):
    c = apilib.Client(server.port, openapi)
    c.login(name)
    return c


def monitor_tied(day):
    """The monitor's exact count of tied persons per municipality on day."""
    out = apilib.run(inbeeld, "monitor", "housing", "--db", db, "--at", day, "--no-suppress", "--format", "csv")
    return {r["municipality"]: int(r["tied"]) for r in csv.DictReader(io.StringIO(out)) if r["municipality"] != "total"}


def test_residents_tied_as_the_monitor_counts():
    admin = client("admin")
    locations = admin.json("GET", "/api/v1/locations?pageSize=100")[2]["items"]
    seen_tied = seen_untied = 0
    for day in DATES:
        persons = {}
        for loc in locations:
            status, _, r = admin.json("GET", "/api/v1/locations/%d/residents?date=%s" % (loc["id"], day))
            check(status == 200, "residents %s: %d" % (loc["location_ref"], status))
            for res in r["residents"]:
                check(isinstance(res["tied"], bool), "tied is a boolean: %s" % res)
                if res["tied"]:
                    persons.setdefault(loc["municipality"], set()).add(res["person_id"])
                    seen_tied += 1
                elif res["provided_by_ref"]:
                    seen_untied += 1
        got = {m: len(p) for m, p in persons.items()}
        want = {m: n for m, n in monitor_tied(day).items() if n}
        check(got == want, "%s: API %s, monitor %s" % (day, got, want))
    check(seen_tied and seen_untied, "both kinds seen: %d tied, %d beds of a provider not tied" % (seen_tied, seen_untied))


def person(c, ref):
    items = c.json("GET", "/api/v1/persons?ref=%s&pageSize=1" % ref)[2]["items"]
    status, _, p = c.json("GET", "/api/v1/persons/%d" % items[0]["id"])
    check(status == 200, "person %s: %d" % (ref, status))
    return p


def beds(p, location_ref):
    return [h for h in p["timeline"]["housings"] if h["location_ref"] == location_ref]


def test_person_beds_and_periods():
    for name in ("caseworker", "agency"):
        c = client(name)
        # P001: UB01's bed at L001 from 2020-03-01 to 2021-12-20; the job
        # through UB01 from 2020-03-02 to 2021-12-15: tied on those days only.
        p1 = person(c, "P001")
        for h in beds(p1, "L001"):
            check(h["tied"] is True and h["provided_by_name"] == "Uitzendbureau Flex, B.V.", "%s L001: %s" % (name, h))
            check(h["tied_periods"] == [{"start_date": "2020-03-02", "end_date": "2021-12-15"}], "%s periods: %s" % (name, h))
        # A bed without a provider is never tied.
        for h in beds(p1, "L003"):
            check(h["tied"] is False and h["tied_periods"] == [] and h["provided_by_name"] is None, "L003: %s" % h)
        # P002: HP01, a housing provider that employs nobody, lets the bed: not tied.
        for h in beds(person(c, "P002"), "L002"):
            check(h["tied"] is False and h["tied_periods"] == [] and h["provided_by_name"] == "Short Stay Wonen", "P002: %s" % h)
        # P003: UB01's bed and a temporary job through UB01 on the same days.
        for h in beds(person(c, "P003"), "L001"):
            check(h["tied_periods"] == [{"start_date": "2023-01-11", "end_date": "2023-06-30"}], "P003: %s" % h)
        # The jobs name their organisations and the agency's certification.
        jobs = {j["employer_ref"]: j for j in p1["timeline"]["employments"]}
        check(jobs["WG01"]["employer_name"] == "Kwekerij De Tuin" and jobs["WG01"]["agency_name"] == "Uitzendbureau Flex, B.V."
              and jobs["WG01"]["agency_certified"] == "nen4400", "job through UB01: %s" % jobs["WG01"])
        check(jobs["WG02"]["agency_name"] is None and jobs["WG02"]["agency_certified"] is None, "job without agency: %s" % jobs["WG02"])


def test_agency_sees_its_own_records_only():
    # bureau-b's agency sees its own copy of the corpus: the same answers,
    # from its own records (another sender's jobs never make its bed tied).
    c = client("agency_other")
    p1 = person(c, "P001")
    check(all(h["sender"] == "bureau-b" for h in p1["timeline"]["housings"]), "own beds only")
    check(all(j["sender"] == "bureau-b" for j in p1["timeline"]["employments"]), "own jobs only")
    check([h["tied"] for h in beds(p1, "L001")] == [True], "tied from its own job: %s" % beds(p1, "L001"))


def test_beds_and_locations_say_where():
    # A person's beds carry their location's address; one location its
    # provider's name.
    c = client("caseworker")
    admin = client("admin")              # sees every location, also outside GM1783
    for h in person(c, "P001")["timeline"]["housings"]:
        status, _, l = admin.json("GET", "/api/v1/locations/%d" % h["location_id"])
        check(status == 200 and (h["postcode"], h["house_number"], h["municipality"]) == (l["postcode"], l["house_number"], l["municipality"]),
              "bed at %s: %s vs %s" % (h["location_ref"], h, l))
    locs = c.json("GET", "/api/v1/locations?pageSize=100")[2]["items"]
    for l in locs:
        status, _, one = c.json("GET", "/api/v1/locations/%d" % l["id"])
        want = {"HP01": "Short Stay Wonen", "UB01": "Uitzendbureau Flex, B.V.", None: None}.get(l["provider_ref"], "?")
        check(one["provider_name"] == want, "%s provided by %s: %s" % (l["location_ref"], l["provider_ref"], one["provider_name"]))


try:
    apilib.main([test_residents_tied_as_the_monitor_counts, test_person_beds_and_periods,
                 test_agency_sees_its_own_records_only, test_beds_and_locations_say_where], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
