using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vectron.Index.Quantization;

/// <summary>
/// Maps float32 values to int8 codes on a range calibrated from the data:
/// <c>code = clamp(round((x − Offset) / Scale), −127, 127)</c> and <c>x ≈ Offset + Scale · code</c>.
/// The maths of distances on codes, and why the range is one per collection rather than per
/// dimension, are in <c>docs/quantization.md</c>: that page is the one place they are written down.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
internal sealed class ScalarQuantizer
{
    /// <summary>Largest code magnitude; −128 is never produced so the code range is symmetric.</summary>
    public const int MaxCode = 127;

    /// <summary>Codes whose magnitude is below this lie in the inner quarter of the range.</summary>
    public const int InnerQuarter = 32;

    /// <summary>Values sampled for calibration at most.</summary>
    public const int MaxSampleValues = 1 << 18;

    public ScalarQuantizer(float lower, float upper, double quantile)
    {
        if (!float.IsFinite(lower) || !float.IsFinite(upper) || upper < lower)
        {
            throw new ArgumentException($"Quantization range [{lower}, {upper}] is not a finite, ordered range.");
        }

        Lower = lower;
        Upper = upper;
        Quantile = quantile;
        Offset = (float)((lower + (double)upper) / 2);
        double scale = (upper - (double)lower) / (2 * MaxCode);
        // A constant column of data has no width; any positive scale encodes it as code 0 exactly.
        double floor = Math.Max(Math.Abs((double)Offset), 1.0) * 1e-7;
        Scale = (float)Math.Max(scale, floor);
        InverseScale = 1f / Scale;
    }

    /// <summary>Value mapped to code −127.</summary>
    public float Lower { get; }

    /// <summary>Value mapped to code 127.</summary>
    public float Upper { get; }

    /// <summary>The central fraction of the calibration sample the range covers.</summary>
    public double Quantile { get; }

    /// <summary>Value mapped to code 0: the middle of the range.</summary>
    public float Offset { get; }

    /// <summary>Width of one code step.</summary>
    public float Scale { get; }

    public float InverseScale { get; }

    /// <summary>
    /// Calibrates from a sample: the range spans the <c>(1 − q)/2</c> and <c>(1 + q)/2</c> quantiles,
    /// so rare outliers clip instead of spreading the codes of every ordinary value.
    /// </summary>
    /// <param name="sample">The values; reordered in place.</param>
    /// <param name="quantile">Central fraction kept, 0.5 to 1.</param>
    public static ScalarQuantizer Calibrate(Span<float> sample, double quantile)
    {
        if (sample.IsEmpty)
        {
            return new ScalarQuantizer(-1f, 1f, quantile);
        }

        sample.Sort();
        int last = sample.Length - 1;
        double tail = (1 - quantile) / 2;
        int lowIndex = (int)Math.Floor(tail * last);
        int highIndex = (int)Math.Ceiling((1 - tail) * last);
        return new ScalarQuantizer(sample[lowIndex], sample[highIndex], quantile);
    }

    /// <summary>Encodes <paramref name="values"/>; returns how many clipped, how many fell in the inner quarter, and the code sum.</summary>
    public EncodeStatistics Encode(ReadOnlySpan<float> values, Span<sbyte> codes)
    {
        if (codes.Length < values.Length)
        {
            ThrowCodesTooShort();
        }

        float offset = Offset;
        float inverse = InverseScale;
        int clipped = 0;
        int inner = 0;
        int sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            float scaled = MathF.Round((values[i] - offset) * inverse);
            int code;
            if (scaled > MaxCode)
            {
                code = MaxCode;
                clipped++;
            }
            else if (scaled < -MaxCode)
            {
                code = -MaxCode;
                clipped++;
            }
            else
            {
                code = (int)scaled;
            }

            if (code is > -InnerQuarter and < InnerQuarter)
            {
                inner++;
            }

            codes[i] = (sbyte)code;
            sum += code;
        }

        return new EncodeStatistics(clipped, inner, sum);
    }

    /// <summary>
    /// Encodes a query (no statistics but the code sum), vectorised: it runs once per search.
    /// Same codes as <see cref="Encode"/>: round half to even, then clamp to ±127.
    /// </summary>
    public int EncodeQuery(ReadOnlySpan<float> values, Span<sbyte> codes) => EncodeQuery(values, codes, 0);

    /// <summary>
    /// Encodes a query for the dot-product kernel: the codes of <see cref="EncodeQuery(ReadOnlySpan{float}, Span{sbyte})"/>
    /// in offset binary, <c>code + 128</c> as an unsigned byte (docs/quantization.md). Returns the sum
    /// of the signed codes.
    /// </summary>
    public int EncodeQueryOffsetBinary(ReadOnlySpan<float> values, Span<byte> codes) =>
        EncodeQuery(values, MemoryMarshal.Cast<byte, sbyte>(codes), sbyte.MinValue);

    /// <summary>Sum of a code vector, the <c>Σ cᵢ</c> of the corrections.</summary>
    public static int CodeSum(ReadOnlySpan<sbyte> codes)
    {
        int i = 0;
        int sum = 0;
        if (Vector128.IsHardwareAccelerated && codes.Length >= 16)
        {
            // An int32 lane gains at most 4 · 128 per 16 codes, so it cannot overflow below 2²⁶ codes.
            Vector128<int> sums = Vector128<int>.Zero;
            ref sbyte source = ref MemoryMarshal.GetReference(codes);
            for (; i + 16 <= codes.Length; i += 16)
            {
                (Vector128<short> low, Vector128<short> high) = Vector128.Widen(Vector128.LoadUnsafe(ref source, (nuint)i));
                (Vector128<int> lower, Vector128<int> upper) = Vector128.Widen(low + high);
                sums += lower + upper;
            }

            sum = Vector128.Sum(sums);
        }

        for (; i < codes.Length; i++)
        {
            sum += codes[i];
        }

        return sum;
    }

    // flip is XORed into every code byte: 0 for plain codes, −128 (0x80) for offset binary.
    private int EncodeQuery(ReadOnlySpan<float> values, Span<sbyte> codes, sbyte flip)
    {
        if (codes.Length < values.Length)
        {
            ThrowCodesTooShort();
        }

        int i = 0;
        int sum = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= 16)
        {
            Vector256<float> offset = Vector256.Create(Offset);
            Vector256<float> inverse = Vector256.Create(InverseScale);
            Vector256<float> max = Vector256.Create((float)MaxCode);
            Vector256<float> min = Vector256.Create((float)-MaxCode);
            Vector256<int> sums = Vector256<int>.Zero;
            ref float source = ref MemoryMarshal.GetReference(values);
            ref sbyte target = ref MemoryMarshal.GetReference(codes);
            for (; i + 16 <= values.Length; i += 16)
            {
                Vector256<int> low = Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Vector256.Round((Vector256.LoadUnsafe(ref source, (nuint)i) - offset) * inverse), min), max));
                Vector256<int> high = Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Vector256.Round((Vector256.LoadUnsafe(ref source, (nuint)(i + 8)) - offset) * inverse), min), max));
                sums += low + high;
                Vector256<short> narrow = Vector256.Narrow(low, high);
                Vector128<sbyte> packed = Vector128.Narrow(narrow.GetLower(), narrow.GetUpper()) ^ Vector128.Create(flip);
                packed.StoreUnsafe(ref target, (nuint)i);
            }

            sum = Vector256.Sum(sums);
        }

        for (; i < values.Length; i++)
        {
            int code = (int)Math.Clamp(MathF.Round((values[i] - Offset) * InverseScale), -MaxCode, MaxCode);
            codes[i] = (sbyte)((sbyte)code ^ flip);
            sum += code;
        }

        return sum;
    }

    /// <summary>Decodes codes back to approximate values.</summary>
    public void Decode(ReadOnlySpan<sbyte> codes, Span<float> values)
    {
        for (int i = 0; i < codes.Length; i++)
        {
            values[i] = Offset + (Scale * codes[i]);
        }
    }

    /// <summary>
    /// The per-vector term of the dot product of dequantized vectors, <c>Offset · Scale · Σ codes</c>
    /// (docs/quantization.md, equation 2).
    /// </summary>
    /// <remarks>The query's correction, and what the index file stores per node.</remarks>
    public float Correction(int codeSum) => (float)((double)Offset * Scale * codeSum);

    /// <summary>
    /// The correction a stored node carries in memory for the offset-binary dot kernel,
    /// <c>Offset · Scale · Σ codes − 128 · Scale² · Σ codes</c> (docs/quantization.md, equation 3).
    /// </summary>
    public float NodeCorrection(int codeSum) => (float)((double)Scale * codeSum * (Offset - (128.0 * Scale)));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowCodesTooShort() => throw new ArgumentException("The code buffer is shorter than the values.");
}

/// <summary>Outcome of encoding one vector.</summary>
internal readonly record struct EncodeStatistics(int Clipped, int Inner, int CodeSum);
