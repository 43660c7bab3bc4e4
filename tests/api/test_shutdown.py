#!/usr/bin/env python3
"""test_shutdown.py — graceful stop: an import accepted just before SIGTERM
is answered and kept (every row in the database after the server exited),
the server exits 0, and it takes no new connections once stopping.
Usage: test_shutdown.py path/to/inbeeld"""
import http.client
import json
import os
import signal
import socket
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
ROWS = 200000      # large enough that storing it outlasts the pause below


def persons_csv():
    lines = ["person_ref,bsn,family_name,given_names,birth_date,sex,nationality,language"]
    lines += ["S%06d,,Stop,Test,1990-01-01,M,PL,pl" % i for i in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


def count(sql):
    con = sqlite3.connect(db)
    n = con.execute(sql).fetchone()[0]
    con.close()
    return n


def test_write_before_sigterm_is_kept():
    agency = apilib.Client(server.port)
    agency.login("agency")
    body = persons_csv()
    result = {}

    def post():
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        conn.request("POST", "/api/v1/imports?kind=persons", body=body,
                     headers={"Cookie": agency.cookie, "X-CSRF-Token": agency.csrf,
                              "Content-Type": "text/csv"})
        r = conn.getresponse()
        result["status"], result["body"] = r.status, r.read()
        result["at"] = time.monotonic()
        conn.close()

    before = count("SELECT count(*) FROM persons")
    t = threading.Thread(target=post)
    t.start()
    time.sleep(0.5)                       # the upload is in, the import runs
    signalled = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    refused = False
    try:
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
    except OSError:
        refused = True
    t.join(120)
    code = server.stop()
    check(result.get("status") == 200, "import during stop: %s %s" % (
        result.get("status"), result.get("body", b"")[:300]))
    check(result["at"] > signalled, "the import ended before SIGTERM; make it larger")
    rep = json.loads(result["body"])
    check(rep["ok"] and rep["totals"]["inserted"] == ROWS, "report: %s" % rep["totals"])
    check(code == 0, "exit code after SIGTERM: %s" % code)
    check(refused, "a new connection was accepted while stopping")
    check(count("SELECT count(*) FROM persons") == before + ROWS, "rows lost")
    check(count("SELECT count(*) FROM audit WHERE action = 'import'") >= 1, "import audited")


try:
    apilib.main([test_write_before_sigterm_is_kept], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
