using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>
/// <see cref="IRaftLogStore"/> in memory, one <see cref="MemoryRaftStorage"/> per group: for tests and
/// the simulation. A host restarted over the same instance sees everything written (a clean restart).
/// Writes complete synchronously. Not thread-safe, like the interface.
/// </summary>
public sealed class MemoryRaftLogStore : IRaftLogStore
{
    private readonly Dictionary<ulong, MemoryRaftStorage> _groups = [];

    /// <summary>Completed writes (one per loop iteration that had something to persist).</summary>
    public long Writes { get; private set; }

    /// <inheritdoc />
    public bool Contains(ulong groupId) => _groups.ContainsKey(groupId);

    /// <inheritdoc />
    public IRaftStorage OpenGroup(ulong groupId) => Group(groupId);

    /// <inheritdoc />
    public SnapshotMetadata SnapshotMetadata(ulong groupId) =>
        _groups.TryGetValue(groupId, out var storage) ? storage.Snapshot.Metadata : new SnapshotMetadata(0, 0, ConfState.Empty);

    /// <inheritdoc />
    public ValueTask WriteAsync(RaftLogBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var update in batch.Updates)
        {
            var storage = Group(update.GroupId);
            if (update.InstalledSnapshot is { } installed)
            {
                storage.ApplySnapshot(new Snapshot(installed, default));
            }
            if (update.Entries.Count > 0)
            {
                storage.Append(update.Entries);
            }
            if (update.HardState is { } hardState)
            {
                storage.SetHardState(hardState);
            }
            if (update.RecordedSnapshot is { } recorded)
            {
                if (recorded.Index == 0)
                {
                    storage.SetConfState(recorded.ConfState);
                }
                else if (recorded.Index > storage.Snapshot.Index)
                {
                    storage.CreateSnapshot(recorded.Index, recorded.ConfState, default);
                }
            }
            if (update.CompactThrough > 0)
            {
                storage.Compact(update.CompactThrough);
            }
        }
        Writes++;
        return ValueTask.CompletedTask;
    }

    private MemoryRaftStorage Group(ulong groupId)
    {
        if (!_groups.TryGetValue(groupId, out var storage))
        {
            storage = new MemoryRaftStorage();
            _groups[groupId] = storage;
        }
        return storage;
    }
}
