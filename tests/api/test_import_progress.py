#!/usr/bin/env python3
"""test_import_progress.py — following a delivery while the server works
on it: a client names its upload (POST /api/v1/imports?upload=ID) and, from
a second connection, sees GET /api/v1/imports/progress/ID move through the
rows of a large file, then the end with the report's counts, also on
connections kept alive from before; nobody else
(a colleague of the same organisation, another agency, an administrator)
can read it; a name in use is refused; a rejected file ends as 422.
Usage: test_import_progress.py path/to/inbeeld"""
import http.client
import json
import os
import sys
import threading

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
from apilib import check  # noqa: E402

inbeeld = sys.argv[1]
folder, db, server, openapi = apilib.start(inbeeld)
ROWS = 120000


def client(name):
    c = apilib.Client(server.port, openapi)
    c.login(name)
    return c


def big_persons_csv(n):
    lines = ["person_ref,birth_date,nationality,family_name"]
    lines += ["BIG%06d,19%02d-%02d-%02d,PL,Groot" % (i, 50 + i % 50, 1 + i % 12, 1 + i % 28)
              for i in range(n)]
    return "\n".join(lines) + "\n"


def upload_name():
    return "t-" + os.urandom(8).hex()


def test_progress_moves_then_report():
    agency, watcher = client("agency"), client("agency")
    name = upload_name()
    result = {}

    def deliver():
        result["r"] = agency.json("POST", "/api/v1/imports?kind=persons&upload=" + name,
                                  big_persons_csv(ROWS), ctype="text/csv")
    t = threading.Thread(target=deliver)
    t.start()
    seen = []
    while t.is_alive():
        status, _, body = watcher.json("GET", "/api/v1/imports/progress/" + name)
        check(status in (200, 404), "progress while running: %d %s" % (status, body))
        if status == 200 and body["phase"] != "done":
            seen.append(body)
    t.join()
    status, _, report = result["r"]
    check(status == 200, "delivery: %d" % status)
    during = [s for s in seen if s["phase"] == "rows"]
    counts = [s["rows"] for s in during]
    print("     rows seen during the import: %s" % sorted(set(counts)))
    check(len(set(counts)) >= 2, "progress seen moving: %s" % sorted(set(counts)))
    check(counts == sorted(counts) and all(0 <= c < ROWS for c in counts),
          "rows counted up during the import: %s" % counts[:20])
    def consistent(s):
        percent_ok = (s["percent"] is None and s["rows"] == 0 if s["percent"] is None
                      else 0 <= s["percent"] <= 100)
        return s["stored"] + s["rejected"] <= s["rows"] and percent_ok and s["status"] is None
    check(all(consistent(s) for s in seen), "counts and percent consistent: %s" % seen[:3])
    status, _, end = watcher.json("GET", "/api/v1/imports/progress/" + name)
    check(status == 200 and end["phase"] == "done" and end["status"] == 200 and
          end["percent"] == 100, "the end: %d %s" % (status, end))
    check(end["rows"] == report["totals"]["read"] == ROWS and end["stored"] == ROWS and
          end["rejected"] == 0 and end["kind"] == "persons",
          "final counts match the report: %s vs %s" % (end, report["totals"]))
    # Only the user who started it sees it; for others it does not exist.
    apilib.run(inbeeld, "user", "add", "agency_colleague", "--db", db, "--role", "agency",
               "--organisation", "bureau-a", stdin=apilib.PASSWORD + "\n")
    for other in ("agency_colleague", "agency_other", "admin", "caseworker"):
        status, _, _ = client(other).request("GET", "/api/v1/imports/progress/" + name)
        check(status == 404, "%s reads another user's progress: %d" % (other, status))
    status, _, _ = client("inspector").request("GET", "/api/v1/imports/progress/" + name)
    check(status == 403, "inspector: %d" % status)
    # The name is the agency's while kept: another user may not take it,
    # the agency itself may use it again for its next delivery.
    small = "person_ref,birth_date,nationality\nSMALL1,1990-01-01,PL\n"
    status, _, _ = client("agency_other").request(
        "POST", "/api/v1/imports?kind=persons&upload=" + name, small, ctype="text/csv")
    check(status == 409, "another user's name: %d" % status)
    status, _, _ = agency.request("POST", "/api/v1/imports?kind=persons&upload=" + name, small,
                                  ctype="text/csv")
    check(status == 200, "own name again: %d" % status)
    status, _, end = watcher.json("GET", "/api/v1/imports/progress/" + name)
    check(end["rows"] == 1 and end["phase"] == "done", "the new delivery's progress: %s" % end)


def test_kept_alive_connections_not_held_up():
    """A browser polls on connections it keeps open; the server serves such
    a connection in the worker thread that accepted it. The import runs on
    a thread of its own, so that every kept-alive connection is answered
    while it runs, not after it."""
    agency = client("agency")
    conns = []
    for _ in range(8):
        h = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        h.request("GET", "/api/v1/imports/progress/none", headers={"Cookie": agency.cookie})
        h.getresponse().read()
        conns.append(h)
    name, done = upload_name(), threading.Event()

    def deliver():
        agency.request("POST", "/api/v1/imports?kind=persons&upload=" + name,
                       big_persons_csv(3 * ROWS).replace("BIG", "KA"), ctype="text/csv")
        done.set()
    t = threading.Thread(target=deliver)
    t.start()
    while True:                        # the import has begun its rows
        status, _, body = agency.json("GET", "/api/v1/imports/progress/" + name)
        if status == 200 and body["rows"] > 0:
            break
    answers = []

    def poll(h):
        h.request("GET", "/api/v1/imports/progress/" + name, headers={"Cookie": agency.cookie})
        r = h.getresponse()
        answers.append((done.is_set(), r.status, json.loads(r.read())["phase"]))
    polls = [threading.Thread(target=poll, args=(h,)) for h in conns]
    for p in polls:
        p.start()
    for p in polls:
        p.join()
    t.join()
    for h in conns:
        h.close()
    check(all(not after and status == 200 and phase != "done" for after, status, phase in answers),
          "kept-alive connections answered during the import: %s" % answers)


def test_rejected_file_and_bad_names():
    agency = client("agency")
    name = upload_name()
    bad = "person_ref,birth_date,nationality\nREJ1,1990-02-30,PL\nREJ2,1990-01-01,PL\n"
    status, _, _ = agency.request("POST", "/api/v1/imports?kind=persons&upload=" + name, bad,
                                  ctype="text/csv")
    check(status == 422, "rejected: %d" % status)
    status, _, end = agency.json("GET", "/api/v1/imports/progress/" + name)
    check(status == 200 and end["status"] == 422 and end["rows"] == 2 and end["rejected"] == 1,
          "a rejected file's end: %s" % end)
    for bad_name in ("a%20b", "x" * 65, "n%C3%A9"):
        status, _, _ = agency.request("POST", "/api/v1/imports?kind=persons&upload=" + bad_name,
                                      bad, ctype="text/csv")
        check(status == 400, "upload=%s: %d" % (bad_name, status))
    status, _, _ = agency.request("GET", "/api/v1/imports/progress/nothing-here")
    check(status == 404, "unknown name: %d" % status)


try:
    apilib.main([test_progress_moves_then_report, test_kept_alive_connections_not_held_up,
                 test_rejected_file_and_bad_names], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
