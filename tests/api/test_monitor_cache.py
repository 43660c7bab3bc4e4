#!/usr/bin/env python3
"""test_monitor_cache.py — the server's shared copy of the monitor data:
figures asked for while an import changes the registry come out as before
or as after the import, never mixed, and the server does not crash; once
the import is committed the figures are the new ones (the CLI's, loaded
from the database); the server writes the snapshot beside the database
(mode 0600) and leaves it alone with --no-snapshot; answers kept with
the data are those of their own query only; after a load (at startup and
after an import, noticed without any request) the server computes the
dashboard's first answers itself, so the page's requests find them kept,
equal to freshly computed ones; a figure asked for by several requests at
once is computed once; a request that prefers it (Prefer: allow-stale)
gets the answer kept from before a change while the new data loads; the
server's own reloads are spaced out.
Usage: test_monitor_cache.py path/to/inbeeld"""
import csv
import http.client
import json
import os
import sqlite3
import stat
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
from apilib import check  # noqa: E402

inbeeld = sys.argv[1]
AT = "2025-01-01"
FIGURES = [
    "/api/v1/monitor/survival?at=%s&by=nationality&format=csv&detail=true" % AT,
    "/api/v1/monitor/typology?at=%s&by=category&format=csv&detail=true" % AT,
    "/api/v1/monitor/survival?at=%s&by=eu&municipality=GM1783&detail=true" % AT,
]

folder = apilib.tempfile.mkdtemp(prefix="ib_api_")
db = apilib.make_database(inbeeld, folder)
demo = os.path.join(folder, "demo")
apilib.run(inbeeld, "demo", "--persons", "4000", "--seed", "7", "--out", demo)
apilib.run(inbeeld, "import", "--db", db, "--sender", "demo", "--quiet", demo)
snapshot = db + ".monitor"


def departures_folder(name="change", arrived_before="2024-11-01", leaves="2024-12-01"):
    """One file (one transaction): every stay of demo still present on AT
    leaves on 2024-12-01, when it arrived before 2024-11-01."""
    out = os.path.join(folder, name)
    os.mkdir(out)
    with open(os.path.join(demo, "stays.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    changed = 0
    for r in rows:
        if not r["departure_date"] and r["arrival_date"] < arrived_before:
            r["departure_date"] = leaves
            changed += 1
    check(changed > 100, "too few stays to change: %d" % changed)
    with open(os.path.join(out, "stays.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    return out


def answers(client):
    out = []
    for path in FIGURES:
        status, _, body = client.request("GET", path)
        check(status == 200, "GET %s: %d %s" % (path, status, body[:200]))
        out.append(body)
    return tuple(out)


def cli_survival():
    return apilib.run(inbeeld, "monitor", "survival", "--db", db, "--at", AT, "--by",
                      "nationality", "--format", "csv", "--curve", "--no-suppress",
                      "--no-snapshot").encode()


def wait_for(cond, what, seconds=30):
    deadline = time.time() + seconds
    while not cond():
        check(time.time() < deadline, "timed out waiting for " + what)
        time.sleep(0.05)


def test_old_or_new_never_mixed():
    server = apilib.Server(inbeeld, db)
    try:
        admin = apilib.Client(server.port)
        admin.login("admin")
        before = answers(admin)
        check(before[0] == cli_survival(), "cached figures differ from the CLI's")
        wait_for(lambda: os.path.exists(snapshot), "the server's snapshot")
        check(stat.S_IMODE(os.stat(snapshot).st_mode) == 0o600, "snapshot not mode 0600")

        change = departures_folder()
        seen, errors, stop = [], [], threading.Event()

        def ask():
            c = apilib.Client(server.port)
            c.cookie, c.csrf = admin.cookie, admin.csrf
            while not stop.is_set():
                try:
                    seen.append(answers(c))
                except Exception as e:  # noqa: BLE001 - collected, reported below
                    errors.append(str(e))
                    return

        askers = [threading.Thread(target=ask) for _ in range(4)]
        for t in askers:
            t.start()
        time.sleep(0.3)
        apilib.run(inbeeld, "import", "--db", db, "--sender", "demo", "--quiet", change)
        time.sleep(0.5)
        stop.set()
        for t in askers:
            t.join(timeout=60)
        check(not errors, "requests failed during the import: %s" % errors[:3])
        check(server.proc.poll() is None, "the server died")

        after = answers(admin)
        check(after != before, "the figures did not change after the import")
        check(after[0] == cli_survival(), "figures after the import differ from the CLI's")
        # Each figure on its own is either state: a round of three may
        # straddle the commit.
        figures = [(i, body) for s in seen for i, body in enumerate(s)]
        mixed = [f for f in figures if f[1] not in (before[f[0]], after[f[0]])]
        check(not mixed, "%d of %d answers were neither the old nor the new figures"
              % (len(mixed), len(figures)))
        check(len(figures) > 12, "too few answers during the import: %d" % len(figures))
        old = sum(1 for i, body in figures if body == before[i])
        print("     %d answers during the import: %d old, %d new" % (len(figures), old,
                                                                     len(figures) - old))
    finally:
        check(server.stop() == 0, "server exit status")


def test_kept_answers_follow_the_query():
    """Answers kept per data version: the same query gets the same bytes,
    another scope or option its own answer, never a kept one of another."""
    server = apilib.Server(inbeeld, db)
    try:
        admin = apilib.Client(server.port)
        admin.login("admin")
        base = "/api/v1/monitor/survival?at=%s&by=eu&detail=true" % AT
        variants = [base, base + "&municipality=GM1783", base + "&format=csv",
                    base + "&curve=false", "/api/v1/monitor/survival?at=%s&by=eu" % AT]
        first = []
        for path in variants:
            status, _, body = admin.request("GET", path)
            check(status == 200, "GET %s: %d" % (path, status))
            first.append(body)
        check(len(set(first)) == len(first), "two different queries got the same answer")
        for path, want in zip(variants, first):
            status, _, body = admin.request("GET", path)
            check(status == 200 and body == want, "a repeated query got another answer: " + path)
        check(first[0].decode() == apilib.run(
            inbeeld, "monitor", "survival", "--db", db, "--at", AT, "--by", "eu", "--curve",
            "--no-suppress", "--format", "json", "--no-snapshot"), "kept answer differs from the CLI's")
    finally:
        check(server.stop() == 0, "server exit status")


# What web/js/pages/dashboard.js asks on opening #/monitor with its
# default filters, in its order (src/http/api_monitor.c, first_questions).
DASHBOARD = ["/api/v1/monitor/survival?by=eu", "/api/v1/monitor/cox",
             "/api/v1/monitor/typology?by=eu", "/api/v1/monitor/registration",
             "/api/v1/monitor/housing"]
PREPARED = "antwoorden voor het dashboard klaar"


def log_lines(server):
    return list(server.log)


def prepared_rounds(server):
    return [line for line in log_lines(server) if PREPARED in line]


def answer_logged(server, since, path):
    """How the server answered the first GET of path (no query) logged
    after line number since: kept, waited or computed."""
    found = []

    def look():
        for line in log_lines(server)[since:]:
            if line.startswith("{"):
                entry = json.loads(line)
                if entry["path"] == path and entry["method"] == "GET":
                    found.append(entry.get("answer"))
                    return True
        return False
    wait_for(look, "the access log entry of " + path)
    return found[0]


def ask_as_the_page(server, client):
    """The dashboard's five requests: [(answer logged, body)]."""
    out = []
    for path in DASHBOARD:
        since = len(log_lines(server))
        status, _, body = client.request("GET", path)
        check(status == 200, "GET %s: %d %s" % (path, status, body[:200]))
        out.append((answer_logged(server, since, path.split("?")[0]), body))
    return out


def cli_first_survival():
    """The page's survival answer computed afresh (today, by EU, curves,
    small cells suppressed as for an analyst)."""
    return apilib.run(inbeeld, "monitor", "survival", "--db", db, "--by", "eu", "--curve",
                      "--format", "json", "--no-snapshot").encode()


def test_dashboard_answers_prepared_after_each_load():
    """The server computes the dashboard's first answers after loading, at
    startup and after an import it notices without any request: the
    page's requests (analyst, default filters) then find every one kept,
    and the survival answer equals the CLI's."""
    server = apilib.Server(inbeeld, db)
    try:
        wait_for(lambda: len(prepared_rounds(server)) == 1, "the answers prepared at startup",
                 seconds=120)
        analyst = apilib.Client(server.port)
        analyst.login("analyst")
        answers_then = ask_as_the_page(server, analyst)
        check([a for a, _ in answers_then] == ["kept"] * 5,
              "at startup: %s" % [a for a, _ in answers_then])
        check(answers_then[0][1] == cli_first_survival(), "prepared survival differs from the CLI's")

        before_import = len(log_lines(server))
        apilib.run(inbeeld, "import", "--db", db, "--sender", "demo", "--quiet",
                   departures_folder("change-prepared", "2024-06-01", "2024-07-01"))
        wait_for(lambda: len(prepared_rounds(server)) == 2, "the answers prepared after the import",
                 seconds=120)
        asked = [line for line in log_lines(server)[before_import:]
                 if line.startswith("{") and "/monitor/" in json.loads(line)["path"]]
        check(not asked, "a monitor request came in between: %s" % asked)
        answers_now = ask_as_the_page(server, analyst)
        check([a for a, _ in answers_now] == ["kept"] * 5,
              "after the import: %s" % [a for a, _ in answers_now])
        check(answers_now[0][1] != answers_then[0][1], "the import did not change survival")
        check(answers_now[0][1] == cli_first_survival(),
              "survival prepared after the import differs from the CLI's")
    finally:
        check(server.stop() == 0, "server exit status")


def test_one_computation_for_simultaneous_askers():
    """Six requests at once for a figure not yet kept: one computes it,
    the others wait for it (or find it kept) and get the same bytes."""
    server = apilib.Server(inbeeld, db)
    try:
        admin = apilib.Client(server.port)
        admin.login("admin")
        path = "/api/v1/monitor/cox?at=%s&by=sex" % AT
        since = len(log_lines(server))
        bodies, errors = [], []

        def ask():
            c = apilib.Client(server.port)
            c.cookie, c.csrf = admin.cookie, admin.csrf
            status, _, body = c.request("GET", path)
            (bodies if status == 200 else errors).append(body)

        askers = [threading.Thread(target=ask) for _ in range(6)]
        for t in askers:
            t.start()
        for t in askers:
            t.join(timeout=120)
        check(not errors and len(bodies) == 6, "failed: %s" % errors[:2])
        check(len(set(bodies)) == 1, "simultaneous askers got different answers")

        def logged():
            return [json.loads(line).get("answer") for line in log_lines(server)[since:]
                    if line.startswith("{") and json.loads(line)["path"] == "/api/v1/monitor/cox"]
        wait_for(lambda: len(logged()) == 6, "six access log entries")
        got = sorted(logged())
        check(got.count("computed") == 1 and set(got) <= {"computed", "waited", "kept"},
              "answers: %s" % got)
    finally:
        check(server.stop() == 0, "server exit status")


def slow_reloading_server(delay_ms, *extra):
    """A server whose reloads (not the first load) take delay_ms longer, as
    they take seconds at national size; returned once its first answers
    are prepared."""
    server = apilib.Server(inbeeld, db, *extra,
                           env={"INBEELD_TEST_MONITOR_LOAD_DELAY_MS": str(delay_ms)})
    wait_for(lambda: len(prepared_rounds(server)) == 1, "the answers prepared at startup",
             seconds=120)
    return server


def test_previous_answers_while_loading():
    """Prefer: allow-stale while a reload runs (slowed down to 5 s here, as
    it takes seconds at national size): the kept answer from before the
    change comes at once, marked Preference-Applied; without the
    preference the request waits for the new data; a query never answered
    before is not computed from the old data; once loaded, the preference
    gets the current answer, unmarked."""
    server = slow_reloading_server(5000)
    try:
        analyst = apilib.Client(server.port)
        analyst.login("analyst")
        path = DASHBOARD[0]
        stale = {"Prefer": "respond-async, allow-stale"}
        status, h, before = analyst.request("GET", path, headers=stale)
        check(status == 200 and "preference-applied" not in h, "kept answer marked stale")
        check(h.get("vary") == "Prefer", "Vary: %s" % h.get("vary"))

        apilib.run(inbeeld, "import", "--db", db, "--sender", "demo", "--quiet",
                   departures_folder("change-stale", "2024-03-01", "2024-04-01"))
        since = len(log_lines(server))
        status, h, body = analyst.request("GET", path, headers=stale)
        check(status == 200 and h.get("preference-applied") == "allow-stale",
              "no previous answer: %d %s" % (status, h.get("preference-applied")))
        check(body == before, "the previous answer is not the one kept before the change")
        status, h, never = analyst.request("GET", "/api/v1/monitor/survival?by=sex",
                                           headers=stale)
        check(status == 200 and "preference-applied" not in h,
              "a query never kept was answered from the old data")
        status, h, after = analyst.request("GET", path)
        check(status == 200 and "preference-applied" not in h and after != before,
              "without the preference the request did not wait for the new data")
        check(after == cli_first_survival(), "the answer after the change differs from the CLI's")
        check(never == apilib.run(inbeeld, "monitor", "survival", "--db", db, "--by", "sex",
                                  "--curve", "--format", "json", "--no-snapshot").encode(),
              "the query never kept differs from the CLI's")
        wait_for(lambda: len(prepared_rounds(server)) == 2, "the answers prepared after the change",
                 seconds=120)
        status, h, now = analyst.request("GET", path, headers=stale)
        check(status == 200 and "preference-applied" not in h and now == after,
              "once loaded, the preference got an old or marked answer")
        logged = [json.loads(line).get("answer") for line in log_lines(server)[since:]
                  if line.startswith("{") and json.loads(line)["path"].startswith("/api/v1/monitor/")]
        check(logged[:2] == ["previous", "computed"], "access log answers: %s" % logged)
    finally:
        check(server.stop() == 0, "server exit status")


def test_previous_answers_outlive_several_loads():
    """An answer the loads in between did not compute again (not one of
    the dashboard's) is still the previous answer after two more loads."""
    server = slow_reloading_server(3000)
    try:
        analyst = apilib.Client(server.port)
        analyst.login("analyst")
        path = "/api/v1/monitor/typology?by=sex"
        status, _, before = analyst.request("GET", path)
        check(status == 200, "GET %s: %d" % (path, status))
        for n, leaves in ((2, "2024-02-15"), (3, "2024-02-20")):
            apilib.run(inbeeld, "import", "--db", db, "--sender", "demo", "--quiet",
                       departures_folder("change-%d" % n, "2024-02-01", leaves))
            wait_for(lambda: len(prepared_rounds(server)) == n, "load %d prepared" % n,
                     seconds=120)
        apilib.run(inbeeld, "import", "--db", db, "--sender", "demo", "--quiet",
                   departures_folder("change-4", "2024-02-01", "2024-02-25"))
        status, h, body = analyst.request("GET", path, headers={"Prefer": "allow-stale"})
        check(status == 200 and h.get("preference-applied") == "allow-stale" and body == before,
              "the answer from three loads ago was not kept: %s" % h.get("preference-applied"))
    finally:
        check(server.stop() == 0, "server exit status")


def loads(server):
    return sum(1 for line in log_lines(server) if "gegevens geladen" in line)


def test_own_reloads_spaced_out():
    """After a load and its answers took T, the loader waits 4 T before it
    reloads by itself (at most a fifth of the time on reloads nobody asked
    for), and says so; a request for current data loads at once."""
    server = slow_reloading_server(2500)
    try:
        analyst = apilib.Client(server.port)
        analyst.login("analyst")
        apilib.run(inbeeld, "import", "--db", db, "--sender", "demo", "--quiet",
                   departures_folder("change-spaced-1", "2024-02-01", "2024-03-03"))
        wait_for(lambda: len(prepared_rounds(server)) == 2, "the reload after the first change",
                 seconds=120)
        check(loads(server) == 2, "loads: %d" % loads(server))
        apilib.run(inbeeld, "import", "--db", db, "--sender", "demo", "--quiet",
                   departures_folder("change-spaced-2", "2024-02-01", "2024-03-06"))
        wait_for(lambda: any("opnieuw laden over" in line for line in log_lines(server)),
                 "the word that the reload waits")
        check(loads(server) == 2, "the loader reloaded within 4 T: %d loads" % loads(server))
        status, h, body = analyst.request("GET", DASHBOARD[0])
        check(status == 200 and body == cli_first_survival(),
              "a request without the preference did not get the current figures")
        wait_for(lambda: loads(server) == 3, "the load the request asked for")
    finally:
        check(server.stop() == 0, "server exit status")


def kept_alive(port, cookie, path):
    """A connection kept open after its first answer (to path)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie})
    r = conn.getresponse()
    r.read()
    check(r.status == 200, "first request on a kept-alive connection: %d" % r.status)
    return conn


def ask(conn, cookie, path):
    conn.request("GET", path, headers={"Cookie": cookie})
    r = conn.getresponse()
    r.read()
    return r.status


def test_waiting_request_holds_up_no_other_connection():
    """A request that waits (here for a reload, slowed down to 8 s) holds a
    worker, not the connections that libmicrohttpd's thread shares with
    it. With two threads and seventeen kept-alive connections (spread over
    both as they were accepted), the look-ups on sixteen of them are all
    answered while the seventeenth waits: any free worker takes the oldest
    request. This failed while each thread answered its own connections."""
    server = slow_reloading_server(8000, "--threads", "2")
    try:
        con = sqlite3.connect(db)
        persons = [r[0] for r in con.execute("SELECT id FROM persons ORDER BY id LIMIT 10")]
        con.close()
        admin, analyst = apilib.Client(server.port), apilib.Client(server.port)
        admin.login("admin")
        analyst.login("analyst")
        first = "/api/v1/persons/%d" % persons[0]
        conns = [kept_alive(server.port, admin.cookie, first) for _ in range(16)]
        figure = kept_alive(server.port, analyst.cookie, DASHBOARD[0])
        apilib.run(inbeeld, "import", "--db", db, "--sender", "demo", "--quiet",
                   departures_folder("change-waiting", "2024-02-01", "2024-03-01"))
        slow = {}

        def ask_figure():
            slow["status"] = ask(figure, analyst.cookie, DASHBOARD[0])
            slow["done"] = time.monotonic()

        waiting = threading.Thread(target=ask_figure)
        waiting.start()
        time.sleep(0.5)                       # it waits for the new data now
        done, problems = [], []

        def look_up(conn):
            for pid in persons:
                status = ask(conn, admin.cookie, "/api/v1/persons/%d" % pid)
                if status != 200:
                    problems.append(status)
            done.append(time.monotonic())

        lookers = [threading.Thread(target=look_up, args=(c,)) for c in conns]
        for t in lookers:
            t.start()
        for t in lookers:
            t.join()
        waiting.join()
        for c in conns + [figure]:
            c.close()
        check(not problems and len(done) == 16, "look-ups: %s" % problems[:5])
        check(slow["status"] == 200, "the waiting request: %s" % slow["status"])
        check(max(done) < slow["done"],
              "look-ups of other connections waited for the waiting request")
    finally:
        check(server.stop() == 0, "server exit status")


def test_stop_while_preparing():
    """SIGTERM as soon as the data is loaded, while the preparer computes:
    the server stops cleanly (exit status 0, nothing leaked under ASan)."""
    server = apilib.Server(inbeeld, db)
    wait_for(lambda: any("gegevens geladen" in line for line in log_lines(server)),
             "the data loaded", seconds=120)
    check(server.stop() == 0, "server exit status")
    check(any("gestopt" in line for line in log_lines(server)), "stopped message")


def test_no_snapshot_leaves_the_file_alone():
    if os.path.exists(snapshot):
        os.unlink(snapshot)
    server = apilib.Server(inbeeld, db, "--no-snapshot")
    try:
        admin = apilib.Client(server.port)
        admin.login("admin")
        check(answers(admin)[0] == cli_survival(), "figures with --no-snapshot differ")
        check(not os.path.exists(snapshot), "--no-snapshot wrote the snapshot")
    finally:
        check(server.stop() == 0, "server exit status")


if __name__ == "__main__":
    try:
        apilib.main([test_old_or_new_never_mixed, test_kept_answers_follow_the_query,
                     test_dashboard_answers_prepared_after_each_load,
                     test_one_computation_for_simultaneous_askers,
                     test_previous_answers_while_loading,
                     test_previous_answers_outlive_several_loads, test_own_reloads_spaced_out,
                     test_waiting_request_holds_up_no_other_connection,
                     test_stop_while_preparing,
                     test_no_snapshot_leaves_the_file_alone], inbeeld)
    finally:
        for root, dirs, files in os.walk(folder, topdown=False):
            for name in files:
                os.unlink(os.path.join(root, name))
            for name in dirs:
                os.rmdir(os.path.join(root, name))
        os.rmdir(folder)
