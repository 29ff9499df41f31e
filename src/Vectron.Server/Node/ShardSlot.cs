using Vectron.Raft.Hosting;
using Vectron.Server.Placement;

namespace Vectron.Server.Node;

/// <summary>
/// One shard replica on this node: its group, its collection, and the state machine the host
/// applies to. The host holds the slot, not the machine; when the collection is deleted the group
/// is stopped first (no apply runs afterwards) and the slot then drops and disposes the machine; a
/// read that already held the engine gets <see cref="ObjectDisposedException"/>, answered 404.
/// </summary>
public sealed class ShardSlot : IStateMachine
{
    private readonly Lock _lock = new();
    private IStateMachine? _machine;

    /// <summary>Creates a slot around a shard state machine.</summary>
    public ShardSlot(CollectionRecord collection, int shardIndex, IStateMachine machine)
    {
        ArgumentNullException.ThrowIfNull(collection);
        Collection = collection;
        ShardIndex = shardIndex;
        GroupId = collection.ShardGroups[shardIndex];
        _machine = machine;
    }

    /// <summary>The collection as it was when the shard started.</summary>
    public CollectionRecord Collection { get; }

    /// <summary>The shard's number within its collection.</summary>
    public int ShardIndex { get; }

    /// <summary>The shard's Raft group.</summary>
    public ulong GroupId { get; }

    /// <summary>The shard state machine; null once retired.</summary>
    public IStateMachine? Machine => Volatile.Read(ref _machine);

    /// <summary>True once the collection was deleted.</summary>
    public bool Retired => Machine is null;

    /// <summary>Drops (and disposes) the state machine; later applies change nothing.</summary>
    public void Retire()
    {
        IStateMachine? machine;
        lock (_lock)
        {
            machine = _machine;
            Volatile.Write(ref _machine, null);
        }
        (machine as IDisposable)?.Dispose();
    }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<StateMachineCommand> commands, Span<ReadOnlyMemory<byte>> results)
    {
        lock (_lock)
        {
            if (_machine is { } machine)
            {
                machine.Apply(commands, results);
                return;
            }
        }
        results.Fill(ReadOnlyMemory<byte>.Empty);
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Lookup(ReadOnlyMemory<byte> query) => Machine?.Lookup(query) ?? ReadOnlyMemory<byte>.Empty;

    /// <inheritdoc />
    public async Task SaveSnapshotAsync(Stream destination, CancellationToken cancellationToken)
    {
        // A retire during a save may make that save fail; the lane logs it, and nothing depends on
        // it: a retired group is never restarted and its data is removed at the next start.
        if (Machine is { } machine)
        {
            await machine.SaveSnapshotAsync(destination, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken)
    {
        if (Machine is { } machine)
        {
            await machine.RestoreSnapshotAsync(source, cancellationToken).ConfigureAwait(false);
        }
    }
}
