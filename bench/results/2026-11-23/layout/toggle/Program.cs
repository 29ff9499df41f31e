using System;
using System.IO;
using System.Linq;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Vectron.Index;

static float[][] ReadFvecs(string path)
{
    var bytes = File.ReadAllBytes(path);
    int d = BitConverter.ToInt32(bytes, 0);
    int n = bytes.Length / (4 + 4 * d);
    var rows = new float[n][];
    for (int i = 0; i < n; i++) { rows[i] = new float[d]; Buffer.BlockCopy(bytes, i * (4 + 4 * d) + 4, rows[i], 0, 4 * d); }
    return rows;
}
static int[][] ReadIvecs(string path)
{
    var bytes = File.ReadAllBytes(path);
    int d = BitConverter.ToInt32(bytes, 0);
    int n = bytes.Length / (4 + 4 * d);
    var rows = new int[n][];
    for (int i = 0; i < n; i++) { rows[i] = new int[d]; Buffer.BlockCopy(bytes, i * (4 + 4 * d) + 4, rows[i], 0, 4 * d); }
    return rows;
}

// search IDX QUERY GT EFS PASSES MODES(comma list of base,pf,comb,combpf)
HnswIndex index;
using (var f = File.OpenRead(args[1])) index = HnswIndex.Load(f);
var q = ReadFvecs(args[2]);
var gt = ReadIvecs(args[3]);
int[] efs = args[4].Split(',').Select(int.Parse).ToArray();
int passes = int.Parse(args[5]);
string[] modes = args[6].Split(',');
typeof(HnswIndex).GetMethod("Colocate")?.Invoke(index, null);
var hits = new SearchHit[10];
void SetMode(string m)
{
    HnswIndex.PfMode = m.EndsWith("pf");
    HnswIndex.CombMode = m.StartsWith("comb");
}
var sw0 = Stopwatch.StartNew();
while (sw0.ElapsedMilliseconds < 3000)
    foreach (string m in modes) { SetMode(m); foreach (int ef in efs) for (int i = 0; i < 100; i++) index.Search(q[i], 10, hits, new SearchParameters { Ef = ef }); }
foreach (int ef in efs)
{
    var p = new SearchParameters { Ef = ef };
    var wall = modes.ToDictionary(m => m, _ => new List<double>());
    var cpu = modes.ToDictionary(m => m, _ => new List<double>());
    var recall = new Dictionary<string, double>();
    for (int pass = 0; pass < passes; pass++)
    {
        foreach (string m in modes)
        {
            SetMode(m);
            for (int i = 0; i < 50; i++) index.Search(q[i], 10, hits, p);
            long found = 0;
            double c0 = ThreadCpu();
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < q.Length; i++)
            {
                int c = index.Search(q[i], 10, hits, p);
                if (pass == 0) { var g = gt[i % gt.Length]; for (int j = 0; j < c; j++) if (Array.IndexOf(g, (int)hits[j].Key, 0, 10) >= 0) found++; }
            }
            double s = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            double cs = ThreadCpu() - c0;
            if (pass == 0) recall[m] = found / (10.0 * q.Length);
            wall[m].Add(q.Length / s);
            cpu[m].Add(q.Length / cs);
        }
    }
    foreach (string m in modes)
    {
        var w = wall[m].OrderBy(x => x).ToList(); var c = cpu[m].OrderBy(x => x).ToList();
        Console.WriteLine($"vectron-{m,-7} ef {ef,4} recall {recall[m]:F4} wall-qps median {w[w.Count / 2],8:F0} max {w[^1],8:F0} cpu-qps median {c[c.Count / 2],8:F0} max {c[^1],8:F0}");
    }
}

static double ThreadCpu()
{
    Timespec ts;
    clock_gettime(3, out ts);
    return ts.Sec + ts.Nsec * 1e-9;
}
[DllImport("libc")] static extern int clock_gettime(int clock, out Timespec ts);
struct Timespec { public long Sec; public long Nsec; }
