#!/bin/sh
# Vectron against itself, one client: the runtime's default (non-concurrent, from vectron.runtimeconfig.json)
# against DOTNET_gcConcurrent=1 (background gen2 collections), 3 interleaved rounds of 3 repetitions.
for i in 1 2 3; do
  for v in blocking concurrent; do
    if [ $v = concurrent ]; then export DOTNET_gcConcurrent=1; else unset DOTNET_gcConcurrent; fi
    dotnet /tmp/bin-se/vectron.dll bench raft --processes --members 3 --clients 1 --value-size 256 --seconds 10 --reps 3 \
      > $v-$i.jsonl 2> $v-$i.err
    echo "$v $i $(tail -1 $v-$i.jsonl)"
  done
done
