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

    [Theory]
    [InlineData(0.000196, 0.000196)]
    [InlineData(0.123456, 0.1235)]
    [InlineData(2.212345, 2.212)]
    [InlineData(156538.4, 156500)]
    [InlineData(-0.0012346, -0.001235)]
    [InlineData(0, 0)]
    public void RoundSignificant_KeepsSmallRatiosAboveZero(double value, double expected)
    {
        Assert.Equal(expected, LatencyStatistics.RoundSignificant(value, 4), 12);
    }
}
