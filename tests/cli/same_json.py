#!/usr/bin/env python3
"""same_json.py A B [--any-order] — whether two JSON documents are the same:
every key, string and integer exactly, every other number to a relative
1e-9 (sums added in another order differ in the last digits). With
--any-order, lists of objects (table rows) may come in another order: they
are compared sorted by their text fields. Prints the first difference and
exits 1 when they are not."""
import json
import math
import sys


ANY_ORDER = "--any-order" in sys.argv


def row_key(x):
    if isinstance(x, dict):
        return tuple(str(v) for v in x.values() if isinstance(v, str))
    return ()


def same(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return "%s: keys %s vs %s" % (path, sorted(a), sorted(b))
        for k in a:
            d = same(a[k], b[k], path + "." + k)
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return "%s: %d vs %d items" % (path, len(a), len(b))
        if ANY_ORDER and all(isinstance(x, dict) for x in a + b):
            a, b = sorted(a, key=row_key), sorted(b, key=row_key)
        for i, (x, y) in enumerate(zip(a, b)):
            d = same(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
                math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12):
            return None
        return "%s: %r vs %r" % (path, a, b)
    return None if a == b else "%s: %r vs %r" % (path, a, b)


def main():
    with open(sys.argv[1]) as f:
        a = json.load(f)
    with open(sys.argv[2]) as f:
        b = json.load(f)
    d = same(a, b, "$")
    if d:
        print(d, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
