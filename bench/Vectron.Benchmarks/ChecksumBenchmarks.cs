using System.Buffers.Binary;
using System.Numerics;
using BenchmarkDotNet.Attributes;
using Vectron.Checksums;

namespace Vectron.Benchmarks;

/// <summary>CRC-32C over 1 MiB: the three-lane <see cref="Crc32C"/> against one dependent chain of crc32 instructions.</summary>
[MemoryDiagnoser]
public class ChecksumBenchmarks
{
    private readonly byte[] _data = new byte[1 << 20];

    [GlobalSetup]
    public void Setup() => new Random(1).NextBytes(_data);

    [Benchmark(Baseline = true)]
    public uint Serial()
    {
        uint state = Crc32C.Start;
        ReadOnlySpan<byte> data = _data;
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        return Crc32C.Finish(state);
    }

    [Benchmark]
    public uint ThreeLanes() => Crc32C.Compute(_data);
}
