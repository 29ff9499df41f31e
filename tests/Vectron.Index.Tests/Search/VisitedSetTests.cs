using Vectron.Index.Search;

namespace Vectron.Index.Tests.Search;

public sealed class VisitedSetTests
{
    [Fact]
    public void MarksResetEverySearch_IncludingAcrossTheGenerationWrap()
    {
        var visited = new VisitedSet();
        for (int search = 0; search < 140_000; search++)
        {
            visited.Reset(100);
            int node = search % 100;
            Assert.False(visited.TestAndMark(node), $"search {search}: node {node} looked visited before it was marked");
            Assert.True(visited.TestAndMark(node));
            Assert.False(visited.TestAndMark((node + 1) % 100), $"search {search}: a mark from an earlier search survived");
        }
    }

    [Fact]
    public void NodesAtOrBeyondTheLimit_CountAsVisited()
    {
        var visited = new VisitedSet();
        visited.Reset(1_000);
        visited.Reset(10);
        Assert.True(visited.TestAndMark(10));
        Assert.True(visited.TestAndMark(999));
        Assert.False(visited.TestAndMark(9));
    }
}
