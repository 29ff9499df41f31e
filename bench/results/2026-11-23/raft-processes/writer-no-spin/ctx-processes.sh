#!/bin/bash
# Prints "<time> <pid> <raft-node|etcd> <context switches summed over threads> <utime+stime ticks>" per process every second; run it during a `vectron bench raft --processes --vs-etcd` run and take deltas over the timed phase.
# every second: per raft-node / etcd process, total context switches over its threads and cpu ticks
while true; do
  ts=$(date +%s.%N)
  for p in $(pgrep -f "raft-node|etcd --name" ); do
    comm=$(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | awk '{for(i=1;i<=NF;i++) if ($i ~ /raft-node|etcd$/) {print $i; exit}}')
    sw=$(cat /proc/$p/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s+=$2} END {print s+0}')
    cpu=$(awk '{print $14+$15}' /proc/$p/stat 2>/dev/null)
    echo "$ts $p $comm $sw $cpu"
  done
  sleep 1
done
