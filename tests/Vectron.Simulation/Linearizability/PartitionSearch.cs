namespace Vectron.Simulation.Linearizability;

/// <summary>
/// Decides whether the operations on one key are linearizable: Wing and Gong's search with Lowe's memoisation, the
/// algorithm of Porcupine's <c>checkSingle</c>, extended to operations of unknown outcome.
/// </summary>
/// <remarks>
/// <para>
/// The search walks the <see cref="EventList"/> of completed operations from the front. At a call it tries to
/// linearize that operation next: if the model accepts its output and the configuration reached is new (see
/// <see cref="LinearizationCache"/>), it lifts the operation's events, pushes it and starts again at the front. The
/// first return it meets, the barrier, belongs to an operation that must take effect before anything invoked later, so
/// no later call is a candidate. It then tries the unknown operations that could help (see
/// <see cref="OptionalOperations"/>); when those fail too it backtracks: pops the last operation placed, relinks its
/// events and resumes after it. It succeeds when every completed operation is placed (unknown ones left over never took
/// effect) and fails when it must backtrack with nothing to pop (Wing and Gong, "Testing and verifying concurrent
/// objects", 1993; Lowe, "Testing for linearizability", 2017).
/// </para>
/// <para>
/// Time ties: an operation that returns at t and another invoked at t overlap and may be linearized in either order
/// (calls sort before returns; unknown operations invoked at the barrier's return time are candidates). That is the
/// conservative choice: two events on the same logical tick are not known to be ordered, and treating them as
/// concurrent can only accept more histories, never report a violation that is not one.
/// </para>
/// <para>Deterministic: the same operations give the same answer, steps and diagnosis. Not thread-safe; use once.</para>
/// </remarks>
internal sealed class PartitionSearch
{
    private const int None = -1;

    private readonly string _key;
    private readonly IReadOnlyList<Operation> _operations;
    private readonly EventList _events;
    private readonly OptionalOperations _optional;
    private readonly int[] _completedMember;

    // The unknown operations worth trying in the configuration being explored, and the scratch list behind them.
    private readonly List<int> _candidates = [];
    private readonly List<string> _wanted = [];

    /// <summary>Prepares the search over <paramref name="operations"/>, all on <paramref name="key"/>, in invocation order.</summary>
    public PartitionSearch(string key, IReadOnlyList<Operation> operations)
    {
        _key = key;
        _operations = operations;
        _events = new EventList(operations);
        _optional = new OptionalOperations(operations);
        _completedMember = new int[operations.Count];
        int completed = 0;
        for (int index = 0; index < operations.Count; index++)
        {
            _completedMember[index] = operations[index].IsUnknown ? None : completed++;
        }
    }

    /// <summary>Searches for a linearization, giving up after <paramref name="maxSteps"/> steps (a candidate tried, or a turn).</summary>
    /// <returns>The steps taken, and a diagnosis unless the verdict is <see cref="Verdict.Ok"/>.</returns>
    public (long Steps, KeyFailure? Failure) Run(long maxSteps)
    {
        int count = _operations.Count;
        var completedSet = new Bitset(_events.Count);
        var optionalSet = new Bitset(_optional.Count);
        var cache = new LinearizationCache();

        // The linearization so far. Per operation placed: the operation, the state before it, its call entry (completed
        // operations) or its index among the candidates (unknown ones), and the barrier it was placed under.
        var stackOperation = new int[count];
        var stackState = new string?[count];
        var stackPosition = new int[count];
        var stackBarrier = new int[count];
        int depth = 0;

        var best = new int[count];
        int bestLength = 0;
        int bestCompleted = -1;
        int firstNotLinearized = None;

        int remaining = _events.Count;
        string? state = KeyValueModel.InitialState;
        long steps = 0;
        int barrier = None;

        // Where the walk is: an entry of the event list, or (when candidate is not None) an unknown candidate.
        int entry = _events.Next(EventList.Head);
        int candidate = None;
        while (remaining > 0)
        {
            if (steps == maxSteps)
            {
                if (_events.Count - remaining > bestCompleted)
                {
                    bestLength = Snapshot(stackOperation, depth, best);
                    firstNotLinearized = None;
                }

                return (steps, Diagnose(Verdict.Unknown, best, bestLength, firstNotLinearized, steps));
            }

            steps++;
            int operation;
            if (candidate == None)
            {
                if (entry == _events.Tail)
                {
                    // While a completed operation is unplaced its return is listed, and the walk turns at the first
                    // return, so it never reaches the end.
                    throw new InvalidOperationException($"linearizability search on key {_key} passed the last event");
                }

                if (!_events.IsCall(entry))
                {
                    barrier = entry;
                    Prepare(barrier, state, AfterOptional(stackOperation, depth));
                    candidate = 0;
                    continue;
                }

                operation = _events.Operation(entry);
            }
            else if (candidate < _candidates.Count)
            {
                operation = _candidates[candidate];
            }
            else
            {
                // Nothing left to try before the barrier: its operation cannot be placed here, so backtrack.
                if (_events.Count - remaining > bestCompleted)
                {
                    bestCompleted = _events.Count - remaining;
                    bestLength = Snapshot(stackOperation, depth, best);
                    firstNotLinearized = _events.Operation(barrier);
                }

                if (depth == 0)
                {
                    return (steps, Diagnose(Verdict.Illegal, best, bestLength, firstNotLinearized, steps));
                }

                depth--;
                int undone = stackOperation[depth];
                state = stackState[depth];
                stackState[depth] = null;
                if (_operations[undone].IsUnknown)
                {
                    _optional.Unplace(undone);
                    optionalSet.Remove(_optional.Member(undone));
                    barrier = stackBarrier[depth];
                    Prepare(barrier, state, AfterOptional(stackOperation, depth));
                    candidate = stackPosition[depth] + 1;
                }
                else
                {
                    _events.Unlift(stackPosition[depth]);
                    completedSet.Remove(_completedMember[undone]);
                    remaining++;
                    entry = _events.Next(stackPosition[depth]);
                    candidate = None;
                }

                continue;
            }

            var call = _operations[operation];
            var (legal, after) = KeyValueModel.Step(state, call.Input, call.Output);
            if (legal)
            {
                var set = call.IsUnknown ? optionalSet : completedSet;
                int member = call.IsUnknown ? _optional.Member(operation) : _completedMember[operation];
                set.Add(member);
                if (cache.TryAdd(completedSet, optionalSet, after))
                {
                    stackOperation[depth] = operation;
                    stackState[depth] = state;
                    stackPosition[depth] = call.IsUnknown ? candidate : entry;
                    stackBarrier[depth] = barrier;
                    depth++;
                    state = after;
                    if (call.IsUnknown)
                    {
                        _optional.Place(operation);
                    }
                    else
                    {
                        _events.Lift(entry);
                        remaining--;
                    }

                    entry = _events.Next(EventList.Head);
                    candidate = None;
                    continue;
                }

                set.Remove(member);
            }

            if (candidate == None)
            {
                entry = _events.Next(entry);
            }
            else
            {
                candidate++;
            }
        }

        return (steps, null);
    }

    private bool AfterOptional(int[] stackOperation, int depth) => depth > 0 && _operations[stackOperation[depth - 1]].IsUnknown;

    // Finds the unknown operations worth trying under this barrier: the candidates are the completed calls before it
    // (every entry before the first return is a call), and what they need decides which unknown operations could help.
    // A function of the configuration alone, so that after backtracking it gives the same list to resume in.
    private void Prepare(int barrier, string? state, bool afterOptional)
    {
        _wanted.Clear();
        bool wantChange = false;
        for (int entry = _events.Next(EventList.Head); entry != barrier; entry = _events.Next(entry))
        {
            var operation = _operations[_events.Operation(entry)];
            var output = operation.Output!;
            string? wanted = null;
            switch (operation.Input.Kind)
            {
                case OperationKind.Read:
                    wanted = output.Value;
                    break;
                case OperationKind.CompareAndSet when output.Succeeded:
                    wanted = operation.Input.Expected;
                    break;
                case OperationKind.CompareAndSet:
                    wantChange |= string.Equals(operation.Input.Expected, state, StringComparison.Ordinal);
                    break;
                default:
                    break;
            }

            // Absent cannot be written, and the current state needs no writing.
            if (wanted is not null && !string.Equals(wanted, state, StringComparison.Ordinal))
            {
                _wanted.Add(wanted);
            }
        }

        long barrierTime = _operations[_events.Operation(barrier)].ReturnTime!.Value;
        _optional.FindCandidates(_wanted, wantChange, state, barrierTime, afterOptional, _candidates);
    }

    private static int Snapshot(int[] stackOperation, int depth, int[] best)
    {
        Array.Copy(stackOperation, best, depth);
        return depth;
    }

    private KeyFailure Diagnose(Verdict verdict, int[] best, int bestLength, int firstNotLinearized, long steps)
    {
        var inBest = new bool[_operations.Count];
        var longest = new List<Operation>(bestLength);
        for (int level = 0; level < bestLength; level++)
        {
            inBest[best[level]] = true;
            longest.Add(_operations[best[level]]);
        }

        var notLinearized = new List<Operation>();
        for (int operation = 0; operation < _operations.Count; operation++)
        {
            if (!inBest[operation] && !_operations[operation].IsUnknown)
            {
                notLinearized.Add(_operations[operation]);
            }
        }

        var first = firstNotLinearized == None ? null : _operations[firstNotLinearized];
        return new KeyFailure(_key, verdict, longest, first, notLinearized, steps);
    }
}
