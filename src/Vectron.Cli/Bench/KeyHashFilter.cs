using Vectron.Cli.Datasets;
using Vectron.Index;

namespace Vectron.Cli.Bench;

/// <summary>
/// Admits the keys whose SplitMix64 hash modulo 1,000,000 is below selectivity × 1,000,000: a fixed
/// fraction spread evenly over any key range, not a block of consecutive ids (which, with keys in
/// insertion order, would also be one region of the graph and flatter the graph path).
/// </summary>
/// <remarks>Immutable, so safe for concurrent searches.</remarks>
internal sealed class KeyHashFilter : IVectorFilter
{
    /// <summary>Buckets of the hash; a selectivity is a whole number of them.</summary>
    public const int Buckets = 1_000_000;

    private readonly ulong _cutoff;

    /// <param name="selectivity">The fraction of keys admitted, 0 to 1, rounded to a whole number of buckets.</param>
    /// <param name="reportedCount">
    /// What <see cref="AdmittedCount"/> tells the planner: the true count (as a bitmap filter would),
    /// <see cref="long.MaxValue"/> to keep it on the graph, or <see langword="null"/> to make it sample.
    /// </param>
    public KeyHashFilter(double selectivity, long? reportedCount)
    {
        _cutoff = BucketsOf(selectivity);
        AdmittedCount = reportedCount;
    }

    /// <inheritdoc/>
    public long? AdmittedCount { get; }

    /// <summary>The whole number of buckets a selectivity admits.</summary>
    public static ulong BucketsOf(double selectivity) => (ulong)Math.Round(selectivity * Buckets);

    /// <inheritdoc/>
    public bool Admits(ulong key) => SeededRandom.Hash(key) % Buckets < _cutoff;

    /// <summary>How many of the keys 0..<paramref name="keys"/>−1 it admits.</summary>
    public long CountAdmitted(int keys)
    {
        long admitted = 0;
        for (int key = 0; key < keys; key++)
        {
            if (Admits((ulong)key))
            {
                admitted++;
            }
        }

        return admitted;
    }
}
