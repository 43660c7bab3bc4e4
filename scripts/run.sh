#!/usr/bin/env bash
# make run: create the database, generate demo data, import it, make one
# demo user per role and serve the API and web application on localhost.
# Usage: [LAYOUT=single|chain] scripts/run.sh INBEELD DB DEMO_DIR PERSONS SEED LISTEN [WEB_DIR]
# LAYOUT chain: one sender per sub-folder (municipality, agencies, employers,
# housing providers), imported one by one (docs/demo-data.md).
set -euo pipefail
inbeeld=$1 db=$2 demo=$3 persons=$4 seed=$5 listen=$6 web=${7:-}
layout=${LAYOUT:-single}
here=$(dirname "$0")

mkdir -p "$(dirname "$db")"
"$inbeeld" init --db "$db"
if [ ! -f "$demo/.complete-$persons-$seed-$layout" ]; then
  rm -rf "$demo"
  "$inbeeld" demo --persons "$persons" --seed "$seed" --layout "$layout" --out "$demo"
  touch "$demo/.complete-$persons-$seed-$layout"
fi
bash "$here/import-demo.sh" "$inbeeld" "$db" "$demo"
echo
"$inbeeld" status --db "$db"

# One user per role, each with a random password made on the first run and
# kept (readable by root only) next to the database. The municipalities are
# the three largest of the demo data; the agency user works for sender
# "demo", or in the chain for its first agency.
agency=demo showcase=P000001 showcase_sender=demo
if [ -f "$demo/senders.txt" ]; then
  agency=$(awk '$1 ~ /^uitzendbureau-/ { print $2; exit }' "$demo/senders.txt")
  showcase_sender=$(awk '!/^#/ { print $2; exit }' "$demo/senders.txt")
  showcase=$(awk -F, 'NR == 2 { print $1 }' "$demo/$showcase_sender/persons.csv")
fi
users="$(dirname "$db")/demo-users.txt"
if [ ! -f "$users" ]; then
  (umask 077 && : > "$users")
  while read -r name role org municipalities; do
    pw=$(head -c 15 /dev/urandom | base64 | tr '+/' '-_')
    args=(user add "$name" --role "$role" --organisation "$org" --db "$db")
    [ "$municipalities" = - ] || args+=(--municipalities "$municipalities")
    printf '%s\n' "$pw" | "$inbeeld" "${args[@]}" 2>/dev/null
    printf '%-13s %-11s %s\n' "$name" "$role" "$pw" >> "$users"
  done <<EOF
beheerder    admin      GM0599 -
analist      analyst    GM0599 -
klantmanager caseworker GM0599 GM0599,GM0772,GM0518
inspecteur   inspector  GM0599 GM0599,GM0772,GM0518
uitzendbureau agency    $agency -
EOF
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
