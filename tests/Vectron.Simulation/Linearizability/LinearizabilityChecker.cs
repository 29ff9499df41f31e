namespace Vectron.Simulation.Linearizability;

/// <summary>Checks a key-value history for linearizability, key by key, in the manner of Porcupine.</summary>
/// <remarks>
/// <para>
/// The history is partitioned by key (P-compositionality: a history is linearizable if and only if each key's
/// subhistory is; Horn and Kroening, "Faster linearizability checking via P-compositionality", 2015) and each key is
/// searched by <see cref="PartitionSearch"/>, in ordinal key order. Reads whose outcome is unknown are dropped first:
/// they change nothing and constrain nothing.
/// </para>
/// <para>
/// A key is first searched with eager pruning, the fastest way to a verdict. If it is illegal it is searched again with
/// imminent pruning (see <see cref="Pruning"/>) for a diagnosis whose longest linearization runs up to the operation
/// that cannot be placed, within <see cref="MaxDiagnosisStepsPerKey"/> of what is left of the budget.
/// </para>
/// <para>
/// Every key is checked even after one is found illegal, so <see cref="CheckResult.Failures"/> lists them all. Each key
/// has its own step budget; a key that exhausts it is <see cref="Verdict.Unknown"/>. Deterministic and thread-safe
/// (it keeps no state between calls).
/// </para>
/// </remarks>
internal static class LinearizabilityChecker
{
    /// <summary>
    /// The default step budget per key: ample for a few thousand operations on one key with modest concurrency, while a
    /// search that cannot finish still ends within seconds (a few million steps a second) and about a gigabyte.
    /// </summary>
    /// <remarks>
    /// Measured on 4,000 operations on one key (<c>RegisterSimulation</c>, operations lasting up to 8 ticks): a
    /// linearizable history takes 10^4 to 10^5 steps with 4 to 16 clients; refuting one read planted midway takes up to
    /// about 3M steps with 8 clients, 12M with 10 and 18M with 16. Unknown outcomes cost little: 10% of them with
    /// 4 clients take under 1.5M steps to refute.
    /// </remarks>
    public const long DefaultMaxStepsPerKey = 30_000_000;

    /// <summary>The most steps spent per illegal key on finding the longest linearization for the diagnosis.</summary>
    public const long MaxDiagnosisStepsPerKey = 1_000_000;

    /// <summary>Checks <paramref name="history"/> against <see cref="KeyValueModel"/>, every key starting absent.</summary>
    /// <param name="history">The history.</param>
    /// <param name="maxStepsPerKey">The most search steps (a candidate tried, or a turn at a return) to spend on any one key.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxStepsPerKey"/> is not positive.</exception>
    public static CheckResult Check(History history, long maxStepsPerKey = DefaultMaxStepsPerKey)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxStepsPerKey);

        var partitions = new Dictionary<string, List<Operation>>(StringComparer.Ordinal);
        foreach (var operation in history.Operations)
        {
            if (operation.IsUnknown && operation.Input.Kind == OperationKind.Read)
            {
                continue;
            }

            if (!partitions.TryGetValue(operation.Input.Key, out var partition))
            {
                partition = [];
                partitions.Add(operation.Input.Key, partition);
            }

            partition.Add(operation);
        }

        var keys = new List<string>(partitions.Keys);
        keys.Sort(StringComparer.Ordinal);

        var failures = new List<KeyFailure>();
        var verdict = Verdict.Ok;
        long steps = 0;
        foreach (string key in keys)
        {
            var (keySteps, failure) = CheckKey(key, partitions[key], maxStepsPerKey);
            steps += keySteps;
            if (failure is not null)
            {
                failures.Add(failure);
                if (failure.Verdict == Verdict.Illegal || verdict == Verdict.Ok)
                {
                    verdict = failure.Verdict;
                }
            }
        }

        return new CheckResult(verdict, failures, steps);
    }

    private static (long Steps, KeyFailure? Failure) CheckKey(string key, List<Operation> operations, long maxSteps)
    {
        var (steps, failure) = new PartitionSearch(key, operations).Run(maxSteps, Pruning.Eager);
        if (failure is not { Verdict: Verdict.Illegal } || steps == maxSteps)
        {
            return (steps, failure);
        }

        // The eager search proves the violation but backs out of each dead end as soon as it sees it coming, so its
        // longest linearization stops short of the operation that fails. Search again, pruning only dead ends about to
        // be hit, for a linearization that runs up to that operation; within a smaller budget, since the longest found
        // so far is still a good diagnosis if this search does not finish.
        long budget = Math.Min(maxSteps - steps, MaxDiagnosisStepsPerKey);
        var (diagnosisSteps, diagnosis) = new PartitionSearch(key, operations).Run(budget, Pruning.Imminent);
        if (diagnosis is null)
        {
            throw new InvalidOperationException($"linearizability search on key {key}: the eager search found a violation, the diagnosis a linearization");
        }

        steps += diagnosisSteps;
        return (steps, diagnosis with { Verdict = Verdict.Illegal, Steps = steps });
    }
}
