namespace Vectron.Simulation.Linearizability;

/// <summary>The sequential specification of one key: its state is a value or absent (<see langword="null"/>), initially absent.</summary>
/// <remarks>
/// One key suffices because operations on different keys commute, and linearizability is compositional (Herlihy and
/// Wing, "Linearizability: a correctness condition for concurrent objects", 1990, section 3.3): a history is
/// linearizable if and only if its restriction to each key is, so the checker checks each key on its own.
/// </remarks>
internal static class KeyValueModel
{
    /// <summary>The state of a key nobody wrote.</summary>
    public const string? InitialState = null;

    /// <summary>
    /// Applies <paramref name="input"/> to <paramref name="state"/> and says whether <paramref name="output"/> is what
    /// the key would have returned; a <see langword="null"/> output (unknown) is legal whatever the state.
    /// </summary>
    /// <returns>Whether the step is legal, and the state after it (meaningful only when legal).</returns>
    public static (bool Legal, string? State) Step(string? state, KeyValueInput input, KeyValueOutput? output)
    {
        switch (input.Kind)
        {
            case OperationKind.Read:
                return (output is null || string.Equals(output.Value, state, StringComparison.Ordinal), state);

            case OperationKind.Write:
                return (true, input.Value);

            default:
                // An unknown compare-and-set is not a free choice between success and failure: placed at a point where
                // the key holds the expected value it must succeed, anywhere else it must fail (and changes nothing).
                bool matches = string.Equals(state, input.Expected, StringComparison.Ordinal);
                bool legal = output is null || output.Succeeded == matches;
                return (legal, matches ? input.Value : state);
        }
    }
}
