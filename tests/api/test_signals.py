#!/usr/bin/env python3
"""test_signals.py — the inbox of signals over the API (docs/inbox.md).
Every role: a caseworker sees exactly the signals of the persons it may
see (the same rule as GET /api/v1/persons/{id}), an inspector exactly those
of the locations it may see, an administrator all, analysts and agencies
none (403); a signal out of scope is 404 for reading and for every step,
and a filter cannot reach it. Steps as the transition table allows (409
naming the allowed ones otherwise), bulk assignment all or none, an owner
outside the signal's scope refused (422). The server evaluates after a
delivery: a stay without BRP makes not_registered, a BRP registration
lapses it with the reason in its history, and an information contact a
caseworker records ends the information moment. Reads of a person's signal are
in the person's audit. Analysts' counts and open signals over time are
perturbed (never a 1 or a 2; exact with detail=true for administrators
only, and these agree with the list), medians of fewer than 10 withheld.
Settings: audited, out of range refused. Every answer is checked against
the OpenAPI document.
Usage: test_signals.py path/to/inbeeld"""
import datetime
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
from apilib import check  # noqa: E402

inbeeld = sys.argv[1]
folder, db, server, openapi = apilib.start(inbeeld)
TODAY = datetime.date.today()
ROLES = ["caseworker", "caseworker_other", "inspector", "inspector_other", "agency",
         "agency_other", "analyst", "admin"]


def client(name):
    c = apilib.Client(server.port, openapi)
    c.login(name)
    return c


C = {}


def c(name):
    if name not in C:
        C[name] = client(name)
    return C[name]


def evaluate():
    status, _, rep = c("admin").json("POST", "/api/v1/signals/evaluations")
    check(status == 200, "evaluation: %d %s" % (status, rep))
    return rep


def all_signals(who, query=""):
    items, page = [], 1
    while True:
        status, _, body = c(who).json("GET", "/api/v1/signals?pageSize=100&page=%d%s" % (page, query))
        check(status == 200, "%s signals: %d %s" % (who, status, body))
        items += body["items"]
        if len(items) >= body["total"] or not body["items"]:
            check(len(items) == body["total"], "%s: %d items of %d" % (who, len(items), body["total"]))
            return items
        page += 1


def cli(*args, stdin=None):
    return apilib.run(inbeeld, *args, "--db", db, stdin=stdin)


def overcrowd_a_location():
    """A location of bureau-a in GM1783 with one bed and two persons."""
    for kind, csv in (("persons", "person_ref,family_name,given_names,birth_date,nationality\n"
                                  "SGA,Signaal,Bed,1991-01-01,LT\nSGB,Signaal,Bank,1992-02-02,LT\n"),
                      ("locations", "location_ref,postcode,house_number,municipality,kind,capacity\n"
                                    "SGL,2671AB,9,GM1783,shared_house,1\n"),
                      ("housings", "person_ref,location_ref,start_date\n"
                                   "SGA,SGL,2024-01-05\nSGB,SGL,2024-01-05\n")):
        status, _, rep = c("agency").json("POST", "/api/v1/imports?kind=" + kind, csv, ctype="text/csv")
        check(status == 200, "deliver %s: %d %s" % (kind, status, rep))


def test_every_role_sees_its_scope():
    overcrowd_a_location()
    evaluate()
    everything = all_signals("admin")
    check(len(everything) >= 6, "the fixture has signals: %d" % len(everything))
    kinds = {s["subject"]["type"] for s in everything}
    check(kinds == {"person", "location"}, "persons' and locations' signals: %s" % kinds)
    for who in ("caseworker", "caseworker_other", "inspector", "inspector_other"):
        seen = {s["id"] for s in all_signals(who)}
        want = set()
        for s in everything:
            what = "persons" if s["subject"]["type"] == "person" else "locations"
            status, _, _ = c(who).request("GET", "/api/v1/%s/%d" % (what, s["subject"]["id"]))
            caseworker = who.startswith("caseworker")
            if status == 200 and (s["subject"]["type"] == "person") == caseworker:
                want.add(s["id"])
        check(seen == want, "%s sees %s, its scope is %s" % (who, sorted(seen), sorted(want)))
        for s in everything:
            if s["id"] in seen:
                continue
            status, _, _ = c(who).request("GET", "/api/v1/signals/%d" % s["id"])
            check(status == 404, "%s reads signal %d out of scope: %d" % (who, s["id"], status))
            status, _, _ = c(who).request("POST", "/api/v1/signals/%d/transitions" % s["id"],
                                          {"to": "unfounded", "reason": "test"})
            check(status == 404, "%s steps signal %d out of scope: %d" % (who, s["id"], status))
            what = "person" if s["subject"]["type"] == "person" else "location"
            status, _, page = c(who).json("GET", "/api/v1/signals?%s=%d" % (what, s["subject"]["id"]))
            check(status == 200 and s["id"] not in {x["id"] for x in page["items"]},
                  "%s reaches signal %d by a filter" % (who, s["id"]))
    check(any(s["subject"]["type"] == "person" for s in all_signals("caseworker")),
          "the caseworker has signals to work on")
    check([s["subject"]["ref"] for s in all_signals("inspector")] == ["SGL"],
          "the inspector has the overcrowded location to work on")
    for who in ("agency", "agency_other", "analyst"):
        status, _, _ = c(who).request("GET", "/api/v1/signals")
        check(status == 403, "%s lists signals: %d" % (who, status))
        status, _, _ = c(who).request("GET", "/api/v1/signals/%d" % everything[0]["id"])
        check(status == 403, "%s reads a signal: %d" % (who, status))


def open_signal_of(who, kind=None):
    for s in all_signals(who, "&state=open"):
        if s["subject"]["type"] == "person" and (kind is None or s["kind"] == kind):
            return s
    raise apilib.Failure("%s has no open person's signal" % who)


def test_steps_by_the_table():
    s = open_signal_of("caseworker")
    url = "/api/v1/signals/%d/transitions" % s["id"]
    cw = c("caseworker")
    status, _, p = cw.json("POST", url, {"to": "done", "outcome": "registered"})
    check(status == 409 and "in_progress, unfounded" in p["detail"], "open to done: %d %s" % (status, p))
    check(p["signal_id"] == s["id"], "409 names the signal")
    status, _, p = cw.json("POST", url, {"to": "lapsed"})
    check(status == 409, "a person making it lapse: %d" % status)
    status, _, p = cw.json("POST", url, {"to": "weg"})
    check(status == 400, "unknown state: %d" % status)
    status, _, p = cw.json("POST", url, {"to": "in_progress", "kleur": "rood"})
    check(status == 400, "unknown field: %d" % status)
    status, _, d = cw.json("POST", url, {"to": "in_progress"})
    check(status == 200 and d["state"] == "in_progress", "take on: %d %s" % (status, d))
    check(d["owner"] == {"type": "user", "id": d["owner"]["id"], "name": "caseworker"},
          "the caller owns it: %s" % d["owner"])
    check([h["to"] for h in d["history"]] == ["open", "in_progress"], "history: %s" % d["history"])
    check(d["history"][0]["actor"] == "regels" and d["history"][1]["actor"] == "user:caseworker",
          "actors: %s" % d["history"])
    check({t["to"] for t in d["transitions"]} == {"in_progress", "done", "unfounded", "open"},
          "steps from in_progress: %s" % d["transitions"])
    status, _, p = cw.json("POST", url, {"to": "done"})
    check(status == 400 and "outcome" in p["detail"], "done without outcome: %d %s" % (status, p))
    status, _, d = cw.json("POST", url, {"to": "done", "outcome": "informed"})
    check(status == 200 and d["state"] == "done" and d["outcome"] == "informed"
          and d["closed_on"] == TODAY.isoformat(), "done: %d %s" % (status, d))
    status, _, p = cw.json("POST", url, {"to": "open"})
    check(status == 409 and "geen" in p["detail"], "done is closed: %d %s" % (status, p))


def test_bulk_assignment_and_owners():
    cli("signals", "team", "add", "westland")
    cli("signals", "team", "member", "westland", "caseworker")
    cw = c("caseworker")
    status, _, teams = cw.json("GET", "/api/v1/teams")
    check(status == 200 and any(t["name"] == "westland" and [m["name"] for m in t["members"]] == ["caseworker"]
                                for t in teams["items"]), "teams: %s" % teams)
    mine = [s for s in all_signals("caseworker", "&state=open") if s["subject"]["type"] == "person"]
    check(len(mine) >= 2, "two open signals to assign: %d" % len(mine))
    ids = [mine[0]["id"], mine[1]["id"]]
    hidden = [s for s in all_signals("admin") if s["id"] not in {x["id"] for x in all_signals("caseworker")}]
    check(hidden, "a signal the caseworker may not see")
    status, _, p = cw.json("POST", "/api/v1/signals/assignments",
                           {"ids": [ids[0], hidden[0]["id"]], "owner": "team:westland"})
    check(status == 404 and p["signal_id"] == hidden[0]["id"], "bulk with one out of scope: %d %s" % (status, p))
    status, _, d = cw.json("GET", "/api/v1/signals/%d" % ids[0])
    check(d["state"] == "open", "all or none: %s" % d["state"])
    status, _, p = cw.json("POST", "/api/v1/signals/assignments",
                           {"ids": ids, "owner": "user:caseworker_other"})
    check(status == 422 and p["signal_id"] == ids[0] and "caseworker_other" in p["detail"],
          "owner outside the scope: %d %s" % (status, p))
    status, _, p = cw.json("POST", "/api/v1/signals/assignments", {"ids": ids, "owner": "user:niemand"})
    check(status == 422, "unknown owner: %d %s" % (status, p))
    status, _, p = cw.json("POST", "/api/v1/signals/assignments", {"ids": ids, "owner": "team:westland"})
    check(status == 200 and p["assigned"] == 2 and p["owner"]["name"] == "westland", "bulk: %d %s" % (status, p))
    got = {s["id"] for s in all_signals("caseworker", "&owner=me")}
    check(set(ids) <= got, "owner=me includes the caller's teams: %s" % got)
    got = {s["id"] for s in all_signals("caseworker", "&owner=team:westland&state=in_progress")}
    check(got == set(ids), "owner=team:westland: %s" % got)
    status, _, d = cw.json("POST", "/api/v1/signals/%d/transitions" % ids[1], {"to": "open"})
    check(status == 200 and d["state"] == "open", "release: %d %s" % (status, d))
    status, _, p = cw.json("POST", "/api/v1/signals/%d/transitions" % ids[1],
                           {"to": "in_progress", "owner": "user:inspector"})
    check(status == 422, "an inspector owning a person's signal: %d" % status)


def wait_for(what, fn, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        got = fn()
        if got:
            return got
        time.sleep(0.2)
    raise apilib.Failure("waited %d s for %s" % (seconds, what))


def test_deliveries_are_evaluated():
    agency = c("agency")
    arrival = (TODAY - datetime.timedelta(days=200)).isoformat()
    for kind, rows in (("persons", [{"person_ref": "SIG1", "family_name": "Signaal", "given_names": "Een",
                                     "birth_date": "1990-01-01", "nationality": "PL"}]),
                       ("stays", [{"person_ref": "SIG1", "arrival_date": arrival}])):
        status, _, rep = agency.json("POST", "/api/v1/imports?kind=" + kind, rows)
        check(status == 200, "deliver %s: %d %s" % (kind, status, rep))
    _, _, page = agency.json("GET", "/api/v1/persons?ref=SIG1")
    person = page["items"][0]["id"]

    def found():
        _, _, p = c("admin").json("GET", "/api/v1/signals?person=%d&kind=not_registered" % person)
        return p["items"][0] if p["items"] else None
    s = wait_for("not_registered after the delivery", found)
    check(s["state"] == "open" and s["key"] == arrival, "the new signal: %s" % s)
    start = (TODAY - datetime.timedelta(days=1)).isoformat()
    status, _, rep = agency.json("POST", "/api/v1/imports?kind=registrations",
                                 [{"person_ref": "SIG1", "kind": "brp", "municipality": "GM1783",
                                   "start_date": start}])
    check(status == 200, "registration: %d %s" % (status, rep))

    def lapsed():
        _, _, d = c("admin").json("GET", "/api/v1/signals/%d" % s["id"])
        return d if d["state"] == "lapsed" else None
    d = wait_for("the signal to lapse", lapsed)
    last = d["history"][-1]
    check(last["actor"] == "regels" and last["from"] == "open" and
          last["why"].startswith("vervallen: ingeschreven in de BRP"), "lapse: %s" % last)
    _, _, d = c("admin").json("GET", "/api/v1/signals/%d?lang=en" % s["id"])
    check(d["history"][-1]["why"].startswith("lapsed:"), "history in English: %s" % d["history"][-1])


def test_a_contact_closes_the_loop():
    """A caseworker records an information contact (its form delivers a
    contact moment): the person's information_moment lapses, saying so."""
    cw = c("caseworker")
    arrival = (TODAY - datetime.timedelta(days=10)).isoformat()
    for kind, rows in (("persons", [{"person_ref": "SIG2", "family_name": "Signaal", "given_names": "Twee",
                                     "birth_date": "1991-01-01", "nationality": "RO"}]),
                       ("stays", [{"person_ref": "SIG2", "arrival_date": arrival}])):
        status, _, rep = cw.json("POST", "/api/v1/imports?kind=" + kind, rows)
        check(status == 200, "deliver %s: %d %s" % (kind, status, rep))
    _, _, page = cw.json("GET", "/api/v1/persons?ref=SIG2")
    person = page["items"][0]["id"]

    def found():
        _, _, p = cw.json("GET", "/api/v1/signals?person=%d&kind=information_moment" % person)
        return p["items"][0] if p["items"] else None
    s = wait_for("information_moment after the arrival", found)
    status, _, rep = cw.json("POST", "/api/v1/imports?kind=contacts",
                             [{"person_ref": "SIG2", "kind": "information", "date": TODAY.isoformat(),
                               "channel": "desk"}])
    check(status == 200, "contact: %d %s" % (status, rep))

    def lapsed():
        _, _, d = cw.json("GET", "/api/v1/signals/%d" % s["id"])
        return d if d["state"] == "lapsed" else None
    d = wait_for("the information moment to lapse", lapsed)
    check(d["history"][-1]["why"].startswith("vervallen: informatiegesprek gehouden op"),
          "lapse: %s" % d["history"][-1])


def test_reads_are_audited():
    s = open_signal_of("caseworker")
    status, _, _ = c("caseworker").json("GET", "/api/v1/signals/%d" % s["id"],
                                        headers={"X-Purpose": "signaaltest"})
    check(status == 200, "read: %d" % status)
    status, _, page = c("admin").json("GET", "/api/v1/persons/%d/audit?pageSize=100" % s["subject"]["id"])
    check(status == 200, "audit: %d" % status)
    check(any(e["entity"] == "signal" and e["action"] == "read" and e["actor"] == "user:caseworker"
              and "signaaltest" in e["detail"] for e in page["items"]),
          "the read of the signal is in the person's audit: %s" % page["items"][:5])
    status, _, _ = c("caseworker").json("GET", "/api/v1/signals?pageSize=5")
    check(status == 200, "list: %d" % status)


def no_small(values, where):
    bad = [v for v in values if v in (1, 2)]
    check(not bad, "%s publishes %s" % (where, bad))


def test_counts_are_protected():
    an = c("analyst")
    status, _, counts = an.json("GET", "/api/v1/signals/counts")
    check(status == 200 and counts["perturbed"] and counts["min_closed"] == 10, "counts: %d %s" % (status, counts))
    states = ("open", "in_progress", "done", "unfounded", "lapsed")
    vals = [r[k] for r in counts["rows"] + counts["totals"] for k in states + ("closed",)]
    no_small(vals, "counts")
    check(all(r["median_days"] is None for r in counts["rows"] + counts["totals"]),
          "a median of fewer than 10 closed shown")
    status, _, _ = an.request("GET", "/api/v1/signals/counts?detail=true")
    check(status == 403, "an analyst asking exact counts: %d" % status)
    status, _, exact = c("admin").json("GET", "/api/v1/signals/counts?detail=true")
    check(status == 200 and not exact["perturbed"], "exact: %d" % status)
    listed = {}
    for s in all_signals("admin"):
        listed[(s["kind"], s["state"])] = listed.get((s["kind"], s["state"]), 0) + 1
    for t in exact["totals"]:
        for st in states:
            check(t[st] == listed.get((t["kind"], st), 0),
                  "exact %s %s: %d, listed %d" % (t["kind"], st, t[st], listed.get((t["kind"], st), 0)))
    closed = [t for t in exact["totals"] if t["closed"]]
    check(closed and all(t["median_days"] is not None for t in closed), "exact medians: %s" % closed)
    status, _, p = an.json("GET", "/api/v1/signals/counts?kind=onzin")
    check(status == 400, "unknown kind: %d" % status)
    status, _, t = an.json("GET", "/api/v1/signals/open-over-time?interval=week")
    check(status == 200 and t["perturbed"] and t["points"][-1]["date"] == TODAY.isoformat()
          and len(t["points"]) == 53, "over time: %d %s" % (status, t))
    no_small([p["open"] for p in t["points"]], "open over time")
    status, _, t = c("admin").json("GET", "/api/v1/signals/open-over-time?detail=true&from=%s"
                                   % TODAY.isoformat())
    open_now = sum(1 for s in all_signals("admin") if s["state"] in ("open", "in_progress"))
    check(status == 200 and t["points"] == [{"date": TODAY.isoformat(), "open": open_now}],
          "open today, exactly: %s, listed %d" % (t, open_now))
    status, _, _ = an.request("GET", "/api/v1/signals/open-over-time?from=2000-01-01")
    check(status == 400, "too many points: %d" % status)


def test_settings():
    admin = c("admin")
    status, _, s = admin.json("GET", "/api/v1/signal-settings")
    check(status == 200 and s["registration_months"] == 4 and s["min_area_m2"] == 12.0
          and s["due_days"]["no_address"] == 7, "settings: %s" % s)
    for bad in ({"registration_months": 30}, {"min_area_m2": "12"}, {"due_days": {"onzin": 3}},
                {"kleur": 1}, {"registration_months": 4.5}):
        status, _, p = admin.json("PUT", "/api/v1/signal-settings", bad)
        check(status == 400, "%s: %d %s" % (bad, status, p))
    status, _, s = admin.json("PUT", "/api/v1/signal-settings",
                              {"min_area_m2": 10.5, "due_days": {"overcrowded": 3}})
    check(status == 200 and s["min_area_m2"] == 10.5 and s["due_days"]["overcrowded"] == 3, "put: %s" % s)
    out = subprocess.run(["sqlite3", db, "SELECT detail FROM audit WHERE entity = 'signal_setting'"],
                         capture_output=True, text=True).stdout
    check("min_area_m2: standaard -> 1050" in out and "due_days.overcrowded: standaard -> 3" in out,
          "settings audited: %s" % out)
    status, _, s = admin.json("PUT", "/api/v1/signal-settings",
                              {"min_area_m2": 12, "due_days": {"overcrowded": 14}})
    check(status == 200, "back: %d" % status)


def test_lang():
    s = open_signal_of("caseworker")
    _, _, nl = c("caseworker").json("GET", "/api/v1/signals/%d" % s["id"])
    _, _, en = c("caseworker").json("GET", "/api/v1/signals/%d?lang=en" % s["id"])
    check(en["why"] != nl["why"] and en["todo"] != nl["todo"],
          "why and todo in English: %s / %s" % (nl["why"], en["why"]))
    check(en["transitions"][0]["name"] in ("take on", "hand over", "close as done",
                                           "close as unfounded", "release"), "step names in English")
    status, _, _ = c("caseworker").json("GET", "/api/v1/signals?lang=fr")
    check(status == 400, "lang=fr: %d" % status)


try:
    apilib.main([test_every_role_sees_its_scope, test_steps_by_the_table,
                 test_bulk_assignment_and_owners, test_deliveries_are_evaluated,
                 test_a_contact_closes_the_loop,
                 test_reads_are_audited, test_counts_are_protected, test_settings, test_lang],
                inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
