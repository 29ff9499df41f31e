namespace Vectron.Index.Tests.Support;

internal static class Recall
{
    /// <summary>Mean of |found[:k] ∩ truth[:k]| / k over the queries.</summary>
    public static double AtK(HnswIndex index, float[][] queries, int[][] truth, int k, SearchParameters parameters)
    {
        var hits = new SearchHit[k];
        double total = 0;
        for (int q = 0; q < queries.Length; q++)
        {
            int found = index.Search(queries[q], k, hits, parameters);
            var expected = new HashSet<int>(truth[q].Take(k));
            int matched = 0;
            for (int i = 0; i < found; i++)
            {
                if (expected.Contains((int)hits[i].Key))
                {
                    matched++;
                }
            }

            total += matched / (double)k;
        }

        return total / queries.Length;
    }

    /// <summary>Exact top-k keys by brute force in double precision (independent of the index's kernels).</summary>
    public static int[] ExactTopK(IReadOnlyList<(ulong Key, float[] Vector)> points, float[] query, int k, DistanceMetric metric)
    {
        var scored = new List<(double Distance, ulong Key)>(points.Count);
        double queryNorm = Math.Sqrt(query.Sum(x => (double)x * x));
        foreach ((ulong key, float[] vector) in points)
        {
            scored.Add((Distance(vector, query, queryNorm, metric), key));
        }

        return scored.OrderBy(s => s.Distance).ThenBy(s => s.Key).Take(k).Select(s => (int)s.Key).ToArray();
    }

    public static double Distance(float[] a, float[] b, DistanceMetric metric)
    {
        double bNorm = Math.Sqrt(b.Sum(x => (double)x * x));
        return Distance(a, b, bNorm, metric);
    }

    private static double Distance(float[] vector, float[] query, double queryNorm, DistanceMetric metric)
    {
        double dot = 0;
        double l2 = 0;
        double norm = 0;
        for (int i = 0; i < vector.Length; i++)
        {
            dot += (double)vector[i] * query[i];
            double d = (double)vector[i] - query[i];
            l2 += d * d;
            norm += (double)vector[i] * vector[i];
        }

        return metric switch
        {
            DistanceMetric.L2 => l2,
            DistanceMetric.Dot => -dot,
            _ => norm == 0 || queryNorm == 0 ? 1 : 1 - (dot / (Math.Sqrt(norm) * queryNorm)),
        };
    }
}
