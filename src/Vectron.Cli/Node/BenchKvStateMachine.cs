using System.Buffers.Binary;
using Vectron.Raft.Hosting;

namespace Vectron.Cli.Node;

/// <summary>
/// The state machine of <c>vectron raft-node</c>: the newest value per key. A command is
/// <c>[u16 key length, little-endian][key][value]</c> (<see cref="Encode"/>). Applies come from the group's apply lane,
/// lookups from any thread, so the map is locked.
/// </summary>
internal sealed class BenchKvStateMachine : IStateMachine
{
    private readonly Dictionary<string, byte[]> _values = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Keys held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _values.Count;
            }
        }
    }

    /// <summary>The command that sets <paramref name="key"/> to <paramref name="value"/>.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (key.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"a key has at most {ushort.MaxValue} bytes, not {key.Length}", nameof(key));
        }

        var command = new byte[2 + key.Length + value.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(command, (ushort)key.Length);
        key.CopyTo(command.AsSpan(2));
        value.CopyTo(command.AsSpan(2 + key.Length));
        return command;
    }

    public void Apply(ReadOnlySpan<StateMachineCommand> commands, Span<ReadOnlyMemory<byte>> results)
    {
        lock (_lock)
        {
            for (int i = 0; i < commands.Length; i++)
            {
                var payload = commands[i].Payload.Span;
                int keyLength = BinaryPrimitives.ReadUInt16LittleEndian(payload);
                string key = Convert.ToHexString(payload.Slice(2, keyLength));
                _values[key] = payload[(2 + keyLength)..].ToArray();
                results[i] = ReadOnlyMemory<byte>.Empty;
            }
        }
    }

    public ReadOnlyMemory<byte> Lookup(ReadOnlyMemory<byte> query)
    {
        lock (_lock)
        {
            return _values.TryGetValue(Convert.ToHexString(query.Span), out var value) ? value : ReadOnlyMemory<byte>.Empty;
        }
    }

    public Task SaveSnapshotAsync(Stream destination, CancellationToken cancellationToken)
    {
        KeyValuePair<string, byte[]>[] pairs;
        lock (_lock)
        {
            pairs = [.. _values];
        }

        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(pairs.Length);
        foreach (var (key, value) in pairs)
        {
            writer.Write(key);
            writer.Write(value.Length);
            writer.Write(value);
        }

        return Task.CompletedTask;
    }

    public Task RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken)
    {
        using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
        int count = reader.ReadInt32();
        var restored = new Dictionary<string, byte[]>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string key = reader.ReadString();
            restored[key] = reader.ReadBytes(reader.ReadInt32());
        }

        lock (_lock)
        {
            _values.Clear();
            foreach (var (key, value) in restored)
            {
                _values[key] = value;
            }
        }

        return Task.CompletedTask;
    }
}
