using Vectron.Cli.Bench;
using Vectron.Cli.Datasets;
using Vectron.Index;

namespace Vectron.Cli.Tests.Bench;

public sealed class ScanOrderProbeTests
{
    private const int Count = 600;
    private const int Queries = 12;

    private static (HnswIndex Index, DenseMatrix<float> Queries) Build()
    {
        (DenseMatrix<float> vectors, DenseMatrix<float> queries) = SyntheticDataset.Generate(Count, 8, Queries, seed: 5);
        HnswIndex index = IndexBuilder.Build(vectors, new HnswOptions { Dimension = 8, M = 8, EfConstruction = 40 }, threads: 2, out _);
        return (index, queries);
    }

    [Fact]
    public void RecordScanOrder_ListsEveryKeyOnce()
    {
        (HnswIndex index, DenseMatrix<float> queries) = Build();
        using (index)
        {
            ulong[] order = ScanOrderProbe.RecordScanOrder(index, queries.Row(0));

            Assert.Equal(Enumerable.Range(0, Count).Select(i => (ulong)i), order.Order());
        }
    }

    [Theory]
    [InlineData(true, null, true)] // SearchParameters.Exact
    [InlineData(false, 50L, true)] // the planner scans: far fewer admitted than FlatSearchThreshold
    [InlineData(false, long.MaxValue, false)] // the planner kept on the graph
    public void AllExactScans_TellsWhichPathEverySearchTook(bool exact, long? reportedCount, bool expected)
    {
        (HnswIndex index, DenseMatrix<float> queries) = Build();
        using (index)
        {
            ulong[] order = ScanOrderProbe.RecordScanOrder(index, queries.Row(0));
            var probe = new ScanOrderProbe(new KeyHashFilter(0.3, reportedCount), order);
            var parameters = new SearchParameters { Ef = 16, Exact = exact, Filter = probe };

            for (int q = 0; q < Queries; q++)
            {
                index.Search(queries.Row(q), 10, parameters);
            }

            Assert.Equal(expected, probe.AllExactScans(Queries));
            Assert.False(probe.AllExactScans(Queries + 1));
        }
    }
}
