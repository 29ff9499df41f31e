namespace Vectron.Simulation.Linearizability;

/// <summary>
/// Finds values a read could not have returned in any linearization, to plant a violation in a linearizable history
/// whose values are unique per writer (as <see cref="RegisterSimulation"/> makes them).
/// </summary>
/// <remarks>
/// For a completed read R of key k, a value v is impossible when, with strict time order (ties overlap):
/// <list type="bullet">
/// <item>v is absent and some definite overwrite of k (a completed write, or a compare-and-set that returned true)
/// returned before R was invoked: keys are never deleted;</item>
/// <item>v's only writer W was invoked after R returned: W cannot take effect before R;</item>
/// <item>v's only writer W returned before some definite overwrite D of k was invoked, and D returned before R was
/// invoked: every linearization orders W, D, R, and nothing writes v after D.</item>
/// </list>
/// A read of a value nobody wrote is impossible too, but too easy a catch to be worth planting.
/// </remarks>
internal static class ImpossibleReads
{
    /// <summary>Every (read, impossible value) pair of <paramref name="history"/>, in read order then writer order.</summary>
    public static List<(Operation Read, string? Value)> Find(History history)
    {
        var candidates = new List<(Operation Read, string? Value)>();
        foreach (var read in history.Operations)
        {
            if (read.Input.Kind != OperationKind.Read || read.Output is null)
            {
                continue;
            }

            // The latest invocation of a definite overwrite of this key that returned before the read was invoked.
            long? latestOverwriteCall = null;
            foreach (var other in history.Operations)
            {
                if (SameKey(other, read) && IsDefiniteOverwrite(other) && other.ReturnTime < read.CallTime)
                {
                    latestOverwriteCall = Math.Max(latestOverwriteCall ?? long.MinValue, other.CallTime);
                }
            }

            if (latestOverwriteCall is not null && read.Output.Value is not null)
            {
                candidates.Add((read, null));
            }

            foreach (var writer in history.Operations)
            {
                if (!SameKey(writer, read) || writer.Input.Kind == OperationKind.Read
                    || string.Equals(writer.Input.Value, read.Output.Value, StringComparison.Ordinal))
                {
                    continue;
                }

                bool future = writer.CallTime > read.ReturnTime;
                bool stale = writer.ReturnTime < latestOverwriteCall;
                if (future || stale)
                {
                    candidates.Add((read, writer.Input.Value));
                }
            }
        }

        return candidates;
    }

    /// <summary><paramref name="history"/> with <paramref name="read"/> returning <paramref name="value"/> instead.</summary>
    public static History WithReadOf(History history, Operation read, string? value)
    {
        var operations = new List<Operation>(history.Operations);
        operations[read.Id] = read with { Output = KeyValueOutput.Read(value) };
        return new History(operations);
    }

    private static bool SameKey(Operation first, Operation second) =>
        string.Equals(first.Input.Key, second.Input.Key, StringComparison.Ordinal);

    private static bool IsDefiniteOverwrite(Operation operation) => operation.Output is not null && operation.Input.Kind switch
    {
        OperationKind.Write => true,
        OperationKind.CompareAndSet => operation.Output.Succeeded,
        _ => false,
    };
}
