namespace Vectron.Simulation.Linearizability;

/// <summary>One client operation in a history: its input, when it was invoked, and when and how it completed, if it did.</summary>
/// <param name="Id">The operation's position in its history (0, 1, 2, ... in invocation order).</param>
/// <param name="ClientId">The client that issued it; only shown in diagnostics, the checker does not use it.</param>
/// <param name="Input">What was asked for.</param>
/// <param name="CallTime">The logical time of the invocation.</param>
/// <param name="ReturnTime">The logical time the client received the output; <see langword="null"/> when unknown.</param>
/// <param name="Output">What it returned; <see langword="null"/> when unknown.</param>
internal sealed record Operation(int Id, int ClientId, KeyValueInput Input, long CallTime, long? ReturnTime, KeyValueOutput? Output)
{
    /// <summary>
    /// Whether the client never learned the outcome (it timed out or gave up): the operation may have taken effect at any
    /// time after its invocation, or never, so its return time is treated as +infinity.
    /// </summary>
    public bool IsUnknown => Output is null;
}
