#!/usr/bin/env bash
set -x
cd /work/main
H=/work/shared/bench/peers W=/tmp/peers-final3
/usr/bin/python3 $H/run.py --work-dir $W --fresh --extra-engines bench/peer-engines.json --engines hnswlib-native,@extra \
    --datasets siftsmall,glove-twitter-25d-12k,word2vec-googlenews-300d-8k --reps 3
/usr/bin/python3 $H/run.py --work-dir $W --extra-engines bench/peer-engines.json --engines hnswlib-native,@extra \
    --datasets fashion-mnist-784,synthetic-gmm-200k --reps 3
/usr/bin/python3 $H/report.py --work-dir $W
echo HARNESS-DONE
