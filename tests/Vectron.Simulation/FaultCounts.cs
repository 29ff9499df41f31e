namespace Vectron.Simulation;

/// <summary>How many faults of each <see cref="FaultKind"/> were injected.</summary>
internal sealed class FaultCounts
{
    private readonly long[] _counts = new long[Enum.GetValues<FaultKind>().Length];

    /// <summary>The count of <paramref name="kind"/>.</summary>
    public long this[FaultKind kind] => _counts[(int)kind];

    /// <summary>All faults.</summary>
    public long Total
    {
        get
        {
            long total = 0;
            foreach (long count in _counts)
            {
                total += count;
            }

            return total;
        }
    }

    /// <summary>Counts one more <paramref name="kind"/>.</summary>
    public void Add(FaultKind kind, long count = 1) => _counts[(int)kind] += count;

    /// <summary>Adds every count of <paramref name="other"/>.</summary>
    public void Add(FaultCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
    }

    /// <summary>The counts as "kind=count" pairs, kinds in declaration order, zeros left out.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            if (this[kind] > 0)
            {
                parts.Add($"{kind}={this[kind]}");
            }
        }

        return parts.Count == 0 ? "none" : string.Join(' ', parts);
    }
}
