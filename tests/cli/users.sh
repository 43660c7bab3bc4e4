# users.sh — `inbeeld user add|passwd`: a weak password is refused with a
# Dutch reason (libpwquality), and a NUL byte in a password file is an
# error rather than a password cut off at the NUL.
source "$(dirname "$0")/lib.sh"
export INBEELD_DB=$TMP/t.db
"$IB" init >/dev/null
add() { "$IB" user add "$1" --role analyst --organisation cbs "${@:2}"; }

printf 'lang-geheim-wachtwoord-9\0rest\n' > pw.nul
expect_exit 1 add anna --password-file pw.nul
grep -q "bevat een NUL-byte" "$TMP/err" || { cat "$TMP/err" >&2; fail "NUL not refused"; }
printf 'lang-geheim-wachtwoord-9\0' > pw.nul
expect_exit 1 add anna --password-file pw.nul
"$IB" user list | grep -q anna && fail "a user was added with a cut password"
ok "a NUL in the password file is an error"

for weak in "          " "zzzzzzzzzzzz" "anna-anna-1" "wachtwoord1" "qwertyuiop"; do
  printf '%s\n' "$weak" > pw.weak
  expect_exit 2 add anna --password-file pw.weak
  grep -q "wachtwoord te zwak" "$TMP/err" || { cat "$TMP/err" >&2; fail "'$weak' not refused"; }
done
printf 'Heide-Koffie-Trein-42\r\n' > pw.good      # CRLF: the CR is no part of it
expect_exit 0 add anna --password-file pw.good
printf 'anna-2024-anna\n' | { expect_exit 2 "$IB" user passwd anna; }
grep -q "gebruikersnaam" "$TMP/err" || { cat "$TMP/err" >&2; fail "passwd: user name"; }
ok "weak passwords refused with a Dutch reason (add and passwd), a strong one taken"
