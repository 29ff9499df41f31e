#!/bin/bash
# Context switches per second of every thread of every running `vectron raft-node`, summed by (process, thread
# name): two snapshots of /proc/PID/task/*/status (voluntary + nonvoluntary) 4 s apart. Start it during the timed
# phase of a `vectron bench raft --processes` run (e.g. ~14 s after starting one with --warmup 5 --seconds 12).
snap() { for p in $(pgrep -f "raft-node"); do for t in /proc/$p/task/*; do n=$(cat $t/comm 2>/dev/null); s=$(awk '/ctxt_switches/ {s+=$2} END {print s+0}' $t/status 2>/dev/null); echo "$p ${t##*/} $s $n"; done; done; }
a=$(mktemp); b=$(mktemp)
snap > "$a"; sleep 4; snap > "$b"
python3 - "$a" "$b" <<'PY'
import collections, sys
before = {}
for line in open(sys.argv[1]):
    p, t, s, *n = line.split(); before[(p, t)] = int(s)
rates = collections.Counter()
for line in open(sys.argv[2]):
    p, t, s, *n = line.split()
    if (p, t) in before: rates[(p, ' '.join(n))] += (int(s) - before[(p, t)]) / 4
for (p, n), v in sorted(rates.items(), key=lambda x: -x[1])[:12]: print(p, n, int(v))
PY
rm -f "$a" "$b"
