#!/usr/bin/env python3
"""vectron serve: start time on an empty directory, REST ingest with wait=true, and restart time
of the collection (snapshot + log replay) until /readyz and the first search answer.

Usage: python3 bench/serve/restart.py PATH/TO/vectron DATA_DIR POINTS DIM [serve options...]
DATA_DIR is deleted first. Prints one line per measurement."""
import json, random, subprocess, sys, time, urllib.request, re, os, shutil
exe, data, n, dim = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
shutil.rmtree(data, ignore_errors=True)
def start():
    t0 = time.time()
    p = subprocess.Popen([exe, "serve", "--data", data, "--port", "0", "--log-level", "warning"] + sys.argv[5:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in p.stdout:
        m = re.search(r"listening on (http://\S+)", line)
        if m: return p, m.group(1), time.time() - t0
def req(base, method, path, body=None):
    r = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(r) as resp: return resp.status, resp.read()
p, base, t = start(); print(f"start on empty dir: {t:.3f} s")
req(base, "PUT", "/collections/b", {"vectors": {"size": dim, "distance": "Cosine"}, "shard_number": 2})
rnd = random.Random(5); batch = 500; t0 = time.time()
for s in range(0, n, batch):
    pts = [{"id": i, "vector": [rnd.random() for _ in range(dim)], "payload": {"i": i}} for i in range(s, min(n, s + batch))]
    req(base, "PUT", "/collections/b/points?wait=true", {"points": pts})
el = time.time() - t0; print(f"ingest {n} x {dim} with wait=true, batches of {batch}: {el:.1f} s = {n/el:.0f} points/s")
# wait until indexed
for _ in range(600):
    info = json.loads(req(base, "GET", "/collections/b")[1])["result"]
    if info["indexed_vectors_count"] >= n: break
    time.sleep(0.5)
print("indexed:", info["indexed_vectors_count"])
p.terminate(); p.wait()
t0 = time.time(); p, base, t = start()
status = 0
while status != 200:
    try: status, _ = req(base, "GET", "/readyz")
    except Exception: time.sleep(0.01)
ready = time.time() - t0
_, body = req(base, "POST", "/collections/b/points/search", {"vector": [0.5]*dim, "limit": 10})
first = time.time() - t0
info = json.loads(req(base, "GET", "/collections/b")[1])["result"]
print(f"restart: listening after {t:.3f} s, ready after {ready:.3f} s, first search answered after {first:.3f} s; points {info['points_count']}, indexed {info['indexed_vectors_count']}")
p.terminate(); p.wait()
