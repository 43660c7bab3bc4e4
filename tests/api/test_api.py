#!/usr/bin/env python3
"""test_api.py — end-to-end tests of the HTTP API against the real server:
sessions, CSRF, API tokens and an agency's daily feed (tokens managed only
by a person logged in, never by a token), pagination, sorting,
filtering and ETags, the audit trail (who looked at a person, with purpose;
tampering detected), lockout and login rate limiting, security headers,
and hostile input (SQL injection strings, path traversal, oversized,
truncated and malformed bodies, Content-Length with Transfer-Encoding,
wrong content types, slow clients) after
which the server still serves and nothing was stored. Every API answer is
checked against the OpenAPI document.
Usage: test_api.py path/to/inbeeld"""
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
from apilib import check  # noqa: E402

inbeeld = sys.argv[1]
static = tempfile.mkdtemp(prefix="ib_static_")
with open(os.path.join(static, "index.html"), "w") as f:
    f.write("<!doctype html><title>inbeeld</title>")
folder, db, server, openapi = apilib.start(inbeeld, "--static", static, "--max-body", "65536")
with open(os.path.join(folder, "secret.txt"), "w") as f:
    f.write("geheim")


def client(name=None):
    c = apilib.Client(server.port, openapi)
    if name:
        c.login(name)
    return c


def count_persons():
    con = sqlite3.connect(db)
    n = con.execute("SELECT count(*) FROM persons").fetchone()[0]
    con.close()
    return n


def test_security_headers_and_health():
    status, h, body = client().json("GET", "/healthz")
    check(status == 200 and body["status"] == "ok", "healthz")
    check("frame-ancestors 'none'" in h["content-security-policy"], "CSP")
    check(h["x-content-type-options"] == "nosniff", "nosniff")
    check(h["referrer-policy"] == "no-referrer", "referrer policy")
    check(h["x-frame-options"] == "DENY", "frame options")
    status, h, body = client().json("GET", "/api/v1/persons")
    check(status == 401 and h["content-type"] == "application/problem+json", "401 problem")
    check(body["title_i18n"]["nl"] and body["title_i18n"]["en"], "Dutch and English title")


def test_session_cookie_and_csrf():
    c = client()
    _, cookie = c.login("inspector")
    check("HttpOnly" in cookie and "SameSite=Strict" in cookie, "cookie flags: " + cookie)
    check("Secure" not in cookie, "no Secure without --secure-cookies")
    status, _, me = c.json("GET", "/api/v1/sessions/current")
    check(status == 200 and me["user"]["role"] == "inspector" and me["auth"] == "session", "me")
    loc = client("agency").json("GET", "/api/v1/locations?pageSize=100")[2]["items"]
    loc_id = [l for l in loc if l["location_ref"] == "L001"][0]["id"]
    body = {"location_id": loc_id, "date": "2024-06-01", "outcome": "defects",
            "findings": "brandmelder ontbreekt", "persons_found": 5}
    for bad in ({}, {"X-CSRF-Token": "x" * 43}):
        headers = dict(bad)
        csrf, c.csrf = c.csrf, None
        status, _, _ = c.json("POST", "/api/v1/inspections", body, headers=headers)
        c.csrf = csrf
        check(status == 403, "write without the right CSRF token: %d" % status)
    status, _, ins = c.json("POST", "/api/v1/inspections", body)
    check(status == 201 and ins["inspector"] == "inspector", "inspection created: %d" % status)
    # Logout ends the session.
    status, h, _ = c.request("DELETE", "/api/v1/sessions/current")
    check(status == 204 and "Max-Age=0" in h["set-cookie"], "logout")
    status, _, _ = c.request("GET", "/api/v1/sessions/current")
    check(status == 401, "session gone after logout: %d" % status)


def test_agency_daily_feed_with_token():
    c = client("agency")
    status, _, t = c.json("POST", "/api/v1/tokens", {"label": "dagelijkse levering"})
    check(status == 201 and len(t["token"]) == 43, "token created")
    feed = apilib.Client(server.port, openapi)
    feed.token = t["token"]
    before = count_persons()
    csv = ("person_ref,birth_date,nationality,family_name\n"
           "FEED1,1992-02-02,PL,Nowak\nFEED2,1993-03-03,RO,Ionescu\n")
    status, _, rep = feed.json("POST", "/api/v1/imports?kind=persons", csv, ctype="text/csv")
    check(status == 200 and rep["ok"] is True, "feed import: %d %s" % (status, rep))
    check(count_persons() == before + 2, "two persons stored")
    # The same file again changes nothing (idempotent).
    status, _, rep = feed.json("POST", "/api/v1/imports?kind=persons", csv, ctype="text/csv")
    check(status == 200 and rep["totals"]["unchanged"] == 2, "re-sent unchanged: %s" % rep)
    # JSON batch of the same kind.
    status, _, rep = feed.json("POST", "/api/v1/imports?kind=stays",
                               [{"person_ref": "FEED1", "arrival_date": "2024-01-01"}])
    check(status == 200, "JSON batch: %d %s" % (status, rep))
    # Another sender's name is refused; the agency sees only its own.
    status, _, _ = feed.json("POST", "/api/v1/imports?kind=persons&sender=bureau-b", csv,
                             ctype="text/csv")
    check(status == 403, "other sender refused: %d" % status)
    status, _, page = feed.json("GET", "/api/v1/persons?ref=FEED1")
    check(status == 200 and page["total"] == 1, "own new person visible")
    status, _, page = client("agency_other").json("GET", "/api/v1/persons?ref=FEED1")
    check(page["total"] == 0, "other agency does not see it")
    # Revoke: the token stops working.
    status, _, _ = c.request("DELETE", "/api/v1/tokens/%d" % t["id"])
    check(status == 204, "revoke")
    status, _, _ = feed.request("GET", "/api/v1/persons")
    check(status == 401, "revoked token refused: %d" % status)


def token_ids(session_client):
    status, _, page = session_client.json("GET", "/api/v1/tokens")
    check(status == 200, "token list with a session: %d" % status)
    return {t["id"]: t["revoked"] for t in page["items"]}


def test_token_cannot_manage_tokens():
    """A leaked token cannot outlive its revocation: it can neither mint a
    successor nor revoke (or list) its owner's other tokens; managing tokens
    needs a person logged in, with the session's CSRF token."""
    owner = client("agency")
    status, _, leaked = owner.json("POST", "/api/v1/tokens", {"label": "gelekt"})
    check(status == 201, "token created with a session and CSRF token: %d" % status)
    status, _, other = owner.json("POST", "/api/v1/tokens", {"label": "ander systeem"})
    check(status == 201, "second token: %d" % status)
    before = token_ids(owner)
    thief = apilib.Client(server.port, openapi)
    thief.token = leaked["token"]
    for method, path, body in (("POST", "/api/v1/tokens", {"label": "opvolger"}),
                               ("GET", "/api/v1/tokens", None),
                               ("DELETE", "/api/v1/tokens/%d" % other["id"], None)):
        status, h, problem = thief.json(method, path, body)
        check(status == 403 and h["content-type"] == "application/problem+json",
              "%s %s with a token: %d" % (method, path, status))
        check(problem["title_i18n"]["en"] == "Login required", "says why: %s" % problem)
    check(token_ids(owner) == before, "no token minted or revoked by the token")
    # Without the session's CSRF token a write is refused too.
    csrf, owner.csrf = owner.csrf, None
    status, _, _ = owner.json("POST", "/api/v1/tokens", {"label": "zonder csrf"})
    owner.csrf = csrf
    check(status == 403, "token created without CSRF token: %d" % status)
    # The owner, logged in, revokes the leaked token: its access ends.
    status, _, _ = owner.request("DELETE", "/api/v1/tokens/%d" % leaked["id"])
    check(status == 204, "revoked with a session: %d" % status)
    status, _, _ = thief.request("GET", "/api/v1/sessions/current")
    check(status == 401, "revoked token refused: %d" % status)
    survivor = apilib.Client(server.port, openapi)
    survivor.token = other["token"]
    status, _, _ = survivor.request("GET", "/api/v1/sessions/current")
    check(status == 200, "the other token still works: %d" % status)


def test_rejected_import_stores_nothing():
    c = client("admin")
    before = count_persons()
    bad = ("person_ref,birth_date,nationality,bsn\n"
           "BAD1,1990-01-01,PL,\nBAD2,1990-02-30,PL,\nBAD3,1990-01-01,ZZ,123456789\n")
    status, _, rep = c.json("POST", "/api/v1/imports?kind=persons&sender=bureau-a", bad,
                            ctype="text/csv")
    check(status == 422 and rep["ok"] is False, "rejected: %d" % status)
    lines = sorted(r["line"] for f in rep["files"] for r in f["rejections"])
    check(lines[:2] == [3, 4], "rejections name their lines: %s" % lines)
    check(count_persons() == before, "nothing stored")
    for body, ctype, want in (("not,a\x00csv\xff", "text/csv", 422),
                              ("[{\"person_ref\": ", "application/json", 422),
                              ("{}", "application/json", 422),
                              ("person_ref\nX", "application/xml", 415),
                              ("person_ref\nX", None, 415)):
        status, _, _ = c.request("POST", "/api/v1/imports?kind=persons&sender=bureau-a",
                                 body.encode("utf-8", "surrogateescape") if body else body,
                                 ctype=ctype)
        check(status == want, "import %r as %s: %d, expected %d" % (body[:20], ctype, status, want))
    status, _, _ = c.request("POST", "/api/v1/imports?kind=people&sender=bureau-a", "x",
                             ctype="text/csv")
    check(status == 400, "unknown kind")
    check(count_persons() == before, "still nothing stored")


def test_pagination_sort_filter_etag():
    c = client("admin")
    status, _, page = c.json("GET", "/api/v1/persons?pageSize=2&sort=-family_name")
    # The good corpus of bureau-a and bureau-b is one person per ref (same
    # BSN, or same identity without one: docs/linkage.md), and FEED1, FEED2.
    check(status == 200 and len(page["items"]) == 2 and page["total"] >= 7,
          "page: %d items of %d" % (len(page["items"]), page["total"]))
    names = [p["family_name"] or "" for p in page["items"]]
    check(names == sorted(names, reverse=True), "sorted descending: %s" % names)
    status, _, page2 = c.json("GET", "/api/v1/persons?pageSize=2&page=2&sort=-family_name")
    check(page2["items"][0]["id"] not in [p["id"] for p in page["items"]], "page 2 differs")
    status, _, page = c.json("GET", "/api/v1/persons?nationality=RO")
    check(all(p["nationality"] == "RO" for p in page["items"]) and page["total"] > 0, "filter")
    for q in ("pageSize=0", "pageSize=101", "page=-1", "sort=bsn", "nationality=XYZ",
              "colour=red", "page=1e3"):
        status, _, _ = c.request("GET", "/api/v1/persons?" + q)
        check(status == 400, "%s: %d" % (q, status))
    pid = page["items"][0]["id"]
    status, h, _ = c.request("GET", "/api/v1/persons/%d" % pid)
    etag = h["etag"]
    status, h, body = c.request("GET", "/api/v1/persons/%d" % pid,
                                headers={"If-None-Match": etag})
    check(status == 304 and body == b"", "304 on matching ETag: %d" % status)
    status, _, _ = c.request("GET", "/api/v1/persons/%d" % pid,
                             headers={"If-None-Match": '"0000"'})
    check(status == 200, "200 on other ETag")


def test_caseworker_scope_and_audit():
    cw = client("caseworker")
    status, _, page = cw.json("GET", "/api/v1/persons?pageSize=100")
    refs = sorted(p["person_ref"] for p in page["items"])
    # GM1783: P001 (registration, housing at L001), P002 (housing at L002),
    # P003 (registration, housing at L001); each is one person of the
    # records of both senders, listed once.
    check(refs == ["P001", "P002", "P003"], "caseworker scope: %s" % refs)
    check(len({p["id"] for p in page["items"]}) == 3 and page["total"] == 3,
          "one row per person: %s" % page)
    p3 = client("agency").json("GET", "/api/v1/persons?ref=P003")[2]["items"][0]["id"]
    status, _, _ = cw.request("GET", "/api/v1/persons/%d" % p3,
                              headers={"X-Purpose": "intake informatiepunt"})
    check(status == 200, "read")
    out = apilib.run(inbeeld, "audit", "show", "--db", db, "--person", "P003",
                     "--sender", "bureau-a")
    check("user:caseworker" in out and "intake informatiepunt" in out,
          "who-looked-at-me report names the caseworker and purpose:\n" + out)
    check("user:agency" in out, "and the agency's list read")
    out = apilib.run(inbeeld, "audit", "verify", "--db", db)
    check("in orde" in out, "chain intact: " + out)


def test_hostile_input():
    c = client("admin")
    before = count_persons()
    inj = ["' OR '1'='1", "1; DROP TABLE persons; --", "\" OR 1=1 --", "%", "_%'",
           "Robert'); DROP TABLE users;--"]
    for s in inj:
        q = "ref=" + s.replace("%", "%25").replace(" ", "%20").replace(";", "%3B").replace("'", "%27")
        status, _, page = c.json("GET", "/api/v1/persons?" + q)
        check(status == 200 and page["total"] == 0, "injection in ref %r: %d" % (s, status))
        q = "family_name=" + s.replace("%", "%25").replace(" ", "%20").replace(";", "%3B")
        status, _, page = c.json("GET", "/api/v1/persons?" + q)
        check(status == 200 and page["total"] == 0, "injection in family_name %r" % s)
        status, _, _ = c.json("POST", "/api/v1/sessions", {"username": s, "password": s})
        check(status == 401, "injection in login")
    for p in ("/api/v1/persons/1%20OR%201=1", "/api/v1/persons/-1", "/api/v1/persons/0",
              "/api/v1/persons/99999999999999999999", "/api/v1/persons/1'",
              "/api/v1/inspections/1;DELETE"):
        status, _, _ = c.request("GET", p)
        check(status == 404, "%s: %d" % (p, status))
    # Inspection bodies: wrong types, unknown fields, duplicates, huge findings.
    loc = c.json("GET", "/api/v1/locations?pageSize=1")[2]["items"][0]["id"]
    for body in ('{"location_id": "1", "date": "2024-01-01", "outcome": "compliant"}',
                 '{"location_id": %d, "date": "2024-02-30", "outcome": "compliant"}' % loc,
                 '{"location_id": %d, "date": "2024-01-01", "outcome": "fine"}' % loc,
                 '{"location_id": %d, "date": "2024-01-01", "outcome": "compliant", "x": 1}' % loc,
                 '{"location_id": %d, "location_id": 2, "date": "2024-01-01", "outcome": "compliant"}' % loc,
                 '{"location_id": %d, "date": "2024-01-01", "outcome": "compliant", "persons_found": -3}' % loc,
                 '[1, 2]', '{"location_id": ', '', 'null'):
        status, _, _ = c.request("POST", "/api/v1/inspections", body, ctype="application/json")
        check(status == 400, "bad inspection %r: %d" % (body[:50], status))
    huge = json.dumps({"location_id": loc, "date": "2024-01-01", "outcome": "compliant",
                       "findings": "x" * 5000})
    status, _, _ = c.request("POST", "/api/v1/inspections", huge, ctype="application/json")
    check(status == 400, "findings too long: %d" % status)
    status, _, _ = c.request("POST", "/api/v1/inspections", "{}", ctype="text/plain")
    check(status == 415, "wrong content type: %d" % status)
    # Oversized body (the server runs with --max-body 65536).
    status, _, _ = c.request("POST", "/api/v1/imports?kind=persons&sender=bureau-a",
                             "a" * 70000, ctype="text/csv")
    check(status == 413, "oversized: %d" % status)
    check(count_persons() == before, "nothing stored by hostile input")


def raw_socket(data, wait=0.0, read=True):
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    s.sendall(data)
    if wait:
        time.sleep(wait)
    out = b""
    if read:
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except socket.timeout:
            pass
    s.close()
    return out


def read_until_closed(s, seconds):
    """What the server sent, and whether it closed the connection within
    `seconds` (False: the connection was still open)."""
    s.settimeout(seconds)
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out, True
            out += chunk
    except socket.timeout:
        return out, False
    except ConnectionResetError:
        return out, True


def test_two_framings_answered_400_and_closed():
    """Content-Length beside Transfer-Encoding (RFC 9112 §6.1): 400, and the
    connection is closed, so the request smuggled after the chunked body is
    never answered."""
    smuggled = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    for line in (b"POST /api/v1/sessions HTTP/1.1", b"GET /healthz HTTP/1.1"):
        for order in ((b"Content-Length: 5", b"Transfer-Encoding: chunked"),
                      (b"Transfer-Encoding: chunked", b"Content-Length: 40")):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            s.sendall(line + b"\r\nHost: x\r\nContent-Type: application/json\r\n" +
                      b"\r\n".join(order) + b"\r\n\r\n0\r\n\r\n" + smuggled)
            out, closed = read_until_closed(s, 5)
            s.close()
            check(out.startswith(b"HTTP/1.1 400 "), "%s %s: %r" % (line, order, out[:40]))
            check(out.count(b"HTTP/1.1 ") == 1, "smuggled request answered: %r" % out)
            check(closed, "connection left open after %s %s" % (line, order))
    status, _, _ = client().json("GET", "/healthz")
    check(status == 200, "server serves on: %d" % status)


def test_static_files_and_traversal():
    c = client()
    status, h, body = c.request("GET", "/")
    check(status == 200 and b"inbeeld" in body and h["content-type"].startswith("text/html"),
          "index served")
    for p in ("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/.hidden",
              "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/..\\secret.txt", "//etc/passwd"):
        status, _, body = c.request("GET", p, raw=True)
        check(status in (400, 404) and b"geheim" not in body and b"root:" not in body,
              "traversal %s: %d" % (p, status))
    out = raw_socket(b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    check(b"root:" not in out, "raw traversal")


def test_truncated_and_slow_clients():
    before = count_persons()
    # A body shorter than its Content-Length, then the client goes away.
    raw_socket(b"POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: 1000\r\n\r\n{\"username\": \"adm", read=False)
    # Slow clients holding connections open with partial headers.
    slow = []
    for _ in range(8):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        s.sendall(b"GET /api/v1/persons HTTP/1.1\r\nHost: x\r\n")
        slow.append(s)
    # Garbage that is not HTTP at all.
    raw_socket(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64), read=False)
    status, _, _ = client().json("GET", "/healthz")
    check(status == 200, "server still serves with slow clients: %d" % status)
    status, _, _ = client("admin").json("GET", "/api/v1/persons")
    check(status == 200, "and the API too")
    for s in slow:
        s.close()
    check(count_persons() == before, "nothing stored")


def test_disable_and_lockout():
    apilib.run(inbeeld, "user", "add", "victim", "--db", db, "--role", "caseworker",
               "--organisation", "gemeente-westland", "--municipalities", "GM1783",
               stdin=apilib.PASSWORD + "\n")
    c = apilib.Client(server.port, openapi)
    for _ in range(5):
        status, _, _ = c.json("POST", "/api/v1/sessions",
                              {"username": "victim", "password": "wrong-password"})
        check(status == 401, "wrong password")
    status, _, _ = c.json("POST", "/api/v1/sessions",
                          {"username": "victim", "password": apilib.PASSWORD})
    check(status == 401, "locked after 5 failures: %d" % status)
    apilib.run(inbeeld, "user", "passwd", "victim", "--db", db, stdin="new-password-456\n")
    status, _, _ = c.json("POST", "/api/v1/sessions",
                          {"username": "victim", "password": "new-password-456"})
    check(status == 201, "new password unlocks: %d" % status)
    s = client("agency_other")
    apilib.run(inbeeld, "user", "disable", "agency_other", "--db", db)
    status, _, _ = s.request("GET", "/api/v1/sessions/current")
    check(status == 401, "disabled user's session ends: %d" % status)
    apilib.run(inbeeld, "user", "enable", "agency_other", "--db", db)


def test_login_rate_limit():
    other = apilib.Server(inbeeld, db, "--login-rate", "3")
    try:
        c = apilib.Client(other.port, openapi)
        statuses = []
        for _ in range(5):
            status, h, _ = c.json("POST", "/api/v1/sessions",
                                  {"username": "nobody", "password": "wrong-password"})
            statuses.append(status)
        check(statuses[:3] == [401, 401, 401] and statuses[3:] == [429, 429],
              "rate limit: %s" % statuses)
        check(int(h["retry-after"]) > 0, "Retry-After")
    finally:
        check(other.stop() == 0, "second server stops cleanly")


def test_access_log():
    lines = [json.loads(l) for l in server.log if l.startswith("{")]
    check(len(lines) > 20, "access log lines")
    check(all({"ts", "remote", "method", "path", "status", "ms"} <= set(l) for l in lines),
          "structured fields")
    check(not any("password" in json.dumps(l) or "test-password" in json.dumps(l) for l in lines),
          "no secrets in the log")


def test_audit_tamper_detected():
    con = sqlite3.connect(db)
    con.execute("UPDATE audit SET actor = 'someone-else' WHERE id = 3")
    con.commit()
    con.close()
    r = subprocess.run([inbeeld, "audit", "verify", "--db", db], capture_output=True, text=True)
    check(r.returncode == 4 and "regel 3" in r.stderr, "tampering detected: %d %s" % (r.returncode, r.stderr))


def test_graceful_stop():
    code = server.stop()
    check(code == 0, "exit code after SIGTERM: %s" % code)
    check(any("gestopt" in l for l in server.log), "stopped message")


try:
    apilib.main([test_security_headers_and_health, test_session_cookie_and_csrf,
                 test_agency_daily_feed_with_token, test_token_cannot_manage_tokens,
                 test_rejected_import_stores_nothing,
                 test_pagination_sort_filter_etag, test_caseworker_scope_and_audit,
                 test_hostile_input, test_two_framings_answered_400_and_closed,
                 test_static_files_and_traversal,
                 test_truncated_and_slow_clients, test_disable_and_lockout,
                 test_login_rate_limit, test_access_log, test_audit_tamper_detected,
                 test_graceful_stop], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
    for name in os.listdir(static):
        os.unlink(os.path.join(static, name))
    os.rmdir(static)
