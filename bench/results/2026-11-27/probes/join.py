import glob,sys,os
d=sys.argv[1] if len(sys.argv)>1 else '/tmp/jitrun'
nodes=[]
for f in glob.glob(d+'/jit-*.txt'):
    ev=[l.split() for l in open(f)]
    nodes.append((f,ev))
for cf in sorted(glob.glob(d+'/client-*.txt')):
    ws=int(cf.split('-')[-1].split('.')[0])
    writes=[tuple(map(int,l.split())) for l in open(cf)]
    ns=[(f,ev) for f,ev in nodes if ws-80e9 < int(ev[0][0]) < ws]
    gcs=[]; jits=[]
    for f,ev in ns:
        st=None
        for e in ev:
            t=int(e[0])
            if e[2].startswith('GCStart'): st=(t,e[4])
            elif e[2].startswith('GCEnd'):
                if st: gcs.append((st[0],t,st[1],os.path.basename(f)))
                st=None
            else: jits.append((t,os.path.basename(f)))
    lat=sorted(((e-s)/1e6,s,e) for s,e in writes)
    n=len(lat); p99=lat[int(n*0.99)][0]
    def ov(s,e):
        g=[x for x in gcs if x[0]<e and x[1]>s]
        j=[x for x in jits if s<=x[0]<=e]
        return g,j
    slow=[x for x in lat if x[0]>=p99]
    allg=sum(1 for x in lat if ov(x[1],x[2])[0]); allj=sum(1 for x in lat if ov(x[1],x[2])[1])
    sg=sum(1 for x in slow if ov(x[1],x[2])[0]); sj=sum(1 for x in slow if ov(x[1],x[2])[1])
    print(f'rep ws={ws} writes {n} p99 {p99:.2f} ms; GCs in window {sum(1 for g in gcs if ws<g[0]<ws+10e9)} (gen1+ {sum(1 for g in gcs if ws<g[0]<ws+10e9 and g[2]!="0")}), mean gc pause {sum((g[1]-g[0]) for g in gcs if ws<g[0]<ws+10e9)/max(1,sum(1 for g in gcs if ws<g[0]<ws+10e9))/1e6:.2f} ms')
    print(f'  all writes overlapping a GC: {allg/n*100:.1f}%  a JIT: {allj/n*100:.1f}%;  slowest 1% ({len(slow)}): GC {sg/len(slow)*100:.0f}%  JIT {sj/len(slow)*100:.0f}%')
    # time since window start of slow writes, histogram per second
    from collections import Counter
    c=Counter(int((x[1]-ws)//1e9) for x in slow)
    print('  slowest 1% by window second', ' '.join(f'{k}:{c[k]}' for k in range(0,11)))
print('--- JIT events inside slow writes (last rep), and tier histogram of all window JIT events')
from collections import Counter
tiers=Counter(); names=Counter()
for f,ev in ns:
    for e in ev:
        t=int(e[0])
        if ws<t<ws+10e9 and not e[2].startswith('GC'):
            tiers[e[3]]+=1
for s_ in slow:
    for f,ev in ns:
        for e in ev:
            t=int(e[0])
            if s_[1]<=t<=s_[2] and not e[2].startswith('GC'):
                names[(os.path.basename(f).split('-')[1], e[3], ' '.join(e[5:])[:110])]+=1
print(tiers)
for k,v in names.most_common(60): print(v,k)
