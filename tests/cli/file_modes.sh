# file_modes.sh — files with personal data are the owner's only (mode 0600,
# folders 0700) whatever the umask: the database with its -wal/-shm, the
# read log, the monitor snapshot, exports, the art. 15 JSON, the import
# report and the intervals file; a key file that others may read is warned
# about by every command and at the server's start.
source "$(dirname "$0")/lib.sh"
GOOD=$IB_TEST_DATA/import/good
umask 022
mode() { stat -c %a "$1"; }
private() {   # private FILE...: every one exists with mode 600
  for f in "$@"; do
    [ -e "$f" ] || fail "$f missing"
    [ "$(mode "$f")" = 600 ] || fail "$f has mode $(mode "$f"), expected 600"
  done
}

"$IB" init --db t.db >/dev/null
private t.db t.db.key
"$IB" import --db t.db --sender s --quiet --report rep.json "$GOOD"
private rep.json
# the -wal and -shm, there while a connection writes, take the database's mode
python3 - <<'PY' || fail "-wal/-shm modes"
import os, sqlite3, stat
con = sqlite3.connect("t.db")
con.execute("BEGIN IMMEDIATE")
con.execute("CREATE TABLE IF NOT EXISTS mode_probe(x)")
for f in ("t.db-wal", "t.db-shm"):
    m = stat.S_IMODE(os.stat(f).st_mode)
    assert m == 0o600, "%s: %o" % (f, m)
con.rollback()
PY
ok "database, key, -wal/-shm and import report: 0600"

expect_exit 0 "$IB" person show P001 --db t.db
private t.db.reads
expect_exit 0 "$IB" person export P001 --db t.db --out p.json
private p.json
echo old > e.json && chmod 644 e.json       # an older file is narrowed too
expect_exit 0 "$IB" person export P001 --db t.db --out e.json
private e.json
ok "read log and the art. 15 export: 0600"

expect_exit 0 "$IB" export --db t.db exp
[ "$(mode exp/s)" = 700 ] || fail "export folder has mode $(mode exp/s)"
private exp/s/*.csv
expect_exit 0 "$IB" monitor survival --db t.db --at 2025-01-01
private t.db.monitor
expect_exit 0 "$IB" monitor intervals --db t.db --at 2025-01-01 --out iv.csv
private iv.csv
ok "exports, monitor snapshot and intervals: 0600"

expect_exit 0 "$IB" status --db t.db
grep -q "waarschuwing" "$TMP/err" && fail "a warning for a private key"
chmod 644 t.db.key
expect_exit 0 "$IB" status --db t.db
grep -q "sleutelbestand t.db.key is leesbaar .*chmod 600 t.db.key" "$TMP/err" ||
  { cat "$TMP/err" >&2; fail "no warning for a key others may read"; }
"$IB" serve --db t.db --listen 127.0.0.1:0 --no-access-log 2>serve.err &
pid=$!
for _ in $(seq 100); do grep -q "luistert" serve.err && break; sleep 0.1; done
kill -TERM "$pid"; wait "$pid" || true
grep -q "inbeeld serve: waarschuwing: sleutelbestand t.db.key" serve.err ||
  { cat serve.err >&2; fail "serve does not warn"; }
ok "a key file others may read is warned about (CLI and server start)"
