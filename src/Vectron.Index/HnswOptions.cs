namespace Vectron.Index;

/// <summary>Construction parameters of an <see cref="HnswIndex"/>. Immutable once the index exists.</summary>
public sealed record HnswOptions
{
    /// <summary>Largest dimension accepted.</summary>
    public const int MaxDimension = 65_536;

    /// <summary>Number of components of every vector (1 to 65,536).</summary>
    public required int Dimension { get; init; }

    /// <summary>Distance measure.</summary>
    public DistanceMetric Metric { get; init; } = DistanceMetric.L2;

    /// <summary>Links per node on the upper layers; layer 0 keeps twice as many (2 to 128).</summary>
    public int M { get; init; } = 16;

    /// <summary>Candidate list size while inserting (≥ M).</summary>
    public int EfConstruction { get; init; } = 200;

    /// <summary>Candidate list size of a search that does not set one.</summary>
    public int DefaultEf { get; init; } = 64;

    /// <summary>Quantization used for traversal.</summary>
    public QuantizationKind Quantization { get; init; } = QuantizationKind.None;

    /// <summary>
    /// Fraction of the values calibration keeps inside the int8 range: the range spans the
    /// <c>(1 − q)/2</c> and <c>(1 + q)/2</c> quantiles of the data (0.5 to 1).
    /// </summary>
    public double QuantizationQuantile { get; init; } = 0.999;

    /// <summary>Points stored before int8 codes are first calibrated; until then searches traverse on float32.</summary>
    public int CalibrationThreshold { get; init; } = 1_000;

    /// <summary>
    /// A filtered search on an index of 20,000 points at ef 64 whose filter admits at most this many
    /// points scans them exactly instead of traversing the graph; the limit scales with ef / 64 and
    /// with the fourth root of the point count / 20,000 (see <c>docs/benchmarks.md</c> for how both
    /// were measured). 0 always traverses the graph.
    /// </summary>
    public int FlatSearchThreshold { get; init; } = 4_000;

    /// <summary>Seed of the level generator; the same seed and keys give the same levels.</summary>
    public ulong Seed { get; init; } = 0x5EED_1DEA_0000_0001;

    /// <summary>Rows reserved up front (the index grows past it on demand).</summary>
    public int InitialCapacity { get; init; } = 1_024;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Dimension is < 1 or > MaxDimension)
        {
            throw new ArgumentException($"Dimension must be between 1 and {MaxDimension}, got {Dimension}.", nameof(Dimension));
        }

        if (!Enum.IsDefined(Metric))
        {
            throw new ArgumentException($"Metric {(int)Metric} is not a known metric.", nameof(Metric));
        }

        if (M is < 2 or > 128)
        {
            throw new ArgumentException($"M must be between 2 and 128, got {M}.", nameof(M));
        }

        if (EfConstruction < M || EfConstruction > 10_000)
        {
            throw new ArgumentException($"EfConstruction must be between M ({M}) and 10000, got {EfConstruction}.", nameof(EfConstruction));
        }

        if (DefaultEf is < 1 or > 100_000)
        {
            throw new ArgumentException($"DefaultEf must be between 1 and 100000, got {DefaultEf}.", nameof(DefaultEf));
        }

        if (!Enum.IsDefined(Quantization))
        {
            throw new ArgumentException($"Quantization {(int)Quantization} is not a known kind.", nameof(Quantization));
        }

        if (!(QuantizationQuantile is >= 0.5 and <= 1.0))
        {
            throw new ArgumentException($"QuantizationQuantile must be between 0.5 and 1, got {QuantizationQuantile}.", nameof(QuantizationQuantile));
        }

        if (CalibrationThreshold < 1)
        {
            throw new ArgumentException($"CalibrationThreshold must be at least 1, got {CalibrationThreshold}.", nameof(CalibrationThreshold));
        }

        if (FlatSearchThreshold < 0)
        {
            throw new ArgumentException($"FlatSearchThreshold must not be negative, got {FlatSearchThreshold}.", nameof(FlatSearchThreshold));
        }

        if (InitialCapacity < 0)
        {
            throw new ArgumentException($"InitialCapacity must not be negative, got {InitialCapacity}.", nameof(InitialCapacity));
        }
    }
}
