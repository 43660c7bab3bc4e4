#!/usr/bin/env python3
"""matrix_md.py — prints the access matrix (tests/api/matrix.json) as the
markdown table in docs/security.md, between the markers
<!-- matrix:begin --> and <!-- matrix:end -->. With --check DOC it exits 1
when DOC's table differs from the matrix (the test does this). A cell
called with an API token instead of a session says so after its path; a
role that cannot hold a token shows "–" there."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BEGIN, END = "<!-- matrix:begin -->", "<!-- matrix:end -->"
SHORT = {"anonymous": "anon", "caseworker": "cw", "caseworker_other": "cw²",
         "inspector": "insp", "inspector_other": "insp²", "agency": "agency",
         "agency_other": "agency²", "analyst": "analyst", "admin": "admin"}


def status_text(status):
    return "–" if status is None else str(status)


def table(matrix):
    roles = matrix["roles"]
    out = ["| method | path | " + " | ".join(SHORT[r] for r in roles) + " |",
           "|---|---|" + "---|" * len(roles)]
    for c in matrix["cells"]:
        how = " with an API token" if c.get("auth") == "token" else ""
        out.append("| %s | `%s`%s | %s |" % (c["method"], c["path"], how,
                                             " | ".join(status_text(c["expect"][r])
                                                        for r in roles)))
    return "\n".join(out) + "\n"


def load():
    with open(os.path.join(HERE, "matrix.json"), encoding="utf-8") as f:
        return json.load(f)


def section(doc_text):
    b, e = doc_text.find(BEGIN), doc_text.find(END)
    if b < 0 or e < b:
        return None
    return doc_text[b + len(BEGIN):e].strip("\n") + "\n"


if __name__ == "__main__":
    t = table(load())
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        with open(sys.argv[2], encoding="utf-8") as f:
            have = section(f.read())
        if have != t:
            print("docs/security.md is out of date; regenerate with tests/api/matrix_md.py")
            sys.exit(1)
        sys.exit(0)
    sys.stdout.write(t)
