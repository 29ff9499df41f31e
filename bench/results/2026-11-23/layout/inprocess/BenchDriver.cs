#pragma warning disable
using System.Diagnostics;
namespace Vectron.Index;
public static class BenchDriver
{
    public static object Load(string path) { using var f = File.OpenRead(path); return HnswIndex.Load(f); }
    public static double Pass(object o, float[] q, int nq, int dim, int ef, int[] ids)
    {
        var idx = (HnswIndex)o;
        var hits = new SearchHit[10];
        var p = new SearchParameters { Ef = ef };
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < nq; i++)
        {
            int c = idx.Search(new ReadOnlySpan<float>(q, i * dim, dim), 10, hits, p);
            for (int j = 0; j < 10; j++) ids[i * 10 + j] = j < c ? (int)hits[j].Key : -1;
        }
        return Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }
}
