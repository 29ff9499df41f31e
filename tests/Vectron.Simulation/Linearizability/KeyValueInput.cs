namespace Vectron.Simulation.Linearizability;

/// <summary>What a client asked for: a read, write or compare-and-set of one key.</summary>
/// <remarks>A <see langword="null"/> value means absent (a key that was never written).</remarks>
internal sealed record KeyValueInput
{
    private KeyValueInput(OperationKind kind, string key, string? value, string? expected)
    {
        ArgumentNullException.ThrowIfNull(key);
        Kind = kind;
        Key = key;
        Value = value;
        Expected = expected;
    }

    /// <summary>The operation.</summary>
    public OperationKind Kind { get; }

    /// <summary>The key operated on; histories are checked one key at a time.</summary>
    public string Key { get; }

    /// <summary>The value written by a write or by a successful compare-and-set; <see langword="null"/> for a read.</summary>
    public string? Value { get; }

    /// <summary>The value a compare-and-set expects, <see langword="null"/> for absent; <see langword="null"/> otherwise.</summary>
    public string? Expected { get; }

    /// <summary>A read of <paramref name="key"/>.</summary>
    public static KeyValueInput Read(string key) => new(OperationKind.Read, key, null, null);

    /// <summary>An unconditional write of <paramref name="value"/> to <paramref name="key"/>.</summary>
    public static KeyValueInput Write(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(OperationKind.Write, key, value, null);
    }

    /// <summary>A write of <paramref name="value"/> to <paramref name="key"/> if it holds <paramref name="expected"/> (<see langword="null"/>: absent).</summary>
    public static KeyValueInput CompareAndSet(string key, string? expected, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(OperationKind.CompareAndSet, key, value, expected);
    }

    /// <summary>The input as the history file shows it, e.g. <c>cas(k7, "a" -> "b")</c>.</summary>
    public override string ToString() => Kind switch
    {
        OperationKind.Read => $"read({Key})",
        OperationKind.Write => $"write({Key}, {OperationText.Value(Value)})",
        _ => $"cas({Key}, {OperationText.Value(Expected)} -> {OperationText.Value(Value)})",
    };
}
