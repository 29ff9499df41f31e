#!/usr/bin/env bash
# After the revert: hnswlib-native against this branch (= main's index code), 200k set, harness protocol
# (build on 2 threads in the engine process, then the one-thread sequential sweep), 3 interleaved reps.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for rep in 1 2 3; do
  "$here/run-one.sh" hnswlib 200k after$rep 16,24,32,48,64
  "$here/run-one.sh" vectron 200k after$rep 16,24,32,48,64
done
