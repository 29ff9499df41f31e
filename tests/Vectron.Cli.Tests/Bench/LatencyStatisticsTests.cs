using Vectron.Cli.Bench;

namespace Vectron.Cli.Tests.Bench;

public sealed class LatencyStatisticsTests
{
    [Theory]
    [InlineData(50, 2.5)]
    [InlineData(0, 1)]
    [InlineData(100, 4)]
    [InlineData(99, 3.97)]
    public void Percentile_InterpolatesLinearlyLikeNumpy(double percent, double expected)
    {
        double[] samples = [4, 1, 3, 2];

        Assert.Equal(expected, LatencyStatistics.Percentile(samples, percent), 10);
        Assert.Equal([4.0, 1, 3, 2], samples);
    }

    [Fact]
    public void Median_AveragesTheMiddleTwo_OfAnEvenCount()
    {
        Assert.Equal(2.5, LatencyStatistics.Median([4, 1, 3, 2]));
        Assert.Equal(3, LatencyStatistics.Median([5, 3, 1]));
    }
}
