namespace Vectron.Simulation.Linearizability;

/// <summary>A key whose operations were found not linearizable (or not decided within the step budget), with what the search got furthest with.</summary>
/// <param name="Key">The key.</param>
/// <param name="Verdict"><see cref="Verdict.Illegal"/> or <see cref="Verdict.Unknown"/>.</param>
/// <param name="LongestLinearization">
/// The longest legal linearization the search had to back out of (most completed operations; the first found among
/// equals), in linearization order; it may include unknown operations placed where they were assumed to take effect.
/// For an illegal key it comes from the diagnosis search; if that ran out of steps, it is the longest found so far.
/// </param>
/// <param name="FirstNotLinearized">
/// The completed operation that stopped that linearization: it could not be placed next, and either its return came
/// before anything else could be, or nothing left could still give it the value it returned; <see langword="null"/>
/// if the search ran out of steps first.
/// </param>
/// <param name="NotLinearized">The completed operations of this key outside the longest linearization, in invocation order.</param>
/// <param name="Steps">The search steps spent on this key, the diagnosis search's included.</param>
internal sealed record KeyFailure(
    string Key,
    Verdict Verdict,
    IReadOnlyList<Operation> LongestLinearization,
    Operation? FirstNotLinearized,
    IReadOnlyList<Operation> NotLinearized,
    long Steps);
