#!/usr/bin/env bash
# run-one.sh ENGINE(hnswlib|vectron|vectron-main) DATASET(200k|sift|fmnist) TAG SWEEP
# vectron = ./vectron of this checkout; vectron-main = a copy of main's build taken before the change
# (VECTRON_MAIN_BIN, default /tmp/vectron-base-bin: main at 24ec534, src/Vectron.Index as of e1fcd8d).
# One build (2 threads), then a one-thread sequential sweep; raw stdout to raw/<tag>-<engine>-<dataset>.jsonl
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; repo="$(cd "$here/../../../.." && pwd)"
engine=$1 set=$2 tag=$3 sweep=$4
W=/tmp/peers-final3
case $set in
  200k) D=$W/data/synthetic-gmm-200k; B=$D/base.fvecs ;;
  sift) D=$W/data/siftsmall-q1k; B=/work/shared/datasets/siftsmall/siftsmall_base.fvecs ;;
  fmnist) D=$W/data/fashion-mnist-784-f32-q1k; B=$D/base.fvecs ;;
esac
out=/tmp/layout-out/$tag-$engine-$set; mkdir -p "$out" "$here/raw"
log=$here/raw/$tag-$engine-$set.jsonl
common=(--base "$B" --query "$D/query.fvecs" --metric l2 --k 10 --sweep "$sweep" --build-threads 2 --search-threads 1 --out-dir "$out")
if [[ $engine == hnswlib ]]; then
  $W/build/hnswlib_cli "${common[@]}" --params '{"M":16,"ef_construction":200}' > "$log"
elif [[ $engine == vectron-main ]]; then
  dotnet "${VECTRON_MAIN_BIN:-/tmp/vectron-base-bin}/vectron.dll" bench ann-engine "${common[@]}" --params '{"M":16,"ef_construction":200,"quantization":"f32"}' > "$log" 2> "$out/stderr.txt"
else
  "$repo/vectron" bench ann-engine "${common[@]}" --params '{"M":16,"ef_construction":200,"quantization":"f32"}' > "$log" 2> "$out/stderr.txt"
fi
echo "== $tag $engine $set (load $(cut -d' ' -f1 /proc/loadavg))"
/usr/bin/python3 "$here/summarize.py" "$log" "$out" "$D/gt_l2_top100.ivecs"
