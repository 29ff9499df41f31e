using System.Text;
using Vectron.Raft.Hosting;

namespace Vectron.Simulation;

/// <summary>
/// One replica's key-value store (read, write, compare-and-set; see <see cref="KeyValueCodec"/>). Every applied command
/// is reported to the <see cref="SafetyMonitor"/>, which compares replicas index by index.
/// </summary>
internal sealed class KeyValueStateMachine : IStateMachine
{
    private static readonly byte[] Done = [1];
    private static readonly byte[] NotDone = [0];

    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly SafetyMonitor _monitor;
    private readonly ulong _nodeId;
    private readonly ulong _groupId;

    public KeyValueStateMachine(SafetyMonitor monitor, ulong nodeId, ulong groupId)
    {
        _monitor = monitor;
        _nodeId = nodeId;
        _groupId = groupId;
    }

    /// <summary>The last index applied (0 before any, the snapshot's index right after a restore).</summary>
    public ulong AppliedIndex { get; private set; }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<StateMachineCommand> commands, Span<ReadOnlyMemory<byte>> results)
    {
        for (int i = 0; i < commands.Length; i++)
        {
            var command = commands[i];
            _monitor.OnApplied(_nodeId, _groupId, AppliedIndex, command.Index, command.Payload.Span);
            AppliedIndex = command.Index;
            var decoded = KeyValueCodec.Decode(command.Payload.Span);
            _values.TryGetValue(decoded.Key, out string? current);
            if (decoded.IsCompareAndSet && !string.Equals(current, decoded.Expected, StringComparison.Ordinal))
            {
                results[i] = NotDone;
                continue;
            }

            _values[decoded.Key] = decoded.Value;
            results[i] = Done;
        }
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Lookup(ReadOnlyMemory<byte> query) =>
        KeyValueCodec.ReadResult(_values.GetValueOrDefault(Encoding.UTF8.GetString(query.Span)));

    /// <inheritdoc />
    public Task SaveSnapshotAsync(Stream destination, CancellationToken cancellationToken)
    {
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(AppliedIndex);
        writer.Write(_values.Count);
        foreach (var (key, value) in _values)
        {
            writer.Write(key);
            writer.Write(value);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken)
    {
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        AppliedIndex = reader.ReadUInt64();
        _values.Clear();
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            _values[reader.ReadString()] = reader.ReadString();
        }

        return Task.CompletedTask;
    }
}
