using System.Collections.Concurrent;
using System.Text;
using Vectron.Raft.Hosting;

namespace Vectron.Rpc.Tests.Raft;

/// <summary>A key-value state machine: command "key=value" sets a key. Readable from any thread; counts restores.</summary>
internal sealed class KeyValueStateMachine : IStateMachine
{
    private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);
    private int _restores;

    public IReadOnlyDictionary<string, string> Values => _values;

    public int Restores => Volatile.Read(ref _restores);

    public static byte[] Set(string key, string value) => Encoding.UTF8.GetBytes($"{key}={value}");

    public void Apply(ReadOnlySpan<StateMachineCommand> commands, Span<ReadOnlyMemory<byte>> results)
    {
        for (int i = 0; i < commands.Length; i++)
        {
            var text = Encoding.UTF8.GetString(commands[i].Payload.Span);
            int split = text.IndexOf('=', StringComparison.Ordinal);
            _values[text[..split]] = text[(split + 1)..];
            results[i] = ReadOnlyMemory<byte>.Empty;
        }
    }

    public ReadOnlyMemory<byte> Lookup(ReadOnlyMemory<byte> query) =>
        Encoding.UTF8.GetBytes(_values.GetValueOrDefault(Encoding.UTF8.GetString(query.Span), ""));

    public Task SaveSnapshotAsync(Stream destination, CancellationToken cancellationToken)
    {
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        var pairs = _values.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToArray();
        writer.Write(pairs.Length);
        foreach (var (key, value) in pairs)
        {
            writer.Write(key);
            writer.Write(value);
        }

        return Task.CompletedTask;
    }

    public Task RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _restores);
        _values.Clear();
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            _values[reader.ReadString()] = reader.ReadString();
        }

        return Task.CompletedTask;
    }
}
