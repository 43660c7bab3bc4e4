#!/usr/bin/env python3
"""split_senders.py SINGLE_DIR CHAIN_DIR — splits one sender's delivery in
the exchange format over a municipality, an agency and a housing provider,
as a real chain would send it (docs/linkage.md): each sender its own refs
and its own way of writing names (the agency in capitals without
diacritics), the BSN where the single sender had one, organisations and
locations repeated by each sender that refers to them. Writes CHAIN_DIR/
gemeente, uitzendbureau and huisvester, and CHAIN_DIR/senders.txt.

Used by tests/cli/linkage_split.sh to show that the monitor's figures over
the linked persons equal those of the same data under one sender."""
import csv
import os
import sys
import unicodedata


def read(folder, name):
    path = os.path.join(folder, name + ".csv")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write(folder, name, header, rows):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name + ".csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def plain_capitals(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s)
                   if not unicodedata.combining(c)).upper()


def main():
    single, chain = sys.argv[1], sys.argv[2]
    ph, persons = read(single, "persons")
    oh, orgs = read(single, "organisations")
    lh, locations = read(single, "locations")
    eh, employments = read(single, "employments")
    hh, housings = read(single, "housings")
    col = {n: i for i, n in enumerate(ph)}
    org_kvk = {r[0]: r[oh.index("kvk")] for r in orgs}
    loc_provider = {r[0]: r[lh.index("provider_ref")] for r in locations}

    # An organisation without a KvK number cannot be linked across senders:
    # the beds it provides come from the agency's own file.
    def agency_bed(h):
        prov = h[hh.index("provided_by_ref")]
        lp = loc_provider.get(h[hh.index("location_ref")], "")
        return (prov and not org_kvk.get(prov)) or (lp and not org_kvk.get(lp))

    agency_beds = [h for h in housings if agency_bed(h)]
    provider_beds = [h for h in housings if not agency_bed(h)]

    # The municipality: everyone, the stays, registrations, life events and
    # contact moments.
    g = os.path.join(chain, "gemeente")
    write(g, "persons", ph, persons)
    for name in ("stays", "registrations", "life_events", "contacts"):
        write(g, name, *read(single, name))

    def sender(folder, prefix, capitals, emps, beds):
        refs = {e[0] for e in emps} | {h[0] for h in beds}
        out = []
        for p in persons:
            if p[0] not in refs:
                continue
            q = list(p)
            q[0] = prefix + p[0]
            if capitals:
                q[col["family_name"]] = plain_capitals(q[col["family_name"]])
                q[col["given_names"]] = plain_capitals(q[col["given_names"]])
            out.append(q)
        write(folder, "persons", ph, out)
        used_locs = {h[hh.index("location_ref")] for h in beds}
        locs = [l for l in locations if l[0] in used_locs]
        used_orgs = ({e[eh.index("employer_ref")] for e in emps} |
                     {e[eh.index("agency_ref")] for e in emps} |
                     {h[hh.index("provided_by_ref")] for h in beds} |
                     {l[lh.index("provider_ref")] for l in locs}) - {""}
        write(folder, "organisations", oh, [o for o in orgs if o[0] in used_orgs])
        write(folder, "locations", lh, locs)
        write(folder, "employments", eh, [[prefix + e[0]] + e[1:] for e in emps])
        write(folder, "housings", hh, [[prefix + h[0]] + h[1:] for h in beds])

    sender(os.path.join(chain, "uitzendbureau"), "A-", True, employments, agency_beds)
    sender(os.path.join(chain, "huisvester"), "H-", False, [], provider_beds)
    with open(os.path.join(chain, "senders.txt"), "w") as f:
        f.write("# folder sender\ngemeente gemeente\nuitzendbureau uitzendbureau\n"
                "huisvester huisvester\n")


if __name__ == "__main__":
    main()
