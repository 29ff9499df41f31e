using System.Text;
using Vectron.Raft.Hosting;

namespace Vectron.Raft.Tests.Hosting;

/// <summary>
/// A key-value state machine for tests. Command "key=value" sets a key and returns the previous
/// value; command "+key" increments a counter and returns the new count, so a double apply shows.
/// Lookup "key" returns the value. Counts every applied command.
/// </summary>
internal sealed class CounterStateMachine : IStateMachine
{
    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);

    public long Applied { get; private set; }

    public int Restores { get; private set; }

    public IReadOnlyDictionary<string, string> Values => _values;

    public void Apply(ReadOnlySpan<StateMachineCommand> commands, Span<ReadOnlyMemory<byte>> results)
    {
        for (var i = 0; i < commands.Length; i++)
        {
            Applied++;
            var text = Encoding.UTF8.GetString(commands[i].Payload.Span);
            if (text.StartsWith('+'))
            {
                var key = text[1..];
                var count = (_values.TryGetValue(key, out var held) ? long.Parse(held, System.Globalization.CultureInfo.InvariantCulture) : 0) + 1;
                _values[key] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                results[i] = Encoding.UTF8.GetBytes(_values[key]);
                continue;
            }
            var split = text.IndexOf('=', StringComparison.Ordinal);
            var previous = _values.GetValueOrDefault(text[..split], "");
            _values[text[..split]] = text[(split + 1)..];
            results[i] = Encoding.UTF8.GetBytes(previous);
        }
    }

    public ReadOnlyMemory<byte> Lookup(ReadOnlyMemory<byte> query) =>
        Encoding.UTF8.GetBytes(_values.GetValueOrDefault(Encoding.UTF8.GetString(query.Span), ""));

    public Task SaveSnapshotAsync(Stream destination, CancellationToken cancellationToken)
    {
        var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(_values.Count);
        foreach (var (key, value) in _values)
        {
            writer.Write(key);
            writer.Write(value);
        }
        writer.Flush();
        return Task.CompletedTask;
    }

    public Task RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken)
    {
        Restores++;
        _values.Clear();
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            _values[reader.ReadString()] = reader.ReadString();
        }
        return Task.CompletedTask;
    }

    public static byte[] Set(string key, string value) => Encoding.UTF8.GetBytes($"{key}={value}");

    public static byte[] Increment(string key) => Encoding.UTF8.GetBytes($"+{key}");

    public static byte[] Key(string key) => Encoding.UTF8.GetBytes(key);

    public static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

}
