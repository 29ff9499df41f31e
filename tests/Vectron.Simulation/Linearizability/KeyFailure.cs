namespace Vectron.Simulation.Linearizability;

/// <summary>A key whose operations were found not linearizable (or not decided within the step budget), with what the search got furthest with.</summary>
/// <param name="Key">The key.</param>
/// <param name="Verdict"><see cref="Verdict.Illegal"/> or <see cref="Verdict.Unknown"/>.</param>
/// <param name="LongestLinearization">
/// The longest legal linearization the search found (most completed operations; the first found among equals), in
/// linearization order; it may include unknown operations placed where they were assumed to take effect.
/// </param>
/// <param name="FirstNotLinearized">
/// The completed operation whose return ended that linearization: nothing left could be linearized before it returned
/// and it could not be linearized itself; <see langword="null"/> if the search stopped before backtracking once.
/// </param>
/// <param name="NotLinearized">The completed operations of this key outside the longest linearization, in invocation order.</param>
/// <param name="Steps">The search steps spent on this key.</param>
internal sealed record KeyFailure(
    string Key,
    Verdict Verdict,
    IReadOnlyList<Operation> LongestLinearization,
    Operation? FirstNotLinearized,
    IReadOnlyList<Operation> NotLinearized,
    long Steps);
