using Vectron.Index.Memory;

namespace Vectron.Index.Quantization;

/// <summary>
/// The int8 codes of every node under one calibration, with the per-node dot-product corrections
/// and the drift statistics of values encoded since calibration. Re-calibration builds a new
/// instance and swaps it in whole, so a search always sees codes and quantizer that match.
/// </summary>
internal sealed class QuantizedVectors
{
    /// <summary>Encoded vectors after which drift is judged.</summary>
    public const int DriftWindow = 1_024;

    private long _vectors;
    private long _values;
    private long _clipped;
    private long _inner;

    public QuantizedVectors(ScalarQuantizer quantizer, int dimension, int capacity, double calibrationClipFraction, double calibrationInnerFraction)
    {
        CalibrationInnerFraction = calibrationInnerFraction;
        Quantizer = quantizer;
        Codes = new RowStore<sbyte>(dimension, capacity, alignRows: true);
        Corrections = new RowStore<float>(1, capacity);
        CalibrationClipFraction = calibrationClipFraction;
    }

    public ScalarQuantizer Quantizer { get; }

    public RowStore<sbyte> Codes { get; }

    /// <summary>Per node, <see cref="ScalarQuantizer.NodeCorrection"/> of its codes.</summary>
    public RowStore<float> Corrections { get; }

    /// <summary>Fraction of the calibration sample outside the range (what clipping looks like without drift).</summary>
    public double CalibrationClipFraction { get; }

    /// <summary>Fraction of the calibration sample in the inner quarter of the codes.</summary>
    public double CalibrationInnerFraction { get; }

    public void EnsureCapacity(int rows)
    {
        Codes.EnsureCapacity(rows);
        Corrections.EnsureCapacity(rows);
    }

    /// <summary>Encodes one node's vector into its row. The caller serialises writes to one row.</summary>
    public void Encode(int node, ReadOnlySpan<float> vector, bool countForDrift)
    {
        EncodeStatistics statistics = Quantizer.Encode(vector, Codes.RowSpan(node));
        Corrections.Row(node) = Quantizer.NodeCorrection(statistics.CodeSum);
        if (countForDrift)
        {
            Interlocked.Increment(ref _vectors);
            Interlocked.Add(ref _values, vector.Length);
            Interlocked.Add(ref _clipped, statistics.Clipped);
            Interlocked.Add(ref _inner, statistics.Inner);
        }
    }

    /// <summary>
    /// Whether the values encoded since calibration no longer fit the range: clipping far more often
    /// than the calibration sample did (the data moved or widened), or almost all values in the inner
    /// quarter of the codes (the data narrowed, wasting at least two bits of resolution).
    /// </summary>
    public bool DriftDetected()
    {
        long vectors = Interlocked.Read(ref _vectors);
        if (vectors < DriftWindow)
        {
            return false;
        }

        double values = Interlocked.Read(ref _values);
        double clipped = Interlocked.Read(ref _clipped) / values;
        double inner = Interlocked.Read(ref _inner) / values;
        return clipped > Math.Max(0.01, 10 * CalibrationClipFraction)
            || (inner > 0.99 && inner > CalibrationInnerFraction + 0.1);
    }

    /// <summary>Vectors encoded since calibration.</summary>
    public long VectorsSinceCalibration => Interlocked.Read(ref _vectors);
}
