using Vectron.Index.Tests.Support;

namespace Vectron.Index.Tests.Hnsw;

public sealed class DeleteAndUpdateTests
{
    [Fact]
    public void Delete30Percent_RecallWithin002OfFreshIndex_AndDeletedNeverReturned()
    {
        const int seed = 77;
        Dataset data = Dataset.Load("siftsmall", "siftsmall_base.fvecs", "siftsmall_query.fvecs", "gt_l2_top100.ivecs");
        var options = new HnswOptions { Dimension = data.Dimension, M = 16, EfConstruction = 200 };
        using HnswIndex index = IndexBuilder.Build(data.Base, options);

        var random = new Random(seed);
        var deleted = new HashSet<ulong>();
        while (deleted.Count < data.Base.Length * 3 / 10)
        {
            ulong key = (ulong)random.Next(data.Base.Length);
            if (deleted.Add(key))
            {
                Assert.True(index.Delete(key));
            }
        }

        Assert.False(index.Delete(deleted.First()));
        Assert.Equal(data.Base.Length - deleted.Count, index.Count);

        var remaining = Enumerable.Range(0, data.Base.Length).Where(i => !deleted.Contains((ulong)i)).Select(i => ((ulong)i, data.Base[i])).ToList();
        int[][] truth = data.Queries.Select(q => Recall.ExactTopK(remaining, q, 10, DistanceMetric.L2)).ToArray();

        var fresh = new HnswIndex(options);
        Parallel.ForEach(remaining, new ParallelOptions { MaxDegreeOfParallelism = 2 }, p => fresh.Upsert(p.Item1, p.Item2));

        foreach (int ef in new[] { 10, 16, 32 })
        {
            var parameters = new SearchParameters { Ef = ef };
            foreach (float[] query in data.Queries)
            {
                foreach (SearchHit hit in index.Search(query, 10, parameters))
                {
                    Assert.False(deleted.Contains(hit.Key), $"seed {seed}: deleted key {hit.Key} returned at ef {ef}");
                }
            }

            double afterDelete = Recall.AtK(index, data.Queries, truth, 10, parameters);
            double rebuilt = Recall.AtK(fresh, data.Queries, truth, 10, parameters);
            Assert.True(afterDelete >= rebuilt - 0.02, $"seed {seed}, ef {ef}: recall after deleting 30% is {afterDelete:F4}, a fresh index has {rebuilt:F4}");
        }
    }

    [Fact]
    public void Upsert_ExistingKey_ReplacesVector_AndOldPositionIsNotReturned()
    {
        float[][] rows = IndexBuilder.Clustered(2_000, 16, clusters: 10, seed: 5);
        using HnswIndex index = IndexBuilder.Build(rows, new HnswOptions { Dimension = 16 });
        float[] moved = rows[1_000].Select(x => x + 50f).ToArray();

        index.Upsert(7, moved);

        Assert.Equal(2_000, index.Count);
        SearchHit[] near = index.Search(moved, 1);
        Assert.Equal(7UL, near[0].Key);
        Assert.Equal(0f, near[0].Distance);
        SearchHit[] old = index.Search(rows[7], 5, new SearchParameters { Ef = 100 });
        Assert.DoesNotContain(old, h => h.Key == 7);
        var stored = new float[16];
        Assert.True(index.TryGetVector(7, stored));
        Assert.Equal(moved, stored);
    }

    [Fact]
    public void DeleteEverything_SearchReturnsNothing_ThenReinsertWorks()
    {
        float[][] rows = IndexBuilder.Clustered(500, 8, clusters: 5, seed: 9);
        using HnswIndex index = IndexBuilder.Build(rows, new HnswOptions { Dimension = 8 });
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.True(index.Delete((ulong)i));
        }

        Assert.Equal(0, index.Count);
        Assert.Empty(index.Search(rows[0], 10));
        Assert.Empty(index.Search(rows[0], 10, new SearchParameters { Exact = true }));

        index.Upsert(3, rows[3]);
        SearchHit[] hits = index.Search(rows[3], 10);
        Assert.Single(hits);
        Assert.Equal(3UL, hits[0].Key);
    }
}
