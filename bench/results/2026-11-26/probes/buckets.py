# The client's p50 and p99 per window of W seconds (default 1) of a VECTRON_TRACE_DIR run: python3 buckets.py D [W]
import glob,sys
cl=[]
for f in glob.glob(sys.argv[1]+'/client-*.txt'):
    for l in open(f):
        c,r,s,e=l.split(); cl.append((int(s),int(e)))
cl.sort()
t0=cl[0][0]
w=float(sys.argv[2]) if len(sys.argv)>2 else 1
out=[]
sec=0
while True:
    l=sorted(e-s for s,e in cl if sec*1e9 <= s-t0 < (sec+w)*1e9)
    if not l: break
    out.append("%g-%gs p50 %.3f p99 %.3f"%(sec,sec+w,l[len(l)//2]/1e6,l[int(len(l)*.99)]/1e6))
    sec+=w
print(" | ".join(out))
