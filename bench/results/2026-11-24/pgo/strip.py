#!/usr/bin/env python3
"""Copies engine stdout (jsonl) without the per-query latency arrays (p50/p99 kept) and the stderr files."""
import json, sys, os, glob, shutil, statistics
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
for f in glob.glob(src + '/*.jsonl'):
    out = []
    for line in open(f):
        d = json.loads(line)
        lat = d.pop('lat_us', None)
        if lat:
            s = sorted(lat)
            d['lat_p50_us'] = s[len(s) // 2]
            d['lat_p99_us'] = s[min(len(s) - 1, int(len(s) * 0.99))]
        out.append(json.dumps(d))
    open(os.path.join(dst, os.path.basename(f)), 'w').write('\n'.join(out) + '\n')
for f in glob.glob(src + '/*.err') + glob.glob(src + '/log'):
    shutil.copy(f, dst)
