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
/// On top of that it abandons configurations that <see cref="ValueObligations"/> shows hopeless, eagerly or only
/// once the stranded operation has been invoked (<see cref="Pruning"/>). Every rule it prunes by only drops
/// configurations without a completion, so the verdict is exact whatever the pruning.
/// </para>
/// <para>
/// Time ties: an operation that returns at t and another invoked at t overlap and may be linearized in either order
/// (calls sort before returns; unknown operations invoked at the barrier's return time are candidates). That is the
/// conservative choice: two events on the same logical tick are not known to be ordered, and treating them as
/// concurrent can only accept more histories, never report a violation that is not one.
/// </para>
/// <para>
/// While it searches it keeps the longest linearization it has had to back out of (most completed operations, first
/// found among equals) and the operation that stopped it, as Porcupine does: the barrier's operation when it turns
/// there, or with imminent pruning the invoked operation that nothing left could satisfy.
/// </para>
/// <para>Deterministic: the same operations give the same answer, steps and diagnosis. Not thread-safe; run once.</para>
/// </remarks>
internal sealed class PartitionSearch
{
    private const int None = -1;

    private readonly string _key;
    private readonly IReadOnlyList<Operation> _operations;
    private readonly EventList _events;
    private readonly OptionalOperations _optional;
    private readonly ValueObligations _obligations;
    private readonly int[] _completedMember;

    // Per completed member: the last completed member invoked by its return, the most that can be placed before it.
    private readonly int[] _windowEnd;
    private readonly Bitset _completedSet;
    private readonly LinearizationCache _cache = new();

    // The linearization so far. Per operation placed: the operation, the state before it, its call entry (completed
    // operations) or its index among the candidates (unknown ones), and the barrier it was placed under.
    private readonly int[] _stackOperation;
    private readonly string?[] _stackState;
    private readonly int[] _stackPosition;
    private readonly int[] _stackBarrier;
    private int _depth;

    private readonly int[] _best;
    private int _bestLength;
    private int _bestCompleted = -1;
    private int _firstNotLinearized = None;

    // The configuration: the state, the completed operations not yet placed, and the first of their returns.
    private string? _state = KeyValueModel.InitialState;
    private int _remaining;
    private int _barrier = None;
    private Pruning _pruning;
    private bool _ran;

    // The unknown operations worth trying under the barrier, and the scratch list behind them.
    private readonly List<int> _candidates = [];
    private readonly List<string> _wanted = [];

    /// <summary>Prepares the search over <paramref name="operations"/>, all on <paramref name="key"/>, in invocation order.</summary>
    public PartitionSearch(string key, IReadOnlyList<Operation> operations)
    {
        _key = key;
        _operations = operations;
        _events = new EventList(operations);
        _optional = new OptionalOperations(operations);
        _obligations = new ValueObligations(operations);
        _completedMember = new int[operations.Count];
        int completed = 0;
        for (int index = 0; index < operations.Count; index++)
        {
            _completedMember[index] = operations[index].IsUnknown ? None : completed++;
        }

        _completedSet = new Bitset(completed);
        _windowEnd = WindowEnds(operations, completed);
        _remaining = completed;
        _stackOperation = new int[operations.Count];
        _stackState = new string?[operations.Count];
        _stackPosition = new int[operations.Count];
        _stackBarrier = new int[operations.Count];
        _best = new int[operations.Count];
    }

    /// <summary>Searches for a linearization, giving up after <paramref name="maxSteps"/> steps (a candidate tried, or a turn).</summary>
    /// <param name="maxSteps">The step budget.</param>
    /// <param name="pruning">When to abandon hopeless configurations: for a fast verdict, or for a telling diagnosis.</param>
    /// <returns>The steps taken, and a diagnosis unless the verdict is <see cref="Verdict.Ok"/>.</returns>
    /// <exception cref="InvalidOperationException">The search already ran.</exception>
    public (long Steps, KeyFailure? Failure) Run(long maxSteps, Pruning pruning)
    {
        if (_ran)
        {
            throw new InvalidOperationException("a linearizability search runs once");
        }

        _ran = true;
        _pruning = pruning;
        long steps = 0;

        // Where the walk is: an entry of the event list, or (when candidate is not None) an unknown candidate.
        int entry = _events.Next(EventList.Head);
        int candidate = None;
        while (_remaining > 0)
        {
            if (steps == maxSteps)
            {
                if (_events.Count - _remaining > _bestCompleted)
                {
                    _bestLength = Snapshot();
                    _firstNotLinearized = None;
                }

                return (steps, Diagnose(Verdict.Unknown, steps));
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
                    _barrier = entry;
                    Prepare();
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
                // Nothing left to try before the barrier: its operation cannot be placed here, so back out.
                if (_events.Count - _remaining > _bestCompleted)
                {
                    _bestCompleted = _events.Count - _remaining;
                    _bestLength = Snapshot();
                    _firstNotLinearized = _events.Operation(_barrier);
                }

                if (_depth == 0)
                {
                    return (steps, Diagnose(Verdict.Illegal, steps));
                }

                (entry, candidate) = Backtrack();
                continue;
            }

            if (TryPlace(operation, candidate == None ? entry : candidate))
            {
                entry = _events.Next(EventList.Head);
                candidate = None;
            }
            else if (candidate == None)
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

    // Places operation next if the model accepts it and the configuration reached is new (and, when pruning, not
    // hopeless). Position is its call entry, or for an unknown operation its index among the candidates.
    private bool TryPlace(int operation, int position)
    {
        var call = _operations[operation];
        var (legal, after) = KeyValueModel.Step(_state, call.Input, call.Output);
        if (!legal)
        {
            return false;
        }

        Place(operation);
        int floor = _completedSet.FirstAbsent;
        var window = floor == _completedSet.Capacity ? ReadOnlyMemory<ulong>.Empty : _completedSet.Window(floor, _windowEnd[floor]);
        if (IsHopeless(operation, after)
            || !_cache.TryAdd(floor, window, _completedSet.Hash, _optional.Placed, _optional.DeadWritesPlaced, after))
        {
            Unplace(operation);
            return false;
        }

        Push(operation, position, after);
        return true;
    }

    // Whether placing operation (just placed, not yet pushed) left a configuration with no completion. Imminent pruning
    // looks only at the candidates, the calls before the first return other than operation's; and since the linearization
    // so far plus operation is legal, it counts as one the search had to back out of, stopped by the stranded candidate.
    private bool IsHopeless(int operation, string? after)
    {
        if (_pruning == Pruning.Eager)
        {
            return _obligations.IsHopeless(after);
        }

        if (!_obligations.IsHopeless(after))
        {
            return false;
        }

        for (int entry = _events.Next(EventList.Head); entry != _events.Tail; entry = _events.Next(entry))
        {
            int candidate = _events.Operation(entry);
            if (candidate == operation)
            {
                continue;
            }

            if (!_events.IsCall(entry))
            {
                return false;
            }

            if (_obligations.IsStranded(candidate, after))
            {
                int completed = _events.Count - _remaining + (_operations[operation].IsUnknown ? 0 : 1);
                if (completed > _bestCompleted)
                {
                    _bestCompleted = completed;
                    _bestLength = Snapshot();
                    _best[_bestLength++] = operation;
                    _firstNotLinearized = candidate;
                }

                return true;
            }
        }

        return false;
    }

    private void Push(int operation, int position, string? after)
    {
        _stackOperation[_depth] = operation;
        _stackState[_depth] = _state;
        _stackPosition[_depth] = position;
        _stackBarrier[_depth] = _barrier;
        _depth++;
        _state = after;
        if (!_operations[operation].IsUnknown)
        {
            _events.Lift(position);
            _remaining--;
        }
    }

    // Pops the last operation placed and says where to resume: after its call entry, or after its index among the
    // candidates of the configuration it was placed in (recomputed: the same configuration gives the same list).
    private (int Entry, int Candidate) Backtrack()
    {
        _depth--;
        int undone = _stackOperation[_depth];
        int position = _stackPosition[_depth];
        _state = _stackState[_depth];
        _stackState[_depth] = null;
        Unplace(undone);
        if (_operations[undone].IsUnknown)
        {
            _barrier = _stackBarrier[_depth];
            Prepare();
            return (None, position + 1);
        }

        _events.Unlift(position);
        _remaining++;
        return (_events.Next(position), None);
    }

    // Records operation in the configuration (what the cache keys on, what the pruning counts); Unplace undoes the
    // latest Place.
    private void Place(int operation)
    {
        if (!_operations[operation].IsUnknown)
        {
            _completedSet.Add(_completedMember[operation]);
        }

        _optional.OnPlaced(operation);
        _obligations.OnPlaced(operation);
    }

    private void Unplace(int operation)
    {
        _obligations.OnUnplaced(operation);
        _optional.OnUnplaced(operation);
        if (!_operations[operation].IsUnknown)
        {
            _completedSet.Remove(_completedMember[operation]);
        }
    }

    // Finds the unknown operations worth trying under the barrier: the candidates are the completed calls before it
    // (every entry before the first return is a call), and what they need decides which unknown operations could help.
    // A function of the configuration alone, so that after backtracking it gives the same list to resume in.
    private void Prepare()
    {
        _wanted.Clear();
        bool wantChange = false;
        for (int entry = _events.Next(EventList.Head); entry != _barrier; entry = _events.Next(entry))
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
                    wantChange |= string.Equals(operation.Input.Expected, _state, StringComparison.Ordinal);
                    break;
                default:
                    break;
            }

            // Absent cannot be written, and the current state needs no writing.
            if (wanted is not null && !string.Equals(wanted, _state, StringComparison.Ordinal))
            {
                _wanted.Add(wanted);
            }
        }

        bool afterOptional = _depth > 0 && _operations[_stackOperation[_depth - 1]].IsUnknown;
        long barrierTime = _operations[_events.Operation(_barrier)].ReturnTime!.Value;
        _optional.FindCandidates(_wanted, wantChange, _state, barrierTime, afterOptional, _candidates);
    }

    private static int[] WindowEnds(IReadOnlyList<Operation> operations, int completed)
    {
        var calls = new long[completed];
        var returns = new long[completed];
        int member = 0;
        foreach (var operation in operations)
        {
            if (operation.ReturnTime is long returned)
            {
                calls[member] = operation.CallTime;
                returns[member++] = returned;
            }
        }

        // Calls are in order; the last invoked at or before a return (calls sort before returns at equal times).
        var ends = new int[completed];
        for (member = 0; member < completed; member++)
        {
            int found = Array.BinarySearch(calls, returns[member]);
            int end = found >= 0 ? found : ~found - 1;
            while (end + 1 < completed && calls[end + 1] <= returns[member])
            {
                end++;
            }

            ends[member] = end;
        }

        return ends;
    }

    private int Snapshot()
    {
        Array.Copy(_stackOperation, _best, _depth);
        return _depth;
    }

    private KeyFailure Diagnose(Verdict verdict, long steps)
    {
        var inBest = new bool[_operations.Count];
        var longest = new List<Operation>(_bestLength);
        for (int level = 0; level < _bestLength; level++)
        {
            inBest[_best[level]] = true;
            longest.Add(_operations[_best[level]]);
        }

        var notLinearized = new List<Operation>();
        for (int operation = 0; operation < _operations.Count; operation++)
        {
            if (!inBest[operation] && !_operations[operation].IsUnknown)
            {
                notLinearized.Add(_operations[operation]);
            }
        }

        var first = _firstNotLinearized == None ? null : _operations[_firstNotLinearized];
        return new KeyFailure(_key, verdict, longest, first, notLinearized, steps);
    }
}
