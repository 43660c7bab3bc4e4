#!/usr/bin/env python3
"""test_matrix.py — the access matrix: calls every endpoint and method of
tests/api/matrix.json as every role (each logged in with a session cookie
and sending its CSRF token on writes) and as anonymous, against the real
server, and asserts the exact status of every cell; a cell marked
"auth": "token" is called with a fresh API token of the caller instead
(anonymous: an unknown token; null: the role cannot hold one). Then checks
that the table in docs/security.md is generated from the same matrix.
Usage: test_matrix.py path/to/inbeeld"""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
import matrix_md  # noqa: E402

inbeeld = sys.argv[1]
folder, db, server, openapi = apilib.start(inbeeld)
matrix = matrix_md.load()
ctx = {}


def fixtures():
    admin = apilib.Client(server.port, openapi)
    admin.login("admin")
    agency = apilib.Client(server.port, openapi)
    agency.login("agency")
    # Both senders deliver P001-P004 (apilib), and records with one BSN or
    # one identity are one person (docs/linkage.md): bureau-b sees those as
    # its own. {person} is one that only bureau-a knows, registered in GM1783.
    for kind, csv in (("persons", "person_ref,bsn,family_name,given_names,birth_date,nationality\n"
                                  "MXA1,100000009,Matrixa,Alleen,1993-03-03,LT\n"),
                      ("registrations", "person_ref,kind,municipality,start_date\n"
                                        "MXA1,brp,GM1783,2024-01-02\n")):
        status, _, rep = agency.json("POST", "/api/v1/imports?kind=" + kind, csv, ctype="text/csv")
        apilib.check(status == 200, "fixture %s: %d %s" % (kind, status, rep))
    _, _, page = agency.json("GET", "/api/v1/persons?ref=MXA1")
    ctx["person"] = page["items"][0]["id"]
    _, _, page = agency.json("GET", "/api/v1/locations?pageSize=100")
    ctx["location"] = [l for l in page["items"] if l["location_ref"] == "L001"][0]["id"]
    _, _, page = agency.json("GET", "/api/v1/organisations?pageSize=100")
    ctx["organisation"] = [o for o in page["items"] if o["org_ref"] == "UB01"][0]["id"]
    ctx["admin"] = admin
    signal_fixtures(agency, admin)


def signal_fixtures(agency, admin):
    """{location_signal}: a location of bureau-a in GM1783 with one bed and
    two persons housed there (overcrowded); {signal}: P001's one_year_offer
    (registered in GM1783). Evaluated now, as an administrator may ask."""
    for kind, csv in (("persons", "person_ref,family_name,given_names,birth_date,nationality\n"
                                  "MXA2,Matrixb,Twee,1991-01-01,LT\n"),
                      ("locations", "location_ref,postcode,house_number,municipality,kind,capacity\n"
                                    "MXL1,2671AB,7,GM1783,shared_house,1\n"),
                      ("housings", "person_ref,location_ref,start_date\n"
                                   "MXA1,MXL1,2024-01-05\nMXA2,MXL1,2024-01-05\n")):
        status, _, rep = agency.json("POST", "/api/v1/imports?kind=" + kind, csv, ctype="text/csv")
        apilib.check(status == 200, "fixture %s: %d %s" % (kind, status, rep))
    status, _, _ = admin.json("POST", "/api/v1/signals/evaluations")
    apilib.check(status == 200, "fixture evaluation: %d" % status)
    _, _, page = admin.json("GET", "/api/v1/signals?pageSize=100&state=open")
    for s in page["items"]:
        if s["subject"]["ref"] == "MXL1" and s["kind"] == "overcrowded":
            ctx["location_signal"] = s["id"]
        if s["subject"]["ref"] == "P001" and s["kind"] == "one_year_offer":
            ctx["signal"] = s["id"]
    apilib.check("signal" in ctx and "location_signal" in ctx,
                 "fixture signals: %s" % [(s["kind"], s["subject"]["ref"]) for s in page["items"]])


def fresh_inspection():
    status, _, body = ctx["admin"].json("POST", "/api/v1/inspections", {
        "location_id": ctx["location"], "date": "2024-04-01", "outcome": "violation"})
    apilib.check(status == 201, "fixture inspection: %d" % status)
    return body["id"]


def fresh_token(client, role):
    owner = client if role in ("agency", "agency_other", "admin") else ctx["admin"]
    status, _, body = owner.json("POST", "/api/v1/tokens", {"label": "fixture"})
    apilib.check(status == 201, "fixture token: %d" % status)
    return body["id"]


def fresh_upload():
    """A delivery by the agency user, named for following its progress."""
    name = "matrix-%s" % os.urandom(6).hex()
    agency = apilib.Client(server.port, openapi)
    agency.login("agency")
    status, _, _ = agency.request("POST", "/api/v1/imports?kind=organisations&upload=" + name,
                                  "org_ref,name,kind\nMXU1,Matrix Upload,employer\n",
                                  ctype="text/csv")
    apilib.check(status == 200, "fixture upload: %d" % status)
    return name


def token_client(session_client, role):
    """A client that sends a fresh API token of the role's user instead of
    its session; anonymous sends a well-formed token nobody holds."""
    c = apilib.Client(server.port, openapi)
    if role == "anonymous":
        c.token = "x" * 43
        return c
    status, _, body = session_client.json("POST", "/api/v1/tokens", {"label": "matrix"})
    apilib.check(status == 201, "fixture token for %s: %d" % (role, status))
    c.token = body["token"]
    return c


def substitute(value):
    if isinstance(value, dict):
        return {k: substitute(v) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v) for v in value]
    if isinstance(value, str) and value.startswith("$"):
        return ctx[value[1:]]
    return value


def test_matrix():
    fixtures()
    clients = {}
    for role in matrix["roles"]:
        c = apilib.Client(server.port, openapi)
        if role != "anonymous":
            c.login(role)
        clients[role] = c
    wrong = []
    cells = 0
    for cell in matrix["cells"]:
        for role in matrix["roles"]:
            if cell["expect"][role] is None:
                continue
            c = clients[role]
            if cell.get("auth") == "token":
                c = token_client(c, role)
            path = cell["path"].replace("{person}", str(ctx["person"]))
            path = path.replace("{location}", str(ctx["location"]))
            path = path.replace("{organisation}", str(ctx["organisation"]))
            path = path.replace("{location_signal}", str(ctx["location_signal"]))
            path = path.replace("{signal}", str(ctx["signal"]))
            if "{inspection}" in path:
                path = path.replace("{inspection}", str(fresh_inspection()))
            if "{upload}" in path:
                path = path.replace("{upload}", fresh_upload())
            if "{own_token}" in path:
                path = path.replace("{own_token}", str(fresh_token(clients[role], role)))
            if "csv" in cell:
                status, _, _ = c.request(cell["method"], path, cell["csv"], ctype="text/csv")
            else:
                body = substitute(cell["body"]) if "body" in cell else None
                status, _, _ = c.request(cell["method"], path, body)
            cells += 1
            if status != cell["expect"][role]:
                wrong.append("%s %s as %s: %d, expected %d" % (
                    cell["method"], path, role, status, cell["expect"][role]))
    apilib.check(not wrong, "%d of %d cells wrong:\n  %s" % (len(wrong), cells, "\n  ".join(wrong)))
    print("     %d cells checked" % cells)


def test_docs_in_sync():
    doc = os.path.join(apilib.SOURCE, "docs", "security.md")
    with open(doc, encoding="utf-8") as f:
        have = matrix_md.section(f.read())
    apilib.check(have == matrix_md.table(matrix),
                 "docs/security.md matrix differs from tests/api/matrix.json; "
                 "regenerate with tests/api/matrix_md.py")


def test_routes_all_in_matrix():
    """Every route of the server (src/http/routes.c) has a cell."""
    src = open(os.path.join(apilib.SOURCE, "src", "http", "routes.c"), encoding="utf-8").read()
    import re
    routes = set(re.findall(r'\{"(GET|POST|PUT|DELETE)", "([^"]+)"', src))
    have = set()
    for cell in matrix["cells"]:
        p = cell["path"].split("?")[0]
        p = re.sub(r"\{(person|location|organisation|inspection|own_token|upload|signal|location_signal)\}", "{id}", p)
        have.add((cell["method"], p))
    # A route segment other than {id} ({kind}) is covered by cells naming values.
    def covered(method, pattern):
        rx = "^" + re.sub(r"\\\{(?!id\\\})[a-z_]+\\\}", "[^/{}]+", re.escape(pattern)) + "$"
        return any(m == method and re.match(rx, p) for m, p in have)
    missing = sorted(r for r in routes if not covered(*r))
    apilib.check(not missing, "routes without a matrix cell: %s" % missing)


try:
    apilib.main([test_matrix, test_docs_in_sync, test_routes_all_in_matrix], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
