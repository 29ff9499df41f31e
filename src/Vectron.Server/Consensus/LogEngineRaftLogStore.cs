using System.Runtime.InteropServices;
using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Storage.Log;
using StorageHardState = Vectron.Storage.Log.HardState;

namespace Vectron.Server.Consensus;

/// <summary>
/// The Raft host's <see cref="IRaftLogStore"/> over the node's shared <see cref="LogEngine"/>: one
/// host write becomes one engine batch (one <c>fdatasync</c>) holding every group's changes.
/// </summary>
/// <remarks>
/// <para>Raft group <c>g</c> keeps its entries, hard state and compaction in log group <c>g</c>
/// (entry data prefixed with the entry type byte). Its snapshot records (index, term, membership)
/// live in log group <c>g | 2^63</c>, the metadata log: each new record is appended and every older
/// one compacted away in the same batch, so the record and the compaction it allows become durable
/// together. Raft group ids must therefore stay below 2^63.</para>
/// <para>Used from the host's consensus loop only (see <see cref="IRaftLogStore"/>); the engine
/// itself is thread-safe and may be shared with other writers.</para>
/// </remarks>
public sealed class LogEngineRaftLogStore : IRaftLogStore
{
    /// <summary>The bit that turns a Raft group id into the id of its metadata log.</summary>
    public const ulong MetadataGroupBit = 1UL << 63;

    // Appends are split into frames of about this many payload bytes (the engine caps a frame at 256 MiB).
    private const long AppendFrameBytes = 8L << 20;

    // A batch whose buffer grew past this (a snapshot install, a long catch-up) is not kept for reuse.
    private const int MaxSpareCapacity = 1 << 20;

    private static readonly SnapshotMetadata NoSnapshot = new(0, 0, ConfState.Empty);

    private readonly LogEngine _engine;
    private readonly Dictionary<ulong, SnapshotMetadata> _snapshots = [];
    private readonly List<LogEntry> _frame = [];

    // A finished batch kept for the next write: the host writes from its loop and waits for each write, so one is
    // enough, and a new batch per write was ~4 KiB of garbage per write on every node.
    private WriteBatch? _spare;

    /// <summary>Opens the Raft view of an open engine, reading every group's newest snapshot record.</summary>
    /// <exception cref="LogFormatException">A snapshot record is damaged.</exception>
    public LogEngineRaftLogStore(LogEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        var entries = new List<LogEntry>();
        foreach (var logGroup in engine.GroupIds)
        {
            if ((logGroup & MetadataGroupBit) == 0 || engine.GetGroup(logGroup) is not { } info || info.LastIndex < info.FirstIndex)
            {
                continue;
            }
            entries.Clear();
            engine.ReadEntries(logGroup, info.LastIndex, info.LastIndex + 1, long.MaxValue, entries);
            try
            {
                _snapshots[logGroup & ~MetadataGroupBit] = SnapshotRecordCodec.Decode(entries[0].Data.Span);
            }
            catch (FormatException exception)
            {
                throw new LogFormatException($"group {logGroup & ~MetadataGroupBit}: snapshot record {info.LastIndex} is damaged: {exception.Message}", exception);
            }
        }
    }

    /// <inheritdoc />
    public bool Contains(ulong groupId) => _snapshots.ContainsKey(groupId) || _engine.GetGroup(CheckId(groupId)) is not null;

    /// <inheritdoc />
    public IRaftStorage OpenGroup(ulong groupId) => new LogEngineGroupStorage(_engine, CheckId(groupId), this);

    /// <inheritdoc />
    public SnapshotMetadata SnapshotMetadata(ulong groupId) => _snapshots.GetValueOrDefault(groupId, NoSnapshot);

    /// <inheritdoc />
    public async ValueTask WriteAsync(RaftLogBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // The Raft host's loop is this engine's only writer and waits for its write before anything else: when it asks,
        // it goes on on the writer thread once the sync is done (sends the acknowledgements, hands entries over) — no
        // wake-up of a pool thread between the fsync and the messages that depend on it.
        var write = Interlocked.Exchange(ref _spare, null) ?? new WriteBatch();
        write.ContinueOnWriterThread = batch.ContinueOnStoreThread;
        List<(ulong GroupId, SnapshotMetadata Metadata)>? recorded = null;
        foreach (var update in batch.Updates)
        {
            var groupId = CheckId(update.GroupId);
            var info = _engine.GetGroup(groupId);
            var last = info?.LastIndex ?? 0;
            if (update.InstalledSnapshot is { } installed)
            {
                if (last > installed.Index)
                {
                    write.TruncateSuffix(groupId, installed.Index + 1);
                }
                write.Compact(groupId, installed.Index, installed.Term);
                last = installed.Index;
            }
            if (update.Entries.Count > 0)
            {
                if (update.Entries[0].Index <= last)
                {
                    write.TruncateSuffix(groupId, update.Entries[0].Index);
                }
                AppendEntries(write, groupId, update.Entries);
            }
            if (update.HardState is { } hardState)
            {
                write.SetHardState(groupId, new StorageHardState(hardState.Term, hardState.Vote, hardState.Commit));
            }
            var record = update.InstalledSnapshot ?? update.RecordedSnapshot;
            if (record is not null)
            {
                AppendRecord(write, groupId, record);
                (recorded ??= []).Add((groupId, record));
            }
            if (update.CompactThrough > 0)
            {
                if (!_engine.TryGetTerm(groupId, update.CompactThrough, out var term))
                {
                    throw new ArgumentException($"group {groupId}: cannot compact through {update.CompactThrough}, which the log does not hold", nameof(batch));
                }
                write.Compact(groupId, update.CompactThrough, term);
            }
        }
        if (!write.IsEmpty)
        {
            // Not given back when the write fails: the engine may still be reading a batch it failed to complete.
            await _engine.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        }
        if (recorded is not null)
        {
            foreach (var (groupId, metadata) in recorded)
            {
                _snapshots[groupId] = metadata;
            }
        }
        if (write.Capacity <= MaxSpareCapacity)
        {
            write.Clear();
            Volatile.Write(ref _spare, write);
        }
    }

    private void AppendEntries(WriteBatch write, ulong groupId, IReadOnlyList<Entry> entries)
    {
        // The batch copies the entries' bytes, so the frame list is scratch, reused across calls.
        var frame = _frame;
        frame.Clear(); // left filled if an earlier call threw
        long bytes = 0;
        foreach (var entry in entries)
        {
            if (frame.Count > 0 && bytes + entry.Data.Length > AppendFrameBytes)
            {
                write.Append(groupId, CollectionsMarshal.AsSpan(frame));
                frame.Clear();
                bytes = 0;
            }
            frame.Add(new LogEntry(entry.Index, entry.Term, LogEngineGroupStorage.Encode(entry)));
            bytes += entry.Data.Length + 13;
        }
        write.Append(groupId, CollectionsMarshal.AsSpan(frame));
        frame.Clear();
    }

    private void AppendRecord(WriteBatch write, ulong groupId, SnapshotMetadata metadata)
    {
        var metadataGroup = groupId | MetadataGroupBit;
        var next = (_engine.GetGroup(metadataGroup)?.LastIndex ?? 0) + 1;
        write.Append(metadataGroup, next, 1, SnapshotRecordCodec.Encode(metadata));
        if (next > 1)
        {
            // Only the newest record matters; the older ones go with this batch.
            write.Compact(metadataGroup, next - 1, 1);
        }
    }

    private static ulong CheckId(ulong groupId) => (groupId & MetadataGroupBit) == 0
        ? groupId
        : throw new ArgumentOutOfRangeException(nameof(groupId), $"Raft group ids must be below 2^63 (the top bit names metadata logs), not {groupId}");
}
