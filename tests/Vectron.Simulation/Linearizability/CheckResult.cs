namespace Vectron.Simulation.Linearizability;

/// <summary>The outcome of checking a whole history: the verdict, and a diagnosis for every key that is not <see cref="Verdict.Ok"/>.</summary>
/// <param name="Verdict">
/// <see cref="Verdict.Illegal"/> if any key is illegal, otherwise <see cref="Verdict.Unknown"/> if any key ran out of
/// steps, otherwise <see cref="Verdict.Ok"/>.
/// </param>
/// <param name="Failures">The keys that are not <see cref="Verdict.Ok"/>, in ordinal key order.</param>
/// <param name="Steps">The search steps spent on all keys.</param>
internal sealed record CheckResult(Verdict Verdict, IReadOnlyList<KeyFailure> Failures, long Steps)
{
    /// <summary>
    /// The key the verdict is about: the first illegal key, or if none the first undecided one; <see langword="null"/> when
    /// the verdict is <see cref="Verdict.Ok"/>.
    /// </summary>
    public string? FailingKey => FirstFailure?.Key;

    /// <summary>The failure <see cref="FailingKey"/> names, or <see langword="null"/>.</summary>
    public KeyFailure? FirstFailure
    {
        get
        {
            foreach (var failure in Failures)
            {
                if (failure.Verdict == Verdict)
                {
                    return failure;
                }
            }

            return null;
        }
    }
}
