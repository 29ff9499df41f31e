namespace Vectron.Simulation;

/// <summary>One thing a simulation found wrong.</summary>
/// <param name="Kind">What kind of property broke.</param>
/// <param name="GroupId">The Raft group (0 when not about one group).</param>
/// <param name="Time">The simulated time it was found at, in milliseconds.</param>
/// <param name="Detail">What exactly, for a person.</param>
internal sealed record Violation(ViolationKind Kind, ulong GroupId, long Time, string Detail)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind} (group {GroupId}, t={Time}ms): {Detail}";
}
