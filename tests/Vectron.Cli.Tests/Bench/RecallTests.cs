using Vectron.Cli.Bench;
using Vectron.Cli.Datasets;

namespace Vectron.Cli.Tests.Bench;

public sealed class RecallTests
{
    [Fact]
    public void AtK_CountsTheIntersectionOfTheFirstKAveragedOverQueries()
    {
        var truth = new DenseMatrix<int>(2, 4, [1, 2, 3, 4, 10, 11, 12, 13]);
        // Query 0: {2, 1} of {1, 2, 3} in any order → 2/3. Query 1: only 12 → 1/3 (13 lies beyond k).
        var found = new DenseMatrix<int>(2, 3, [2, 9, 1, 12, 99, 13]);

        double recall = Recall.AtK(found, truth, 3);

        Assert.Equal(0.5, recall, 12);
    }

    [Fact]
    public void AtK_PaddingNeverMatches()
    {
        var truth = new DenseMatrix<int>(1, 2, [0, 1]);
        var found = new DenseMatrix<int>(1, 2, [0, -1]);

        Assert.Equal(0.5, Recall.AtK(found, truth, 2), 12);
    }

    [Fact]
    public void AtK_PaddedTruth_CountsOnlyTheRealNeighbours()
    {
        // Query 0 has two qualifying points and finds one; query 1 has none; query 2 finds its only one.
        var truth = new DenseMatrix<int>(3, 3, [4, 7, -1, -1, -1, -1, 5, -1, -1]);
        var found = new DenseMatrix<int>(3, 3, [7, 9, -1, -1, -1, -1, 5, -1, -1]);

        Assert.Equal(2.0 / 3, Recall.AtK(found, truth, 3), 12);
    }

    [Fact]
    public void AtK_NothingToFind_IsNaN()
    {
        var truth = new DenseMatrix<int>(2, 2, [-1, -1, -1, -1]);
        var found = new DenseMatrix<int>(2, 2, [-1, -1, -1, -1]);

        Assert.True(double.IsNaN(Recall.AtK(found, truth, 2)));
    }

    [Fact]
    public void AtK_PerfectResults_GiveOne()
    {
        var truth = new DenseMatrix<int>(1, 10, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var found = new DenseMatrix<int>(1, 10, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);

        Assert.Equal(1.0, Recall.AtK(found, truth, 10), 12);
    }

    [Fact]
    public void AtK_MismatchedRows_Throws()
    {
        var truth = new DenseMatrix<int>(2, 1, [0, 1]);
        var found = new DenseMatrix<int>(1, 1, [0]);

        Assert.Throws<ArgumentException>(() => Recall.AtK(found, truth, 1));
    }
}
