using Vectron.Simulation.Linearizability;

namespace Vectron.Simulation.Tests.Linearizability;

/// <summary>
/// The checker against <see cref="BruteForceLinearizability"/> on thousands of small random histories, linearizable or
/// not, with ties, compare-and-sets and unknown outcomes (and in the tiny ones few values, so values repeat): the
/// verdicts must agree.
/// </summary>
public sealed class LinearizabilityReferenceTests
{
    private const ulong FirstSeed = 1;
    private const int Seeds = 20_000;
    private const int SimulatedSeeds = 3_000;
    private static readonly string?[] Values = [null, "a", "b", "c"];

    /// <summary>On every tiny history the checker and the exhaustive reference agree, and both verdicts occur often.</summary>
    [Fact]
    public void Check_AgreesWithBruteForce_OnTinyRandomHistories()
    {
        int linearizable = 0;
        for (ulong seed = FirstSeed; seed < FirstSeed + Seeds; seed++)
        {
            var history = TinyHistory(seed);
            bool expected = BruteForceLinearizability.IsLinearizable(history);
            var result = LinearizabilityChecker.Check(history);

            var verdict = expected ? Verdict.Ok : Verdict.Illegal;
            if (result.Verdict != verdict)
            {
                Assert.Fail($"seed {seed}: brute force says {verdict}, checker says {result.Verdict}\n{HistoryFile.Format(history, result, seed)}");
            }
            linearizable += expected ? 1 : 0;
        }

        Assert.InRange(linearizable, Seeds / 5, Seeds * 4 / 5);
    }

    /// <summary>On small histories of a simulated store, one output perturbed in most, the checker and the reference agree.</summary>
    [Fact]
    public void Check_AgreesWithBruteForce_OnSmallSimulatedHistories()
    {
        int linearizable = 0;
        for (ulong seed = FirstSeed; seed < FirstSeed + SimulatedSeeds; seed++)
        {
            var random = new SplitMix(seed ^ 0x5AA1);
            var workload = new RegisterWorkload(
                Clients: 2 + random.Next(3), Keys: 1, OperationsPerClient: 6, MaxDuration: 1 + random.Next(6), MaxGap: 2, UnknownPercent: 15);
            var history = Perturb(RegisterSimulation.Run(seed, workload), ref random);
            bool expected = BruteForceLinearizability.IsLinearizable(history);
            var result = LinearizabilityChecker.Check(history);

            var verdict = expected ? Verdict.Ok : Verdict.Illegal;
            if (result.Verdict != verdict)
            {
                Assert.Fail($"seed {seed}: brute force says {verdict}, checker says {result.Verdict}\n{HistoryFile.Format(history, result, seed)}");
            }
            linearizable += expected ? 1 : 0;
        }

        Assert.InRange(linearizable, SimulatedSeeds / 5, SimulatedSeeds * 4 / 5);
    }

    // Four times in five, replaces one completed output: a read's by a value written to its key (or absent), a
    // compare-and-set's by its opposite.
    private static History Perturb(History history, ref SplitMix random)
    {
        var operations = new List<Operation>(history.Operations);
        if (!random.Percent(80))
        {
            return history;
        }

        var victim = operations[random.Next(operations.Count)];
        if (victim.Output is null || victim.Input.Kind == OperationKind.Write)
        {
            return history;
        }

        KeyValueOutput output;
        if (victim.Input.Kind == OperationKind.CompareAndSet)
        {
            output = KeyValueOutput.CompareAndSet(!victim.Output.Succeeded);
        }
        else
        {
            var written = new List<string?> { null };
            foreach (var operation in operations)
            {
                if (operation.Input.Kind != OperationKind.Read)
                {
                    written.Add(operation.Input.Value);
                }
            }

            output = KeyValueOutput.Read(written[random.Next(written.Count)]);
        }

        operations[victim.Id] = victim with { Output = output };
        return new History(operations);
    }

    // Up to fourteen operations on one or two keys with random overlapping intervals; outputs come from an atomic
    // execution (each operation takes effect at a random instant in its interval), then four times in five one
    // completed output is replaced at random.
    private static History TinyHistory(ulong seed)
    {
        var random = new SplitMix(seed);
        int count = 1 + random.Next(14);
        bool twoKeys = random.Percent(20);
        var planned = new List<(Interval Interval, long Effect, ulong Tiebreak, bool TakesEffect)>();
        for (int index = 0; index < count; index++)
        {
            long call = random.Between(0, 8);
            long end = call + random.Between(0, 4);
            string key = twoKeys && random.Percent(50) ? "y" : "x";
            string value = Values[1 + random.Next(3)]!;
            var input = random.Next(3) switch
            {
                0 => KeyValueInput.Read(key),
                1 => KeyValueInput.Write(key, value),
                _ => KeyValueInput.CompareAndSet(key, Values[random.Next(4)], value),
            };
            bool unknown = random.Percent(30);
            long effect = unknown ? random.Between(call, call + 10) : random.Between(call, end);
            bool takesEffect = !unknown || random.Percent(50);
            planned.Add((new Interval(index % 3, input, call, unknown ? null : end, null), effect, random.Next(), takesEffect));
        }

        var order = new List<(long Effect, ulong Tiebreak, int Index)>();
        for (int index = 0; index < planned.Count; index++)
        {
            if (planned[index].TakesEffect)
            {
                order.Add((planned[index].Effect, planned[index].Tiebreak, index));
            }
        }

        order.Sort();
        var store = new Dictionary<string, string?>(StringComparer.Ordinal);
        var intervals = new Interval[planned.Count];
        for (int index = 0; index < planned.Count; index++)
        {
            intervals[index] = planned[index].Interval;
        }

        foreach (var (_, _, index) in order)
        {
            var input = intervals[index].Input;
            string? current = store.GetValueOrDefault(input.Key);
            KeyValueOutput output;
            if (input.Kind == OperationKind.Read)
            {
                output = KeyValueOutput.Read(current);
            }
            else if (input.Kind == OperationKind.Write)
            {
                store[input.Key] = input.Value;
                output = KeyValueOutput.Written;
            }
            else
            {
                bool swapped = current == input.Expected;
                store[input.Key] = swapped ? input.Value : current;
                output = KeyValueOutput.CompareAndSet(swapped);
            }

            if (intervals[index].Return is not null)
            {
                intervals[index] = intervals[index] with { Output = output };
            }
        }

        if (random.Percent(80))
        {
            int victim = random.Next(count);
            if (intervals[victim].Return is not null)
            {
                intervals[victim] = intervals[victim] with
                {
                    Output = intervals[victim].Input.Kind switch
                    {
                        OperationKind.Read => KeyValueOutput.Read(Values[random.Next(4)]),
                        OperationKind.CompareAndSet => KeyValueOutput.CompareAndSet(!intervals[victim].Output!.Succeeded),
                        _ => KeyValueOutput.Written,
                    },
                };
            }
        }

        return Histories.Build(intervals);
    }
}
