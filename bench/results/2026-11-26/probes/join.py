import sys,glob
d=sys.argv[1]
cl={}
for f in glob.glob(d+'/client-*.txt'):
    for l in open(f):
        c,r,s,e=l.split(); cl[(c,r)]=(int(s),int(e))
sv={}
for f in glob.glob(d+'/node-*.txt'):
    for l in open(f):
        c,r,s,e=l.split(); sv[(c,r)]=(int(s),int(e))
rows=[]
for k,(cs,ce) in cl.items():
    if k in sv:
        hs,he=sv[k]; rows.append(((ce-cs)/1e6,(hs-cs)/1e6,(he-hs)/1e6,(ce-he)/1e6))
rows.sort()
n=len(rows)
def pct(col,p):
    v=sorted(r[col] for r in rows); return v[int(n*p)]
print("n",n)
for name,col in [("total",0),("inbound",1),("handler",2),("outbound",3)]:
    print(f"{name:9s} p50 {pct(col,.5):.3f} p90 {pct(col,.9):.3f} p99 {pct(col,.99):.3f}")
slow=rows[int(n*0.985):]
print("slowest 1.5%%: mean inbound %.3f handler %.3f outbound %.3f total %.3f"%tuple(sum(r[i] for r in slow)/len(slow) for i in (1,2,3,0)))
mid=rows[int(n*0.45):int(n*0.55)]
print("median band: mean inbound %.3f handler %.3f outbound %.3f total %.3f"%tuple(sum(r[i] for r in mid)/len(mid) for i in (1,2,3,0)))
# which component is the max excess for slow ones
from collections import Counter
med=[sum(r[i] for r in mid)/len(mid) for i in range(4)]
c=Counter(max((1,2,3),key=lambda i:r[i]-med[i]) for r in slow)
print("dominant excess among slow:",{ {1:'inbound',2:'handler',3:'outbound'}[k]:v for k,v in c.items()})
