using Vectron.Index.Tests.Support;

namespace Vectron.Index.Tests.Hnsw;

public sealed class ValidationAndAllocationTests
{
    [Fact]
    public void BadVectors_AreRejected_WithMessagesNamingTheProblem_AndChangeNothing()
    {
        using var index = new HnswIndex(new HnswOptions { Dimension = 3 });
        index.Upsert(1, [1f, 2f, 3f]);

        ArgumentException wrongDimension = Assert.Throws<ArgumentException>(() => index.Upsert(2, [1f, 2f]));
        Assert.Contains("dimension 3, got 2", wrongDimension.Message, StringComparison.Ordinal);
        ArgumentException nan = Assert.Throws<ArgumentException>(() => index.Upsert(2, [1f, float.NaN, 3f]));
        Assert.Contains("component 1 is NaN", nan.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => index.Upsert(2, [1f, float.PositiveInfinity, 3f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search([1f, 2f, 3f], 0));
        Assert.Throws<ArgumentException>(() => index.Search([1f, 2f, 3f, 4f], 1));

        Assert.Equal(1, index.Count);
        Assert.Equal(1, index.NodeCount);
    }

    [Theory]
    [InlineData(0, 16, 200)]
    [InlineData(8, 1, 200)]
    [InlineData(8, 16, 8)]
    [InlineData(70_000, 16, 200)]
    public void BadOptions_AreRejected(int dimension, int m, int efConstruction)
    {
        var options = new HnswOptions { Dimension = dimension, M = m, EfConstruction = efConstruction };
        Assert.Throws<ArgumentException>(() => new HnswIndex(options));
    }

    [Theory]
    [InlineData(DistanceMetric.L2)]
    [InlineData(DistanceMetric.Dot)]
    [InlineData(DistanceMetric.Cosine)]
    public void ExactSearch_MatchesBruteForce(DistanceMetric metric)
    {
        float[][] rows = IndexBuilder.Clustered(800, 10, clusters: 8, seed: 31);
        using HnswIndex index = IndexBuilder.Build(rows, new HnswOptions { Dimension = 10, Metric = metric });
        var points = rows.Select((r, i) => ((ulong)i, r)).ToList();
        for (int q = 0; q < 20; q++)
        {
            int[] expected = Recall.ExactTopK(points, rows[q * 13], 10, metric);
            SearchHit[] hits = index.Search(rows[q * 13], 10, new SearchParameters { Exact = true });
            Assert.Equal(expected.Select(e => (ulong)e), hits.Select(h => h.Key));
        }
    }

    [Theory]
    [InlineData(QuantizationKind.None)]
    [InlineData(QuantizationKind.Int8)]
    public void Search_InSteadyState_AllocatesNothing(QuantizationKind quantization)
    {
        float[][] rows = IndexBuilder.Clustered(3_000, 32, clusters: 20, seed: 4);
        using HnswIndex index = IndexBuilder.Build(rows, new HnswOptions { Dimension = 32, Quantization = quantization });
        var hits = new SearchHit[10];
        var parameters = new SearchParameters { Ef = 64 };
        for (int i = 0; i < 200; i++)
        {
            index.Search(rows[i], 10, hits, parameters);
        }

        // Steady state: a window of 1,000 searches allocates nothing. The JIT may still be
        // re-compiling hot methods (tiering, OSR) during the first windows on a loaded machine and
        // that allocates on this thread, so up to five windows are measured; a search that
        // allocates would show in every one of them.
        var windows = new List<long>();
        for (int attempt = 0; attempt < 5 && (windows.Count == 0 || windows[^1] != 0); attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1_000; i++)
            {
                index.Search(rows[i % rows.Length], 10, hits, parameters);
            }

            windows.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(windows[^1] == 0, $"bytes allocated per window of 1,000 searches: {string.Join(", ", windows)}");
    }
}
