"""apilib.py — shared by the API end-to-end tests: a fresh database in a
temporary folder loaded with the good import corpus under two senders, one
user per role (plus a caseworker, inspector and agency of another
municipality/organisation), the real `inbeeld serve` on a free port, and an
HTTP client that checks every API answer against the OpenAPI document the
server serves (src/http/openapi.json). Python standard library only."""
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

SOURCE = os.environ.get("IB_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.environ.get("IB_TEST_DATA", os.path.join(SOURCE, "tests", "data"))
GOOD = os.path.join(DATA, "import", "good")
PASSWORD = "test-password-123"

# name: (role, organisation, municipalities)
USERS = {
    "admin": ("admin", "gemeente-westland", ""),
    "caseworker": ("caseworker", "gemeente-westland", "GM1783"),
    "caseworker_other": ("caseworker", "gemeente-utrecht", "GM0344"),
    "inspector": ("inspector", "gemeente-westland", "GM1783"),
    "inspector_other": ("inspector", "gemeente-utrecht", "GM0344"),
    "agency": ("agency", "bureau-a", ""),
    "agency_other": ("agency", "bureau-b", ""),
    "analyst": ("analyst", "cbs", ""),
}


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def run(inbeeld, *args, stdin=None):
    r = subprocess.run([inbeeld, *args], input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure("inbeeld %s: exit %d\n%s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return r.stdout


def make_database(inbeeld, folder):
    db = os.path.join(folder, "t.db")
    run(inbeeld, "init", "--db", db)
    for sender in ("bureau-a", "bureau-b"):
        run(inbeeld, "import", "--db", db, "--sender", sender, GOOD)
    for name, (role, org, munis) in USERS.items():
        args = ["user", "add", name, "--db", db, "--role", role, "--organisation", org]
        if munis:
            args += ["--municipalities", munis]
        run(inbeeld, *args, stdin=PASSWORD + "\n")
    return db


SERVERS = []


class Server:
    """`inbeeld serve` on a free port; the access log is collected."""

    def __init__(self, inbeeld, db, *extra, env=None):
        SERVERS.append(self)
        self.proc = subprocess.Popen(
            [inbeeld, "serve", "--db", db, "--listen", "127.0.0.1:0", "--threads", "4", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, **(env or {})))
        self.log = []
        self.port = None
        deadline = time.time() + 30
        while self.port is None:
            line = self.proc.stderr.readline()
            if not line or time.time() > deadline:
                raise Failure("server did not start: %s" % "".join(self.log) + line)
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
            self.log.append(line)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.log.append(line)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(timeout=5)
        return self.proc.returncode


# ------------------------------------------------------------ OpenAPI checks

class OpenApi:
    def __init__(self, doc):
        self.doc = doc
        self.routes = []
        for path, ops in doc["paths"].items():
            rx = "^" + re.sub(r"\{[^}]+\}", "[^/]+", re.escape(path).replace(r"\{", "{").replace(r"\}", "}")) + "$"
            self.routes.append((re.compile(rx), path, ops))

    def resolve(self, s):
        while "$ref" in s:
            name = s["$ref"].split("/")[-1]
            s = self.doc["components"]["schemas"][name]
        return s

    def validate(self, value, schema, where):
        s = self.resolve(schema)
        if value is None:
            check(s.get("nullable", False), "%s: null not allowed" % where)
            return
        if "oneOf" in s:
            ok = 0
            for alt in s["oneOf"]:
                try:
                    self.validate(value, alt, where)
                    ok += 1
                except Failure:
                    pass
            check(ok == 1, "%s: %r matches %d alternatives" % (where, value, ok))
            return
        t = s.get("type")
        types = {"object": dict, "array": list, "string": str, "boolean": bool}
        if t == "integer":
            check(isinstance(value, int) and not isinstance(value, bool), "%s: %r not an integer" % (where, value))
        elif t == "number":
            check(isinstance(value, (int, float)) and not isinstance(value, bool), "%s: %r not a number" % (where, value))
        elif t:
            check(isinstance(value, types[t]), "%s: %r not %s" % (where, value, t))
        if "enum" in s:
            check(value in s["enum"], "%s: %r not in %s" % (where, value, s["enum"]))
        if "pattern" in s:
            check(re.search(s["pattern"], value) is not None, "%s: %r does not match %s" % (where, value, s["pattern"]))
        if s.get("format") == "date":
            check(re.match(r"^\d{4}-\d\d-\d\d$", value) is not None, "%s: %r not a date" % (where, value))
        if "minimum" in s:
            check(value >= s["minimum"], "%s: %r below %s" % (where, value, s["minimum"]))
        if "maximum" in s:
            check(value <= s["maximum"], "%s: %r above %s" % (where, value, s["maximum"]))
        if t == "object":
            for r in s.get("required", []):
                check(r in value, "%s: missing %s" % (where, r))
            props = s.get("properties", {})
            extra = s.get("additionalProperties", True)
            for k, v in value.items():
                if k in props:
                    self.validate(v, props[k], where + "." + k)
                elif extra is False:
                    raise Failure("%s: unexpected property %s" % (where, k))
                elif isinstance(extra, dict):
                    self.validate(v, extra, where + "." + k)
        if t == "array" and "items" in s:
            for i, v in enumerate(value):
                self.validate(v, s["items"], "%s[%d]" % (where, i))

    def check_response(self, method, path, status, ctype, body):
        path = path.split("?")[0]
        for rx, template, ops in self.routes:
            if rx.match(path):
                op = ops.get(method.lower())
                if op is None:
                    check(status == 405, "%s %s: %d for an undocumented method" % (method, path, status))
                    return
                resp = op["responses"].get(str(status))
                check(resp is not None, "%s %s: status %d not documented" % (method, template, status))
                content = resp.get("content")
                if not content:
                    check(not body, "%s %s %d: body where none is documented" % (method, template, status))
                    return
                media = (ctype or "").split(";")[0]
                check(media in content, "%s %s %d: content type %s not documented" % (method, template, status, media))
                if media.endswith("json"):  # CSV and XLSX downloads: the type is checked
                    self.validate(json.loads(body), content[media]["schema"], "%s %s %d" % (method, template, status))
                return
        # Not an API path: only problems may come back.
        if path.startswith("/api/"):
            check(status in (404, 405), "%s %s: %d on an undocumented path" % (method, path, status))


# ------------------------------------------------------------ client

class Client:
    def __init__(self, port, openapi=None):
        self.port = port
        self.openapi = openapi
        self.cookie = None
        self.csrf = None
        self.token = None

    def request(self, method, path, body=None, ctype=None, headers=None, raw=False):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            ctype = ctype or "application/json"
        if ctype:
            h["Content-Type"] = ctype
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        elif self.cookie:
            h["Cookie"] = self.cookie
            if self.csrf and method not in ("GET", "HEAD"):
                h.setdefault("X-CSRF-Token", self.csrf)
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        if self.openapi and not raw:
            self.openapi.check_response(method, path, r.status, r.getheader("Content-Type"), data)
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data

    def json(self, method, path, body=None, **kw):
        status, headers, data = self.request(method, path, body, **kw)
        return status, headers, (json.loads(data) if data else None)

    def login(self, name, password=PASSWORD):
        status, headers, body = self.json("POST", "/api/v1/sessions",
                                          {"username": name, "password": password})
        check(status == 201, "login %s: %d %s" % (name, status, body))
        cookie = headers["set-cookie"]
        self.cookie = cookie.split(";")[0]
        self.csrf = body["csrf_token"]
        return body, cookie


def start(inbeeld, *extra):
    folder = tempfile.mkdtemp(prefix="ib_api_")
    db = make_database(inbeeld, folder)
    server = Server(inbeeld, db, "--login-rate", "100000", *extra)
    anon = Client(server.port)
    status, _, data = anon.request("GET", "/api/v1/openapi.json")
    check(status == 200, "openapi.json: %d" % status)
    openapi = OpenApi(json.loads(data))
    return folder, db, server, openapi


def cleanup(folder):
    for name in os.listdir(folder):
        os.unlink(os.path.join(folder, name))
    os.rmdir(folder)


def main(tests, inbeeld):
    """Runs each test(ctx) and reports; exit 1 when one fails."""
    failed = 0
    for t in tests:
        try:
            t()
            print("ok   %s" % t.__name__)
        except Exception as e:  # noqa: BLE001 - report every failure
            failed += 1
            print("FAIL %s: %s" % (t.__name__, e))
    if failed:
        report_dead_servers()
    print("%d of %d passed" % (len(tests) - failed, len(tests)))
    sys.exit(1 if failed else 0)


def report_dead_servers():
    """A server that died shows why: its exit status and the last lines it
    wrote that are not access-log entries (sanitizer reports, messages)."""
    for srv in SERVERS:
        rc = srv.proc.poll()
        if rc is None:
            continue
        srv.reader.join(timeout=5)
        said = [line for line in srv.log if not line.startswith("{")]
        print("server on port %s ended with status %d; its last words:" % (srv.port, rc))
        sys.stdout.write("".join(said[-60:]))
