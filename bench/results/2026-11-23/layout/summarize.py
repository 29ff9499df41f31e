#!/usr/bin/python3
"""Reads one engine run's stdout (JSON lines) and its out dir; prints ef, recall@10, 1-thread QPS."""
import json, sys, os
import numpy as np

def ivecs(path):
    a = np.fromfile(path, dtype=np.int32)
    d = a[0]
    return a.reshape(-1, d + 1)[:, 1:]

def main(log, outdir, gt_path):
    gt = ivecs(gt_path)[:, :10]
    for line in open(log):
        line = line.strip()
        if not line.startswith("{"):
            continue
        e = json.loads(line)
        if e.get("event") == "build":
            print(f"# {e['engine']} build_s {e['build_s']:.2f}")
        if e.get("event") == "search" and e["mode"] == "sequential":
            ef = e["sweep"]
            ids = ivecs(os.path.join(outdir, f"ids_{ef}.ivecs"))[:, :10]
            rec = np.mean([len(set(ids[i]) & set(gt[i % len(gt)])) / 10 for i in range(len(ids))])
            print(f"ef {ef:4d} recall {rec:.4f} qps {e['n'] / e['wall_s']:9.0f}")

main(*sys.argv[1:])
