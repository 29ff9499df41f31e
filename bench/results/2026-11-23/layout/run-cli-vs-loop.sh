#!/usr/bin/env bash
# Same code, same build order, same sitting: `vectron bench ann-engine` (harness protocol) against a
# bare build-then-search loop (loaded/annbench-Program.cs, buildsearch, BUILD_ORDER=counter), with
# hnswlib_cli between them. 200k set, ef 24 and 48, one search thread.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
D=/tmp/peers-final3/data/synthetic-gmm-200k
A=${ANNBENCH:-/tmp/ab-base/bin/Release/net10.0/annbench.dll}
for round in 1 2; do
  "$here/run-one.sh" vectron 200k cli$round 24,48
  echo "== cli$round annbench buildsearch (load $(cut -d' ' -f1 /proc/loadavg))"
  BUILD_ORDER=counter dotnet "$A" buildsearch $D/base.fvecs $D/query.fvecs $D/gt_l2_top100.ivecs 24,48 3
  "$here/run-one.sh" hnswlib 200k cli$round 24,48
done
