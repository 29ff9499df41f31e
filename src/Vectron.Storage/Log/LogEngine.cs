using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using Vectron.Storage.Files;

namespace Vectron.Storage.Log;

/// <summary>
/// The node's write-ahead log, shared by every Raft group on the node. Callers hand in <see cref="WriteBatch"/>es;
/// one writer thread gathers every batch waiting, writes them as one log batch ending in a commit frame, and issues a
/// single checked <c>fdatasync</c>, so a hundred groups cost one sync, not a hundred. Per group the engine serves
/// ranges of entries, terms, the hard state, suffix truncation and prefix compaction; segments no group needs are
/// deleted. See docs/formats/log.md for the bytes.
/// </summary>
/// <remarks>
/// Thread-safe: any number of threads may write and read. A write completes only when its bytes are durable; reads
/// see only durable state. A failed write or sync stops the engine for good and calls
/// <see cref="LogEngineOptions.OnFatalError"/> (by default the process stops), because after a failed fsync the
/// page cache no longer tells what is on disk.
/// </remarks>
public sealed partial class LogEngine : IDisposable, IAsyncDisposable
{
    private readonly LogEngineOptions _options;
    private readonly IFileSystem _fileSystem;
    private readonly string _directory;

    // Durable state. The writer thread is its only mutator and publishes under the write lock; readers take the
    // read lock for the lookup and the file read, so a segment is never closed under a reader.
    private readonly ReaderWriterLockSlim _durableLock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<ulong, GroupLog> _groups = [];
    private readonly List<Segment> _segments = [];

    // Accepting state, guarded by _queueLock: the tail of every group as the queued batches will leave it (so a batch
    // is validated against everything queued before it), the queue itself and the unsynced byte count.
    private readonly Lock _queueLock = new();
    private readonly Dictionary<ulong, Tail> _tails = [];
    private readonly Dictionary<ulong, Tail> _scratchTails = [];
    private List<WriteRequest> _queue = [];
    // Set when the queue becomes non-empty (and at stop); never spins itself (see WaitForWork).
    private readonly ManualResetEventSlim _queueSignal = new(initialState: false, spinCount: 0);
    private long _unsyncedBytes;
    private TaskCompletionSource? _spaceAvailable;
    private Exception? _failure;
    private bool _stopping;

    private readonly Thread _writer;
    private readonly Meter _meter;
    private readonly Histogram<double> _syncDuration;
    private long _batches;
    private long _syncs;
    private long _bytesWritten;
    private long _syncTicks;

    private LogEngine(LogEngineOptions options)
    {
        _options = options;
        _fileSystem = options.FileSystem;
        _directory = options.Directory;
        _meter = new Meter("Vectron.Storage.Log");
        _meter.CreateObservableCounter("vectron.log.batches", () => Interlocked.Read(ref _batches), description: "Log batches written, one sync each");
        _meter.CreateObservableCounter("vectron.log.bytes", () => Interlocked.Read(ref _bytesWritten), unit: "By", description: "Bytes written to log segments");
        _meter.CreateObservableUpDownCounter("vectron.log.unsynced_bytes", () => Interlocked.Read(ref _unsyncedBytes), unit: "By", description: "Bytes accepted and not yet durable");
        _syncDuration = _meter.CreateHistogram<double>("vectron.log.sync.duration", unit: "ms", description: "fdatasync latency of the log writer");
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "vectron-log-writer" };
        Recovery = null!;
    }

    /// <summary>What opening the log found and repaired.</summary>
    public LogRecoveryReport Recovery { get; private set; }

    /// <summary>
    /// Opens the log in <see cref="LogEngineOptions.Directory"/>, creating it if empty, and rebuilds every group's index
    /// from the segments. An incomplete batch at the very end (a crash mid-write; never acknowledged) is cut and reported
    /// in <see cref="Recovery"/>.
    /// </summary>
    /// <exception cref="LogCorruptionException">Damage where acknowledged data lives; the message names the file and offset.</exception>
    /// <exception cref="IOException">The directory could not be read or repaired.</exception>
    public static LogEngine Open(LogEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var engine = new LogEngine(options);
        try
        {
            engine.Recover();
        }
        catch
        {
            engine.CloseSegments();
            engine._meter.Dispose();
            throw;
        }

        engine._writer.Start();
        return engine;
    }

    /// <summary>
    /// Makes <paramref name="batch"/> durable together with every batch waiting beside it. The batch is checked against
    /// every batch accepted before it (appends must follow the group's last index, truncations and compactions must
    /// lie in range); a bad batch throws and changes nothing. The returned task completes when the batch is synced,
    /// then its effects are visible to readers. Do not touch the batch until then.
    /// </summary>
    /// <param name="batch">The changes.</param>
    /// <param name="cancellationToken">Cancels only the wait for room when too many bytes are unsynced; an accepted batch is always written.</param>
    /// <exception cref="ArgumentException">The batch does not fit the groups' logs (the message says how).</exception>
    /// <exception cref="StorageFailedException">The engine stopped after a write or sync failure.</exception>
    public Task WriteAsync(WriteBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.IsEmpty)
        {
            return Task.CompletedTask;
        }

        lock (_queueLock)
        {
            ThrowIfStopped();
            if (HasRoom(batch.ByteCount))
            {
                return Enqueue(batch);
            }
        }

        return WriteWhenRoomAsync(batch, cancellationToken);
    }

    /// <summary>The groups that have anything in the log.</summary>
    public IReadOnlyList<ulong> GroupIds
    {
        get
        {
            _durableLock.EnterReadLock();
            try
            {
                return [.. _groups.Keys];
            }
            finally
            {
                _durableLock.ExitReadLock();
            }
        }
    }

    /// <summary>What the log durably holds for a group, or null when it holds nothing.</summary>
    public LogGroupInfo? GetGroup(ulong groupId)
    {
        _durableLock.EnterReadLock();
        try
        {
            return _groups.TryGetValue(groupId, out var group) ? group.Info : null;
        }
        finally
        {
            _durableLock.ExitReadLock();
        }
    }

    /// <summary>The term of a retained index (or of the compaction point); false when the index is compacted away or beyond the last.</summary>
    public bool TryGetTerm(ulong groupId, ulong index, out ulong term)
    {
        _durableLock.EnterReadLock();
        try
        {
            if (_groups.TryGetValue(groupId, out var group))
            {
                return group.TryGetTerm(index, out term);
            }

            term = 0;
            return index == 0;
        }
        finally
        {
            _durableLock.ExitReadLock();
        }
    }

    /// <summary>
    /// Reads the entries <c>[fromIndex, toIndex)</c> of a group into <paramref name="into"/>, stopping before the entry that
    /// would take the payload total past <paramref name="maxBytes"/> (at least one entry is always read).
    /// </summary>
    /// <returns><see cref="LogReadStatus.Compacted"/> when <paramref name="fromIndex"/> is at or below the compaction point;
    /// <see cref="LogReadStatus.Unavailable"/> when <paramref name="toIndex"/> is past the last index + 1.</returns>
    /// <exception cref="LogCorruptionException">A frame's checksum no longer matches (the disk corrupted it after it was written).</exception>
    public LogReadStatus ReadEntries(ulong groupId, ulong fromIndex, ulong toIndex, long maxBytes, ICollection<LogEntry> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (toIndex < fromIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(toIndex), $"the range [{fromIndex}, {toIndex}) is reversed");
        }

        _durableLock.EnterReadLock();
        try
        {
            // A group the log has never seen reads as an empty log: compacted through 0, last index 0.
            _groups.TryGetValue(groupId, out var group);
            if (fromIndex <= (group?.CompactedIndex ?? 0))
            {
                return LogReadStatus.Compacted;
            }

            if (toIndex > (group?.LastIndex ?? 0) + 1)
            {
                return LogReadStatus.Unavailable;
            }

            if (group is not null && fromIndex < toIndex)
            {
                ReadFrames(group, fromIndex, toIndex, maxBytes, into);
            }

            return LogReadStatus.Ok;
        }
        finally
        {
            _durableLock.ExitReadLock();
        }
    }

    /// <summary>The groups that still need the oldest segment: snapshot and compact them to let it be deleted.</summary>
    public IReadOnlyList<ulong> GroupsPinningOldestSegment()
    {
        _durableLock.EnterReadLock();
        try
        {
            if (_segments.Count < 2)
            {
                return [];
            }

            long oldest = _segments[0].Sequence;
            var pinning = new List<ulong>();
            foreach (var group in _groups.Values)
            {
                if (group.Frames.Count > 0 && group.Frames[0].Segment == oldest)
                {
                    pinning.Add(group.GroupId);
                }
            }

            pinning.Sort();
            return pinning;
        }
        finally
        {
            _durableLock.ExitReadLock();
        }
    }

    /// <summary>Counters since open.</summary>
    public LogEngineStats Stats
    {
        get
        {
            int segments;
            _durableLock.EnterReadLock();
            try
            {
                segments = _segments.Count;
            }
            finally
            {
                _durableLock.ExitReadLock();
            }

            return new LogEngineStats(Interlocked.Read(ref _batches), Interlocked.Read(ref _syncs), Interlocked.Read(ref _bytesWritten), segments, Interlocked.Read(ref _unsyncedBytes), TimeSpan.FromTicks(Interlocked.Read(ref _syncTicks)));
        }
    }

    /// <summary>Writes what is queued, stops the writer and closes the files.</summary>
    public void Dispose()
    {
        lock (_queueLock)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
        }

        _queueSignal.Set();
        if (_writer.IsAlive)
        {
            _writer.Join();
        }

        CloseSegments();
        _meter.Dispose();
        _queueSignal.Dispose();
        _durableLock.Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WriteWhenRoomAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        Task room;
        while (true)
        {
            lock (_queueLock)
            {
                ThrowIfStopped();
                if (HasRoom(batch.ByteCount))
                {
                    room = Enqueue(batch);
                    break;
                }

                _spaceAvailable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                room = _spaceAvailable.Task;
            }

            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Here 'room' is the write itself.
        await room.ConfigureAwait(false);
    }

    // Callers hold _queueLock. A batch larger than the bound is let through when nothing else is unsynced.
    private bool HasRoom(int bytes) => _unsyncedBytes == 0 || _unsyncedBytes + bytes <= _options.MaxUnsyncedBytes;

    // Validates against the queued tails and queues. Callers hold _queueLock.
    private Task Enqueue(WriteBatch batch)
    {
        Validate(batch);
        foreach (var (groupId, tail) in _scratchTails)
        {
            _tails[groupId] = tail;
        }

        var request = new WriteRequest(batch);
        _queue.Add(request);
        _unsyncedBytes += batch.ByteCount;
        if (_queue.Count == 1)
        {
            _queueSignal.Set();
        }

        return request.Completion.Task;
    }

    private void Validate(WriteBatch batch)
    {
        _scratchTails.Clear();
        foreach (var operation in batch.Operations)
        {
            ref var tail = ref CollectionsMarshal.GetValueRefOrAddDefault(_scratchTails, operation.GroupId, out bool existed);
            if (!existed)
            {
                tail = _tails.GetValueOrDefault(operation.GroupId);
            }

            switch (operation.Kind)
            {
                case FrameKind.Entries:
                    if (operation.A != tail.Last + 1)
                    {
                        throw new ArgumentException(
                            $"group {operation.GroupId}: an append starting at index {operation.A} does not follow the last index {tail.Last}"
                            + (operation.A <= tail.Last ? "; truncate the suffix first to replace entries" : string.Empty), nameof(batch));
                    }

                    tail.Last += operation.B;
                    break;
                case FrameKind.Truncation:
                    if (operation.A <= tail.Compacted || operation.A > tail.Last + 1)
                    {
                        throw new ArgumentException(
                            $"group {operation.GroupId}: cannot truncate from index {operation.A}; the retained entries are [{tail.Compacted + 1}, {tail.Last}]", nameof(batch));
                    }

                    tail.Last = operation.A - 1;
                    break;
                case FrameKind.Compaction:
                    if (operation.A > tail.Compacted)
                    {
                        tail.Compacted = operation.A;
                        tail.Last = Math.Max(tail.Last, operation.A);
                    }

                    break;
                case FrameKind.HardState:
                    break;
                default:
                    throw new InvalidOperationException($"a batch cannot hold a {operation.Kind} frame");
            }
        }
    }

    private void ThrowIfStopped()
    {
        if (_failure is not null)
        {
            throw new StorageFailedException($"the log stopped after a write failure: {_failure.Message}", _failure);
        }

        ObjectDisposedException.ThrowIf(_stopping, this);
    }

    private void ReadFrames(GroupLog group, ulong fromIndex, ulong toIndex, long maxBytes, ICollection<LogEntry> into)
    {
        long total = 0;
        ulong index = fromIndex;
        for (int f = group.FrameIndexOf(fromIndex); f < group.Frames.Count && index < toIndex; f++)
        {
            var location = group.Frames[f];
            var segment = FindSegment(location.Segment);
            byte[] frame = ArrayPool<byte>.Shared.Rent(location.Length);
            try
            {
                var bytes = frame.AsSpan(0, location.Length);
                if (segment.File.Read(location.Offset, bytes) != location.Length || !LogFormat.ChecksumMatches(bytes))
                {
                    throw new LogCorruptionException(segment.Path, location.Offset, $"the entries frame of group {group.GroupId} (indexes {location.FirstIndex}..{location.LastIndex}) no longer matches its checksum");
                }

                var payload = bytes[LogFormat.FrameHeaderSize..];
                int position = 12;
                for (int i = 0; i < location.Count && index < toIndex; i++)
                {
                    ulong term = BinaryPrimitives.ReadUInt64LittleEndian(payload[position..]);
                    int length = BinaryPrimitives.ReadInt32LittleEndian(payload[(position + 8)..]);
                    ulong entryIndex = location.FirstIndex + (ulong)i;
                    if (entryIndex == index)
                    {
                        if (total + length > maxBytes && index > fromIndex)
                        {
                            return;
                        }

                        into.Add(new LogEntry(index, term, payload.Slice(position + 12, length).ToArray()));
                        total += length;
                        index++;
                    }

                    position += 12 + length;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }
    }

    private Segment FindSegment(long sequence)
    {
        foreach (var segment in _segments)
        {
            if (segment.Sequence == sequence)
            {
                return segment;
            }
        }

        throw new InvalidOperationException($"segment {sequence} is referenced but not open");
    }

    private void CloseSegments()
    {
        foreach (var segment in _segments)
        {
            segment.Dispose();
        }

        _segments.Clear();
    }

    private struct Tail
    {
        public ulong Last;
        public ulong Compacted;
    }

    private sealed class WriteRequest(WriteBatch batch)
    {
        public WriteBatch Batch { get; } = batch;

        public TaskCompletionSource Completion { get; } = new(batch.ContinueOnWriterThread ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The outcome of <see cref="LogEngine.ReadEntries"/>.</summary>
public enum LogReadStatus
{
    /// <summary>The entries were read.</summary>
    Ok,

    /// <summary>The start of the range was compacted away (a snapshot must be sent instead).</summary>
    Compacted,

    /// <summary>The range reaches past the last durable entry.</summary>
    Unavailable,
}
