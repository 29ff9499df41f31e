import glob,sys
cl=[]
for f in glob.glob(sys.argv[1]+'/client-*.txt'):
    for l in open(f):
        c,r,s,e=l.split(); cl.append((int(s),int(e)))
cl.sort()
t0=cl[0][0]
out=[]
for sec in range(0,15,3):
    l=sorted(e-s for s,e in cl if sec*1e9 <= s-t0 < (sec+3)*1e9)
    if l: out.append("%d-%ds p50 %.3f p99 %.3f"%(sec,sec+3,l[len(l)//2]/1e6, l[int(len(l)*.99)]/1e6))
print(" | ".join(out))
