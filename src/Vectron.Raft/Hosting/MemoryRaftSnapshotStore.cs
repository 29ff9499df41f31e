using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary><see cref="IRaftSnapshotStore"/> in memory, keeping each payload until it is released. Thread-safe.</summary>
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
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public void Release(ulong groupId, ulong index)
    {
        lock (_lock)
        {
            if (_payloads.TryGetValue(groupId, out var held))
            {
                while (held.Count > 0 && held.Keys[0] < index)
                {
                    held.RemoveAt(0);
                }
            }
        }
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
