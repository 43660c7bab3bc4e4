#!/usr/bin/env python3
"""test_monitor_cache.py — the server's shared copy of the monitor data:
figures asked for while an import changes the registry come out as before
or as after the import, never mixed, and the server does not crash; once
the import is committed the figures are the new ones (the CLI's, loaded
from the database); the server writes the snapshot beside the database
(mode 0600) and leaves it alone with --no-snapshot; answers kept with
the data are those of their own query only.
Usage: test_monitor_cache.py path/to/inbeeld"""
import csv
import os
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


def departures_folder():
    """One file (one transaction): every stay of demo still present on AT
    leaves on 2024-12-01, when it arrived before."""
    out = os.path.join(folder, "change")
    os.mkdir(out)
    with open(os.path.join(demo, "stays.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    changed = 0
    for r in rows:
        if not r["departure_date"] and r["arrival_date"] < "2024-11-01":
            r["departure_date"] = "2024-12-01"
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
                     test_no_snapshot_leaves_the_file_alone], inbeeld)
    finally:
        for root, dirs, files in os.walk(folder, topdown=False):
            for name in files:
                os.unlink(os.path.join(root, name))
            for name in dirs:
                os.rmdir(os.path.join(root, name))
        os.rmdir(folder)
