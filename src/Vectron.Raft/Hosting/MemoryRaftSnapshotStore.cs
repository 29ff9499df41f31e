using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary><see cref="IRaftSnapshotStore"/> in memory, keeping the newest two payloads per group. Thread-safe.</summary>
public sealed class MemoryRaftSnapshotStore : IRaftSnapshotStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, SortedList<ulong, ReadOnlyMemory<byte>>> _payloads = [];

    /// <inheritdoc />
    public ValueTask SaveAsync(ulong groupId, SnapshotMetadata metadata, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        lock (_lock)
        {
            if (!_payloads.TryGetValue(groupId, out var held))
            {
                held = [];
                _payloads[groupId] = held;
            }
            held[metadata.Index] = payload.ToArray();
            while (held.Count > 2)
            {
                held.RemoveAt(0);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public bool TryLoad(ulong groupId, ulong index, out ReadOnlyMemory<byte> payload)
    {
        lock (_lock)
        {
            if (_payloads.TryGetValue(groupId, out var held) && held.TryGetValue(index, out payload))
            {
                return true;
            }
        }
        payload = default;
        return false;
    }
}
