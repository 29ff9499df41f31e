import csv, statistics, collections, sys
raw = sys.argv[1] if len(sys.argv) > 1 else '/tmp/peers-final3/results/raw.csv'
rows = list(csv.DictReader(open(raw)))
d = collections.defaultdict(lambda: collections.defaultdict(list))
for r in rows:
    d[(r['dataset'], r['engine'])][int(r['sweep'])].append((float(r['recall10']), float(r['qps_1t'])))
def point(ds, en, level):
    curve = d.get((ds, en))
    if not curve: return None
    for ef in sorted(curve):
        rec = statistics.median(x for x, _ in curve[ef]); q = statistics.median(y for _, y in curve[ef])
        if rec >= level: return ef, rec, q, len(curve[ef])
    return None
for ds in sorted({k[0] for k in d}):
    for level in (0.95, 0.99):
        h = point(ds, 'hnswlib-native', level)
        line = f"{ds:32s} >={level}: hnswlib " + (f"ef {h[0]} {h[2]:.0f} (n={h[3]})" if h else "-")
        for en in ('vectron-f32', 'vectron-i8'):
            p = point(ds, en, level)
            if p and h: line += f" | {en} ef {p[0]} {p[2]:.0f} ({p[2]/h[2]:.2f}x)"
        print(line)
