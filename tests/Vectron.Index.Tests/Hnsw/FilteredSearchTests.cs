using Vectron.Index.Tests.Support;

namespace Vectron.Index.Tests.Hnsw;

public sealed class FilteredSearchTests
{
    private static readonly Lazy<(Dataset Data, HnswIndex Index)> Fashion = new(() =>
    {
        Dataset data = Dataset.Load("fashion-mnist-784", "base.bvecs", "query.bvecs", "gt_l2_top100.ivecs", maxQueries: 200);
        HnswIndex index = IndexBuilder.Build(data.Base, new HnswOptions { Dimension = data.Dimension, InitialCapacity = data.Base.Length });
        return (data, index);
    });

    /// <summary>
    /// The ef that reaches recall 0.95 unfiltered must also reach 0.95 with filters admitting 10% and
    /// 1% of the points (ground truth: exact search over the admitted points).
    /// </summary>
    [Theory]
    [InlineData(10, false)]
    [InlineData(100, false)]
    [InlineData(100, true)]
    public void FilteredRecall_AtEfGiving095Unfiltered_IsAtLeast095(int modulus, bool forceGraph)
    {
        (Dataset data, HnswIndex shared) = Fashion.Value;
        HnswIndex index = shared;
        int ef = new[] { 10, 16, 24, 32, 48, 64, 96, 128 }
            .First(e => Recall.AtK(index, data.Queries, data.Truth, 10, new SearchParameters { Ef = e }) >= 0.95);

        var filter = new ModuloFilter(modulus);
        var admitted = Enumerable.Range(0, data.Base.Length).Where(i => i % modulus == 0).Select(i => ((ulong)i, data.Base[i])).ToList();
        int[][] truth = data.Queries.Select(q => Recall.ExactTopK(admitted, q, 10, DistanceMetric.L2)).ToArray();

        if (forceGraph)
        {
            // Same graph, but a planner that never falls back to the exact scan.
            filter = new ModuloFilter(modulus, forceGraph: true);
        }

        var parameters = new SearchParameters { Ef = ef, Filter = filter };
        foreach (float[] query in data.Queries)
        {
            foreach (SearchHit hit in index.Search(query, 10, parameters))
            {
                Assert.Equal(0UL, hit.Key % (ulong)modulus);
            }
        }

        double recall = Recall.AtK(index, data.Queries, truth, 10, parameters);
        Assert.True(recall >= 0.95, $"filter admitting 1/{modulus}, ef {ef}, graph forced {forceGraph}: recall {recall:F4} < 0.95");
    }

    [Fact]
    public void SelectiveFilter_UsesExactScan_AndFindsTheOnlyAdmittedPoints()
    {
        float[][] rows = IndexBuilder.Clustered(3_000, 16, clusters: 30, seed: 3);
        using HnswIndex index = IndexBuilder.Build(rows, new HnswOptions { Dimension = 16 });
        var filter = new KeySetFilter([5, 1_500, 2_999]);

        SearchHit[] hits = index.Search(rows[0], 10, new SearchParameters { Filter = filter, Ef = 10 });

        Assert.Equal(3, hits.Length);
        Assert.Equal([5UL, 1_500UL, 2_999UL], hits.Select(h => h.Key).Order());
    }

    private sealed class ModuloFilter(int modulus, bool forceGraph = false) : IVectorFilter
    {
        public bool Admits(ulong key) => key % (ulong)modulus == 0;

        // Reporting a huge count makes the planner keep the graph even for a selective filter;
        // null makes it estimate by sampling.
        public long? AdmittedCount => forceGraph ? long.MaxValue : null;
    }

    private sealed class KeySetFilter(HashSet<ulong> keys) : IVectorFilter
    {
        public bool Admits(ulong key) => keys.Contains(key);

        public long? AdmittedCount => keys.Count;
    }
}
