#!/usr/bin/env python3
"""test_contacts.py — contact moments through the API: a caseworker records
one as its own organisation (a one-record JSON delivery, as the web form
sends it), with its topics normalised; a bad code comes back as a rejection
at its field and nothing is stored; the person's page lists the contacts of
every sender (an agency's: only its own), GET /api/v1/contacts has the
scope of the other episode lists and audits every person it shows; a
re-sent contact with another outcome replaces the stored one. Every answer
is checked against the OpenAPI document.
Usage: test_contacts.py path/to/inbeeld"""
import os
import sqlite3
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


def deliver(c, records):
    return c.json("POST", "/api/v1/imports?kind=contacts", records)


def person_id(c, ref, sender):
    status, _, page = c.json("GET", "/api/v1/persons?ref=%s" % ref)
    check(status == 200, "persons?ref=%s: %d" % (ref, status))
    return [p for p in page["items"] if p["sender"] == sender][0]["id"]


def test_record_and_read_back():
    cw = client("caseworker")
    # The caseworker's own record of the agencies' P001 (same BSN: one person).
    status, _, rep = cw.json("POST", "/api/v1/imports?kind=persons", [{
        "person_ref": "CW-C1", "bsn": "111222333", "birth_date": "1990-04-12",
        "nationality": "PL"}])
    check(status == 200 and rep["ok"], "person: %d %s" % (status, rep))
    status, _, rep = deliver(cw, [{
        "person_ref": "CW-C1", "date": "2024-03-04", "kind": "information",
        "channel": "desk", "topics": "housing registration  housing", "language": "pl",
        "understood": "partly"}])
    check(status == 200 and rep["totals"]["inserted"] == 1, "contact: %d %s" % (status, rep))

    pid = person_id(cw, "CW-C1", ORG)
    status, _, page = cw.json("GET", "/api/v1/persons/%d" % pid)
    check(status == 200, "person page: %d" % status)
    contacts = page["timeline"]["contacts"]
    own = [c for c in contacts if c["sender"] == ORG]
    check(own == [{"id": own[0]["id"], "sender": ORG, "person_id": pid, "person_ref": "CW-C1",
                   "date": "2024-03-04", "kind": "information", "channel": "desk",
                   "topics": "registration housing", "language": "pl",
                   "understood": "partly"}], "the caseworker's contact: %s" % own)
    # The agencies' contacts of P001 (the good corpus) are the same person's.
    check(sorted(c["sender"] for c in contacts) == ["bureau-a", "bureau-a", "bureau-b",
                                                     "bureau-b", ORG], "every sender's: %s" % contacts)
    plain = [c for c in contacts if c["kind"] == "language_course_offer"][0]
    check(plain["language"] is None and plain["understood"] is None and plain["channel"] == "letter",
          "empty values are null: %s" % plain)

    # Another outcome for the same key: the stored contact is replaced.
    status, _, rep = deliver(cw, [{"person_ref": "CW-C1", "date": "2024-03-04",
                                   "kind": "information", "understood": "yes"}])
    check(status == 200 and rep["totals"]["updated"] == 1, "correction: %d %s" % (status, rep))
    _, _, page = cw.json("GET", "/api/v1/contacts?person=%d" % pid)
    own = [c for c in page["items"] if c["sender"] == ORG]
    check(len(own) == 1 and own[0]["understood"] == "yes" and own[0]["topics"] is None,
          "replaced: %s" % own)


def contacts_stored():
    con = sqlite3.connect(db)
    n = con.execute("SELECT count(*) FROM contacts").fetchone()[0]
    con.close()
    return n


def test_bad_codes_rejected_at_their_field():
    cw = client("caseworker")
    before = contacts_stored()
    for field, value, says in (("kind", "intake", "'intake' is geen geldige waarde"),
                               ("topics", "housing pension", "'pension' is geen onderwerp"),
                               ("channel", "fax", "'fax' is geen geldige waarde"),
                               ("language", "PL", "'PL' is geen taalcode"),
                               ("understood", "ja", "'ja' is geen geldige waarde"),
                               ("note", "belt terug", "onbekend veld 'note'")):
        record = {"person_ref": "CW-C1", "date": "2024-05-01", "kind": "other", field: value}
        status, _, rep = deliver(cw, [record])
        check(status == 422, "%s=%s: %d %s" % (field, value, status, rep))
        rej = rep["files"][0]["rejections"]
        check(len(rej) == 1 and rej[0]["field"] == field and says in rej[0]["message"],
              "%s: %s" % (field, rej))
    check(contacts_stored() == before, "nothing stored")


def test_list_scope_and_audit():
    agency = client("agency")
    status, _, page = agency.json("GET", "/api/v1/contacts?pageSize=100")
    check(status == 200 and page["total"] == 5 and
          all(c["sender"] == "bureau-a" for c in page["items"]),
          "an agency: its own contacts: %s" % page)
    cw = client("caseworker")
    status, _, _ = cw.json("GET", "/api/v1/contacts")
    check(status == 400, "a caseworker names the person: %d" % status)
    pid = person_id(agency, "P003", "bureau-a")
    con = sqlite3.connect(db + ".reads")
    before = con.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]
    con.close()
    status, _, page = cw.json("GET", "/api/v1/contacts?person=%d" % pid,
                              headers={"X-Purpose": "contact voorbereiden"})
    check(status == 200 and page["total"] == 4 and
          sorted(c["kind"] for c in page["items"]) == ["career_offer", "career_offer",
                                                       "information", "information"],
          "both senders' contacts of P003: %s" % page)
    con = sqlite3.connect(db + ".reads")
    entries = con.execute("SELECT actor, person_id, detail FROM audit WHERE id > ?",
                          (before,)).fetchall()
    con.close()
    check(entries and all(e[0] == "user:caseworker" and e[1] == pid and
                          "contact voorbereiden" in e[2] for e in entries),
          "the read is audited with its purpose: %s" % entries)
    status, _, _ = client("caseworker_other").json("GET", "/api/v1/contacts?person=%d" % pid)
    check(status == 404, "another municipality: %d" % status)
    status, _, _ = client("analyst").json("GET", "/api/v1/contacts?person=%d" % pid)
    check(status == 403, "an analyst: %d" % status)


try:
    apilib.main([test_record_and_read_back, test_bad_codes_rejected_at_their_field,
                 test_list_scope_and_audit], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
