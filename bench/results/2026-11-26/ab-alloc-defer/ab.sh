#!/bin/sh
# Interleaved A/B/C of one-client writes (Vectron only), N rounds; each run's JSON and stderr saved.
# usage: ab.sh ROUNDS NAME=BIN_DIR...   e.g. ab.sh 3 base=/tmp/base-bin alloc=/tmp/alloc-bin defer=/tmp/bin-now
rounds=$1; shift
for i in $(seq 1 "$rounds"); do
  for pair in "$@"; do
    name=${pair%%=*}; bin=${pair#*=}
    dotnet "$bin/vectron.dll" bench raft --processes --members 3 --clients 1 --value-size 256 --seconds 5 --reps 3 \
      > "$name-$i.jsonl" 2> "$name-$i.err"
    echo "$name $i $(tail -1 "$name-$i.jsonl")"
  done
done
