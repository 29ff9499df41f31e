#!/usr/bin/python3
"""Medians over reps of raw/rep*-<engine>-<set>.jsonl: per ef, and at the smallest ef whose median
recall@10 reaches 0.95 / 0.99 (as the harness's report.py does); ratios to hnswlib-native."""
import glob, json, os, re, statistics, sys
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
PREFIX = os.environ.get("PREFIX", "rep")  # run tags: rep1.. (layout runs), jrep1.. (deferred-output runs)
W = "/tmp/peers-final3/data"
gts = {"200k": f"{W}/synthetic-gmm-200k/gt_l2_top100.ivecs", "sift": f"{W}/siftsmall-q1k/gt_l2_top100.ivecs",
       "fmnist": f"{W}/fashion-mnist-784-f32-q1k/gt_l2_top100.ivecs"}

def ivecs(path):
    a = np.fromfile(path, dtype=np.int32)
    return a.reshape(-1, a[0] + 1)[:, 1:]

def load(set_, engine):
    runs = {}
    gt = ivecs(gts[set_])[:, :10]
    for log in sorted(glob.glob(f"{here}/raw/{PREFIX}*-{engine}-{set_}.jsonl")):
        m = re.search(r"/(" + PREFIX + r"\d+)-", log)
        if not m:
            continue
        rep = m.group(1)
        outdir = f"/tmp/layout-out/{rep}-{engine}-{set_}"
        rows = {}
        for line in open(log):
            if not line.startswith("{"):
                continue
            e = json.loads(line)
            if e.get("event") == "search" and e["mode"] == "sequential":
                ef = e["sweep"]
                rows[ef] = [None, e["n"] / e["wall_s"]]
        # recall@10 per ef, computed once from the ids the run wrote and kept beside the raw log
        recall_file = f"{here}/raw/{rep}-{engine}-{set_}.recall.json"
        saved = json.load(open(recall_file)) if os.path.exists(recall_file) else {}
        for ef in rows:
            if str(ef) not in saved:
                ids = ivecs(f"{outdir}/ids_{ef}.ivecs")[:, :10]
                saved[str(ef)] = float(np.mean([len(set(ids[i]) & set(gt[i % len(gt)])) / 10 for i in range(len(ids))]))
            rows[ef][0] = saved[str(ef)]
        if rows:
            json.dump(saved, open(recall_file, "w"))
        if rows:
            runs[rep] = rows
    return runs

def med(xs):
    return statistics.median(xs)

engines = ["hnswlib", "vectron-main", "vectron"]
sets = sys.argv[1:] or ["200k", "sift", "fmnist"]
for set_ in sets:
    data = {e: load(set_, e) for e in engines}
    engines_here = [e for e in engines if data[e]]  # runs without main's copy (quiet*) have two engines
    print(f"## {set_}  (reps: " + ", ".join(f"{e} {len(data[e])}" for e in engines_here) + ")")
    efs = sorted(set.intersection(*[set(r) for e in engines_here for r in data[e].values()]))
    print("| ef | " + " | ".join(f"{e} recall | {e} QPS" for e in engines_here) + " |")
    print("|---:|" + "---:|" * (2 * len(engines_here)))
    curve = {}
    for ef in efs:
        cells = []
        for e in engines_here:
            rec = med([r[ef][0] for r in data[e].values()])
            q = med([r[ef][1] for r in data[e].values()])
            curve[(e, ef)] = (rec, q)
            cells += [f"{rec:.4f}", f"{q:,.0f}"]
        print(f"| {ef} | " + " | ".join(cells) + " |")
    for level in (0.95, 0.99):
        out = []
        base = None
        for e in engines_here:
            ef = next((ef for ef in efs if curve[(e, ef)][0] >= level), None)
            if ef is None:
                out.append(f"{e}: -")
                continue
            q = curve[(e, ef)][1]
            # per-rep ratio at the engines_here' own threshold ef, reps paired by name
            if e == "hnswlib":
                base = (ef, q)
                out.append(f"{e}: {q:,.0f} (ef {ef})")
            else:
                reps = sorted(set(data[e]) & set(data["hnswlib"]))
                ratios = [data[e][r][ef][1] / data["hnswlib"][r][base[0]][1] for r in reps]
                out.append(f"{e}: {q:,.0f} (ef {ef}, {q / base[1]:.2f}x; per-rep ratios " + ", ".join(f"{x:.2f}" for x in ratios) + ")")
        print(f"recall >= {level}: " + "; ".join(out))
    print()
