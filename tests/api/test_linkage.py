#!/usr/bin/env python3
"""test_linkage.py — one person across the chain (docs/linkage.md) as the
API's users see it: two senders deliver the same BSN and it is one person
in the list, whose page lists both records and where they disagree; an
agency opening it sees its own record and episodes and no trace of the
other sender; a caseworker in scope sees the episodes of both; an id
absorbed by a link answers the person it joined; a correction lands in
the audit of the record's person; and after `inbeeld person erase` no
new person gets the erased id, nor any of the erased person's entries.
Every answer is checked against the OpenAPI document.
Usage: test_linkage.py path/to/inbeeld"""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
from apilib import check  # noqa: E402

inbeeld = sys.argv[1]
folder, db, server, openapi = apilib.start(inbeeld)

# BSNs (11-check) that the good corpus does not hold.
BSN_LINKED, BSN_ABSORB, BSN_ERASED, BSN_AFTER = "200000007", "200000019", "200000020", "200000032"


def client(name):
    c = apilib.Client(server.port, openapi)
    c.login(name)
    return c


def deliver(c, kind, records):
    status, _, rep = c.json("POST", "/api/v1/imports?kind=" + kind, records)
    check(status == 200 and rep["ok"], "deliver %s: %d %s" % (kind, status, rep))
    return rep


def only_person(c, query):
    status, _, page = c.json("GET", "/api/v1/persons?" + query)
    check(status == 200 and page["total"] == 1 and len(page["items"]) == 1,
          "persons?%s: one person: %d %s" % (query, status, page))
    return page["items"][0]


def page_of(c, person, **kw):
    status, _, page = c.json("GET", "/api/v1/persons/%d" % person, **kw)
    check(status == 200, "person %d: %d %s" % (person, status, page))
    return page


def senders_of(timeline):
    return sorted({e["sender"] for kind in timeline.values() for e in kind})


ctx = {}


def test_two_senders_one_bsn_one_person():
    """bureau-a and bureau-b deliver the same BSN under their own refs, with
    another birth date and nationality: one person, both records on its
    page, the fixed attributes of the record with a BSN updated last, and
    the attributes on which they disagree."""
    a, b = client("agency"), client("agency_other")
    deliver(a, "persons", [{"person_ref": "LK-A1", "bsn": BSN_LINKED, "family_name": "Linkert",
                            "given_names": "Jana", "birth_date": "1988-01-01", "sex": "V",
                            "nationality": "PL"}])
    deliver(a, "stays", [{"person_ref": "LK-A1", "arrival_date": "2024-01-01",
                          "departure_date": "2024-03-31"}])
    deliver(a, "registrations", [{"person_ref": "LK-A1", "kind": "brp", "municipality": "GM1783",
                                  "start_date": "2024-01-05"}])
    deliver(b, "persons", [{"person_ref": "LK-B1", "bsn": BSN_LINKED, "family_name": "Linkert",
                            "given_names": "Jana", "birth_date": "1988-01-10", "sex": "V",
                            "nationality": "CZ"}])
    deliver(b, "stays", [{"person_ref": "LK-B1", "arrival_date": "2024-04-01"}])
    deliver(b, "registrations", [{"person_ref": "LK-B1", "kind": "rni",
                                  "municipality": "GM1783", "start_date": "2024-04-02"}])
    admin = client("admin")
    person = only_person(admin, "family_name=Linkert")
    check(person["person_ref"] == "LK-B1" and person["birth_date"] == "1988-01-10",
          "the list shows the record with a BSN updated last: %s" % person)
    check(only_person(admin, "bsn=" + BSN_LINKED)["id"] == person["id"], "by BSN: the same person")
    ctx["linked"] = person["id"]
    page = page_of(admin, person["id"])
    records = sorted((r["sender"], r["person_ref"], r["linked_by"]) for r in page["person"]["records"])
    check(records == [("bureau-a", "LK-A1", None), ("bureau-b", "LK-B1", "bsn")],
          "both records, the second linked by BSN: %s" % records)
    check(all(r["bsn_masked"] == "*****0007" for r in page["person"]["records"]), "BSN masked")
    check(sorted(page["person"]["conflicts"]) == ["birth_date", "nationality"],
          "the attributes that differ: %s" % page["person"]["conflicts"])
    check(page["person"]["birth_date"] == "1988-01-10" and page["person"]["nationality"] == "CZ",
          "fixed attributes of the record updated last: %s" % page["person"])
    check(senders_of(page["timeline"]) == ["bureau-a", "bureau-b"],
          "the episodes of both senders: %s" % page["timeline"])
    # The person is one person in every list: the agency's P001 and this one.
    before = admin.json("GET", "/api/v1/persons?pageSize=1")[2]["total"]
    deliver(b, "persons", [{"person_ref": "LK-B1", "bsn": BSN_LINKED, "family_name": "Linkert",
                            "given_names": "Jana", "birth_date": "1988-01-10", "sex": "V",
                            "nationality": "CZ"}])
    check(admin.json("GET", "/api/v1/persons?pageSize=1")[2]["total"] == before,
          "the same file again changes no person")


def test_agency_sees_only_its_own():
    """bureau-a opens the linked person: its own record and episodes, no
    records or conflicts, and nothing that tells bureau-b knows the person."""
    person = ctx["linked"]
    a = client("agency")
    status, _, raw = a.request("GET", "/api/v1/persons/%d" % person)
    check(status == 200, "the agency opens the person: %d" % status)
    page = json.loads(raw)
    p = page["person"]
    check(p["sender"] == "bureau-a" and p["person_ref"] == "LK-A1" and p["birth_date"] == "1988-01-01"
          and p["nationality"] == "PL", "its own record: %s" % p)
    check("records" not in p and "conflicts" not in p, "no records, no conflicts: %s" % sorted(p))
    check(senders_of(page["timeline"]) == ["bureau-a"], "its own episodes: %s" % page["timeline"])
    for trace in (b"bureau-b", b"LK-B1", b"1988-01-10", b"CZ", b"rni"):
        check(trace not in raw, "a trace of the other sender (%s) in %s" % (trace, raw))
    for kind in ("stays", "registrations", "employments", "housings", "life-events"):
        status, _, body = a.request("GET", "/api/v1/%s?person=%d" % (kind, person))
        check(status == 200 and b"bureau-b" not in body and b"LK-B1" not in body,
              "%s of the agency only: %d %s" % (kind, status, body))
    for query in ("bsn=" + BSN_LINKED, "family_name=Linkert", "birth_date=1988-01-10"):
        status, _, body = a.request("GET", "/api/v1/persons?" + query)
        check(status == 200 and b"bureau-b" not in body and b"LK-B1" not in body,
              "persons?%s: only its own record: %s" % (query, body))
    check(only_person(a, "family_name=Linkert")["person_ref"] == "LK-A1", "its own row")
    # bureau-b likewise sees its own, and the person's id is the same.
    b = client("agency_other")
    status, _, raw = b.request("GET", "/api/v1/persons/%d" % person)
    check(status == 200 and b"LK-A1" not in raw and b"bureau-a" not in raw,
          "the other agency sees its own: %d %s" % (status, raw))


def test_caseworker_sees_both_senders():
    """A caseworker of GM1783 (the person is registered there) sees the
    person's episodes of both senders, and its records."""
    cw = client("caseworker")
    person = only_person(cw, "family_name=Linkert")
    check(person["id"] == ctx["linked"], "in scope: %s" % person)
    page = page_of(cw, person["id"])
    stays = sorted((s["sender"], s["arrival_date"]) for s in page["timeline"]["stays"])
    check(stays == [("bureau-a", "2024-01-01"), ("bureau-b", "2024-04-01")],
          "the stays of both senders: %s" % stays)
    regs = sorted((r["sender"], r["kind"]) for r in page["timeline"]["registrations"])
    check(regs == [("bureau-a", "brp"), ("bureau-b", "rni")], "both registrations: %s" % regs)
    check(len(page["person"]["records"]) == 2, "both records: %s" % page["person"]["records"])
    status, _, stays = cw.json("GET", "/api/v1/stays?person=%d" % person["id"])
    check(status == 200 and sorted(s["sender"] for s in stays["items"]) == ["bureau-a", "bureau-b"],
          "the episode list too: %s" % stays)
    other = client("caseworker_other")
    status, _, _ = other.request("GET", "/api/v1/persons/%d" % person["id"])
    check(status == 404, "another municipality: %d" % status)


def test_absorbed_id_answers_the_joined_person():
    """A record without BSN is a person of its own until a record with a
    BSN and the same identity arrives (rule 3): its id is then absorbed,
    and answers the person it joined (the same page, the joined id), never
    404 and never a redirect."""
    a, b = client("agency"), client("agency_other")
    deliver(b, "persons", [{"person_ref": "LK-B2", "family_name": "Absorba", "given_names": "Olga",
                            "birth_date": "1977-07-07", "nationality": "LT"}])
    admin = client("admin")
    absorbed = only_person(admin, "family_name=Absorba")["id"]
    deliver(a, "persons", [{"person_ref": "LK-A2", "bsn": BSN_ABSORB, "family_name": "ABSORBA",
                            "given_names": "Olga", "birth_date": "1977-07-07",
                            "nationality": "LT"}])
    joined = only_person(admin, "family_name=Absorba")
    check(joined["id"] != absorbed and joined["person_ref"] == "LK-A2",
          "one person, of the record with a BSN: %s (was %d)" % (joined, absorbed))
    page = page_of(admin, absorbed)
    check(page["person"]["id"] == joined["id"], "the absorbed id answers the joined person: %s"
          % page["person"])
    records = sorted((r["person_ref"], r["linked_by"]) for r in page["person"]["records"])
    check(records == [("LK-A2", None), ("LK-B2", "identity")], "linked by identity: %s" % records)
    status, _, audit = admin.json("GET", "/api/v1/persons/%d/audit?pageSize=100" % absorbed)
    check(status == 200 and audit["items"][0]["detail"] == "GET /api/v1/persons/%d/audit" % absorbed
          and any(e["action"] == "link" for e in audit["items"]),
          "the audit of an absorbed id answers for the joined person: %d %s" % (status, audit))
    same = admin.json("GET", "/api/v1/persons/%d/audit?pageSize=100" % joined["id"])[2]
    check(same["total"] == audit["total"] + 1, "the joined person's audit: %s vs %s" % (same, audit))
    # Each agency still opens it through its own record.
    p = page_of(b, absorbed)["person"]
    check(p["person_ref"] == "LK-B2" and "records" not in p, "bureau-b: its own: %s" % p)
    status, _, _ = client("caseworker").request("GET", "/api/v1/persons/%d" % absorbed)
    check(status == 404, "out of the caseworker's scope, also by the absorbed id: %d" % status)


def audit_details(c, person):
    status, _, audit = c.json("GET", "/api/v1/persons/%d/audit?pageSize=100" % person)
    check(status == 200, "audit of %d: %d" % (person, status))
    return [e["detail"] for e in audit["items"]]


def test_correction_in_the_persons_audit():
    """A correction of bureau-b's record is in the audit of the person (not
    of the one whose id equals the record's)."""
    b = client("agency_other")
    deliver(b, "persons", [{"person_ref": "LK-B1", "bsn": BSN_LINKED, "family_name": "Linkert",
                            "given_names": "Jana Maria", "birth_date": "1988-01-10", "sex": "V",
                            "nationality": "CZ"}])
    deliver(b, "stays", [{"person_ref": "LK-B1", "arrival_date": "2024-04-01",
                          "departure_date": "2024-05-01"}])
    admin = client("admin")
    details = audit_details(admin, ctx["linked"])
    check(any("LK-B1" in d and "gewijzigd" in d and "verblijf" not in d for d in details)
          and any("LK-B1" in d and "verblijf" in d for d in details),
          "the corrections of the record and its stay: %s" % details)
    for p in admin.json("GET", "/api/v1/persons?pageSize=100")[2]["items"]:
        if p["id"] != ctx["linked"]:
            check(not any("LK-B1" in d for d in audit_details(admin, p["id"])),
                  "LK-B1's correction in the audit of person %d" % p["id"])


def test_erased_id_never_again_and_no_entries_follow():
    """The attack: erase a person that was looked at and corrected, then
    deliver a new one. The new person gets an id never used before, and
    neither its audit nor any other person's holds the erased person's
    entries; the erased id answers 404."""
    a = client("agency")
    admin = client("admin")
    deliver(a, "persons", [{"person_ref": "LK-ERASE", "bsn": BSN_ERASED, "family_name": "Wisser",
                            "birth_date": "1991-09-09", "nationality": "BG"}])
    deliver(a, "stays", [{"person_ref": "LK-ERASE", "arrival_date": "2024-02-02"}])
    erased = only_person(admin, "family_name=Wisser")["id"]
    page_of(admin, erased, headers={"X-Purpose": "geheim-doel-voor-het-wissen"})
    deliver(a, "persons", [{"person_ref": "LK-ERASE", "bsn": BSN_ERASED, "family_name": "Wisser",
                            "given_names": "Ivo", "birth_date": "1991-09-09",
                            "nationality": "BG"}])
    check(any("LK-ERASE" in d for d in audit_details(admin, erased)), "the correction audited")
    seen = {p["id"] for p in admin.json("GET", "/api/v1/persons?pageSize=100")[2]["items"]}
    apilib.run(inbeeld, "person", "erase", "LK-ERASE", "--sender", "bureau-a", "--db", db,
               "--reason", "verzoek betrokkene")
    for path in ("/api/v1/persons/%d" % erased, "/api/v1/persons/%d/audit" % erased):
        status, _, _ = admin.request("GET", path)
        check(status == 404, "%s after the erasure: %d" % (path, status))
    deliver(a, "persons", [{"person_ref": "LK-AFTER", "bsn": BSN_AFTER, "family_name": "Nieuw",
                            "birth_date": "1992-02-02", "nationality": "BG"}])
    deliver(a, "persons", [{"person_ref": "LK-AFTER", "bsn": BSN_AFTER, "family_name": "Nieuwe",
                            "birth_date": "1992-02-02", "nationality": "BG"}])
    new = only_person(admin, "family_name=Nieuwe")["id"]
    check(new not in seen and new > erased, "a new id: %d (erased %d, seen %s)" % (new, erased, seen))
    details = audit_details(admin, new)
    check(any("LK-AFTER" in d for d in details), "the new person's own correction: %s" % details)
    for p in admin.json("GET", "/api/v1/persons?pageSize=100")[2]["items"]:
        for d in audit_details(admin, p["id"]):
            check("LK-ERASE" not in d and "geheim-doel" not in d,
                  "an entry of the erased person in the audit of %d: %s" % (p["id"], d))


try:
    apilib.main([test_two_senders_one_bsn_one_person, test_agency_sees_only_its_own,
                 test_caseworker_sees_both_senders, test_absorbed_id_answers_the_joined_person,
                 test_correction_in_the_persons_audit,
                 test_erased_id_never_again_and_no_entries_follow], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
