#!/bin/bash
out=$1; n=$2
for i in $(seq 1 $n); do
  for v in default max2; do
    if [ $v = max2 ]; then export DOTNET_ThreadPool_ForceMaxWorkerThreads=2; else unset DOTNET_ThreadPool_ForceMaxWorkerThreads; fi
    dotnet /tmp/ab/fin-bin/vectron.dll bench raft --processes --members 3 --clients 1 --value-size 256 --seconds 5 --reps 3 > $out/$v-$i.jsonl 2> $out/$v-$i.err
    echo "$v $i: $(grep -o '"writes_per_sec":[0-9.]*,"p50_ms":[0-9.]*,"p99_ms":[0-9.]*' $out/$v-$i.jsonl) $(grep -o '"cpu_us_per_write":[0-9.]*,"client_cpu_us_per_write":[0-9.]*' $out/$v-$i.jsonl)"
  done
done
