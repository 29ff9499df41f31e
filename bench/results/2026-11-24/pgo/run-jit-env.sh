#!/usr/bin/env bash
set -u
W=/tmp/peers-final3; D=$W/data/synthetic-gmm-200k; OUT=/tmp/jitab
for rep in 1 2 3; do
  for mode in default nopgo notiered; do
    common=(--base $D/base.fvecs --query $D/query.fvecs --metric l2 --k 10 --sweep 24,48,24,48,24,48 --build-threads 2 --search-threads 1 --out-dir $OUT/o-$mode-$rep)
    mkdir -p $OUT/o-$mode-$rep
    echo "rep $rep $mode load $(cut -d' ' -f1 /proc/loadavg) $(date +%T)" >> $OUT/log
    case $mode in
      default) env ;;
      nopgo) env DOTNET_TieredPGO=0 ;;
      notiered) env DOTNET_TieredCompilation=0 ;;
    esac > /dev/null
    e=(); [[ $mode == nopgo ]] && e=(DOTNET_TieredPGO=0); [[ $mode == notiered ]] && e=(DOTNET_TieredCompilation=0)
    env "${e[@]}" dotnet /tmp/thp-bin/vectron.dll bench ann-engine "${common[@]}" --params '{"M":16,"ef_construction":200,"quantization":"f32"}' > $OUT/$mode-$rep.jsonl 2>$OUT/$mode-$rep.err
  done
done
echo done >> $OUT/log
