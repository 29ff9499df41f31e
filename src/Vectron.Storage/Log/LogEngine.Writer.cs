using System.Buffers.Binary;
using System.Diagnostics;

namespace Vectron.Storage.Log;

public sealed partial class LogEngine
{
    // Writer-thread state (also set by recovery before the thread starts).
    private long _nextBatchSequence = 1;
    private long _nextSegmentSequence = 1;
    private long _writeOffset;
    private Task<Segment>? _spare;
    private readonly WriteBatch _checkpoint = new();
    private readonly List<ReadOnlyMemory<byte>> _gather = [];
    private readonly byte[] _commitFrame = new byte[LogFormat.CommitFrameSize];
    private readonly List<ulong> _pendingTerms = [];

    // Idle spin (WaitForWork): SpinWait turns as SemaphoreSlim takes them, while IdleSpinPolicy says gaps are short.
    private const int IdleSpinTurns = 35;
    private IdleSpinPolicy _idleSpin = IdleSpinPolicy.Default;

    /// <summary>Where the next batch goes in the newest segment (tests; read only while no write is in flight).</summary>
    internal long WriteOffset => _writeOffset;

    /// <summary>The newest segment's path (tests).</summary>
    internal string NewestSegmentPath => _segments[^1].Path;

    /// <summary>
    /// Waits until the queue is non-empty (or the engine stops). Spins first — yielding, as SemaphoreSlim does —
    /// only while <see cref="IdleSpinPolicy"/> says the recent idle gaps were short enough for a spin to catch the
    /// next batch.
    /// </summary>
    private void WaitForWork()
    {
        long idleSince = Stopwatch.GetTimestamp();
        if (_idleSpin.ShouldSpin)
        {
            var spinner = default(SpinWait);
            while (spinner.Count < IdleSpinTurns)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                if (Volatile.Read(ref _queue).Count > 0 || Volatile.Read(ref _stopping))
                {
                    NoteIdleGap(idleSince);
                    return;
                }
            }
        }

        _queueSignal.Wait();
        NoteIdleGap(idleSince);
    }

    private void NoteIdleGap(long idleSince) => _idleSpin.NoteIdleGap(Stopwatch.GetTimestamp() - idleSince);

    private void WriterLoop()
    {
        var taken = new List<WriteRequest>();
        while (true)
        {
            // Reset before looking: a request queued after the look sets the signal again, so the wait below returns.
            _queueSignal.Reset();
            bool wait = false;
            lock (_queueLock)
            {
                if (_queue.Count > 0)
                {
                    (_queue, taken) = (taken, _queue);
                }
                else if (_stopping)
                {
                    break;
                }
                else
                {
                    wait = true;
                }
            }

            if (wait)
            {
                WaitForWork();
                continue;
            }

            try
            {
                WriteRequests(taken);
            }
            catch (Exception error)
            {
                Fail(error, taken);
                return;
            }

            long bytes = 0;
            foreach (var request in taken)
            {
                bytes += request.Batch.ByteCount;
            }

            TaskCompletionSource? room;
            lock (_queueLock)
            {
                _unsyncedBytes -= bytes;
                room = _spaceAvailable;
                _spaceAvailable = null;
            }

            room?.TrySetResult();
            foreach (var request in taken)
            {
                request.Completion.TrySetResult();
            }

            taken.Clear();
        }

        // A segment made ahead of need and never listed is just closed: the next open removes unlisted files.
        if (_spare is not null)
        {
            try
            {
                _spare.GetAwaiter().GetResult().Dispose();
            }
            catch (IOException)
            {
                // Its creation failed; nothing was listed, nothing is lost.
            }
        }
    }

    // One log batch: [checkpoint frames when the segment is new][every request's frames][commit frame], one write, one sync.
    private void WriteRequests(List<WriteRequest> requests)
    {
        int frames = 0;
        long bytes = 0;
        foreach (var request in requests)
        {
            frames += request.Batch.Operations.Count;
            bytes += request.Batch.ByteCount;
        }

        var segment = _segments[^1];
        if (_writeOffset + bytes + LogFormat.CommitFrameSize > _options.SegmentSize && _writeOffset > LogFormat.SegmentHeaderSize)
        {
            segment = Rotate();
        }

        _gather.Clear();
        int checkpointFrames = 0;
        if (_writeOffset == LogFormat.SegmentHeaderSize)
        {
            // The first batch of a segment restates every group's hard state and compaction point, so once older
            // segments are deleted this one still tells recovery everything that is not an entry.
            EncodeCheckpoint();
            checkpointFrames = _checkpoint.Operations.Count;
            if (checkpointFrames > 0)
            {
                _gather.Add(_checkpoint.Bytes);
                frames += checkpointFrames;
                bytes += _checkpoint.ByteCount;
            }
        }

        foreach (var request in requests)
        {
            _gather.Add(request.Batch.Bytes);
        }

        if (bytes > int.MaxValue - LogFormat.CommitFrameSize)
        {
            throw new InvalidOperationException($"a log batch of {bytes} bytes is over the 2 GiB limit; lower MaxUnsyncedBytes");
        }

        LogFormat.WriteCommit(_commitFrame, _nextBatchSequence, frames, (int)bytes);
        _gather.Add(_commitFrame);

        long start = _writeOffset;
        segment.File.Write(start, _gather);
        long began = _options.TimeProvider.GetTimestamp();
        segment.File.Sync();
        var synced = _options.TimeProvider.GetElapsedTime(began);
        _syncDuration.Record(synced.TotalMilliseconds);
        Interlocked.Add(ref _syncTicks, synced.Ticks);
        Interlocked.Increment(ref _syncs);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _bytesWritten, bytes + LogFormat.CommitFrameSize);
        _nextBatchSequence++;
        _writeOffset = start + bytes + LogFormat.CommitFrameSize;

        // Publish: index the frames where they now live.
        long offset = start + (checkpointFrames > 0 ? _checkpoint.ByteCount : 0);
        _durableLock.EnterWriteLock();
        try
        {
            foreach (var request in requests)
            {
                var source = request.Batch.Bytes.Span;
                foreach (var operation in request.Batch.Operations)
                {
                    string? problem = ApplyFrame(source.Slice(operation.Offset, operation.Length), segment, offset + operation.Offset);
                    if (problem is not null)
                    {
                        throw new InvalidOperationException($"a validated batch did not apply: {problem}");
                    }
                }

                offset += request.Batch.ByteCount;
            }
        }
        finally
        {
            _durableLock.ExitWriteLock();
        }

        DeleteUnneededSegments();
    }

    private void EncodeCheckpoint()
    {
        _checkpoint.Clear();
        foreach (var group in _groups.Values)
        {
            if (group.HardState != default)
            {
                _checkpoint.SetHardState(group.GroupId, group.HardState);
            }

            if (group.CompactedIndex > 0)
            {
                _checkpoint.Compact(group.GroupId, group.CompactedIndex, group.CompactedTerm);
            }
        }
    }

    /// <summary>Indexes one whole, checksummed frame at <paramref name="offset"/> of <paramref name="segment"/>; returns what is wrong, or null.</summary>
    private string? ApplyFrame(ReadOnlySpan<byte> frame, Segment segment, long offset)
    {
        _pendingTerms.Clear();
        return ParseFrame(frame, offset, out var parsed) ?? ApplyParsed(parsed, segment);
    }

    /// <summary>
    /// Checks a frame's payload and reduces it to what indexing needs (an entries frame's terms go to
    /// <see cref="_pendingTerms"/>), so recovery can hold a batch's frames until its commit frame without keeping their bytes.
    /// </summary>
    private string? ParseFrame(ReadOnlySpan<byte> frame, long offset, out ParsedFrame parsed)
    {
        var kind = LogFormat.Kind(frame);
        ulong groupId = LogFormat.GroupId(frame);
        var payload = frame[LogFormat.FrameHeaderSize..];
        parsed = new ParsedFrame(kind, groupId, 0, 0, 0, offset, frame.Length, _pendingTerms.Count);
        switch (kind)
        {
            case FrameKind.Entries:
            {
                if (payload.Length < 12)
                {
                    return "an entries frame is shorter than its 12-byte preamble";
                }

                ulong first = BinaryPrimitives.ReadUInt64LittleEndian(payload);
                int count = BinaryPrimitives.ReadInt32LittleEndian(payload[8..]);
                if (count <= 0)
                {
                    return $"an entries frame of group {groupId} holds {count} entries";
                }

                int position = 12;
                for (int i = 0; i < count; i++)
                {
                    if (position + 12 > payload.Length)
                    {
                        return $"entry {i} of an entries frame of group {groupId} runs past the frame";
                    }

                    _pendingTerms.Add(BinaryPrimitives.ReadUInt64LittleEndian(payload[position..]));
                    int length = BinaryPrimitives.ReadInt32LittleEndian(payload[(position + 8)..]);
                    if (length < 0 || position + 12L + length > payload.Length)
                    {
                        return $"entry {i} of an entries frame of group {groupId} runs past the frame";
                    }

                    position += 12 + length;
                }

                if (position != payload.Length)
                {
                    return $"an entries frame of group {groupId} has {payload.Length - position} bytes after its last entry";
                }

                parsed = parsed with { A = first, B = (ulong)count };
                return null;
            }

            case FrameKind.HardState when payload.Length == 24:
                parsed = parsed with
                {
                    A = BinaryPrimitives.ReadUInt64LittleEndian(payload),
                    B = BinaryPrimitives.ReadUInt64LittleEndian(payload[8..]),
                    C = BinaryPrimitives.ReadUInt64LittleEndian(payload[16..]),
                };
                return null;
            case FrameKind.Truncation when payload.Length == 8:
                parsed = parsed with { A = BinaryPrimitives.ReadUInt64LittleEndian(payload) };
                return null;
            case FrameKind.Compaction when payload.Length == 16:
                parsed = parsed with { A = BinaryPrimitives.ReadUInt64LittleEndian(payload), B = BinaryPrimitives.ReadUInt64LittleEndian(payload[8..]) };
                return null;
            default:
                return $"a {kind} frame of group {groupId} has a {payload.Length}-byte payload";
        }
    }

    private string? ApplyParsed(in ParsedFrame frame, Segment segment)
    {
        if (!_groups.TryGetValue(frame.GroupId, out var group))
        {
            group = new GroupLog(frame.GroupId);
            _groups.Add(frame.GroupId, group);
        }

        switch (frame.Kind)
        {
            case FrameKind.Entries:
                if (frame.A > group.LastIndex + 1 && _recoveringTruncatedHistory && group.Frames.Count == 0)
                {
                    // The entries before these lived in segments deleted after a compaction covered them; that
                    // compaction comes later in the log, and recovery checks that it did.
                    group.Rebase(frame.A - 1);
                }

                var terms = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pendingTerms).Slice(frame.TermStart, (int)frame.B);
                if (!group.Append(new FrameLocation(segment.Sequence, frame.Offset, frame.Length, frame.A, (int)frame.B), terms))
                {
                    return $"entries of group {frame.GroupId} start at index {frame.A} but the group's last index is {group.LastIndex}";
                }

                segment.LiveFrames++;
                return null;
            case FrameKind.HardState:
                group.HardState = new HardState(frame.A, frame.B, frame.C);
                return null;
            case FrameKind.Truncation:
                group.Truncate(frame.A, ReleaseFrame);
                return null;
            default:
                group.Compact(frame.A, frame.B, ReleaseFrame);
                return null;
        }
    }

    /// <summary>A frame reduced to what indexing needs: for entries A = first index, B = count, terms at TermStart
    /// of the pending terms; for a hard state A, B, C = term, vote, commit; truncation A = from; compaction A = index, B = term.</summary>
    private readonly record struct ParsedFrame(FrameKind Kind, ulong GroupId, ulong A, ulong B, ulong C, long Offset, int Length, int TermStart);

    private void ReleaseFrame(FrameLocation frame) => FindSegment(frame.Segment).LiveFrames--;

    private Segment Rotate()
    {
        var next = _spare is not null ? _spare.GetAwaiter().GetResult() : CreateSegment(_nextSegmentSequence++);
        _spare = null;
        var sequences = new List<long>(_segments.Count + 1);
        foreach (var segment in _segments)
        {
            sequences.Add(segment.Sequence);
        }

        sequences.Add(next.Sequence);
        WriteManifest(sequences);
        _durableLock.EnterWriteLock();
        try
        {
            _segments.Add(next);
        }
        finally
        {
            _durableLock.ExitWriteLock();
        }

        _writeOffset = LogFormat.SegmentHeaderSize;
        StartSpare();
        return next;
    }

    private void StartSpare()
    {
        if (_options.PreallocateSegments)
        {
            long sequence = _nextSegmentSequence++;
            _spare = Task.Run(() => CreateSegment(sequence));
        }
    }

    // A new segment: space reserved, header written and synced. Its name becomes durable with the manifest that lists it.
    private Segment CreateSegment(long sequence)
    {
        string path = Path.Combine(_directory, LogFormat.SegmentName(sequence));
        var file = _fileSystem.OpenFile(path, Files.FileOpenMode.CreateNew);
        try
        {
            file.Allocate(_options.SegmentSize);
            Span<byte> header = stackalloc byte[LogFormat.SegmentHeaderSize];
            LogFormat.WriteSegmentHeader(header, sequence);
            file.Write(0, header);
            file.Sync();
            return new Segment(sequence, path, file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    // Write a temporary file, sync it, rename it over the manifest, sync the directory.
    private void WriteManifest(List<long> sequences)
    {
        string temporary = Path.Combine(_directory, LogFormat.ManifestName + ".tmp");
        _fileSystem.DeleteFile(temporary);
        using (var file = _fileSystem.OpenFile(temporary, Files.FileOpenMode.CreateNew))
        {
            file.Write(0, LogFormat.EncodeManifest(sequences));
            file.Sync();
        }

        _fileSystem.Rename(temporary, Path.Combine(_directory, LogFormat.ManifestName));
        _fileSystem.SyncDirectory(_directory);
    }

    // Oldest segments no retained frame points into go: first from the manifest, then from disk.
    private void DeleteUnneededSegments()
    {
        int removable = 0;
        while (removable < _segments.Count - 1 && _segments[removable].LiveFrames == 0)
        {
            removable++;
        }

        if (removable == 0)
        {
            return;
        }

        var remaining = new List<long>(_segments.Count - removable);
        for (int i = removable; i < _segments.Count; i++)
        {
            remaining.Add(_segments[i].Sequence);
        }

        WriteManifest(remaining);
        List<Segment> removed;
        _durableLock.EnterWriteLock();
        try
        {
            removed = _segments.GetRange(0, removable);
            _segments.RemoveRange(0, removable);
        }
        finally
        {
            _durableLock.ExitWriteLock();
        }

        foreach (var segment in removed)
        {
            segment.Dispose();
            _fileSystem.DeleteFile(segment.Path);
        }
    }

    private void Fail(Exception error, List<WriteRequest> inFlight)
    {
        List<WriteRequest> queued;
        TaskCompletionSource? room;
        lock (_queueLock)
        {
            _failure = error;
            queued = _queue;
            _queue = [];
            room = _spaceAvailable;
            _spaceAvailable = null;
        }

        // The handler runs before any caller hears of the failure: by default it stops the process.
        _options.OnFatalError(error);
        var failure = new StorageFailedException($"the log stopped: {error.Message}", error);
        foreach (var request in inFlight.Concat(queued))
        {
            request.Completion.TrySetException(failure);
        }

        room?.TrySetResult();
    }
}
