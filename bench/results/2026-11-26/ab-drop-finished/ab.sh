#!/bin/sh
# Vectron against itself, one client, 3 interleaved rounds of --seconds 10 --reps 3:
# /tmp/bin-se (finished operations kept in the deadline queue until their deadline) against
# /tmp/bin-dl (dropped at the first tick they are the earliest).
for i in 1 2 3; do
  for v in bin-se bin-dl; do
    dotnet /tmp/$v/vectron.dll bench raft --processes --members 3 --clients 1 --value-size 256 --seconds 10 --reps 3 \
      > $v-$i.jsonl 2> $v-$i.err
    echo "$v $i $(tail -1 $v-$i.jsonl)"
  done
done
