using Vectron.Cli.Bench;
using Vectron.Index;

namespace Vectron.Cli.Tests.Bench;

public sealed class KeyHashFilterTests
{
    [Theory]
    [InlineData(0.001)]
    [InlineData(0.01)]
    [InlineData(0.2)]
    public void Admits_TheSelectedFraction_InEveryBlockOfConsecutiveKeys(double selectivity)
    {
        const int Keys = 200_000;
        const int Blocks = 10;
        var filter = new KeyHashFilter(selectivity, reportedCount: null);
        var perBlock = new int[Blocks];
        for (int key = 0; key < Keys; key++)
        {
            if (filter.Admits((ulong)key))
            {
                perBlock[key / (Keys / Blocks)]++;
            }
        }

        // Binomial counts: 5 standard deviations either side of the mean (the hash is fixed, so this never flakes).
        double mean = Keys / Blocks * selectivity;
        double tolerance = 5 * Math.Sqrt(mean * (1 - selectivity));
        Assert.All(perBlock, count => Assert.InRange(count, mean - tolerance, mean + tolerance));
        Assert.Equal(perBlock.Sum(), filter.CountAdmitted(Keys));
    }

    [Fact]
    public void Admits_IsMonotoneInTheSelectivity()
    {
        var narrow = new KeyHashFilter(0.01, reportedCount: null);
        var wide = new KeyHashFilter(0.05, reportedCount: null);

        for (ulong key = 0; key < 20_000; key++)
        {
            Assert.True(!narrow.Admits(key) || wide.Admits(key), $"key {key}");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData(123L)]
    [InlineData(long.MaxValue)]
    public void AdmittedCount_IsWhatWasReported(long? reported)
    {
        IVectorFilter filter = new KeyHashFilter(0.1, reported);

        Assert.Equal(reported, filter.AdmittedCount);
    }

    [Fact]
    public void SelectivityOne_AdmitsEveryKey_AndTheSmallestAdmitsOneInAMillion()
    {
        Assert.Equal(10_000, new KeyHashFilter(1, null).CountAdmitted(10_000));
        Assert.Equal(1UL, KeyHashFilter.BucketsOf(0.000001));
    }
}
