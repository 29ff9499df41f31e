import json,glob,statistics,collections,sys
out=sys.argv[1] if len(sys.argv)>1 else '/tmp/thpab'
res=collections.defaultdict(list)
for f in sorted(glob.glob(out+'/*.jsonl')):
    name=f.split('/')[-1][:-6]; mode,rep=name.rsplit('-',1)
    per=collections.defaultdict(list)
    for l in open(f):
        d=json.loads(l)
        if d.get('event')=='search' and d.get('mode')=='sequential':
            per[d['sweep']].append(d['n']/d['wall_s'])
    for ef,v in per.items(): res[(mode,ef)].append((int(rep),statistics.median(v)))
for (mode,ef),v in sorted(res.items()):
    v.sort(); print(mode,ef,'median',round(statistics.median(x for _,x in v)),'per rep',[round(x) for _,x in v])
