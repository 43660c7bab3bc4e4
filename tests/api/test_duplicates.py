#!/usr/bin/env python3
"""test_duplicates.py — possible duplicates, decisions, links and unlinks
over the API (docs/linkage.md, rules 4 and 5). The caseworker's
organisation delivers two look-alikes: W1 of P001 (in the caseworker's
municipality) and W2 of P005 (in nobody's). An admin sees every pair, a
caseworker only the pairs of which both persons are in its scope, another
caseworker none; agency, inspector and analyst get 403. A decision links
or keeps apart for good; a link across two BSNs and an unlink of a record
that shares its BSN are refused (409); an unlink restores the persons;
every decision, link, unlink and read of a pair is in the person's audit
with the user as actor; writes by session need the CSRF token.
Usage: test_duplicates.py path/to/inbeeld"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
from apilib import check  # noqa: E402

inbeeld = sys.argv[1]
folder, db, server, openapi = apilib.start(inbeeld)
ORG = apilib.USERS["caseworker"][1]          # gemeente-westland
ctx = {}


def client(name):
    c = apilib.Client(server.port, openapi)
    c.login(name)
    return c


def pairs(c, state="open"):
    status, _, page = c.json("GET", "/api/v1/duplicates?state=%s&pageSize=100" % state)
    check(status == 200, "duplicates as %s: %d" % (state, status))
    return page["items"]


def refs(pair):
    return sorted((r["sender"], r["person_ref"]) for r in pair["records"])


def pair_of(items, ref):
    found = [p for p in items if any(r["person_ref"] == ref for r in p["records"])]
    return found


def person_id(c, ref, sender):
    status, _, page = c.json("GET", "/api/v1/persons?ref=%s" % ref)
    check(status == 200, "persons?ref=%s: %d" % (ref, status))
    ids = [p["id"] for p in page["items"] if p["sender"] == sender]
    if not ids:     # the list shows one row per person, by its record with a BSN
        ids = [p["id"] for p in page["items"]]
    return ids[0]


def records_of(c, pid):
    status, _, body = c.request("GET", "/api/v1/persons/%d" % pid, raw=True)
    check(status == 200, "person %d: %d" % (pid, status))
    import json
    return json.loads(body)["person"]["records"]


def test_setup():
    cw = client("caseworker")
    status, _, rep = cw.json("POST", "/api/v1/imports?kind=persons", [
        {"person_ref": "W1", "family_name": "Wisniewska", "given_names": "Ana Maria",
         "birth_date": "1990-04-12", "sex": "V", "nationality": "PL"},
        {"person_ref": "W2", "family_name": "Nowak", "given_names": "Ewa",
         "birth_date": "1995-12-30", "sex": "V", "nationality": "XX"}])
    check(status == 200 and rep["totals"]["inserted"] == 2, "delivery: %d %s" % (status, rep))
    items = pairs(client("admin"))
    w1, w2 = pair_of(items, "W1"), pair_of(items, "W2")
    check(w1 and w2, "admin sees the pairs of W1 and W2: %s" % [refs(p) for p in items])
    ctx["w1"], ctx["w2"] = w1[0], w2[0]


def test_roles():
    for name in ("agency", "agency_other", "inspector", "analyst"):
        c = client(name)
        for method, path, body in (
                ("GET", "/api/v1/duplicates", None),
                ("GET", "/api/v1/duplicates/%d" % ctx["w1"]["id"], None),
                ("POST", "/api/v1/duplicates/%d/decision" % ctx["w1"]["id"],
                 {"same": True, "reason": "x"}),
                ("POST", "/api/v1/persons/1/links", {"person": 2, "reason": "x"}),
                ("DELETE", "/api/v1/persons/1/records/1?reason=x", None)):
            status, _, _ = c.request(method, path, body)
            check(status == 403, "%s %s as %s: %d" % (method, path, name, status))
    status, _, _ = apilib.Client(server.port, openapi).request("GET", "/api/v1/duplicates")
    check(status == 401, "anonymous: %d" % status)


def test_side_by_side_and_scope():
    w1 = ctx["w1"]
    check(refs(w1)[0][1] == "P001" and (ORG, "W1") in refs(w1), "W1 pair: %s" % refs(w1))
    check(w1["reason"] == "look-alike" and 0.92 <= w1["score"] <= 1, "reason/score: %s" % w1)
    check(w1["state"] == "open" and w1["decided_by"] is None, "open: %s" % w1)
    check(w1["differences"] == ["names"], "W1 differs in names only: %s" % w1["differences"])
    names = sorted(r["given_names"] for r in w1["records"])
    check(names == ["Ana Maria", "Anna Maria"], "both records' names: %s" % names)
    check("birth_date" in ctx["w2"]["differences"], "W2 differs in birth date: %s" % ctx["w2"])
    cw_items = pairs(client("caseworker"))
    check(pair_of(cw_items, "W1") and not pair_of(cw_items, "W2"),
          "caseworker sees W1's pair, not W2's (P005 out of scope): %s" % [refs(p) for p in cw_items])
    check(pairs(client("caseworker_other")) == [], "the other caseworker sees no pair")
    status, _, _ = client("caseworker").request("GET", "/api/v1/duplicates/%d" % ctx["w2"]["id"])
    check(status == 404, "caseworker reads W2's pair: %d" % status)
    status, _, _ = client("caseworker_other").request("GET", "/api/v1/duplicates/%d" % w1["id"])
    check(status == 404, "other caseworker reads W1's pair: %d" % status)
    status, _, one = client("caseworker").json("GET", "/api/v1/duplicates/%d" % w1["id"])
    check(status == 200 and one["id"] == w1["id"], "caseworker reads W1's pair: %d" % status)
    status, _, _ = client("admin").request("GET", "/api/v1/duplicates?state=maybe")
    check(status == 400, "bad state: %d" % status)


def test_decide():
    cw = client("caseworker")
    path = "/api/v1/duplicates/%d/decision" % ctx["w1"]["id"]
    for body in ({"same": True}, {"same": True, "reason": "  "}, {"same": "yes", "reason": "x"},
                 {"same": True, "reason": "x", "extra": 1}):
        status, _, _ = cw.request("POST", path, body)
        check(status == 400, "decision %s: %d" % (body, status))
    status, _, _ = cw.request("POST", path, {"same": True, "reason": "x"},
                              headers={"X-CSRF-Token": "wrong"})
    check(status == 403, "decision without the CSRF token: %d" % status)
    status, _, _ = cw.request("POST", "/api/v1/duplicates/%d/decision" % ctx["w2"]["id"],
                              {"same": False, "reason": "x"})
    check(status == 404, "caseworker decides out of scope: %d" % status)
    status, _, done = cw.json("POST", path, {"same": True, "reason": "zelfde paspoort gezien"})
    check(status == 200 and done["state"] == "linked", "same: %d %s" % (status, done))
    check(done["decided_by"] == "user:caseworker" and
          done["decision_reason"] == "zelfde paspoort gezien", "decided by: %s" % done)
    p001 = person_id(cw, "P001", "bureau-a")
    recs = records_of(cw, p001)
    check(any(r["person_ref"] == "W1" and r["linked_by"] == "manual" for r in recs),
          "W1 now a record of P001's person: %s" % recs)
    status, _, _ = cw.request("POST", path, {"same": False, "reason": "toch niet"})
    check(status == 409, "second decision: %d" % status)
    admin = client("admin")
    status, _, done = admin.json("POST", "/api/v1/duplicates/%d/decision" % ctx["w2"]["id"],
                                 {"same": False, "reason": "andere moeder"})
    check(status == 200 and done["state"] == "different", "different: %d %s" % (status, done))
    open_ids = [p["id"] for p in pairs(admin)]
    check(ctx["w2"]["id"] not in open_ids, "a pair declared different is still open")
    check(not pair_of(pairs(admin), "W1"),
          "W1's other pair (with P001 of bureau-b, now one person) still open")
    check(ctx["w2"]["id"] in [p["id"] for p in pairs(admin, "different")], "listed as different")
    check(ctx["w1"]["id"] in [p["id"] for p in pairs(admin, "linked")], "listed as linked")
    ctx["p001"] = p001


def test_link_and_unlink():
    cw, admin = client("caseworker"), client("admin")
    p001, p003 = ctx["p001"], person_id(cw, "P003", "bureau-a")
    status, _, prob = cw.json("POST", "/api/v1/persons/%d/links" % p001,
                              {"person": p003, "reason": "test"})
    check(status == 409 and "BSN" in prob["detail"], "link across BSNs: %d %s" % (status, prob))
    recs = records_of(cw, p001)
    w1 = [r for r in recs if r["person_ref"] == "W1"][0]
    b = [r for r in recs if r["sender"] == "bureau-b"][0]
    status, _, prob = cw.json("DELETE", "/api/v1/persons/%d/records/%d" % (p001, b["record_id"]),
                              {"reason": "test"})
    check(status == 409 and "BSN" in prob["detail"], "unlink of a shared BSN: %d %s" % (status, prob))
    status, _, _ = cw.request("DELETE", "/api/v1/persons/%d/records/%d" % (p001, w1["record_id"]))
    check(status == 400, "unlink without a reason: %d" % status)
    status, _, _ = client("caseworker_other").request(
        "DELETE", "/api/v1/persons/%d/records/%d?reason=x" % (p001, w1["record_id"]))
    check(status == 404, "unlink out of scope: %d" % status)
    status, _, out = cw.json("DELETE", "/api/v1/persons/%d/records/%d?reason=%s" % (
        p001, w1["record_id"], "andere%20persoon"))
    check(status == 200 and out["id"] == p001 and out["record_person_id"] != p001,
          "unlink: %d %s" % (status, out))
    check(all(r["person_ref"] != "W1" for r in records_of(cw, p001)), "W1 still in P001's person")
    w1_person = out["record_person_id"]
    check([r["person_ref"] for r in records_of(admin, w1_person)] == ["W1"], "W1 alone again")
    status, _, _ = client("caseworker_other").request(
        "POST", "/api/v1/persons/%d/links" % p001, {"person": w1_person, "reason": "x"})
    check(status == 404, "link out of scope: %d" % status)
    status, _, out = cw.json("POST", "/api/v1/persons/%d/links" % p001,
                             {"person": w1_person, "reason": "toch dezelfde"})
    check(status == 200 and out["id"] == min(p001, w1_person), "link: %d %s" % (status, out))
    check(any(r["person_ref"] == "W1" for r in records_of(cw, out["id"])), "W1 linked again")
    ctx["p001"] = out["id"]


def test_audit():
    status, _, page = client("admin").json("GET", "/api/v1/persons/%d/audit?pageSize=100" % ctx["p001"])
    check(status == 200, "audit: %d" % status)
    entries = page["items"]

    def has(action, text, actor="user:caseworker"):
        return any(e["action"] == action and e["actor"] == actor and text in e["detail"]
                   for e in entries)
    check(has("review", "zelfde paspoort gezien"), "the decision is not in the audit")
    check(has("unlink", "andere persoon"), "the unlink is not in the audit")
    check(has("link", "toch dezelfde"), "the link is not in the audit")
    reads = [e for e in entries if e["action"] == "read" and e["actor"] == "user:caseworker"]
    check(len(reads) >= 2, "reading the pairs is not in the audit: %s" % entries)

try:
    apilib.main([test_setup, test_roles, test_side_by_side_and_scope, test_decide,
                 test_link_and_unlink, test_audit], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
