#!/usr/bin/env python3
"""iso-names.py — writes reference/countries.csv (ISO 3166-1 alpha-2) and
reference/languages.csv (ISO 639-1) with their names in Dutch and English,
from Debian's iso-codes package: the English names from its JSON files,
the Dutch ones from its Dutch translations (.mo). The web application
shows these names instead of the codes. Run it again when iso-codes
changes (apt-get install iso-codes); the files name the version used.
XX (stateless or unknown), which the exchange format adds to ISO 3166-1,
is added here. For a language with several names ("Romanian; Moldavian;
Moldovan") the first is kept.
Usage: scripts/iso-names.py [REFERENCE_DIR]"""
import csv
import gettext
import json
import os
import subprocess
import sys

ISO = "/usr/share/iso-codes/json"
MO = "/usr/share/locale/nl/LC_MESSAGES"


def version():
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "iso-codes"], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def dutch(domain):
    with open(os.path.join(MO, domain + ".mo"), "rb") as f:
        return gettext.GNUTranslations(f)


def first_name(name):
    return name.split(";")[0].strip()


def write(path, head, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write("# %s\n" % head)
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name_nl", "name_en"])
        w.writerows(sorted(rows))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference")
    source = "from Debian's iso-codes %s (scripts/iso-names.py)" % version()
    nl = dutch("iso_3166-1")
    countries = json.load(open(os.path.join(ISO, "iso_3166-1.json"), encoding="utf-8"))["3166-1"]
    rows = [(c["alpha_2"], nl.gettext(c["name"]), c["name"]) for c in countries]
    rows.append(("XX", "staatloos of onbekend", "stateless or unknown"))
    write(os.path.join(out, "countries.csv"), "ISO 3166-1 alpha-2 countries, names in Dutch and English, " + source, rows)
    nl = dutch("iso_639-2")
    languages = json.load(open(os.path.join(ISO, "iso_639-2.json"), encoding="utf-8"))["639-2"]
    rows = [(x["alpha_2"], first_name(nl.gettext(x["name"])), first_name(x["name"])) for x in languages if x.get("alpha_2")]
    write(os.path.join(out, "languages.csv"), "ISO 639-1 languages, names in Dutch and English, " + source, rows)


main()
