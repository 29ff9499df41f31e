#!/usr/bin/env bash
set -u
W=/tmp/peers-final3; D=$W/data/${SET:-synthetic-gmm-200k}; OUT=${OUT:-/tmp/hpab}
for rep in ${REPS:-1 2 3}; do
  for mode in ${MODES:-hp nohp hnswlib}; do
    common=(--base ${BASE:-$D/base.fvecs} --query $D/query.fvecs --metric l2 --k 10 --sweep ${SWEEP:-24,48,24,48,24,48} --build-threads 2 --search-threads 1 --out-dir $OUT/o-$mode-$rep)
    mkdir -p $OUT/o-$mode-$rep
    echo "rep $rep $mode load $(cut -d' ' -f1 /proc/loadavg) $(date +%T)" >> $OUT/log
    case $mode in
      hnswlib) $W/build/hnswlib_cli "${common[@]}" --params '{"M":16,"ef_construction":200}' > $OUT/$mode-$rep.jsonl 2>$OUT/$mode-$rep.err ;;
      hp) dotnet ${BIN:-/tmp/ao2-bin}/vectron.dll bench ann-engine "${common[@]}" --params '{"M":16,"ef_construction":200,"quantization":"'${Q:-f32}'"}' > $OUT/$mode-$rep.jsonl 2>$OUT/$mode-$rep.err ;;
      nohp) dotnet ${BIN:-/tmp/ao2-bin}/vectron.dll bench ann-engine "${common[@]}" --params '{"M":16,"ef_construction":200,"quantization":"'${Q:-f32}'","huge_pages":false}' > $OUT/$mode-$rep.jsonl 2>$OUT/$mode-$rep.err ;;
      main) dotnet /tmp/base-bin/vectron.dll bench ann-engine "${common[@]}" --params '{"M":16,"ef_construction":200,"quantization":"'${Q:-f32}'"}' > $OUT/$mode-$rep.jsonl 2>$OUT/$mode-$rep.err ;;
    esac
  done
done
echo done >> $OUT/log
