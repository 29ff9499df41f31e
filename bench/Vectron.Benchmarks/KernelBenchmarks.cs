using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Vectron.Index.Kernels;

namespace Vectron.Benchmarks;

/// <summary>
/// Distance kernels against <see cref="TensorPrimitives"/>, and int8 against float32, per dimension.
/// Ratios compare rows of one category with the row marked as its baseline:
/// in Distance, Dot and Cosine the baseline is TensorPrimitives, so below 1 means ours is faster;
/// in Int8Dot and Int8L2 it is our float32 kernel, so the ratio is int8 time over float32 time
/// (Int8Dot has both the signed dot and the unsigned-by-signed one the index traverses with); in
/// Int8DotUnsignedSignedWidths it is the 512-bit widening loop, beside the other widths the
/// unsigned-by-signed dispatch can take.
/// </summary>
/// <remarks>
/// The vectors are 64-byte aligned, as the index stores them: unaligned inputs cost both libraries
/// up to twice as much at 768 dimensions (loads split across cache lines), and where a managed
/// array happens to land would otherwise decide the result from one run to the next.
/// </remarks>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public unsafe class KernelBenchmarks
{
    private const int Seed = 42;

    // Safe: allocated in GlobalSetup, freed only in GlobalCleanup, and every span below covers
    // exactly Dimension elements of them.
    private float* _a;
    private float* _b;
    private sbyte* _codesA;
    private sbyte* _codesB;
    private byte* _offsetCodesA;

    [Params(128, 768)]
    public int Dimension { get; set; }

    private ReadOnlySpan<float> A => new(_a, Dimension);

    private ReadOnlySpan<float> B => new(_b, Dimension);

    private ReadOnlySpan<sbyte> CodesA => new(_codesA, Dimension);

    private ReadOnlySpan<sbyte> CodesB => new(_codesB, Dimension);

    // CodesA in offset binary (+ 128), as the index prepares a query once per search.
    private ReadOnlySpan<byte> OffsetCodesA => new(_offsetCodesA, Dimension);

    [GlobalSetup]
    public void Setup()
    {
        _a = (float*)NativeMemory.AlignedAlloc((nuint)(Dimension * sizeof(float)), 64);
        _b = (float*)NativeMemory.AlignedAlloc((nuint)(Dimension * sizeof(float)), 64);
        _codesA = (sbyte*)NativeMemory.AlignedAlloc((nuint)Dimension, 64);
        _codesB = (sbyte*)NativeMemory.AlignedAlloc((nuint)Dimension, 64);
        _offsetCodesA = (byte*)NativeMemory.AlignedAlloc((nuint)Dimension, 64);
        var random = new Random(Seed);
        for (int i = 0; i < Dimension; i++)
        {
            _a[i] = (random.NextSingle() * 2) - 1;
            _b[i] = (random.NextSingle() * 2) - 1;
            _codesA[i] = (sbyte)random.Next(-127, 128);
            _codesB[i] = (sbyte)random.Next(-127, 128);
            _offsetCodesA[i] = (byte)(_codesA[i] + 128);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_a);
        NativeMemory.AlignedFree(_b);
        NativeMemory.AlignedFree(_codesA);
        NativeMemory.AlignedFree(_codesB);
        NativeMemory.AlignedFree(_offsetCodesA);
        _a = _b = null;
        _codesA = _codesB = null;
        _offsetCodesA = null;
    }

    // TensorPrimitives has no squared distance: its Distance is √Σ(aᵢ − bᵢ)², so ours takes the
    // square root here too. The index itself uses the squared form, measured as Float_SquaredL2.
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Distance")]
    public float TensorPrimitives_Distance() => TensorPrimitives.Distance(A, B);

    [Benchmark]
    [BenchmarkCategory("Distance")]
    public float Vectron_Distance() => MathF.Sqrt(FloatKernels.SquaredL2(A, B));

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Dot")]
    public float TensorPrimitives_Dot() => TensorPrimitives.Dot(A, B);

    [Benchmark]
    [BenchmarkCategory("Dot")]
    public float Vectron_Dot() => FloatKernels.Dot(A, B);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Cosine")]
    public float TensorPrimitives_Cosine() => TensorPrimitives.CosineSimilarity(A, B);

    [Benchmark]
    [BenchmarkCategory("Cosine")]
    public float Vectron_Cosine() => FloatKernels.CosineSimilarity(A, B);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Int8Dot")]
    public float Float_Dot() => FloatKernels.Dot(A, B);

    [Benchmark]
    [BenchmarkCategory("Int8Dot")]
    public int Int8_Dot() => Int8Kernels.Dot(CodesA, CodesB);

    // What the index's dot and cosine traversal calls: the query prepared once in offset binary.
    [Benchmark]
    [BenchmarkCategory("Int8Dot")]
    public int Int8_DotUnsignedSigned() => Int8Kernels.DotUnsignedSigned(OffsetCodesA, CodesB);

    // The widths behind DotUnsignedSigned's dispatch, side by side (NA where the CPU or the
    // environment, e.g. DOTNET_EnableAVX512=0, lacks the instructions).
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Int8DotUnsignedSignedWidths")]
    public int DotUnsignedSigned_Vector512() =>
        Vector512.IsHardwareAccelerated && Avx512BW.IsSupported
            ? Int8Kernels.DotUnsignedSignedVector512(ref *_offsetCodesA, ref *_codesB, (nuint)Dimension)
            : throw new NotSupportedException("Vector512 with AVX-512BW is not available.");

    [Benchmark]
    [BenchmarkCategory("Int8DotUnsignedSignedWidths")]
    public int DotUnsignedSigned_Vector512Vnni() =>
        Vector512.IsHardwareAccelerated && AvxVnni.IsSupported
            ? Int8Kernels.DotUnsignedSignedVector512Vnni(ref *_offsetCodesA, ref *_codesB, (nuint)Dimension)
            : throw new NotSupportedException("Vector512 with AVX-VNNI is not available.");

    [Benchmark]
    [BenchmarkCategory("Int8DotUnsignedSignedWidths")]
    public int DotUnsignedSigned_Vector256Vnni() =>
        AvxVnni.IsSupported
            ? Int8Kernels.DotUnsignedSignedVector256Vnni(ref *_offsetCodesA, ref *_codesB, (nuint)Dimension)
            : throw new NotSupportedException("AVX-VNNI is not available.");

    [Benchmark]
    [BenchmarkCategory("Int8DotUnsignedSignedWidths")]
    public int DotUnsignedSigned_Vector256() =>
        Avx2.IsSupported
            ? Int8Kernels.DotUnsignedSignedVector256(ref *_offsetCodesA, ref *_codesB, (nuint)Dimension)
            : throw new NotSupportedException("AVX2 is not available.");

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Int8L2")]
    public float Float_SquaredL2() => FloatKernels.SquaredL2(A, B);

    [Benchmark]
    [BenchmarkCategory("Int8L2")]
    public int Int8_SquaredL2() => Int8Kernels.SquaredL2(CodesA, CodesB);
}
