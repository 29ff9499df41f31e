using System;
using System.IO;
using System.Linq;
using System.Collections.Generic;
using System.Threading.Tasks;
using System.Diagnostics;
using Vectron.Index;

static float[][] ReadFvecs(string path)
{
    var bytes = File.ReadAllBytes(path);
    int d = BitConverter.ToInt32(bytes, 0);
    int n = bytes.Length / (4 + 4 * d);
    var rows = new float[n][];
    for (int i = 0; i < n; i++)
    {
        rows[i] = new float[d];
        Buffer.BlockCopy(bytes, i * (4 + 4 * d) + 4, rows[i], 0, 4 * d);
    }
    return rows;
}
static int[][] ReadIvecs(string path)
{
    var bytes = File.ReadAllBytes(path);
    int d = BitConverter.ToInt32(bytes, 0);
    int n = bytes.Length / (4 + 4 * d);
    var rows = new int[n][];
    for (int i = 0; i < n; i++)
    {
        rows[i] = new int[d];
        Buffer.BlockCopy(bytes, i * (4 + 4 * d) + 4, rows[i], 0, 4 * d);
    }
    return rows;
}

string mode = args[0];
if (mode == "build")
{
    var b = ReadFvecs(args[1]);
    var idx = new HnswIndex(new HnswOptions { Dimension = b[0].Length, M = 16, EfConstruction = 200, InitialCapacity = b.Length });
    idx.Upsert(0, b[0]);
    Parallel.For(1, b.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => idx.Upsert((ulong)i, b[i]));
    using var f = File.Create(args[2]);
    idx.Save(f);
    Console.WriteLine($"built {b.Length}");
    return;
}
// search IDX QUERY GT EFS PASSES   (or buildsearch BASE QUERY GT EFS PASSES)
HnswIndex index;
if (mode == "buildsearch")
{
    var b = ReadFvecs(args[1]);
    var sw = Stopwatch.StartNew();
    index = new HnswIndex(new HnswOptions { Dimension = b[0].Length, M = 16, EfConstruction = 200, InitialCapacity = b.Length });
    index.Upsert(0, b[0]);
    Parallel.For(1, b.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => index.Upsert((ulong)i, b[i]));
    Console.Error.WriteLine($"built in {sw.Elapsed.TotalSeconds:F1} s");
}
else
{
    using (var f = File.OpenRead(args[1])) index = HnswIndex.Load(f);
}
var q = ReadFvecs(args[2]);
var gt = ReadIvecs(args[3]);
int[] efs = args[4].Split(',').Select(int.Parse).ToArray();
int passes = int.Parse(args[5]);
var hits = new SearchHit[10];
typeof(HnswIndex).GetMethod("Colocate")?.Invoke(index, null);
// warm up JIT
var sw0 = Stopwatch.StartNew();
while (sw0.ElapsedMilliseconds < 2000)
    foreach (int ef in efs) for (int i = 0; i < 100; i++) index.Search(q[i], 10, hits, new SearchParameters { Ef = ef });
foreach (int ef in efs)
{
    var p = new SearchParameters { Ef = ef };
    var qps = new List<double>();
    double recall = 0;
    for (int pass = 0; pass < passes; pass++)
    {
        for (int i = 0; i < 100; i++) index.Search(q[i], 10, hits, p);
        long found = 0;
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < q.Length; i++)
        {
            int c = index.Search(q[i], 10, hits, p);
            if (pass == 0)
            {
                var g = gt[i % gt.Length];
                for (int j = 0; j < c; j++) if (Array.IndexOf(g, (int)hits[j].Key, 0, 10) >= 0) found++;
            }
        }
        double s = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        if (pass == 0) recall = found / (10.0 * q.Length);
        qps.Add(q.Length / s);
    }
    qps.Sort();
    Console.WriteLine($"vectron ef {ef,4} recall {recall:F4} qps median {qps[qps.Count / 2],8:F0} max {qps[^1],8:F0}");
}
