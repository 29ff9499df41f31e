namespace Vectron.Simulation.Linearizability;

/// <summary>
/// The operations of one key whose outcome is unknown: which are still unplaced, and which of them could serve the
/// configuration the search is in.
/// </summary>
/// <remarks>
/// <para>
/// Such an operation may take effect anywhere after its call, or never. Trying every pending one at every point would
/// make each subset of them its own configuration, so the search places one only right before an operation that needs
/// it: a candidate read of its value or compare-and-set expecting it (<c>wanted</c>), or a candidate compare-and-set
/// that failed although it expects the current state (<c>wantChange</c>). Any linearization can be rearranged into
/// that form: an unknown operation the next one does not need changes nothing, is overwritten, or commutes past it.
/// </para>
/// <para>
/// Two refinements keep the number of candidates small without losing any linearization: an unknown write right after
/// another unknown operation only hides it (the write alone reaches the same state), so only compare-and-sets may
/// follow one; and unknown writes whose value nobody reads or expects are interchangeable, so only the first pending
/// one is offered to change the state.
/// </para>
/// <para>Not thread-safe.</para>
/// </remarks>
internal sealed class OptionalOperations
{
    private readonly IReadOnlyList<Operation> _operations;
    private readonly int[] _member;
    private readonly bool[] _placed;
    private readonly Dictionary<string, List<int>> _writersByValue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _compareAndSetsByExpected = new(StringComparer.Ordinal);
    private readonly List<int> _compareAndSetsExpectingAbsent = [];
    private readonly PendingList _observedWrites;
    private readonly PendingList _unobservedWrites;

    /// <summary>Indexes the unknown operations among <paramref name="operations"/> (one key's, in invocation order).</summary>
    public OptionalOperations(IReadOnlyList<Operation> operations)
    {
        _operations = operations;
        _member = new int[operations.Count];
        _placed = new bool[operations.Count];

        // A value is observed if its presence matters to someone: a completed read returned it or a compare-and-set expects it.
        var observed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in operations)
        {
            string? value = operation.Input.Kind == OperationKind.Read ? operation.Output?.Value : operation.Input.Expected;
            if (value is not null)
            {
                observed.Add(value);
            }
        }

        var observedWrites = new List<int>();
        var unobservedWrites = new List<int>();
        for (int index = 0; index < operations.Count; index++)
        {
            var operation = operations[index];
            if (!operation.IsUnknown || operation.Input.Kind == OperationKind.Read)
            {
                continue;
            }

            _member[index] = Count++;
            string value = operation.Input.Value!;
            Append(_writersByValue, value, index);
            if (operation.Input.Kind == OperationKind.CompareAndSet)
            {
                if (operation.Input.Expected is string expected)
                {
                    Append(_compareAndSetsByExpected, expected, index);
                }
                else
                {
                    _compareAndSetsExpectingAbsent.Add(index);
                }
            }
            else
            {
                (observed.Contains(value) ? observedWrites : unobservedWrites).Add(index);
            }
        }

        _observedWrites = new PendingList(observedWrites);
        _unobservedWrites = new PendingList(unobservedWrites);
    }

    /// <summary>The number of unknown writes and compare-and-sets.</summary>
    public int Count { get; }

    /// <summary>The member number of unknown operation <paramref name="operation"/> in a set of the placed ones.</summary>
    public int Member(int operation) => _member[operation];

    /// <summary>Marks <paramref name="operation"/> placed in the linearization.</summary>
    public void Place(int operation)
    {
        _placed[operation] = true;
        Pending(operation)?.Remove(operation);
    }

    /// <summary>Undoes the latest <see cref="Place"/> not yet undone, which placed <paramref name="operation"/>.</summary>
    public void Unplace(int operation)
    {
        _placed[operation] = false;
        Pending(operation)?.Restore(operation);
    }

    /// <summary>
    /// Lists in <paramref name="candidates"/>, in a fixed order, the unplaced unknown operations invoked by
    /// <paramref name="barrierTime"/> worth placing next in state <paramref name="state"/>.
    /// </summary>
    /// <param name="wanted">Values candidates need, none of them the state; extended here with what unknown compare-and-sets need to produce them.</param>
    /// <param name="wantChange">Whether a candidate needs the state to become anything else.</param>
    /// <param name="state">The current state.</param>
    /// <param name="barrierTime">The return time of the first unplaced completed operation to return.</param>
    /// <param name="afterOptional">Whether the last operation placed was an unknown one (then only compare-and-sets qualify).</param>
    /// <param name="candidates">Receives the operations.</param>
    public void FindCandidates(List<string> wanted, bool wantChange, string? state, long barrierTime, bool afterOptional, List<int> candidates)
    {
        candidates.Clear();
        for (int index = 0; index < wanted.Count; index++)
        {
            if (!_writersByValue.TryGetValue(wanted[index], out var writers))
            {
                continue;
            }

            foreach (int operation in writers)
            {
                if (_placed[operation] || _operations[operation].CallTime > barrierTime)
                {
                    continue;
                }

                var input = _operations[operation].Input;
                if (input.Kind == OperationKind.Write)
                {
                    if (!afterOptional)
                    {
                        AddOnce(candidates, operation);
                    }
                }
                else if (string.Equals(input.Expected, state, StringComparison.Ordinal))
                {
                    AddOnce(candidates, operation);
                }
                else if (input.Expected is string expected && !Contains(wanted, expected))
                {
                    // It would produce the value only after something produced what it expects.
                    wanted.Add(expected);
                }
            }
        }

        if (!wantChange)
        {
            return;
        }

        var compareAndSets = state is null ? _compareAndSetsExpectingAbsent : _compareAndSetsByExpected.GetValueOrDefault(state);
        if (compareAndSets is not null)
        {
            foreach (int operation in compareAndSets)
            {
                if (!_placed[operation] && _operations[operation].CallTime <= barrierTime
                    && !string.Equals(_operations[operation].Input.Value, state, StringComparison.Ordinal))
                {
                    AddOnce(candidates, operation);
                }
            }
        }

        if (afterOptional)
        {
            return;
        }

        for (int position = _observedWrites.First; position != _observedWrites.End; position = _observedWrites.Next(position))
        {
            int operation = _observedWrites.Operation(position);
            if (_operations[operation].CallTime > barrierTime)
            {
                break;
            }

            if (!string.Equals(_operations[operation].Input.Value, state, StringComparison.Ordinal))
            {
                AddOnce(candidates, operation);
            }
        }

        for (int position = _unobservedWrites.First; position != _unobservedWrites.End; position = _unobservedWrites.Next(position))
        {
            int operation = _unobservedWrites.Operation(position);
            if (_operations[operation].CallTime > barrierTime)
            {
                break;
            }

            if (!string.Equals(_operations[operation].Input.Value, state, StringComparison.Ordinal))
            {
                AddOnce(candidates, operation);
                break;
            }
        }
    }

    private PendingList? Pending(int operation) =>
        _observedWrites.Holds(operation) ? _observedWrites : _unobservedWrites.Holds(operation) ? _unobservedWrites : null;

    private static void Append(Dictionary<string, List<int>> index, string key, int operation)
    {
        if (!index.TryGetValue(key, out var list))
        {
            list = [];
            index.Add(key, list);
        }

        list.Add(operation);
    }

    private static void AddOnce(List<int> candidates, int operation)
    {
        foreach (int candidate in candidates)
        {
            if (candidate == operation)
            {
                return;
            }
        }

        candidates.Add(operation);
    }

    private static bool Contains(List<string> values, string value)
    {
        foreach (string candidate in values)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
