#!/usr/bin/env bash
# A/B of runtimeconfig tiering settings (copies of one build, only vectron.runtimeconfig.json differs):
# base (TieredPGO on, defaults), nopgo (System.Runtime.TieredPGO=false), nopgocct5 (that and
# System.Runtime.TieredCompilation.CallCountThreshold=5), pgocct5 (threshold 5, PGO on). Vectron only, the issue's
# one-client command, 3 interleaved rounds.
set -euo pipefail
cd "$(dirname "$0")"
for i in 1 2 3; do
  for v in base nopgo nopgocct5 pgocct5; do
    dotnet /tmp/$v-bin/vectron.dll bench raft --processes --members 3 --clients 1 --value-size 256 --seconds 5 --reps 5 \
      > $v-$i.json 2> $v-$i.err
  done
done
