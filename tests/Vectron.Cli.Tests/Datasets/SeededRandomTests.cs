using Vectron.Cli.Datasets;

namespace Vectron.Cli.Tests.Datasets;

public sealed class SeededRandomTests
{
    [Theory]
    [InlineData(0UL, 0xE220A8397B1DCDAFUL)] // the first SplitMix64 output for seed 0 (Vigna's reference splitmix64.c)
    [InlineData(0x9E3779B97F4A7C15UL, 0x6E789E6AA1B965F4UL)] // its second: state advanced once
    public void Hash_IsTheSplitMix64Output(ulong value, ulong expected)
    {
        Assert.Equal(expected, SeededRandom.Hash(value));
    }
}
