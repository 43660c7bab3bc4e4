#!/usr/bin/env bash
# Imports what `inbeeld demo` wrote: a single-layout folder as sender
# "demo", or a chain-layout folder sender by sender in the order of its
# senders.txt ("FOLDER SENDER_REF" lines after a '#' comment line).
# Usage: scripts/import-demo.sh INBEELD DB DEMO_DIR
set -euo pipefail
inbeeld=$1 db=$2 demo=$3

if [ ! -f "$demo/senders.txt" ]; then
  exec "$inbeeld" import --db "$db" --sender demo --quiet "$demo"
fi
n=0
while read -r folder sender; do
  case $folder in ''|'#'*) continue ;; esac
  "$inbeeld" import --db "$db" --sender "$sender" --quiet "$demo/$folder"
  n=$((n + 1))
done < "$demo/senders.txt"
echo "$n afzenders ingelezen uit $demo/senders.txt"
