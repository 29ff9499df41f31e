using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vectron.Index.Memory;

/// <summary>
/// A growable table of fixed-width rows kept in chunks that never move once allocated, so readers
/// can hold a reference into a row while writers append new rows on other threads.
/// </summary>
/// <remarks>
/// Thread-safety: <see cref="EnsureCapacity"/> may run concurrently with readers and with writers of
/// other rows. Growth replaces the chunk table (copy on grow, published with a volatile write); the
/// chunks themselves are never copied or freed, so a row reference taken from an old table stays
/// valid. Chunks of unmanaged element types are allocated on the pinned object heap, so a pointer
/// taken from a row (for a prefetch hint) stays valid too, and their first row starts on a 64-byte
/// boundary. With <c>alignRows</c> every row does: the stride is padded to a multiple of 64 bytes
/// (16 for rows under 256 bytes, where padding would cost too much memory), because SIMD kernels
/// on aligned rows run up to twice as fast. Writes to one row must be serialised by the caller.
/// </remarks>
internal sealed class RowStore<T>
{
    private const int TargetChunkBytes = 1 << 20;
    private const int Alignment = 64;

    private readonly Lock _growLock = new();
    private readonly int _shift;
    private readonly int _mask;
    private readonly int _width;
    private readonly int _stride;
    private RowChunk<T>[] _chunks;

    // Address of row 0 of every chunk (unmanaged element types only; chunks are pinned), published
    // before the chunk table so any row a reader can see through the table is covered here too.
    private nint[] _addresses;

    public RowStore(int width, int initialRows = 0, bool alignRows = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        _width = width;
        int elementSize = RuntimeHelpers.IsReferenceOrContainsReferences<T>() ? IntPtr.Size : Unsafe.SizeOf<T>();
        int rowBytes = width * elementSize;
        if (alignRows)
        {
            int boundary = rowBytes >= 256 ? Alignment : 16;
            rowBytes = (rowBytes + boundary - 1) / boundary * boundary;
        }

        _stride = rowBytes / elementSize;
        // Rows per chunk: a power of two near TargetChunkBytes, at least 64 so tiny rows do not make tiny chunks.
        int rows = Math.Max(64, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, TargetChunkBytes / rowBytes)) >> 1);
        _shift = BitOperations.Log2((uint)rows);
        _mask = rows - 1;
        _chunks = [];
        _addresses = [];
        EnsureCapacity(initialRows);
    }

    /// <summary>Number of elements in one row.</summary>
    public int Width => _width;

    /// <summary>Elements from one row's start to the next's (≥ <see cref="Width"/>).</summary>
    public int Stride => _stride;

    /// <summary>Whether rows follow each other without padding, so a run of rows is one span.</summary>
    public bool IsDense => _stride == _width;

    /// <summary>Rows that can be addressed without growing.</summary>
    public int Capacity => Volatile.Read(ref _chunks).Length << _shift;

    /// <summary>Rows per chunk (a power of two).</summary>
    public int RowsPerChunk => _mask + 1;

    /// <summary>Makes rows <c>[0, rows)</c> addressable.</summary>
    public void EnsureCapacity(int rows)
    {
        if (rows <= Capacity)
        {
            return;
        }

        lock (_growLock)
        {
            RowChunk<T>[] old = _chunks;
            int needed = (int)(((long)rows + _mask) >> _shift);
            if (needed <= old.Length)
            {
                return;
            }

            var grown = new RowChunk<T>[Math.Max(needed, old.Length * 2)];
            Array.Copy(old, grown, old.Length);
            for (int i = old.Length; i < grown.Length; i++)
            {
                grown[i] = AllocateChunk((_mask + 1) * _stride);
            }

            var addresses = new nint[grown.Length];
            if (!RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            {
                for (int i = 0; i < grown.Length; i++)
                {
                    addresses[i] = AddressOf(grown[i].Array) + (grown[i].Start * Unsafe.SizeOf<T>());
                }
            }

            // Publish only after every new chunk exists: a reader that sees the new table can use all of it.
            Volatile.Write(ref _addresses, addresses);
            Volatile.Write(ref _chunks, grown);
        }
    }

    /// <summary>Reference to the first element of a row; the caller guarantees <paramref name="row"/> &lt; <see cref="Capacity"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Row(int row)
    {
        ref RowChunk<T> chunk = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Volatile.Read(ref _chunks)), row >> _shift);
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(chunk.Array), chunk.Start + ((nint)(row & _mask) * _stride));
    }

    /// <summary>
    /// A snapshot of the chunk table for a hot loop: rows below its <see cref="RowView{T}.Capacity"/>
    /// can be read without touching this store again (chunks never move, so the snapshot stays valid).
    /// </summary>
    /// <remarks>Only for unmanaged element types (rows are addressed through the pinned chunks' addresses).</remarks>
    public RowView<T> View()
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            throw new InvalidOperationException("Row views address pinned memory; they exist only for unmanaged element types.");
        }

        // A table can only be newer than the addresses read after it if it grew in between; then
        // the older (shorter) of the two bounds the view, which Capacity reports.
        RowChunk<T>[] chunks = Volatile.Read(ref _chunks);
        nint[] addresses = Volatile.Read(ref _addresses);
        int count = Math.Min(chunks.Length, addresses.Length);
        return new RowView<T>(addresses, count << _shift, _shift, _mask, _stride * Unsafe.SizeOf<T>());
    }

    /// <summary>A row as a span, bounds-checked against the capacity.</summary>
    public Span<T> RowSpan(int row)
    {
        if ((uint)row >= (uint)Capacity)
        {
            ThrowRowOutOfRange(row);
        }

        return MemoryMarshal.CreateSpan(ref Row(row), _width);
    }

    /// <summary>
    /// The contiguous span of rows <c>[first, first + count)</c> that lie in one chunk, starting at
    /// <paramref name="first"/>; only for dense stores (<see cref="IsDense"/>).
    /// </summary>
    public Span<T> ChunkSpan(int first, int count)
    {
        if (!IsDense)
        {
            throw new InvalidOperationException("A padded row store has no contiguous runs of rows.");
        }

        int inChunk = Math.Min(count, RowsPerChunk - (first & _mask));
        return MemoryMarshal.CreateSpan(ref Row(first), inChunk * _width);
    }

    private static RowChunk<T> AllocateChunk(int elements)
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            return new RowChunk<T>(new T[elements], 0);
        }

        // Pinned, so its address never changes: skip to the first 64-byte boundary once, here.
        int elementSize = Unsafe.SizeOf<T>();
        int slack = Alignment / elementSize;
        T[] array = GC.AllocateArray<T>(elements + slack, pinned: true);
        nint address = AddressOf(array);
        nint start = ((Alignment - (int)(address & (Alignment - 1))) & (Alignment - 1)) / elementSize;
        return new RowChunk<T>(array, start);
    }

    private static unsafe nint AddressOf(T[] pinnedArray) =>
        // Safe: the array is on the pinned object heap, so its address is stable for its lifetime.
        (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinnedArray));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowRowOutOfRange(int row) =>
        throw new ArgumentOutOfRangeException(nameof(row), row, $"row must be below the capacity {Capacity}");

}

/// <summary>One chunk of a <see cref="RowStore{T}"/>: its array and the element where row 0 starts.</summary>
internal readonly record struct RowChunk<T>(T[] Array, nint Start);

/// <summary>
/// A snapshot of a <see cref="RowStore{T}"/>'s chunk addresses, held in a struct so a search loop keeps
/// it in registers: a row's address is one load, a shift, a mask and a multiply-add.
/// </summary>
/// <remarks>
/// The chunks are pinned and kept alive by their store, which outlives every search that holds a
/// view of it (the index owns both), so the addresses stay valid for the view's whole life.
/// </remarks>
internal readonly struct RowView<T>
{
    private readonly nint[] _addresses;
    private readonly int _shift;
    private readonly int _mask;
    private readonly int _strideBytes;

    public RowView(nint[] addresses, int capacity, int shift, int mask, int strideBytes)
    {
        _addresses = addresses;
        Capacity = capacity;
        _shift = shift;
        _mask = mask;
        _strideBytes = strideBytes;
    }

    /// <summary>Rows this snapshot can address.</summary>
    public int Capacity { get; }

    /// <summary>Reference to the first element of a row; the caller guarantees <paramref name="row"/> &lt; <see cref="Capacity"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe ref T Row(int row)
    {
        nint chunk = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_addresses), row >> _shift);
        // Safe: the address is inside a pinned chunk that its store keeps alive (see remarks).
        return ref Unsafe.AsRef<T>((void*)(chunk + ((nint)(row & _mask) * _strideBytes)));
    }
}
