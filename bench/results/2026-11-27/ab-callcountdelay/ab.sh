#!/usr/bin/env bash
# A/B: the build at session start (/tmp/base-bin) against the same build with
# System.Runtime.TieredCompilation.CallCountingDelayMs=0 in its runtimeconfig (/tmp/ccd0-bin).
# Vectron only, alternating, the issue's one-client command.
set -euo pipefail
cd "$(dirname "$0")"
for i in 1 2 3; do
  for v in base ccd0; do
    dotnet /tmp/$v-bin/vectron.dll bench raft --processes --members 3 --clients 1 --value-size 256 --seconds 5 --reps 5 \
      > $v-$i.json 2> $v-$i.err
  done
done
