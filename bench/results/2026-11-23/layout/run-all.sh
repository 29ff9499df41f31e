#!/usr/bin/env bash
# Interleaved reps (REPS="1 2 3" by default): for each rep, each dataset, hnswlib-native, Vectron before (main) and after (this branch).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sweep=10,16,24,32,48,64,96,128
for rep in ${REPS:-1 2 3}; do
  for set in 200k sift fmnist; do
    for engine in hnswlib vectron-main vectron; do
      "$here/run-one.sh" $engine $set rep$rep $sweep
    done
  done
done
