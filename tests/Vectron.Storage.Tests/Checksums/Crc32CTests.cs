using Vectron.Checksums;

namespace Vectron.Storage.Tests.Checksums;

public sealed class Crc32CTests
{
    // Bit by bit, from the definition: reflected polynomial 0x82F63B78, initial and final inversion.
    private static uint Reference(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }

    [Fact]
    public void Compute_MatchesStandardCheckValue() => Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));

    [Fact]
    public void Compute_MatchesBitwiseReference_AcrossLaneBoundaries()
    {
        const int Seed = 17;
        var random = new Random(Seed);
        var data = new byte[70_016];
        random.NextBytes(data);
        int[] lengths = [0, 1, 7, 8, 9, 12_287, 12_288, 12_289, 24_576, 24_583, 36_864 + 5, 69_999];
        foreach (int length in lengths.Concat(Enumerable.Range(0, 40).Select(_ => random.Next(70_000))))
        {
            int offset = random.Next(16);
            var span = data.AsSpan(offset, length);
            Assert.True(Reference(span) == Crc32C.Compute(span), $"seed={Seed} length={length} offset={offset}");
        }
    }

    [Fact]
    public void Append_InPieces_EqualsWhole()
    {
        var data = new byte[50_000];
        new Random(3).NextBytes(data);
        uint state = Crc32C.Start;
        state = Crc32C.Append(state, data.AsSpan(0, 13_000));
        state = Crc32C.Append(state, data.AsSpan(13_000));
        Assert.Equal(Crc32C.Compute(data), Crc32C.Finish(state));
    }
}
