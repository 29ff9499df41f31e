using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vectron.Index;

/// <summary>Validation of caller-supplied vectors, vectorised because it runs on every insert and search.</summary>
internal static class VectorChecks
{
    /// <summary>Index of the first NaN or infinite component, or −1 when all are finite.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        ref float start = ref MemoryMarshal.GetReference(values);
        nuint length = (nuint)values.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<float>.Count)
        {
            // x − x is 0 for every finite x and NaN for NaN and ±∞.
            for (; i + (nuint)Vector256<float>.Count <= length; i += (nuint)Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref start, i);
                if (!Vector256.EqualsAll(v - v, Vector256<float>.Zero))
                {
                    return FirstNonFiniteScalar(values, (int)i);
                }
            }
        }

        return FirstNonFiniteScalar(values, (int)i);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int FirstNonFiniteScalar(ReadOnlySpan<float> values, int from)
    {
        for (int i = from; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
