import glob,sys
cl=[]
for f in glob.glob(sys.argv[1]+'/client-*.txt'):
    for l in open(f):
        c,r,s,e=l.split(); cl.append((int(s),int(e)))
cl.sort()
t0=cl[0][0]
out=[]
w=float(sys.argv[2]) if len(sys.argv)>2 else 1
sec=0
while True:
    l=sorted(e-s for s,e in cl if sec*1e9 <= s-t0 < (sec+w)*1e9)
    if not l: break
    out.append("%.3f"%(l[int(len(l)*.99)]/1e6))
    sec+=w
print("p99 per %gs:"%w, " ".join(out))
