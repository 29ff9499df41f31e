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
/// Every key is checked even after one is found illegal, so <see cref="CheckResult.Failures"/> lists them all. Each key
/// has its own step budget; a key that exhausts it is <see cref="Verdict.Unknown"/>. Deterministic and thread-safe
/// (it keeps no state between calls).
/// </para>
/// </remarks>
internal static class LinearizabilityChecker
{
    /// <summary>
    /// The default step budget per key: ample for a few thousand operations on one key with a handful of concurrent
    /// clients, where a linearizable history needs a few steps per operation per concurrent client, while a hopeless
    /// search still ends in seconds rather than never.
    /// </summary>
    public const long DefaultMaxStepsPerKey = 20_000_000;

    /// <summary>Checks <paramref name="history"/> against <see cref="KeyValueModel"/>, every key starting absent.</summary>
    /// <param name="history">The history.</param>
    /// <param name="maxStepsPerKey">The most search steps (a call tried or a backtrack) to spend on any one key.</param>
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
            var (keySteps, failure) = new PartitionSearch(key, partitions[key]).Run(maxStepsPerKey);
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
}
