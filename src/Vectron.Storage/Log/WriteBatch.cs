using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Vectron.Storage.Log;

/// <summary>
/// Changes to one or more groups' logs that become durable together: <see cref="LogEngine.WriteAsync"/> writes the
/// whole batch (and every batch waiting with it) with one sync, and recovery restores all of it or none of it.
/// Frames are encoded here, on the caller's thread, so the engine's single writer only gathers and writes bytes.
/// </summary>
/// <remarks>Not thread-safe. Reusable after the write that took it has completed (call <see cref="Clear"/>).</remarks>
public sealed class WriteBatch
{
    private byte[] _buffer;
    private readonly List<BatchOperation> _operations = [];

    /// <summary>Creates an empty batch.</summary>
    public WriteBatch(int initialCapacity = 4096)
    {
        _buffer = new byte[Math.Max(initialCapacity, 64)];
    }

    /// <summary>The bytes the batch can hold before its buffer grows.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Encoded bytes so far.</summary>
    public int ByteCount { get; private set; }

    /// <summary>Whether nothing has been added.</summary>
    public bool IsEmpty => _operations.Count == 0;

    /// <summary>
    /// Whether the continuations of <see cref="LogEngine.WriteAsync"/>'s task run on the engine's writer thread right
    /// after the sync, with no thread hop (default: on the thread pool). Only for a caller that is in effect the
    /// engine's only writer (the Raft host's loop, which has nothing else to write until it continues) and whose
    /// continuation never blocks: the writer starts no other sync while the continuation runs.
    /// </summary>
    public bool ContinueOnWriterThread { get; set; }

    internal ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, ByteCount);

    internal List<BatchOperation> Operations => _operations;

    /// <summary>Appends consecutive entries to a group's log; the first must follow the group's last index.</summary>
    /// <exception cref="ArgumentException">The entries are empty, not consecutive, go back in term, or exceed the frame limit.</exception>
    public void Append(ulong groupId, ReadOnlySpan<LogEntry> entries)
    {
        if (entries.IsEmpty)
        {
            throw new ArgumentException("an append needs at least one entry", nameof(entries));
        }

        long payload = 12;
        for (int i = 0; i < entries.Length; i++)
        {
            if (i > 0 && entries[i].Index != entries[i - 1].Index + 1)
            {
                throw new ArgumentException($"entries must be consecutive: index {entries[i].Index} follows {entries[i - 1].Index}", nameof(entries));
            }

            if (i > 0 && entries[i].Term < entries[i - 1].Term)
            {
                throw new ArgumentException($"terms must not decrease: entry {entries[i].Index} has term {entries[i].Term} after term {entries[i - 1].Term}", nameof(entries));
            }

            payload += 12 + entries[i].Data.Length;
        }

        if (entries[0].Index == 0)
        {
            throw new ArgumentException("log indexes start at 1", nameof(entries));
        }

        if (payload > LogFormat.MaxFramePayload)
        {
            throw new ArgumentException($"one append may carry at most {LogFormat.MaxFramePayload} bytes; split these {entries.Length} entries ({payload} bytes) over several appends", nameof(entries));
        }

        int start = Reserve((int)payload);
        var frame = _buffer.AsSpan(start, LogFormat.FrameHeaderSize + (int)payload);
        var body = frame[LogFormat.FrameHeaderSize..];
        BinaryPrimitives.WriteUInt64LittleEndian(body, entries[0].Index);
        BinaryPrimitives.WriteInt32LittleEndian(body[8..], entries.Length);
        int position = 12;
        foreach (var entry in entries)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(body[position..], entry.Term);
            BinaryPrimitives.WriteInt32LittleEndian(body[(position + 8)..], entry.Data.Length);
            entry.Data.Span.CopyTo(body[(position + 12)..]);
            position += 12 + entry.Data.Length;
        }

        LogFormat.SealFrame(frame, FrameKind.Entries, groupId, (int)payload);
        _operations.Add(new BatchOperation(FrameKind.Entries, groupId, entries[0].Index, (ulong)entries.Length, 0, start, frame.Length));
    }

    /// <summary>Appends one entry (see <see cref="Append(ulong, ReadOnlySpan{LogEntry})"/>).</summary>
    public void Append(ulong groupId, ulong index, ulong term, ReadOnlyMemory<byte> data)
    {
        var entry = new LogEntry(index, term, data);
        Append(groupId, new ReadOnlySpan<LogEntry>(in entry));
    }

    /// <summary>Persists a group's hard state.</summary>
    public void SetHardState(ulong groupId, HardState state)
    {
        var body = Add(FrameKind.HardState, groupId, 24, state.Term, state.Vote, state.Commit);
        BinaryPrimitives.WriteUInt64LittleEndian(body, state.Term);
        BinaryPrimitives.WriteUInt64LittleEndian(body[8..], state.Vote);
        BinaryPrimitives.WriteUInt64LittleEndian(body[16..], state.Commit);
        Seal();
    }

    /// <summary>Discards a group's entries from <paramref name="fromIndex"/> on (a follower's conflicting tail).</summary>
    public void TruncateSuffix(ulong groupId, ulong fromIndex)
    {
        if (fromIndex == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fromIndex), "log indexes start at 1");
        }

        var body = Add(FrameKind.Truncation, groupId, 8, fromIndex, 0, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(body, fromIndex);
        Seal();
    }

    /// <summary>
    /// Drops a group's entries through <paramref name="throughIndex"/>, whose term is <paramref name="term"/> (after a snapshot
    /// at that index). When the index is past the group's last entry the whole log is dropped and the next append must
    /// follow <paramref name="throughIndex"/>: this is how a follower adopts a snapshot it was sent.
    /// </summary>
    public void Compact(ulong groupId, ulong throughIndex, ulong term)
    {
        if (throughIndex == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(throughIndex), "log indexes start at 1");
        }

        var body = Add(FrameKind.Compaction, groupId, 16, throughIndex, term, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(body, throughIndex);
        BinaryPrimitives.WriteUInt64LittleEndian(body[8..], term);
        Seal();
    }

    /// <summary>Empties the batch for reuse.</summary>
    public void Clear()
    {
        _operations.Clear();
        ByteCount = 0;
    }

    private Span<byte> Add(FrameKind kind, ulong groupId, int payload, ulong a, ulong b, ulong c)
    {
        int start = Reserve(payload);
        _operations.Add(new BatchOperation(kind, groupId, a, b, c, start, LogFormat.FrameHeaderSize + payload));
        return _buffer.AsSpan(start + LogFormat.FrameHeaderSize, payload);
    }

    private void Seal()
    {
        var operation = _operations[^1];
        LogFormat.SealFrame(_buffer.AsSpan(operation.Offset, operation.Length), operation.Kind, operation.GroupId, operation.Length - LogFormat.FrameHeaderSize);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Reserve(int payload)
    {
        int start = ByteCount;
        int needed = start + LogFormat.FrameHeaderSize + payload;
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, (int)Math.Min(Math.Max((long)_buffer.Length * 2, needed), Array.MaxLength));
        }

        ByteCount = needed;
        return start;
    }
}

/// <summary>One frame of a batch, as the engine validates and indexes it: for entries A = first index and B = count;
/// for a hard state A, B, C = term, vote, commit; for a truncation A = from index; for a compaction A = index, B = term.</summary>
internal readonly record struct BatchOperation(FrameKind Kind, ulong GroupId, ulong A, ulong B, ulong C, int Offset, int Length);
