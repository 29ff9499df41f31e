using System.Buffers.Binary;
using Vectron.Storage.Files;

namespace Vectron.Storage.Log;

public sealed partial class LogEngine
{
    // Small enough that a frame is checksummed while still in cache after the read copied it (32 MiB was 2x slower).
    internal const int RecoveryBufferSize = 1 << 20;

    private readonly List<ParsedFrame> _pendingFrames = [];
    private bool _recoveringTruncatedHistory;
    private long _recoveredBatches;
    private long _recoveredBytes;
    private TornTail? _tornTail;

    private void Recover()
    {
        long began = _options.TimeProvider.GetTimestamp();
        _fileSystem.CreateDirectoryDurably(_directory);
        string manifestPath = Path.Combine(_directory, LogFormat.ManifestName);
        var removed = new List<string>();
        List<long> sequences;
        if (_fileSystem.FileExists(manifestPath))
        {
            using var manifest = _fileSystem.OpenFile(manifestPath, FileOpenMode.ReadOnly);
            var bytes = new byte[checked((int)manifest.Length)];
            _ = manifest.Read(0, bytes);
            sequences = LogFormat.DecodeManifest(bytes, manifestPath);
        }
        else
        {
            var strays = _fileSystem.ListFiles(_directory).Where(n => LogFormat.TryParseSegmentName(n, out _)).ToList();
            if (strays.Count > 0 && strays.Any(n => SegmentHasBatches(Path.Combine(_directory, n))))
            {
                throw new LogCorruptionException(manifestPath, 0, $"the manifest is missing but {strays.Count} segment file(s) with data are present ({strays[0]} …); refusing to guess which are live");
            }

            sequences = [];
        }

        // Anything the manifest does not list is a segment made ahead of need or a manifest that was being replaced.
        var listed = sequences.Select(LogFormat.SegmentName).ToHashSet(StringComparer.Ordinal);
        foreach (string name in _fileSystem.ListFiles(_directory))
        {
            if (name != LogFormat.ManifestName && !listed.Contains(name))
            {
                _fileSystem.DeleteFile(Path.Combine(_directory, name));
                removed.Add(name);
            }
        }

        foreach (long sequence in sequences)
        {
            string path = Path.Combine(_directory, LogFormat.SegmentName(sequence));
            if (!_fileSystem.FileExists(path))
            {
                throw new LogCorruptionException(manifestPath, 0, $"the manifest lists segment {LogFormat.SegmentName(sequence)}, which is missing");
            }

            _segments.Add(new Segment(sequence, path, _fileSystem.OpenFile(path, FileOpenMode.OpenExisting)));
        }

        if (_segments.Count == 0)
        {
            var first = CreateSegment(_nextSegmentSequence++);
            _segments.Add(first);
            WriteManifest([first.Sequence]);
            _writeOffset = LogFormat.SegmentHeaderSize;
        }
        else
        {
            // A log whose first segment is number 1 still has its first batch, which is batch 1; otherwise the first
            // batch read sets the sequence.
            _nextBatchSequence = _segments[0].Sequence == 1 ? 1 : 0;
            byte[] buffer = new byte[RecoveryBufferSize];
            // Segment 1 begins every log; an oldest segment after it means older ones were deleted, and a group
            // that wrote nothing for a while may resume after a gap in any later segment.
            _recoveringTruncatedHistory = _segments[0].Sequence != 1;
            for (int i = 0; i < _segments.Count && _tornTail is null; i++)
            {
                buffer = ScanSegment(i, buffer);
            }

            _recoveringTruncatedHistory = false;
            foreach (var group in _groups.Values)
            {
                if (group.MissingThrough > group.CompactedIndex)
                {
                    throw new LogCorruptionException(_segments[0].Path, 0, $"group {group.GroupId}'s entries {group.CompactedIndex + 1}..{group.MissingThrough} were in deleted segments but were never compacted");
                }
            }

            _nextBatchSequence = Math.Max(_nextBatchSequence, 1);
            _nextSegmentSequence = _segments[^1].Sequence + 1;
        }

        foreach (var group in _groups.Values)
        {
            _tails[group.GroupId] = new Tail { Last = group.LastIndex, Compacted = group.CompactedIndex };
        }

        StartSpare();
        Recovery = new LogRecoveryReport(_segments.Count, _recoveredBatches, _recoveredBytes, _groups.Count, _tornTail, removed, _options.TimeProvider.GetElapsedTime(began));
    }

    // Replays one segment's whole batches; returns the (possibly grown) read buffer.
    private byte[] ScanSegment(int segmentIndex, byte[] buffer)
    {
        var segment = _segments[segmentIndex];
        bool isLast = segmentIndex == _segments.Count - 1;
        var reader = new SegmentReader(segment.File, buffer);
        if (!reader.Ensure(0, LogFormat.SegmentHeaderSize))
        {
            throw new LogCorruptionException(segment.Path, 0, $"the segment is {reader.FileLength} bytes, shorter than its header");
        }

        string? headerProblem = LogFormat.CheckSegmentHeader(reader.Span(0, LogFormat.SegmentHeaderSize), segment.Sequence);
        if (headerProblem is not null)
        {
            throw new LogCorruptionException(segment.Path, 0, headerProblem);
        }

        _pendingFrames.Clear();
        _pendingTerms.Clear();
        long offset = LogFormat.SegmentHeaderSize;
        long batchStart = offset;
        int frames = 0;
        while (true)
        {
            if (!reader.Ensure(offset, LogFormat.FrameHeaderSize))
            {
                if (offset != batchStart)
                {
                    Damaged(segment, isLast, reader, batchStart, offset, "the file ends inside a batch");
                }

                break;
            }

            var header = reader.Span(offset, LogFormat.FrameHeaderSize);
            if (header.IndexOfAnyExcept((byte)0) < 0)
            {
                // Zeros: the unwritten part of a preallocated segment.
                if (offset != batchStart)
                {
                    Damaged(segment, isLast, reader, batchStart, offset, "a batch stops before its commit frame");
                }

                break;
            }

            if (!LogFormat.HeaderPlausible(header, reader.FileLength - offset - LogFormat.FrameHeaderSize))
            {
                Damaged(segment, isLast, reader, batchStart, offset, "a frame header is malformed");
                break;
            }

            int frameLength = LogFormat.FrameHeaderSize + LogFormat.PayloadLength(header);
            if (!reader.Ensure(offset, frameLength) || !LogFormat.ChecksumMatches(reader.Span(offset, frameLength)))
            {
                Damaged(segment, isLast, reader, batchStart, offset, "a frame's checksum does not match");
                break;
            }

            // Ensure may have moved the window: read the kind from the frame as it is now.
            if (LogFormat.Kind(reader.Span(offset, LogFormat.FrameHeaderSize)) != FrameKind.Commit)
            {
                // Held until the commit frame shows the batch is whole; only what indexing needs is kept.
                string? problem = ParseFrame(reader.Span(offset, frameLength), offset, out var parsed);
                if (problem is not null)
                {
                    Damaged(segment, isLast, reader, batchStart, offset, problem);
                    break;
                }

                _pendingFrames.Add(parsed);
                frames++;
                offset += frameLength;
                continue;
            }

            var commit = reader.Span(offset + LogFormat.FrameHeaderSize, LogFormat.CommitPayloadSize);
            long sequence = BinaryPrimitives.ReadInt64LittleEndian(commit);
            int frameCount = BinaryPrimitives.ReadInt32LittleEndian(commit[8..]);
            int batchBytes = BinaryPrimitives.ReadInt32LittleEndian(commit[12..]);
            if (frameCount != frames || batchBytes != offset - batchStart)
            {
                Damaged(segment, isLast, reader, batchStart, offset, $"a commit frame counts {frameCount} frames in {batchBytes} bytes but the batch has {frames} in {offset - batchStart}");
                break;
            }

            if (_nextBatchSequence != 0 && sequence != _nextBatchSequence)
            {
                throw new LogCorruptionException(segment.Path, offset, $"batch {sequence} follows batch {_nextBatchSequence - 1}: a batch is missing or repeated");
            }

            foreach (var frame in _pendingFrames)
            {
                string? problem = ApplyParsed(frame, segment);
                if (problem is not null)
                {
                    throw new LogCorruptionException(segment.Path, frame.Offset, problem);
                }
            }

            _pendingFrames.Clear();
            _pendingTerms.Clear();
            _nextBatchSequence = sequence + 1;
            _recoveredBatches++;
            _recoveredBytes += offset + LogFormat.CommitFrameSize - batchStart;
            offset += LogFormat.CommitFrameSize;
            batchStart = offset;
            frames = 0;
        }

        if (isLast)
        {
            _writeOffset = batchStart;
        }

        return reader.Buffer;
    }

    /// <summary>
    /// Decides whether damage at <paramref name="offset"/> is a torn tail (the last batch, never acknowledged: cut it)
    /// or corruption of acknowledged data (throw). A batch is written only after the one before it was synced, so damage
    /// is a torn tail only in the newest segment, and only when no later batch follows it.
    /// </summary>
    private void Damaged(Segment segment, bool isLast, SegmentReader reader, long batchStart, long offset, string reason)
    {
        if (!isLast)
        {
            throw new LogCorruptionException(segment.Path, offset, $"{reason}, and newer segments follow it");
        }

        // Only the newest batch can be torn: a batch is written after the one before it was synced. So an intact
        // commit frame of a later batch proves the damage lies in acknowledged data. The damaged batch's own commit
        // frame may be intact too, because after a power loss pages of an unsynced batch can reach the disk out of
        // order; then the batch counts as torn only if the disk shows a lost sector inside it (a 512-byte sector whose
        // bytes in the batch are all zero, the preallocated contents), and a bad checksum with no lost sector is
        // corruption. When no batch was read before this one, its sequence is the lowest found. The scan starts at the
        // batch, not at the damage: a commit frame that was read intact but disagrees with its batch counts too.
        var (lowest, highest, ownCommit, lastNonZero) = ScanForward(segment.File, batchStart, reader.FileLength, _nextBatchSequence);
        long expected = _nextBatchSequence != 0 ? _nextBatchSequence : lowest ?? 0;
        if (highest is long later && later > expected)
        {
            throw new LogCorruptionException(segment.Path, offset, $"{reason}, and batch {later} was written after it");
        }

        if (ownCommit is long commitOffset && !HasLostSector(segment.File, batchStart, commitOffset))
        {
            throw new LogCorruptionException(segment.Path, offset, $"{reason} inside batch {expected}, whose commit frame at offset {commitOffset} is intact");
        }

        _tornTail = new TornTail(segment.Path, batchStart, reason + $" (at offset {offset})");

        // Zero the torn bytes so a stale frame can never be mistaken for a new one, and make that durable before writing.
        long end = Math.Max(lastNonZero + 1, offset + 1);
        var zeros = new byte[(int)Math.Min(1 << 20, end - batchStart)];
        for (long position = batchStart; position < end; position += zeros.Length)
        {
            segment.File.Write(position, zeros.AsSpan(0, (int)Math.Min(zeros.Length, end - position)));
        }

        segment.File.Sync();
    }

    // Intact commit frames in [from, end): the lowest and highest batch sequence, the offset of the one for batch
    // 'own' (the first found when 'own' is 0), and the last non-zero byte.
    private static (long? Lowest, long? Highest, long? OwnCommit, long LastNonZero) ScanForward(IStorageFile file, long from, long end, long own)
    {
        long? lowest = null;
        long? highest = null;
        long? ownCommit = null;
        long lastNonZero = from - 1;
        var buffer = new byte[1 << 20];
        for (long start = from; start < end; start += buffer.Length - LogFormat.CommitFrameSize)
        {
            int read = file.Read(start, buffer.AsSpan(0, (int)Math.Min(buffer.Length, end - start)));
            var window = buffer.AsSpan(0, read);
            int nonZero = window.LastIndexOfAnyExcept((byte)0);
            if (nonZero >= 0)
            {
                lastNonZero = Math.Max(lastNonZero, start + nonZero);
            }

            for (int p = 0; p + LogFormat.CommitFrameSize <= read; p++)
            {
                var candidate = window.Slice(p, LogFormat.CommitFrameSize);
                if (candidate[8] == (byte)FrameKind.Commit
                    && LogFormat.HeaderPlausible(candidate, LogFormat.CommitPayloadSize)
                    && LogFormat.ChecksumMatches(candidate))
                {
                    long sequence = BinaryPrimitives.ReadInt64LittleEndian(candidate[LogFormat.FrameHeaderSize..]);
                    highest = highest is long h ? Math.Max(h, sequence) : sequence;
                    lowest = lowest is long l ? Math.Min(l, sequence) : sequence;
                    if (ownCommit is null && (own == 0 || sequence == own))
                    {
                        ownCommit = start + p;
                    }
                }
            }

            if (read < buffer.Length)
            {
                break;
            }
        }

        return (lowest, highest, ownCommit, lastNonZero);
    }

    // Whether some 512-byte sector's part of [start, end) reads as all zeros: a write that never reached the disk.
    private static bool HasLostSector(IStorageFile file, long start, long end)
    {
        const int Sector = 512;
        var bytes = new byte[checked((int)(end - start))];
        int read = file.Read(start, bytes);
        for (long sector = start / Sector * Sector; sector < end; sector += Sector)
        {
            long from = Math.Max(sector, start);
            long to = Math.Min(sector + Sector, end);
            if (from - start >= read)
            {
                return true;
            }

            if (bytes.AsSpan((int)(from - start), (int)Math.Min(to - from, read - (from - start))).IndexOfAnyExcept((byte)0) < 0)
            {
                return true;
            }
        }

        return false;
    }

    private bool SegmentHasBatches(string path)
    {
        using var file = _fileSystem.OpenFile(path, FileOpenMode.ReadOnly);
        Span<byte> first = stackalloc byte[LogFormat.SegmentHeaderSize + LogFormat.FrameHeaderSize];
        int read = file.Read(0, first);
        return read == first.Length && first[LogFormat.SegmentHeaderSize..].IndexOfAnyExcept((byte)0) >= 0;
    }
}
