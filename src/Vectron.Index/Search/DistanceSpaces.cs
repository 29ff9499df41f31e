using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Vectron.Index.Kernels;
using Vectron.Index.Memory;
using Vectron.Index.Quantization;

namespace Vectron.Index.Search;

/// <summary>Distance from one fixed query to any stored node, in the representation being traversed.</summary>
internal interface IDistanceSpace
{
    /// <summary>Distance from the query to <paramref name="node"/>.</summary>
    float Distance(int node);

    /// <summary>Hints the CPU to start loading the node's vector.</summary>
    void Prefetch(int node);

    /// <summary>Nodes this space can address (its row snapshots' capacity).</summary>
    int Capacity { get; }
}

/// <summary>Query against float32 vectors.</summary>
internal readonly struct FloatSpace<TMetric> : IDistanceSpace
    where TMetric : struct, IFloatMetric
{
    private readonly RowView<float> _vectors;
    private readonly float[] _query;
    private readonly nint _queryStart;
    private readonly int _dimension;

    public FloatSpace(RowStore<float> vectors, AlignedBuffer<float> query, int dimension)
    {
        _vectors = vectors.View();
        _query = query.Array;
        _queryStart = query.Start;
        _dimension = dimension;
    }

    public int Capacity => _vectors.Capacity;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Distance(int node) =>
        TMetric.Distance(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_query), _queryStart), ref _vectors.Row(node), _dimension);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(int node)
    {
        if (Sse.IsSupported)
        {
            // Safe: float chunks live on the pinned object heap (RowStore), and a prefetch never faults.
            // Two lines: the hardware prefetcher picks up the rest of a long row once it sees a stride.
            byte* row = (byte*)Unsafe.AsPointer(ref _vectors.Row(node));
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + 64);
        }
    }
}

/// <summary>Quantized query against int8 codes, for the L2 metric: <c>s² · Σ (qᵢ − cᵢ)²</c>.</summary>
internal readonly struct Int8L2Space : IDistanceSpace
{
    private readonly RowView<sbyte> _codes;
    private readonly sbyte[] _query;
    private readonly nint _queryStart;
    private readonly int _dimension;
    private readonly float _scaleSquared;

    public Int8L2Space(QuantizedVectors quantized, AlignedBuffer<sbyte> queryCodes, int dimension)
    {
        _codes = quantized.Codes.View();
        _query = queryCodes.Array;
        _queryStart = queryCodes.Start;
        _dimension = dimension;
        _scaleSquared = quantized.Quantizer.Scale * quantized.Quantizer.Scale;
    }

    public int Capacity => _codes.Capacity;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Distance(int node) =>
        _scaleSquared * Int8Kernels.SquaredL2(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_query), _queryStart), ref _codes.Row(node), _dimension);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(int node)
    {
        if (Sse.IsSupported)
        {
            // Safe: code chunks live on the pinned object heap (RowStore), and a prefetch never faults.
            byte* row = (byte*)Unsafe.AsPointer(ref _codes.Row(node));
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + 64);
        }
    }
}

/// <summary>
/// Quantized query against int8 codes, for dot and cosine: <c>bias − (x·y)</c> with the dot product of
/// the dequantized vectors recovered exactly from the integer dot product of the offset-binary query
/// codes and the node's codes (see docs/quantization.md, equation 3).
/// </summary>
internal readonly struct Int8DotSpace : IDistanceSpace
{
    private readonly RowView<sbyte> _codes;
    private readonly RowView<float> _corrections;
    private readonly sbyte[] _query;
    private readonly nint _queryStart;
    private readonly int _dimension;
    private readonly float _scaleSquared;
    private readonly float _constant;

    /// <param name="quantized">The codes and their corrections.</param>
    /// <param name="offsetQueryCodes">The query's codes in offset binary (<c>qᵢ + 128</c>, read as bytes), from <see cref="ScalarQuantizer.EncodeQueryOffsetBinary"/>.</param>
    /// <param name="queryCorrection"><see cref="ScalarQuantizer.Correction"/> of the query's signed code sum.</param>
    /// <param name="dimension">The dimension.</param>
    /// <param name="bias">1 for cosine, 0 for dot.</param>
    public Int8DotSpace(QuantizedVectors quantized, AlignedBuffer<sbyte> offsetQueryCodes, float queryCorrection, int dimension, float bias)
    {
        _codes = quantized.Codes.View();
        _corrections = quantized.Corrections.View();
        _query = offsetQueryCodes.Array;
        _queryStart = offsetQueryCodes.Start;
        _dimension = dimension;
        ScalarQuantizer q = quantized.Quantizer;
        _scaleSquared = q.Scale * q.Scale;
        // bias − (d·m² + t_q + t'_c + s²·Σ(q + 128)c) = (bias − d·m² − t_q) − t'_c − s²·Σ(q + 128)c
        _constant = bias - (dimension * q.Offset * q.Offset) - queryCorrection;
    }

    public int Capacity => Math.Min(_codes.Capacity, _corrections.Capacity);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Distance(int node) =>
        _constant - _corrections.Row(node)
        - (_scaleSquared * Int8Kernels.DotUnsignedSigned(
            ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_query), _queryStart)), ref _codes.Row(node), _dimension));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(int node)
    {
        if (Sse.IsSupported)
        {
            // Safe: code chunks live on the pinned object heap (RowStore), and a prefetch never faults.
            byte* row = (byte*)Unsafe.AsPointer(ref _codes.Row(node));
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + 64);
        }
    }
}
