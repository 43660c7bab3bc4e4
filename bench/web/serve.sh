# serve.sh — sourced by bench/web/run.sh and first_visit.sh:
# start_server INBEELD DB WEB LOG starts `inbeeld serve` on a free port
# with the web application and no practical login limit, sets $pid and
# $port, and kills the server when the script exits.
start_server() {
  "$1" serve --db "$2" --listen 127.0.0.1:0 --static "$3" --login-rate 100000 2>"$4" &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  port=
  for _ in $(seq 100); do
    port=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/' "$4" | head -1 | grep -oE '[0-9]+/$' | tr -d /) || true
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "server did not start: $(cat "$4")" >&2; exit 1; }
}
