#!/usr/bin/env python3
"""test_audit_commit.py — the server's group commit of audit entries to the
read log: many concurrent look-ups leave exactly one entry each and valid
chains, also while imports and inspections (which audit to the change log
inside their own transactions) and list pages write at the same time; lists
answer beside the database's write lock; a failing audit writer
turns answers into 503s, never into unaudited 200s; SIGTERM under load
loses no entry of an answered request; and a person's page is one snapshot
while another connection changes the person and their stay together.
Usage: test_audit_commit.py path/to/inbeeld"""
import os
import signal
import sqlite3
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
from apilib import check  # noqa: E402

inbeeld = sys.argv[1]
folder, db, server, openapi = apilib.start(inbeeld)


reads = db + ".reads"     # the read log: the audit entries of reads


def query(sql, *args, file=db):
    con = sqlite3.connect(file, timeout=30)
    rows = con.execute(sql, args).fetchall()
    con.close()
    return rows


def query_reads(sql, *args):
    return query(sql, *args, file=reads)


def client(name):
    c = apilib.Client(server.port, openapi)
    c.login(name)
    return c


# Person ids (docs/linkage.md): both senders' records of one ref are one
# person, whose id is not a record's id.
PERSONS = [r[0] for r in query("SELECT DISTINCT people_id FROM persons ORDER BY 1")]


def entries_with_purpose(prefix):
    """Purpose → number of read entries of a person that carry it."""
    seen = {}
    for (detail,) in query_reads("SELECT detail FROM audit WHERE action = 'read'"
                                 " AND entity = 'person' AND detail LIKE ?",
                                 "%doel: " + prefix + "%"):
        purpose = detail.split("; doel: ", 1)[1]
        seen[purpose] = seen.get(purpose, 0) + 1
    return seen


def lookups(c, prefix, n, answered, errors, stop=None):
    """n look-ups (or until stop is set), each with a purpose of its own;
    the purposes answered 200 go to answered, other outcomes to errors."""
    for i in range(n):
        if stop is not None and stop.is_set():
            return
        purpose = "%s-%d-%d" % (prefix, threading.get_ident(), i)
        try:
            status, _, _ = c.request("GET", "/api/v1/persons/%d" % PERSONS[i % len(PERSONS)],
                                     headers={"X-Purpose": purpose})
        except OSError as e:
            errors.append(repr(e))
            continue
        if status == 200:
            answered.append(purpose)
        else:
            errors.append(status)


def verify_chain():
    out = apilib.run(inbeeld, "audit", "verify", "--db", db)
    return out


def test_concurrent_lookups_one_entry_each():
    admin = client("admin")
    answered, errors = [], []
    threads = [threading.Thread(target=lookups, args=(admin, "many", 40, answered, errors))
               for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors and len(answered) == 640, "look-ups: %d answered, errors %s" % (
        len(answered), errors[:5]))
    seen = entries_with_purpose("many-")
    check(sorted(seen) == sorted(answered) and set(seen.values()) == {1},
          "one entry per look-up: %d entries for %d look-ups" % (sum(seen.values()), len(answered)))
    verify_chain()


def test_lookups_with_imports_inspections_and_lists():
    admin, agency, inspector = client("admin"), client("agency"), client("inspector")
    loc = agency.json("GET", "/api/v1/locations?pageSize=100")[2]["items"][0]["id"]
    answered, errors, writes = [], [], []

    def imports():
        for i in range(15):
            csv = "person_ref,birth_date,nationality\nMIX%03d,1990-01-01,PL\n" % i
            writes.append(agency.json("POST", "/api/v1/imports?kind=persons", csv,
                                      ctype="text/csv")[0])

    def inspections():
        for i in range(15):
            body = {"location_id": loc, "date": "2024-06-%02d" % (i + 1), "outcome": "compliant",
                    "findings": "in orde", "persons_found": i}
            writes.append(inspector.json("POST", "/api/v1/inspections", body)[0])

    def lists():
        for i in range(15):
            writes.append(admin.json("GET", "/api/v1/persons?pageSize=20&page=%d" % (i % 3 + 1))[0])

    threads = [threading.Thread(target=lookups, args=(admin, "mix", 60, answered, errors))
               for _ in range(8)]
    threads += [threading.Thread(target=f) for f in (imports, inspections, lists)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors and len(answered) == 480, "look-ups: %d answered, errors %s" % (
        len(answered), errors[:5]))
    check(writes.count(200) == 30 and writes.count(201) == 15, "writes: %s" % writes)
    seen = entries_with_purpose("mix-")
    check(sorted(seen) == sorted(answered) and set(seen.values()) == {1},
          "one entry per look-up: %d entries for %d look-ups" % (sum(seen.values()), len(answered)))
    check(query("SELECT count(*) FROM audit WHERE action = 'import'")[0][0] >= 15, "imports audited")
    verify_chain()


def test_failing_writer_answers_503():
    admin = client("admin")
    check(admin.request("GET", "/api/v1/persons/%d" % PERSONS[0])[0] == 200, "a first look-up")
    before = query_reads("SELECT count(*) FROM audit")[0][0]
    con = sqlite3.connect(reads, timeout=30)
    con.execute("CREATE TRIGGER audit_full BEFORE INSERT ON audit"
                " BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END")
    con.commit()
    try:
        answered, errors = [], []
        threads = [threading.Thread(target=lookups, args=(admin, "full", 10, answered, errors))
                   for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(not answered and errors == [503] * 40, "while the audit cannot be written: "
              "%d answered 200, others %s" % (len(answered), sorted(set(map(str, errors)))))
        status, _, body = admin.request("GET", "/api/v1/persons/%d" % PERSONS[0])
        check(status == 503 and b"Temporarily unavailable" in body, "problem: %d %s" % (status, body))
    finally:
        con.execute("DROP TRIGGER audit_full")
        con.commit()
        con.close()
    check(query_reads("SELECT count(*) FROM audit")[0][0] == before, "nothing written")
    # The writer carries on once the database takes entries again.
    status, _, _ = admin.request("GET", "/api/v1/persons/%d" % PERSONS[0])
    check(status == 200, "after the failure: %d" % status)
    verify_chain()


def audited_beside(purpose):
    return query_reads("SELECT person_id, count(*) FROM audit WHERE action = 'read'"
                       " AND detail LIKE ? GROUP BY person_id", "%doel: " + purpose)


def check_one_entry_each(body, purpose):
    listed = sorted(str(p["id"]) for p in body["items"])
    audited = audited_beside(purpose)
    check(listed and sorted(str(pid) for pid, _ in audited) == listed and
          {n for _, n in audited} == {1},
          "one entry per listed person: listed %s, audited %s" % (listed, audited))


def test_lists_read_beside_the_write_lock():
    """Lists read in a read transaction, and the entries of reads go to the
    read log: while another connection holds the database's write lock (as
    an import does), lists answer at once instead of queueing for it, a
    list of persons with its entries committed. While the read log's write
    lock is held, a list of persons is answered only once its entries are
    committed, one per listed person."""
    admin = client("admin")
    loc = admin.json("GET", "/api/v1/locations?pageSize=100")[2]["items"][0]["id"]
    lock = sqlite3.connect(db, timeout=30, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        for path in ("/api/v1/persons?family_name=Niemand", "/api/v1/stays?page=99",
                     "/api/v1/occupancy?date=2023-01-01",
                     "/api/v1/locations/%d/residents?date=1990-01-01" % loc,
                     "/api/v1/exports/organisations"):
            status, _, body = admin.request("GET", path)
            check(status == 200, "%s while the write lock is held: %d %s" % (path, status, body))
        status, _, body = admin.json("GET", "/api/v1/persons?pageSize=100",
                                     headers={"X-Purpose": "beside-db-lock"})
        check(status == 200, "persons while the database's write lock is held: %d" % status)
        check_one_entry_each(body, "beside-db-lock")
    finally:
        lock.execute("ROLLBACK")
        lock.close()

    answer = {}
    lock = sqlite3.connect(reads, timeout=30, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        def persons():
            answer["r"] = admin.json("GET", "/api/v1/persons?pageSize=100",
                                     headers={"X-Purpose": "beside-lock"})
        t = threading.Thread(target=persons)
        t.start()
        t.join(timeout=1.0)
        check(t.is_alive(), "a list of persons answered before its audit entries could be "
              "committed: %s" % (answer.get("r"),))
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    t.join()
    status, _, body = answer["r"]
    check(status == 200, "persons after the lock: %d %s" % (status, body))
    check_one_entry_each(body, "beside-lock")
    verify_chain()


def test_person_page_one_snapshot():
    """The person and their timeline are read in one read transaction: while
    another connection flips, in one transaction each time, the person's
    family name and their only stay's departure between two states, every
    page shows one state or the other, never the person of one beside the
    stay of the other (read outside a transaction, a commit between the
    person's statement and the stays' one gave such pages)."""
    admin = client("admin")
    (pid, stay, arrival), = query("SELECT person_id, id, arrival FROM stays WHERE person_id ="
                                  " (SELECT person_id FROM stays GROUP BY person_id"
                                  " HAVING count(*) = 1 ORDER BY person_id LIMIT 1)")
    (name, departure), = query("SELECT p.family_name, s.departure FROM persons p, stays s"
                               " WHERE p.id = ? AND s.id = ?", pid, stay)
    states = {"Eerste-staat": None, "Tweede-staat": arrival + 30}
    stop, flips, pages, errors = threading.Event(), [0], [], []

    def writer():
        con = sqlite3.connect(db, timeout=30, isolation_level=None)
        while not stop.is_set():
            family = "Eerste-staat" if flips[0] % 2 else "Tweede-staat"
            con.execute("BEGIN IMMEDIATE")
            con.execute("UPDATE persons SET family_name = ? WHERE id = ?", (family, pid))
            con.execute("UPDATE stays SET departure = ? WHERE id = ?", (states[family], stay))
            con.execute("COMMIT")
            flips[0] += 1
            time.sleep(0.0005)           # let the audit writer take the lock too
        con.execute("UPDATE persons SET family_name = ? WHERE id = ?", (name, pid))
        con.execute("UPDATE stays SET departure = ? WHERE id = ?", (departure, stay))
        con.close()

    def reader():
        for _ in range(150):
            status, _, body = admin.json("GET", "/api/v1/persons/%d" % pid)
            if status != 200:
                errors.append(status)
                continue
            stays = body["timeline"]["stays"]
            pages.append((body["person"]["family_name"], stays[0]["departure_date"]))

    w = threading.Thread(target=writer)
    w.start()
    readers = [threading.Thread(target=reader) for _ in range(4)]
    for t in readers:
        t.start()
    for t in readers:
        t.join()
    stop.set()
    w.join()
    check(not errors and len(pages) == 600, "pages: %d, errors %s" % (len(pages), errors[:5]))
    check(flips[0] > 20, "the writer flipped only %d times" % flips[0])
    mixed = [(family, dep) for family, dep in pages
             if family in states and (dep is None) != (states[family] is None)]
    check(not mixed, "%d of %d pages mix two states, e.g. %s" % (len(mixed), len(pages), mixed[:3]))
    verify_chain()


def test_sigterm_under_load_loses_no_entry():
    admin = client("admin")
    answered, errors = [], []
    stop = threading.Event()
    threads = [threading.Thread(target=lookups, args=(admin, "stop", 100000, answered, errors),
                                kwargs={"stop": stop}) for _ in range(12)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    server.proc.send_signal(signal.SIGTERM)
    code = server.proc.wait(timeout=60)
    stop.set()
    for t in threads:
        t.join()
    check(code == 0, "exit status after SIGTERM: %s" % code)
    check(len(answered) > 50, "too few look-ups answered before the stop: %d" % len(answered))
    seen = entries_with_purpose("stop-")
    missing = [p for p in answered if p not in seen]
    check(not missing, "%d answered look-ups without an audit entry (of %d): %s" % (
        len(missing), len(answered), missing[:3]))
    check(set(seen.values()) == {1}, "one entry each")
    verify_chain()


try:
    apilib.main([test_concurrent_lookups_one_entry_each,
                 test_lookups_with_imports_inspections_and_lists,
                 test_failing_writer_answers_503,
                 test_lists_read_beside_the_write_lock,
                 test_person_page_one_snapshot,
                 test_sigterm_under_load_loses_no_entry], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
