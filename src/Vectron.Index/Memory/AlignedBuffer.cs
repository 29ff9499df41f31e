using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vectron.Index.Memory;

/// <summary>A pinned array whose usable part starts on a 64-byte boundary (for the query the SIMD kernels read most).</summary>
/// <remarks>Not thread-safe; owned by one <see cref="Search.SearchContext"/>.</remarks>
internal sealed class AlignedBuffer<T>
    where T : unmanaged
{
    private const int Alignment = 64;

    public AlignedBuffer(int length)
    {
        Length = length;
        Array = GC.AllocateArray<T>(length + (Alignment / Unsafe.SizeOf<T>()), pinned: true);
        Start = ((Alignment - (int)(AddressOf(Array) & (Alignment - 1))) & (Alignment - 1)) / Unsafe.SizeOf<T>();
    }

    /// <summary>The whole pinned array.</summary>
    public T[] Array { get; }

    /// <summary>Index of the first aligned element.</summary>
    public nint Start { get; }

    public int Length { get; }

    public Span<T> Span => MemoryMarshal.CreateSpan(ref First, Length);

    public ref T First => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Array), Start);

    private static unsafe nint AddressOf(T[] pinnedArray) =>
        // Safe: the array is on the pinned object heap, so its address is stable for its lifetime.
        (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinnedArray));
}
