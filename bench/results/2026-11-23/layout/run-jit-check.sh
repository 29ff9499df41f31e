#!/usr/bin/env bash
# hnswlib-native, main's CLI (output written after each ef) and this branch's CLI (output written
# after all timed passes), 200k set, harness protocol, 3 interleaved reps; PREFIX=jrep ./aggregate.py 200k
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for rep in 1 2 3; do
  for engine in hnswlib vectron-main vectron; do
    "$here/run-one.sh" $engine 200k jrep$rep 16,24,32,48,64
  done
done
