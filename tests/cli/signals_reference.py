#!/usr/bin/env python3
"""signals_reference.py DATA_DIR DATE [DATE ...] — the signals active on each
DATE, computed from the exchange files alone (Python standard library only),
as an independent check of `inbeeld signals list` (docs/signals.md).

DATA_DIR is a chain as `inbeeld demo --layout chain` writes it: senders.txt
("FOLDER SENDER_REF" lines, '#' comments, in import order) and a folder of
CSV files per sender (persons, stays, registrations, organisations,
employments, locations, housings, life_events, contacts; any may be
missing). Without senders.txt, DATA_DIR is one sender named "demo".

Prints, per date, CSV lines "DATE,kind,subject_sender,subject_ref,key,
municipality,since" in the order of docs/signals.md (kind, sender, ref,
key).

What it assumes, and how it finds one person across senders:
- Every row is accepted by the import (the demo and the test data are
  valid), and store ids follow the import order: senders in senders.txt
  order, rows in file order. "The first sender's record" of an address or
  KvK number is the first in that order.
- Linkage (docs/linkage.md), simulated record by record in import order:
  rule 1 (the same BSN joins the person that holds it), rule 3 (a record
  without BSN joins the one person that has a record with the same
  normalised family and given names, birth date and nationality, unless that
  person already holds a record of the same sender; two or more such
  persons: no link), and rule 3 the other way round: a record with a BSN
  gives each record without a BSN of its identity that is still a person of
  its own (first in import order first) the chance to link. Look-alikes
  (rule 4) are only proposed for review and manual links (rule 5) are
  people's decisions: neither links anything in an import. Names are
  normalised as the linkage rules say (NFKD, marks removed, case folded,
  '-', "'", '.' and white space one space). Python's Unicode tables may
  differ from the program's for rare characters; the check reports any
  difference in the persons it finds as a difference in the signals.
"""
import csv
import os
import re
import sys
import unicodedata
from datetime import date, timedelta

KINDS = ["not_registered", "overcrowded", "job_and_bed", "one_year_offer",
         "information_moment", "no_address"]
SETTINGS = {"registration_months": 4, "min_area_m2": 1200, "job_loss_days": 30,
            "offer_months": 12, "information_days": 90, "address_days": 30}


# ------------------------------------------------------------ reading

def rows(folder, name):
    path = os.path.join(folder, name + ".csv")
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def day(s):
    return date.fromisoformat(s) if s else None


def hundredths(s):
    """'650.52' -> 65052 (exact), '' -> None."""
    if not s:
        return None
    whole, _, frac = s.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def senders_of(data):
    listing = os.path.join(data, "senders.txt")
    if not os.path.exists(listing):
        return [(data, "demo")]
    out = []
    with open(listing, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            folder, ref = line.split()
            out.append((os.path.join(data, folder), ref))
    return out


# ------------------------------------------------------------ linkage

def normalise(name):
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if unicodedata.category(c) not in ("Mn", "Mc", "Me"))
    s = s.casefold()
    return " ".join(re.split(r"[-'.\s]+", s)).strip()


def bsn_valid(s):
    if len(s) != 9 or not s.isdigit() or s == "000000000":
        return False
    total = sum(int(c) * w for c, w in zip(s[:8], range(9, 1, -1))) - int(s[8])
    return total % 11 == 0


class Linkage:
    """Persons as sets of records (index into records), in import order."""

    def __init__(self):
        self.records = []        # dicts: sender, ref, bsn, identity, rule
        self.person = []         # record -> person number
        self.members = {}        # person number -> [records]
        self.by_bsn = {}
        self.by_identity = {}

    def add(self, sender, row):
        r = len(self.records)
        bsn = row.get("bsn", "")
        if not bsn_valid(bsn):
            bsn = ""
        fam, giv = normalise(row.get("family_name", "")), normalise(row.get("given_names", ""))
        ident = ((fam, giv, row.get("birth_date", ""), row.get("nationality", ""))
                 if fam and giv and row.get("birth_date") else None)
        rec = {"sender": sender, "ref": row["person_ref"], "bsn": bsn,
               "identity": ident, "rule": ""}
        self.records.append(rec)
        if bsn and bsn in self.by_bsn:
            p = self.person[self.by_bsn[bsn][0]]
            rec["rule"] = "bsn"
        else:
            p = r
            self.members[p] = []
        self.person.append(p)
        self.members[p].append(r)
        if bsn:
            self.by_bsn.setdefault(bsn, []).append(r)
        if ident:
            self.by_identity.setdefault(ident, []).append(r)
        if not bsn:
            self.rule3(r)
        elif ident:
            for y in list(self.by_identity[ident]):
                yr = self.records[y]
                if not yr["bsn"] and not yr["rule"] and len(self.members[self.person[y]]) == 1:
                    self.rule3(y)
        return r

    def rule3(self, x):
        rec = self.records[x]
        if rec["bsn"] or not rec["identity"]:
            return
        own = self.person[x]
        found = []
        for y in self.by_identity[rec["identity"]]:
            p = self.person[y]
            if p != own and p not in found:
                found.append(p)
        if len(found) != 1:
            return
        target = found[0]
        if any(self.records[y]["sender"] == rec["sender"] for y in self.members[target]):
            return
        for y in self.members.pop(own):
            self.person[y] = target
            self.members[target].append(y)
        rec["rule"] = "identity"


# ------------------------------------------------------------ the registry

def address_key(postcode, number):
    if not postcode or not number:
        return ""
    parts = [p for p in re.split(r"[- ]+", number) if p]
    return postcode.replace(" ", "").upper() + "|" + "-".join(parts).upper()


class Registry:
    def __init__(self, data):
        self.link = Linkage()
        self.orgs = {}        # (sender, ref) -> canonical (sender, ref)
        self.locations = {}   # (sender, ref) -> dict
        self.stays, self.regs, self.emps, self.housings = [], [], [], []
        self.events, self.contacts = [], []
        kvk_first, addr_first = {}, {}
        rec_of = {}
        for folder, sender in senders_of(data):
            for o in rows(folder, "organisations"):
                key = (sender, o["org_ref"])
                kvk = o.get("kvk", "")
                self.orgs[key] = kvk_first.setdefault(kvk, key) if kvk else key
            for l in rows(folder, "locations"):
                key = (sender, l["location_ref"])
                addr = address_key(l.get("postcode", ""), l.get("house_number", ""))
                canon = addr_first.setdefault(addr, key) if addr else key
                self.locations[key] = {
                    "canon": canon, "municipality": l.get("municipality", ""),
                    "capacity": int(l["capacity"]) if l.get("capacity") else None,
                    "area": hundredths(l.get("floor_area_m2", ""))}
            for p in rows(folder, "persons"):
                rec_of[(sender, p["person_ref"])] = self.link.add(sender, p)

            def rec(row):
                return rec_of[(sender, row["person_ref"])]

            for s in rows(folder, "stays"):
                self.stays.append((rec(s), day(s["arrival_date"]), day(s.get("departure_date"))))
            for g in rows(folder, "registrations"):
                self.regs.append((rec(g), g["kind"], g.get("municipality", ""),
                                  day(g["start_date"]), day(g.get("end_date"))))
            for e in rows(folder, "employments"):
                agency = e.get("agency_ref", "")
                self.emps.append((rec(e), e["employer_ref"], self.orgs[(sender, e["employer_ref"])],
                                  self.orgs[(sender, agency)] if agency else None,
                                  day(e["start_date"]), day(e.get("end_date"))))
            for h in rows(folder, "housings"):
                prov = h.get("provided_by_ref", "")
                self.housings.append((rec(h), self.locations[(sender, h["location_ref"])]["canon"],
                                      self.orgs[(sender, prov)] if prov else None,
                                      day(h["start_date"]), day(h.get("end_date"))))
            for ev in rows(folder, "life_events"):
                self.events.append((rec(ev), ev["event"], day(ev["date"])))
            for c in rows(folder, "contacts"):
                self.contacts.append((rec(c), c["kind"], day(c["date"])))
        # everything per person
        self.per = {}

        def of(p):
            return self.per.setdefault(p, {"stays": [], "regs": [], "emps": [], "housings": [],
                                           "events": [], "contacts": []})
        for what, items in (("stays", self.stays), ("regs", self.regs), ("emps", self.emps),
                            ("housings", self.housings), ("events", self.events),
                            ("contacts", self.contacts)):
            for item in items:
                of(self.link.person[item[0]])[what].append(item)

    def name(self, r):
        rec = self.link.records[r]
        return rec["sender"], rec["ref"]


# ------------------------------------------------------------ the rules

def add_months(d, n):
    months = d.year * 12 + d.month - 1 + n
    y, m = divmod(months, 12)
    m += 1
    try:
        return date(y, m, d.day)
    except ValueError:                       # 31 January + 1 month = 1 March
        return date(y + m // 12, m % 12 + 1, 1)


def covers(start, end, d):
    return start <= d and (end is None or d <= end)


def joined_stays(reg, stays, at):
    """The person's stays on at: those of different records that overlap
    or touch are one (through a third too); named by the earliest arrival,
    then the lower sender ref, then person ref."""
    known = [s for s in stays if s[1] <= at]
    parent = list(range(len(known)))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    def touch(a, b):
        return ((a[2] is None or b[1] <= a[2] + timedelta(days=1)) and
                (b[2] is None or a[1] <= b[2] + timedelta(days=1)))

    for i in range(len(known)):
        for j in range(i + 1, len(known)):
            if known[i][0] != known[j][0] and touch(known[i], known[j]):
                ri, rj = root(i), root(j)
                if ri != rj:
                    parent[rj] = ri
    groups = {}
    for i, s in enumerate(known):
        groups.setdefault(root(i), []).append(s)
    out = []
    for g in groups.values():
        first = min(g, key=lambda s: (s[1],) + reg.name(s[0]))
        dep = None if any(s[2] is None for s in g) else max(s[2] for s in g)
        out.append((first[1], dep, first[0]))
    return out


def municipality(reg, mine, at):
    best = {}
    for (_, kind, muni, start, end) in mine["regs"]:
        if not muni or start > at:
            continue
        if covers(start, end, at):
            slot = "brp" if kind == "brp" else "rni"
            cur = best.get(slot)
            if cur is None or start > cur[0] or (start == cur[0] and muni < cur[1]):
                best[slot] = (start, muni)
        cur = best.get("latest")
        if cur is None or start > cur[0]:
            best["latest"] = (start, muni)
    for (_, canon, _, start, end) in mine["housings"]:
        muni = reg.locations[canon]["municipality"]
        if not muni or start > at:
            continue
        if covers(start, end, at):
            cur = best.get("housing")
            if cur is None or start > cur[0] or (start == cur[0] and muni < cur[1]):
                best["housing"] = (start, muni)
        cur = best.get("latest")
        if cur is None or start > cur[0]:
            best["latest"] = (start, muni)
    for slot in ("brp", "rni", "housing", "latest"):
        if slot in best:
            return best[slot][1]
    return ""


def person_signals(reg, mine, at, s):
    out = {}                                   # (kind, key) -> [since, record]
    stays = joined_stays(reg, mine["stays"], at)
    open_ = [x for x in stays if x[1] is None or x[1] > at]
    open_ = max(open_, key=lambda x: x[0]) if open_ else None

    def add(kind, key, since, record):
        cur = out.get((kind, key))
        if cur is None:
            out[(kind, key)] = [since, record]
        elif open_ is None and reg.name(record) < reg.name(cur[1]):
            cur[1] = record

    def contact(kind, frm):
        return any(k == kind and frm <= d <= at for (_, k, d) in mine["contacts"])

    if open_:
        arr = open_[0]
        due = add_months(arr, s["registration_months"])
        if due <= at and not any(k == "brp" and covers(st, en, at)
                                 for (_, k, _, st, en) in mine["regs"]):
            add("not_registered", arr.isoformat(), due, open_[2])
        due = arr + timedelta(days=s["address_days"])
        if due <= at and not any(covers(st, en, at) for (_, _, _, st, en) in mine["housings"]):
            add("no_address", arr.isoformat(), due, open_[2])
        due = add_months(arr, s["offer_months"])
        if due <= at and not (contact("language_course_offer", arr) and
                              contact("career_offer", arr)):
            add("one_year_offer", arr.isoformat(), due, open_[2])
        triggers = [("arrival", x[0], x[2]) for x in stays]
        triggers += [(k, d, None) for (_, k, d) in mine["events"]
                     if k in ("partner_start", "child_birth", "home_purchase")]
        for (what, t, rec) in triggers:
            if at - timedelta(days=s["information_days"]) < t <= at and \
                    not contact("information", t):
                add("information_moment", f"{what}|{t.isoformat()}", t,
                    rec if rec is not None else open_[2])
    for (rec, employer_ref, employer, agency, start, end) in mine["emps"]:
        if end is None or not (at - timedelta(days=s["job_loss_days"]) <= end < at):
            continue
        lost = False
        for (_, _, prov, hs, he) in mine["housings"]:
            if prov is None or not covers(hs, he, at) or prov not in (employer, agency):
                continue
            if not any(covers(es, ee, at) and (prov == e2 or prov == a2)
                       for (_, _, e2, a2, es, ee) in mine["emps"]):
                lost = True
        if lost:
            add("job_and_bed", f"{employer_ref}|{start.isoformat()}", end + timedelta(days=1),
                rec)
    result = []
    for (kind, key), (since, rec) in out.items():
        named = reg.name(open_[2] if open_ else rec)
        result.append((kind, named[0], named[1], key, since))
    return result


def overcrowded(reg, at, s):
    occupants = {}                            # canon -> set of persons
    history = {}                              # canon -> person -> [(start, end)]
    for (rec, canon, _, start, end) in reg.housings:
        if start > at:
            continue
        p = reg.link.person[rec]
        if covers(start, end, at):
            occupants.setdefault(canon, set()).add(p)
        history.setdefault(canon, {}).setdefault(p, []).append(
            (start, at if end is None or end > at else end))

    def over(loc, n):
        if loc["capacity"] is not None and n > loc["capacity"]:
            return True
        return loc["area"] is not None and n >= 1 and loc["area"] < n * s["min_area_m2"]

    out = []
    for canon, people in occupants.items():
        loc = reg.locations[canon]
        if not over(loc, len(people)):
            continue
        changes = {}
        for spans in history[canon].values():
            spans.sort()
            merged = []
            for a, b in spans:
                if merged and a <= merged[-1][1] + timedelta(days=1):
                    merged[-1][1] = max(merged[-1][1], b)
                else:
                    merged.append([a, b])
            for a, b in merged:
                changes[a] = changes.get(a, 0) + 1
                if b < at:
                    changes[b + timedelta(days=1)] = changes.get(b + timedelta(days=1), 0) - 1
        n, since = 0, None
        for d in sorted(changes):
            n += changes[d]
            if not over(loc, n):
                since = None
            elif since is None:
                since = d
        out.append(("overcrowded", canon[0], canon[1], "", loc["municipality"], since))
    return out


def signals_on(reg, at, s=SETTINGS):
    out = overcrowded(reg, at, s)
    for p, mine in reg.per.items():
        found = person_signals(reg, mine, at, s)
        if found:
            muni = municipality(reg, mine, at)
            out += [(k, snd, ref, key, muni, since) for (k, snd, ref, key, since) in found]
    out.sort(key=lambda x: (KINDS.index(x[0]), x[1].encode(), x[2].encode(), x[3].encode()))
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    reg = Registry(sys.argv[1])
    w = csv.writer(sys.stdout, lineterminator="\n")
    for at_text in sys.argv[2:]:
        at = date.fromisoformat(at_text)
        for (kind, snd, ref, key, muni, since) in signals_on(reg, at):
            w.writerow([at_text, kind, snd, ref, key, muni, since.isoformat()])


if __name__ == "__main__":
    main()
