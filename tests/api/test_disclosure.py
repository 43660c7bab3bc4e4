#!/usr/bin/env python3
"""test_disclosure.py — the three attacks of an analyst on the monitor's
tables, run against the real server, and what the cell-key method
(docs/monitor.md "Disclosure control") leaves of them: (a) differencing a
table filtered by sender= from the unfiltered one, (b) working a cell out
from its row total and the other cells, (c) occupancy from floor_area_m2 /
m2_per_person on housing?view=locations. Each attack is scored against the
exact figures an administrator gets with detail=true: under suppression
every cell these attacks could compute came out exact; now the analyst's
answers are off in most cells, and nothing tells which are right. Also:
the same question gives the same noise, no 1 or 2 is published, and
detail=true stays exact and additive.
Usage: test_disclosure.py path/to/inbeeld"""
import json
import os
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
from apilib import check  # noqa: E402

inbeeld = sys.argv[1]
AT = "2025-01-01"
TYPES = ["vulnerable_passer_by", "perspective_rich_passer_by", "chronically_vulnerable",
         "durably_perspective_rich", "other"]
# At most this share of the cells an attack computes may come out exact:
# a chance hit (the noises of two cells equal) is not a recovery, since the
# analyst cannot tell it from the misses. Under suppression the share was 1.
MAX_EXACT = 0.5


def setup():
    """The usual test database plus two demo registries of their own."""
    folder = tempfile.mkdtemp(prefix="ib_disclosure_")
    db = apilib.make_database(inbeeld, folder)
    for sender, seed in (("demo-a", "5"), ("demo-b", "6")):
        out = os.path.join(folder, sender)
        apilib.run(inbeeld, "demo", "--persons", "1500", "--seed", seed, "--out", out)
        apilib.run(inbeeld, "import", "--db", db, "--sender", sender, out)
        for name in os.listdir(out):
            os.unlink(os.path.join(out, name))
        os.rmdir(out)
    server = apilib.Server(inbeeld, db, "--login-rate", "100000")
    status, _, data = apilib.Client(server.port).request("GET", "/api/v1/openapi.json")
    check(status == 200, "openapi.json: %d" % status)
    return folder, server, apilib.OpenApi(json.loads(data))


folder, server, openapi = setup()


def client(name):
    c = apilib.Client(server.port, openapi)
    c.login(name)
    return c


def table(c, path):
    status, _, body = c.request("GET", path)
    check(status == 200, "GET %s: %d %s" % (path, status, body[:300]))
    return json.loads(body)


def cells(doc, columns):
    """{(row key, column): value} of the rows, totals left out."""
    key = doc["keys"][0]
    return {(r[key], c): r[c] for r in doc["rows"] for c in columns}


def exact_share(pairs):
    """Share of (estimate, truth) pairs that agree; pairs must not be empty."""
    check(pairs, "the attack computed nothing: the test data lacks cells")
    return sum(1 for e, t in pairs if e == t) / len(pairs)


def test_differencing_by_sender():
    analyst, admin = client("analyst"), client("admin")
    path = "/api/v1/monitor/typology?at=%s&by=nationality" % AT
    whole = cells(table(analyst, path), TYPES)
    part_a = cells(table(analyst, path + "&sender=demo-a"), TYPES)
    truth_b = cells(table(admin, path + "&sender=demo-b&detail=true"), TYPES)
    truth_rest = cells(table(admin, path + "&detail=true"), TYPES)
    truth_a = cells(table(admin, path + "&sender=demo-a&detail=true"), TYPES)
    # The analyst's estimate of what all senders but demo-a hold (here:
    # demo-b and the two small bureaus) is whole - part_a.
    pairs = []
    for cell, v in whole.items():
        a = part_a.get(cell, 0)
        true_rest = truth_rest[cell] - truth_a.get(cell, 0)
        if true_rest > 0 and isinstance(v, int) and isinstance(a, int):
            pairs.append((v - a, true_rest))
    share = exact_share(pairs)
    check(share <= MAX_EXACT, "differencing by sender recovers %.0f %% of %d cells exactly"
          % (100 * share, len(pairs)))
    check(any(0 < t < 10 for _, t in pairs), "the test data has small cells to protect")
    check(len(truth_b) > 0, "demo-b has cells")


def test_row_total_minus_the_others():
    analyst, admin = client("analyst"), client("admin")
    path = "/api/v1/monitor/typology?at=%s&by=nationality" % AT
    doc = table(analyst, path)
    truth = table(admin, path + "&detail=true")
    key = doc["keys"][0]
    exact = {r[key]: r for r in truth["rows"]}
    pairs, zero_not_zero, off_sum = [], 0, 0
    for r in doc["rows"]:
        shown = [r[c] for c in TYPES]
        check(all(isinstance(v, int) and v >= 0 and v not in (1, 2) for v in shown + [r["total"]]),
              "row %s: a count that is not a perturbed count: %s" % (r[key], r))
        off_sum += sum(shown) != r["total"]
        for c in TYPES:
            t = exact[r[key]][c]
            pairs.append((r["total"] - (sum(shown) - r[c]), t))
            zero_not_zero += r[c] == 0 and t > 0
    share = exact_share(pairs)
    check(share <= MAX_EXACT, "total minus the other cells recovers %.0f %% of %d cells"
          % (100 * share, len(pairs)))
    check(zero_not_zero > 0, "a published 0 always means 0")
    check(off_sum > 0, "every row adds up to its total: totals not perturbed on their own")


def test_occupancy_from_floor_area():
    analyst, admin = client("analyst"), client("admin")
    path = "/api/v1/monitor/housing?at=%s&view=locations" % AT
    doc, truth = table(analyst, path), table(admin, path + "&detail=true")
    exact = {r["location_ref"] + r["municipality"]: r for r in truth["rows"]}
    pairs = []
    for r in doc["rows"]:
        t = exact[r["location_ref"] + r["municipality"]]
        check(r["occupancy"] not in (1, 2), "occupancy 1 or 2 published: %s" % r)
        if 0 < t["occupancy"] < 10 and r["floor_area_m2"] and r["m2_per_person"]:
            pairs.append((round(r["floor_area_m2"] / r["m2_per_person"]), t["occupancy"]))
    share = exact_share(pairs)
    check(share <= MAX_EXACT, "floor area / m2 per person recovers %.0f %% of %d small occupancies"
          % (100 * share, len(pairs)))
    check(doc["perturbed"] is True and truth["perturbed"] is False, "perturbed flags")


def test_same_question_same_noise():
    analyst, admin = client("analyst"), client("admin")
    for path in ("/api/v1/monitor/typology?at=%s&by=nationality" % AT,
                 "/api/v1/monitor/registration?at=%s" % AT,
                 "/api/v1/monitor/housing?at=%s&view=worklive" % AT):
        first = table(analyst, path)
        check(first["perturbed"] is True, "%s: perturbed" % path)
        again = table(admin, path)            # another user, the same answer
        check(first == again, "%s: asked again, other noise" % path)


def test_detail_stays_exact():
    admin = client("admin")
    doc = table(admin, "/api/v1/monitor/typology?at=%s&by=nationality&detail=true" % AT)
    check(doc["perturbed"] is False and doc["suppressed_below"] is None, "detail: exact")
    for r in doc["rows"]:
        check(sum(r[c] for c in TYPES) == r["total"], "detail row adds up: %s" % r)
    check(sum(r["total"] for r in doc["rows"]) == doc["totals"]["total"], "detail total")
    cli = apilib.run(inbeeld, "monitor", "typology", "--db", server_db(), "--at", AT,
                     "--by", "nationality", "--no-suppress", "--format", "json")
    check(json.loads(cli) == doc, "detail=true is the CLI's --no-suppress table")


def server_db():
    return os.path.join(folder, "t.db")


try:
    apilib.main([test_differencing_by_sender, test_row_total_minus_the_others,
                 test_occupancy_from_floor_area, test_same_question_same_noise,
                 test_detail_stays_exact], inbeeld)
finally:
    server.stop()
    apilib.cleanup(folder)
