#!/usr/bin/env bash
# make run: create the database, generate demo data, import it, make one
# demo user per role and serve the API and web application on localhost.
# Usage: [LAYOUT=chain|single] scripts/run.sh INBEELD DB DEMO_DIR PERSONS SEED LISTEN [WEB_DIR]
# LAYOUT chain (the default): one sender per sub-folder (the municipality,
# agencies, employers, housing providers), imported one by one and linked
# into persons; single: one folder as sender "demo" (docs/demo-data.md).
set -euo pipefail
inbeeld=$1 db=$2 demo=$3 persons=$4 seed=$5 listen=$6 web=${7:-}
layout=${LAYOUT:-chain}
here=$(dirname "$0")

mkdir -p "$(dirname "$db")"
# One layout per database (<db>.layout says which): the two demos side by
# side would be two registries of the same persons. A database from before
# the mark holds the single layout when sender "demo" is in it.
mark="$db.layout" users="$db.users"
if [ -f "$db" ]; then
  if [ ! -f "$mark" ]; then
    # (grep reads all of it: with -q, status could die of SIGPIPE)
    if "$inbeeld" status --db "$db" | grep '^  afzender demo ' >/dev/null; then
      echo single > "$mark"
    else
      echo chain > "$mark"
    fi
  fi
  if [ "$(cat "$mark")" != "$layout" ]; then
    echo "$db bevat de demo in layout $(cat "$mark"), niet $layout;" \
         "kies een andere DB= (of make clean)" >&2
    exit 1
  fi
else
  rm -f "$mark" "$users"
fi
"$inbeeld" init --db "$db"
# The demo's "now" is the day it is first made, so that the inbox, which
# the server evaluates on today's date, has work of every kind (a job lost
# last week, an arrival last month); it stays that day while the folder is
# kept, so that a second `make run` imports the same files again.
if [ ! -f "$demo/.complete-$persons-$seed-$layout" ]; then
  rm -rf "$demo"
  at=$(date +%F)
  "$inbeeld" demo --persons "$persons" --seed "$seed" --layout "$layout" --at "$at" --out "$demo"
  echo "$at" > "$demo/.at"
  touch "$demo/.complete-$persons-$seed-$layout"
fi
bash "$here/import-demo.sh" "$inbeeld" "$db" "$demo"
echo "$layout" > "$mark"
echo
"$inbeeld" status --db "$db"

# One user per role, each with a random password made on the first run and
# kept (readable by root only) next to the database, in <db>.users. The municipalities are
# the three largest of the demo data. In the chain the staff belong to the
# municipality's sender (the first of senders.txt) and the agency user to
# the first agency; in the single layout everything came from sender "demo".
agency=demo municipality=GM0599 showcase=P000001 showcase_sender=demo
if [ -f "$demo/senders.txt" ]; then
  municipality=$(awk '!/^#/ { print $2; exit }' "$demo/senders.txt")
  agency=$(awk '$1 ~ /^uitzendbureau-/ { print $2; exit }' "$demo/senders.txt")
  showcase_sender=$municipality
  showcase=$(awk -F, 'NR == 2 { print $1 }' "$demo/$showcase_sender/persons.csv")
fi
if [ ! -f "$users" ]; then
  (umask 077 && : > "$users")
  while read -r name role org municipalities; do
    pw=$(head -c 15 /dev/urandom | base64 | tr '+/' '-_')
    args=(user add "$name" --role "$role" --organisation "$org" --db "$db")
    [ "$municipalities" = - ] || args+=(--municipalities "$municipalities")
    printf '%s\n' "$pw" | "$inbeeld" "${args[@]}" 2>/dev/null
    printf '%-13s %-11s %s\n' "$name" "$role" "$pw" >> "$users"
  done <<EOF
beheerder    admin      $municipality -
analist      analyst    $municipality -
klantmanager caseworker $municipality GM0599,GM0772,GM0518
inspecteur   inspector  $municipality GM0599,GM0772,GM0518
uitzendbureau agency    $agency -
EOF
  # A team per kind of work, and routes that send new signals to them
  # (docs/inbox.md): location signals to the inspectors, person signals
  # to the caseworkers.
  "$inbeeld" signals team add klantenteam --db "$db" >/dev/null
  "$inbeeld" signals team member klantenteam klantmanager --db "$db" >/dev/null
  "$inbeeld" signals team add inspectie --db "$db" >/dev/null
  "$inbeeld" signals team member inspectie inspecteur --db "$db" >/dev/null
  "$inbeeld" signals route add --kind overcrowded --team inspectie --db "$db" >/dev/null
  "$inbeeld" signals route add --team klantenteam --db "$db" >/dev/null
fi

echo
echo "Demo-gebruikers (naam, rol, wachtwoord; ook in $users):"
sed 's/^/  /' "$users"
echo
echo "Ook op de opdrachtregel, bijvoorbeeld:"
echo "  $inbeeld person show $showcase --sender $showcase_sender --db $db"
echo "  $inbeeld monitor survival --by eu --cohort 2017 --at 2025-01-01 --db $db"
echo "  $inbeeld help"
echo
static=()
[ -n "$web" ] && [ -f "$web/index.html" ] && static=(--static "$web")
exec "$inbeeld" serve --db "$db" --listen "$listen" "${static[@]}"
