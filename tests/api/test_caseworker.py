#!/usr/bin/env python3
"""test_caseworker.py — a caseworker writes as its own organisation: it
registers a person with a stay and a registration (JSON batches to
/api/v1/imports) — with the BSN of an agency's person, so one person with
it, the caseworker's record beside the agency's — corrects the registration and finds both deliveries in
its organisation's history and the correction in the person's audit; it
sees the persons its organisation sent beyond its municipalities; it cannot
change an agency's record: its keys resolve within its own sender, so the
agency's row stays as it was; naming another sender is refused (403). The
work list of persons here more than 120 days without BRP matches the CLI.
Every answer is checked against the OpenAPI document.
Usage: test_caseworker.py path/to/inbeeld"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
from apilib import check  # noqa: E402

inbeeld = sys.argv[1]
folder, db, server, openapi = apilib.start(inbeeld)
ORG = apilib.USERS["caseworker"][1]          # gemeente-westland


def client(name):
    c = apilib.Client(server.port, openapi)
    c.login(name)
    return c


def deliver(c, kind, records, query=""):
    return c.json("POST", "/api/v1/imports?kind=%s%s" % (kind, query), records)


def person_by_ref(c, ref, sender):
    status, _, page = c.json("GET", "/api/v1/persons?ref=%s" % ref)
    check(status == 200, "persons?ref=%s: %d" % (ref, status))
    mine = [p for p in page["items"] if p["sender"] == sender]
    return mine[0] if mine else None


def test_register_correct_and_audit():
    cw = client("caseworker")
    status, _, rep = deliver(cw, "persons", [{
        "person_ref": "CW-1", "bsn": "111222333", "family_name": "Wiśniewska",
        "birth_date": "1994-05-06", "nationality": "PL", "sex": "V"}])
    check(status == 200 and rep["totals"]["inserted"] == 1, "person: %d %s" % (status, rep))
    status, _, rep = deliver(cw, "stays", [{"person_ref": "CW-1", "arrival_date": "2024-03-01"}])
    check(status == 200 and rep["totals"]["inserted"] == 1, "stay: %d %s" % (status, rep))
    reg = {"person_ref": "CW-1", "kind": "brp", "municipality": "GM1783",
           "start_date": "2024-03-10"}
    status, _, rep = deliver(cw, "registrations", [reg])
    check(status == 200 and rep["totals"]["inserted"] == 1, "registration: %d %s" % (status, rep))

    # CW-1 has the BSN of the agencies' P001: one person with them (rule 1
    # of docs/linkage.md). The caseworker's record is on the person's page
    # beside theirs, its episodes among those of every sender.
    p = person_by_ref(cw, "CW-1", ORG)
    check(p is not None, "the new person is found as the organisation's")
    p001 = client("agency").json("GET", "/api/v1/persons?ref=P001")[2]["items"][0]
    check(p["id"] == p001["id"], "one person with the agency's P001: %s %s" % (p, p001))
    status, _, page = cw.json("GET", "/api/v1/persons/%d" % p["id"])
    tl = page["timeline"]
    check(status == 200, "person page: %d" % status)
    records = {(r["sender"], r["person_ref"]): r for r in page["person"]["records"]}
    check(sorted(records) == [("bureau-a", "P001"), ("bureau-b", "P001"), (ORG, "CW-1")]
          and records[(ORG, "CW-1")]["linked_by"] == "bsn", "the records: %s" % records)
    own = [s["arrival_date"] for s in tl["stays"] if s["sender"] == ORG]
    check(own == ["2024-03-01"] and len(tl["stays"]) == 5, "stay stored: %s" % tl["stays"])
    regs = [r for r in tl["registrations"] if r["sender"] == ORG]
    check(len(regs) == 1 and regs[0]["end_date"] is None, "registration stored: %s" % regs)

    # The correction: the same key (person, kind, start) with an end date.
    status, _, rep = deliver(cw, "registrations", [dict(reg, end_date="2024-09-30")])
    check(status == 200 and rep["totals"]["updated"] == 1 and rep["totals"]["inserted"] == 0,
          "correction: %d %s" % (status, rep))
    _, _, page = cw.json("GET", "/api/v1/persons/%d" % p["id"])
    regs = [r for r in page["timeline"]["registrations"] if r["sender"] == ORG]
    check(len(regs) == 1 and regs[0]["end_date"] == "2024-09-30", "corrected in place: %s" % regs)

    # Both audited: the correction in the person's audit, and every delivery
    # in the history of the organisation.
    status, _, audit = cw.json("GET", "/api/v1/persons/%d/audit?pageSize=100" % p["id"])
    updates = [e for e in audit["items"] if e["action"] == "update" and e["entity"] == "registration"]
    check(status == 200 and len(updates) == 1 and "CW-1" in updates[0]["detail"]
          and "gewijzigd" in updates[0]["detail"],
          "correction audited: %s" % audit["items"])
    check(updates[0]["actor"] == "user:caseworker", "audited as the caseworker: %s" % updates[0])
    status, _, hist = cw.json("GET", "/api/v1/imports?pageSize=100")
    kinds = [d["kind"] for d in hist["items"] if d["stored"]]
    check(status == 200 and kinds[:2] == ["registrations", "registrations"]
          and "stays" in kinds and "persons" in kinds, "history: %s" % hist["items"])
    check(all(d["actor"] == "user:caseworker" for d in hist["items"]),
          "only the organisation's deliveries: %s" % hist["items"])


def test_scope_own_organisation_and_history():
    # A colleague of the same organisation in another municipality sees the
    # organisation's person and its deliveries; a caseworker of another
    # organisation and municipality sees neither.
    apilib.run(inbeeld, "user", "add", "caseworker_colleague", "--db", db, "--role",
               "caseworker", "--organisation", ORG, "--municipalities", "GM0518",
               stdin=apilib.PASSWORD + "\n")
    colleague = client("caseworker_colleague")
    p = person_by_ref(colleague, "CW-1", ORG)
    check(p is not None, "a colleague sees the organisation's person")
    status, _, _ = colleague.json("GET", "/api/v1/persons/%d" % p["id"])
    check(status == 200, "colleague opens the person: %d" % status)
    status, _, export = colleague.request("GET", "/api/v1/exports/persons")
    check(status == 200 and b"CW-1" in export, "the export has the same scope")
    status, _, hist = colleague.json("GET", "/api/v1/imports?pageSize=100")
    check(status == 200 and len(hist["items"]) >= 4, "the organisation's history: %s" % hist)
    other = client("caseworker_other")
    status, _, _ = other.json("GET", "/api/v1/persons/%d" % p["id"])
    check(status == 404, "another organisation: %d" % status)
    check(person_by_ref(other, "CW-1", ORG) is None, "not in another's list")
    status, _, hist = other.json("GET", "/api/v1/imports?pageSize=100")
    check(status == 200 and hist["total"] == 0, "another organisation's history is its own: %s" % hist)


def registrations_of(c, person_id):
    status, _, page = c.json("GET", "/api/v1/registrations?person=%d&pageSize=100" % person_id)
    check(status == 200, "registrations: %d" % status)
    return page["items"]


def test_cannot_change_an_agency_record():
    cw = client("caseworker")
    admin = client("admin")
    # P003 of bureau-a and bureau-b is one person (the same BSN), listed once.
    status, _, found = cw.json("GET", "/api/v1/persons?ref=P003")
    check(status == 200 and found["total"] == 1, "P003 in the caseworker's scope: %s" % found)
    agency_p = found["items"][0]
    status, _, page = cw.json("GET", "/api/v1/persons/%d" % agency_p["id"])
    check(("bureau-a", "P003") in [(r["sender"], r["person_ref"]) for r in page["person"]["records"]],
          "the agency's P003 is in the caseworker's municipality: %s" % page["person"])
    before = [r for r in registrations_of(admin, agency_p["id"]) if r["sender"] == "bureau-a"]
    check(len(before) == 1 and before[0]["end_date"] is None, "fixture: %s" % before)
    # The agency's key, other content: P003 is not a person of the
    # caseworker's organisation, so the row is refused, nothing stored.
    change = {"person_ref": "P003", "kind": "rni", "municipality": "GM1783",
              "start_date": "2023-01-15", "end_date": "2023-02-01"}
    status, _, rep = deliver(cw, "registrations", [change])
    rej = rep["files"][0]["rejections"]
    check(status == 422 and rej[0]["field"] == "person_ref" and "P003" in rej[0]["message"],
          "refused: %d %s" % (status, rep))
    # Naming the agency as sender is forbidden.
    status, _, body = deliver(cw, "registrations", [change], "&sender=bureau-a")
    check(status == 403, "sender=bureau-a: %d %s" % (status, body))
    # With a person P003 of its own, the same key is the caseworker's own
    # record: stored beside the agency's, which stays as it was.
    status, _, _ = deliver(cw, "persons", [{"person_ref": "P003", "birth_date": "2001-02-28",
                                             "nationality": "PL"}])
    check(status == 200, "own P003: %d" % status)
    status, _, rep = deliver(cw, "registrations", [change])
    check(status == 200 and rep["totals"]["inserted"] == 1 and rep["totals"]["updated"] == 0,
          "own registration: %d %s" % (status, rep))
    after = [r for r in registrations_of(admin, agency_p["id"]) if r["sender"] == "bureau-a"]
    check(after == before, "the agency's row is untouched: %s vs %s" % (after, before))
    # Without a BSN or names the caseworker's P003 is a person of its own.
    own = person_by_ref(cw, "P003", ORG)
    check(own is not None and own["id"] != agency_p["id"], "own P003: %s" % own)
    mine = registrations_of(admin, own["id"])
    check(len(mine) == 1 and mine[0]["end_date"] == "2023-02-01" and mine[0]["sender"] == ORG,
          "the caseworker's row: %s" % mine)


def test_unregistered_worklist():
    """?unregistered_on=R lists the same persons as `inbeeld monitor
    registration --unregistered` (present on R for more than 120 days
    without BRP), within the caseworker's scope, each read audited."""
    admin, cw, other = client("admin"), client("caseworker"), client("caseworker_other")
    for at in ("2023-06-01", "2024-06-01"):
        out = apilib.run(inbeeld, "monitor", "registration", "--db", db, "--at", at,
                         "--unregistered", "--no-suppress", "--format", "csv",
                         "--no-snapshot")
        cli = sorted(line.split(",")[0] for line in out.strip().splitlines()[1:])
        status, _, page = admin.json("GET", "/api/v1/persons?unregistered_on=%s&pageSize=100" % at)
        api = sorted(p["person_ref"] for p in page["items"])
        check(status == 200 and api == cli and page["total"] == len(cli) and cli,
              "%s: API %s, CLI %s" % (at, api, cli))
        mine = cw.json("GET", "/api/v1/persons?unregistered_on=%s&pageSize=100" % at)[2]["items"]
        ids = {p["id"] for p in page["items"]}
        check(mine and all(p["id"] in ids for p in mine), "%s: the caseworker's part: %s" % (at, mine))
        for p in mine:
            status, _, _ = cw.json("GET", "/api/v1/persons/%d" % p["id"])
            check(status == 200, "in the caseworker's scope: %s" % p)
        theirs = other.json("GET", "/api/v1/persons?unregistered_on=%s&pageSize=100" % at)[2]
        check(not {p["id"] for p in theirs["items"]} & {p["id"] for p in mine},
              "another municipality's list: %s" % theirs)
    status, _, page = cw.json("GET", "/api/v1/persons?unregistered_on=2024-06-01",
                              headers={"X-Purpose": "werklijst inschrijving"})
    first = page["items"][0]["id"]
    audit = admin.json("GET", "/api/v1/persons/%d/audit?pageSize=100" % first)[2]["items"]
    check(any(e["actor"] == "user:caseworker" and "werklijst inschrijving" in e["detail"]
              for e in audit), "the work list is an audited read: %s" % audit[:3])
    status, _, _ = client("agency").json("GET", "/api/v1/persons?unregistered_on=2024-06-01")
    check(status == 403, "not for an agency: %d" % status)
    status, _, _ = cw.json("GET", "/api/v1/persons?unregistered_on=2024-13-01")
    check(status == 400, "a bad date: %d" % status)


try:
    apilib.main([test_register_correct_and_audit, test_scope_own_organisation_and_history,
                 test_cannot_change_an_agency_record, test_unregistered_worklist], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
