namespace Vectron.Simulation.Linearizability;

/// <summary>
/// A deliberately plain reference for small histories: tries every order of every subset of the unknown operations
/// with all completed ones, keeping real-time order, and replays each against its own copy of the key-value semantics.
/// </summary>
/// <remarks>
/// Exponential; for at most 30 operations a key, and far fewer in practice. It remembers only the (placed set, state)
/// pairs that failed, which is exact because what can follow depends on nothing else. Shares nothing with the checker
/// but the history types.
/// </remarks>
internal static class BruteForceLinearizability
{
    /// <summary>Whether <paramref name="history"/> is linearizable, every key starting absent.</summary>
    public static bool IsLinearizable(History history)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in history.Operations)
        {
            keys.Add(operation.Input.Key);
        }

        foreach (string key in keys)
        {
            var operations = new List<Operation>();
            foreach (var operation in history.Operations)
            {
                if (operation.Input.Key == key)
                {
                    operations.Add(operation);
                }
            }

            if (!Extend(operations, placed: 0, state: null, failed: []))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Extend(List<Operation> operations, int placed, string? state, HashSet<(int, string?)> failed)
    {
        bool allCompletedPlaced = true;
        for (int index = 0; index < operations.Count; index++)
        {
            allCompletedPlaced &= IsPlaced(placed, index) || operations[index].IsUnknown;
        }

        if (allCompletedPlaced)
        {
            return true;
        }

        if (failed.Contains((placed, state)))
        {
            return false;
        }

        for (int index = 0; index < operations.Count; index++)
        {
            if (IsPlaced(placed, index) || !MayGoNext(operations, placed, index))
            {
                continue;
            }

            var operation = operations[index];
            string? after = state;
            bool legal;
            switch (operation.Input.Kind)
            {
                case OperationKind.Read:
                    legal = operation.Output is null || operation.Output.Value == state;
                    break;
                case OperationKind.Write:
                    legal = true;
                    after = operation.Input.Value;
                    break;
                default:
                    bool swapped = operation.Input.Expected == state;
                    legal = operation.Output is null || operation.Output.Succeeded == swapped;
                    after = swapped ? operation.Input.Value : state;
                    break;
            }

            if (!legal)
            {
                continue;
            }

            if (Extend(operations, placed | (1 << index), after, failed))
            {
                return true;
            }
        }

        failed.Add((placed, state));
        return false;
    }

    private static bool IsPlaced(int placed, int index) => (placed & (1 << index)) != 0;

    // Real-time order: an operation may go next only if every unplaced completed operation returned at or after its call.
    private static bool MayGoNext(List<Operation> operations, int placed, int candidate)
    {
        for (int index = 0; index < operations.Count; index++)
        {
            if (!IsPlaced(placed, index) && index != candidate && operations[index].ReturnTime < operations[candidate].CallTime)
            {
                return false;
            }
        }

        return true;
    }
}
