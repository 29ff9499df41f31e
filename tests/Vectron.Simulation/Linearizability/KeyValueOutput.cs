namespace Vectron.Simulation.Linearizability;

/// <summary>What a completed operation returned: the value a read saw, ok for a write, success for a compare-and-set.</summary>
/// <remarks>An operation whose outcome the client never learned has no output at all (see <see cref="Operation.IsUnknown"/>).</remarks>
internal sealed record KeyValueOutput
{
    private KeyValueOutput(string? value, bool succeeded)
    {
        Value = value;
        Succeeded = succeeded;
    }

    /// <summary>The output of every completed write.</summary>
    public static KeyValueOutput Written { get; } = new(null, true);

    /// <summary>The value a read returned, <see langword="null"/> for absent; <see langword="null"/> for other operations.</summary>
    public string? Value { get; }

    /// <summary>Whether a compare-and-set wrote its value; <see langword="true"/> for reads and writes.</summary>
    public bool Succeeded { get; }

    /// <summary>A read that returned <paramref name="value"/> (<see langword="null"/>: absent).</summary>
    public static KeyValueOutput Read(string? value) => new(value, true);

    /// <summary>A compare-and-set that did (<see langword="true"/>) or did not write its value.</summary>
    public static KeyValueOutput CompareAndSet(bool succeeded) => new(null, succeeded);

    /// <summary>The output as the history file shows it after the input of kind <paramref name="kind"/>.</summary>
    public string ToString(OperationKind kind) => kind switch
    {
        OperationKind.Read => OperationText.Value(Value),
        OperationKind.Write => "ok",
        _ => Succeeded ? "true" : "false",
    };
}
