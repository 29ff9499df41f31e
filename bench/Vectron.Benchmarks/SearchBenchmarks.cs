using BenchmarkDotNet.Attributes;
using Vectron.Index;

namespace Vectron.Benchmarks;

/// <summary>
/// One k = 10 search on a 10,000 × 128 clustered set (m = 16, ef_construction = 200). The memory
/// diagnoser's "Allocated" column is the proof that a search allocates nothing in steady state.
/// Run: dotnet run -c Release --project bench/Vectron.Benchmarks -- --filter '*SearchBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class SearchBenchmarks : IDisposable
{
    private const int Dimension = 128;
    private readonly SearchHit[] _hits = new SearchHit[10];
    private HnswIndex _index = null!;
    private float[][] _queries = null!;
    private int _next;

    [Params(QuantizationKind.None, QuantizationKind.Int8)]
    public QuantizationKind Quantization { get; set; }

    [Params(16, 64)]
    public int Ef { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20240601);
        float[][] centres = Enumerable.Range(0, 50).Select(_ => Gaussian(random, 3f)).ToArray();
        float[][] rows = Enumerable.Range(0, 10_000).Select(_ => Add(centres[random.Next(centres.Length)], Gaussian(random, 1f))).ToArray();
        _queries = Enumerable.Range(0, 256).Select(_ => Add(centres[random.Next(centres.Length)], Gaussian(random, 1f))).ToArray();
        _index = new HnswIndex(new HnswOptions { Dimension = Dimension, Quantization = Quantization, InitialCapacity = rows.Length });
        Parallel.For(0, rows.Length, i => _index.Upsert((ulong)i, rows[i]));
        if (Quantization == QuantizationKind.Int8)
        {
            _index.Recalibrate();
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _index?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public int Search()
    {
        float[] query = _queries[_next++ & 255];
        return _index.Search(query, 10, _hits, new SearchParameters { Ef = Ef });
    }

    private static float[] Gaussian(Random random, float sigma)
    {
        var v = new float[Dimension];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = sigma * (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return v;
    }

    private static float[] Add(float[] a, float[] b) => a.Select((x, i) => x + b[i]).ToArray();
}
