namespace Vectron.Index.Tests.Search;

public sealed class OversamplingTests
{
    [Theory]
    [InlineData(10, 10, 0f, 10)] // default 1: the float32 mode's list, max(ef, k)
    [InlineData(16, 10, 0f, 16)]
    [InlineData(10, 100, 0f, 100)]
    [InlineData(10, 10, 2f, 20)]
    [InlineData(64, 10, 2f, 64)]
    [InlineData(10, 10, 2.4f, 24)] // 2.4f is 2.4000001: still 24, not 25
    [InlineData(10, 100, 2.4f, 240)]
    [InlineData(10, 10_000, 2.4f, 24_000)]
    [InlineData(10, 10, 2.45f, 25)] // rounded up
    [InlineData(10, 10, 1.1f, 11)] // 1.1 × 10 is 11.000000000000002 in binary floating point
    [InlineData(10, 1_000_000, 2f, 2_000_000)] // exact products stay exact at any size
    [InlineData(10, 10, 0.5f, 10)] // below 1 means the default
    public void QuantizedCandidates_AreEfOrKTimesOversampling_WhicheverIsLarger(int ef, int k, float oversampling, int expected)
    {
        Assert.Equal(expected, HnswIndex.QuantizedCandidates(ef, k, new SearchParameters { Oversampling = oversampling }));
    }

    [Theory]
    [InlineData(100_000f)]
    [InlineData(float.MaxValue)]
    [InlineData(float.PositiveInfinity)]
    public void QuantizedCandidates_HugeOversampling_IsCapped(float oversampling)
    {
        Assert.Equal(int.MaxValue / 2, HnswIndex.QuantizedCandidates(10, 1_000_000, new SearchParameters { Oversampling = oversampling }));
    }
}
