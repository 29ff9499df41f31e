using System.Globalization;

namespace Vectron.Simulation.Linearizability;

/// <summary>
/// Produces linearizable histories by construction: clients issue random reads, writes and compare-and-sets against a
/// simulated atomic key-value store, and each operation takes effect at one random instant inside its interval.
/// </summary>
/// <remarks>
/// Every write and compare-and-set writes a value never used before, so a value names its writer. An operation whose
/// client gives up takes effect at a random instant after its invocation (possibly after the client's later operations,
/// as a message still in flight would) or never. Two effects at the same instant are ordered at random, which may put
/// an operation invoked at t before one that returned at t: the checker's tie rule allows exactly that.
/// </remarks>
internal static class RegisterSimulation
{
    /// <summary>The history of one run, a pure function of <paramref name="seed"/> and <paramref name="workload"/>.</summary>
    public static History Run(ulong seed, RegisterWorkload workload)
    {
        var random = new SplitMix(seed);
        var planned = Plan(ref random, workload);
        Execute(planned);
        var intervals = new Interval[planned.Count];
        for (int index = 0; index < intervals.Length; index++)
        {
            var operation = planned[index];
            intervals[index] = new Interval(operation.Client, operation.Input, operation.Call, operation.Return, operation.Output);
        }

        return Histories.Build(intervals);
    }

    private static List<Planned> Plan(ref SplitMix random, RegisterWorkload workload)
    {
        var planned = new List<Planned>(workload.Clients * workload.OperationsPerClient);
        var nextCall = new long[workload.Clients];
        var issued = new int[workload.Clients];
        var written = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (int client = 0; client < workload.Clients; client++)
        {
            nextCall[client] = random.Between(0, workload.MaxGap);
        }

        // Clients take turns in invocation order, so a compare-and-set can expect a value written shortly before it.
        while (true)
        {
            int client = -1;
            for (int candidate = 0; candidate < workload.Clients; candidate++)
            {
                if (issued[candidate] < workload.OperationsPerClient && (client < 0 || nextCall[candidate] < nextCall[client]))
                {
                    client = candidate;
                }
            }

            if (client < 0)
            {
                return planned;
            }

            long call = nextCall[client];
            long end = call + random.Between(0, workload.MaxDuration);
            string key = "k" + random.Next(workload.Keys).ToString(CultureInfo.InvariantCulture);
            if (!written.TryGetValue(key, out var values))
            {
                values = [];
                written.Add(key, values);
            }

            var input = NextInput(ref random, key, values, planned.Count);
            bool unknown = random.Percent(workload.UnknownPercent);
            long? effect = unknown
                ? (random.Percent(50) ? null : random.Between(call, call + (3 * workload.MaxDuration)))
                : random.Between(call, end);
            planned.Add(new Planned(client, input, call, unknown ? null : end, effect, random.Next()));
            issued[client]++;
            nextCall[client] = end + random.Between(0, workload.MaxGap);
        }
    }

    private static KeyValueInput NextInput(ref SplitMix random, string key, List<string> values, int sequence)
    {
        string fresh = "v" + sequence.ToString(CultureInfo.InvariantCulture);
        int roll = random.Next(100);
        if (roll < 40)
        {
            return KeyValueInput.Read(key);
        }

        if (roll < 75)
        {
            values.Add(fresh);
            return KeyValueInput.Write(key, fresh);
        }

        // Mostly the latest value issued on the key, sometimes an older one or absent, so both outcomes are common.
        int back = random.Next(10) switch
        {
            < 6 => 1,
            < 8 => 2,
            _ => int.MaxValue,
        };
        string? expected = back <= values.Count ? values[^back] : null;
        values.Add(fresh);
        return KeyValueInput.CompareAndSet(key, expected, fresh);
    }

    // Applies the effects in instant order to an atomic store and fills in each completed operation's output.
    private static void Execute(List<Planned> planned)
    {
        var order = new List<(long Instant, ulong Tiebreak, int Index)>();
        for (int index = 0; index < planned.Count; index++)
        {
            if (planned[index].Effect is long instant)
            {
                order.Add((instant, planned[index].Tiebreak, index));
            }
        }

        order.Sort();
        var store = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, _, index) in order)
        {
            var operation = planned[index];
            var input = operation.Input;
            store.TryGetValue(input.Key, out string? current);
            KeyValueOutput output;
            switch (input.Kind)
            {
                case OperationKind.Read:
                    output = KeyValueOutput.Read(current);
                    break;
                case OperationKind.Write:
                    store[input.Key] = input.Value!;
                    output = KeyValueOutput.Written;
                    break;
                default:
                    bool matches = string.Equals(current, input.Expected, StringComparison.Ordinal);
                    if (matches)
                    {
                        store[input.Key] = input.Value!;
                    }

                    output = KeyValueOutput.CompareAndSet(matches);
                    break;
            }

            if (operation.Return is not null)
            {
                planned[index] = operation with { Output = output };
            }
        }
    }

    private sealed record Planned(int Client, KeyValueInput Input, long Call, long? Return, long? Effect, ulong Tiebreak)
    {
        public KeyValueOutput? Output { get; init; }
    }
}
