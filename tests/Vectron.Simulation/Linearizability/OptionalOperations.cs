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
/// Two refinements keep the candidates few without losing any linearization. An unknown write right after another
/// unknown operation only hides it (the write alone reaches the same state), so only compare-and-sets may follow one.
/// And a value is dead once every operation that reads it or expects it is placed: nothing left can tell two dead
/// values apart, so unknown writes of dead values are interchangeable and only the first pending one is offered to
/// change the state. Deadness is tracked as operations are placed and unplaced (<see cref="OnPlaced"/>).
/// </para>
/// <para>Not thread-safe.</para>
/// </remarks>
internal sealed class OptionalOperations
{
    private const int NoValue = -1;

    private readonly IReadOnlyList<Operation> _operations;
    private readonly int[] _member;
    private readonly bool[] _placed;

    // Values are numbered per key. Per operation: the value it reads or expects (NoValue if none, or if it is a write
    // or an operation that constrains nothing), and the value it writes.
    private readonly Dictionary<string, int> _valueIds = new(StringComparer.Ordinal);
    private readonly int[] _observes;
    private readonly int[] _writes;

    // Per value: the operations still unplaced that read or expect it, and the unknown writes and compare-and-sets of it.
    private readonly int[] _liveObservers;
    private readonly List<int>[] _writers;
    private readonly Dictionary<string, List<int>> _compareAndSetsByExpected = new(StringComparer.Ordinal);
    private readonly List<int> _compareAndSetsExpectingAbsent = [];

    // Unknown writes still unplaced, in invocation order; and those of them whose value is alive.
    private readonly PendingList _pendingWrites;
    private readonly PendingList _aliveWrites;

    /// <summary>Indexes the unknown operations among <paramref name="operations"/> (one key's, in invocation order).</summary>
    public OptionalOperations(IReadOnlyList<Operation> operations)
    {
        _operations = operations;
        int count = operations.Count;
        _member = new int[count];
        _placed = new bool[count];
        _observes = new int[count];
        _writes = new int[count];
        for (int index = 0; index < count; index++)
        {
            var operation = operations[index];
            string? observed = operation.Input.Kind == OperationKind.Read ? operation.Output?.Value : operation.Input.Expected;
            _observes[index] = observed is null ? NoValue : ValueId(observed);
            _writes[index] = operation.Input.Value is string written ? ValueId(written) : NoValue;
        }

        _liveObservers = new int[_valueIds.Count];
        _writers = new List<int>[_valueIds.Count];
        for (int value = 0; value < _writers.Length; value++)
        {
            _writers[value] = [];
        }

        for (int index = 0; index < count; index++)
        {
            if (_observes[index] != NoValue)
            {
                _liveObservers[_observes[index]]++;
            }
        }

        var writes = new List<int>();
        int members = 0;
        for (int index = 0; index < count; index++)
        {
            var operation = operations[index];
            if (!operation.IsUnknown || operation.Input.Kind == OperationKind.Read)
            {
                continue;
            }

            _member[index] = members++;
            _writers[_writes[index]].Add(index);
            if (operation.Input.Kind == OperationKind.Write)
            {
                writes.Add(index);
            }
            else if (operation.Input.Expected is string expected)
            {
                Append(_compareAndSetsByExpected, expected, index);
            }
            else
            {
                _compareAndSetsExpectingAbsent.Add(index);
            }
        }

        _pendingWrites = new PendingList(writes);
        _aliveWrites = new PendingList(writes);
        foreach (int write in writes)
        {
            // Never observed at all: dead from the start, and never revived (observers only come back as they are unplaced).
            if (_liveObservers[_writes[write]] == 0)
            {
                _aliveWrites.Remove(write);
            }
        }

        Placed = new Bitset(members);
    }

    /// <summary>
    /// The unknown writes and compare-and-sets placed, numbered in invocation order, except writes whose value is dead:
    /// those are interchangeable, so only their number counts (<see cref="DeadWritesPlaced"/>).
    /// </summary>
    public Bitset Placed { get; }

    /// <summary>The number of unknown writes placed whose value is dead.</summary>
    public int DeadWritesPlaced { get; private set; }

    /// <summary>Notes that <paramref name="operation"/>, completed or unknown, was placed in the linearization.</summary>
    public void OnPlaced(int operation)
    {
        int observed = _observes[operation];
        if (observed != NoValue && --_liveObservers[observed] == 0)
        {
            // The value just died: its unknown writes, placed or not, become interchangeable with any other dead one.
            foreach (int writer in _writers[observed])
            {
                if (!_pendingWrites.Holds(writer))
                {
                    continue;
                }

                if (_placed[writer])
                {
                    Placed.Remove(_member[writer]);
                    DeadWritesPlaced++;
                }
                else
                {
                    _aliveWrites.Remove(writer);
                }
            }
        }

        if (!_operations[operation].IsUnknown)
        {
            return;
        }

        _placed[operation] = true;
        if (!_pendingWrites.Holds(operation))
        {
            Placed.Add(_member[operation]);
            return;
        }

        _pendingWrites.Remove(operation);
        if (_liveObservers[_writes[operation]] > 0)
        {
            _aliveWrites.Remove(operation);
            Placed.Add(_member[operation]);
        }
        else
        {
            DeadWritesPlaced++;
        }
    }

    /// <summary>Undoes the latest <see cref="OnPlaced"/> not yet undone, which was for <paramref name="operation"/>.</summary>
    public void OnUnplaced(int operation)
    {
        if (_operations[operation].IsUnknown)
        {
            _placed[operation] = false;
            if (!_pendingWrites.Holds(operation))
            {
                Placed.Remove(_member[operation]);
            }
            else
            {
                if (_liveObservers[_writes[operation]] > 0)
                {
                    Placed.Remove(_member[operation]);
                    _aliveWrites.Restore(operation);
                }
                else
                {
                    DeadWritesPlaced--;
                }

                _pendingWrites.Restore(operation);
            }
        }

        int observed = _observes[operation];
        if (observed != NoValue && _liveObservers[observed]++ == 0)
        {
            var writers = _writers[observed];
            for (int index = writers.Count - 1; index >= 0; index--)
            {
                int writer = writers[index];
                if (!_pendingWrites.Holds(writer))
                {
                    continue;
                }

                if (_placed[writer])
                {
                    DeadWritesPlaced--;
                    Placed.Add(_member[writer]);
                }
                else
                {
                    _aliveWrites.Restore(writer);
                }
            }
        }
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
            if (!_valueIds.TryGetValue(wanted[index], out int value))
            {
                continue;
            }

            foreach (int operation in _writers[value])
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
                if (!_placed[operation] && _operations[operation].CallTime <= barrierTime && !Writes(operation, state))
                {
                    AddOnce(candidates, operation);
                }
            }
        }

        if (afterOptional)
        {
            return;
        }

        for (int position = _aliveWrites.First; position != _aliveWrites.End; position = _aliveWrites.Next(position))
        {
            int operation = _aliveWrites.Operation(position);
            if (_operations[operation].CallTime > barrierTime)
            {
                break;
            }

            if (!Writes(operation, state))
            {
                AddOnce(candidates, operation);
            }
        }

        // The first write of a dead value that changes the state stands for all of them.
        for (int position = _pendingWrites.First; position != _pendingWrites.End; position = _pendingWrites.Next(position))
        {
            int operation = _pendingWrites.Operation(position);
            if (_operations[operation].CallTime > barrierTime)
            {
                break;
            }

            if (_liveObservers[_writes[operation]] == 0 && !Writes(operation, state))
            {
                AddOnce(candidates, operation);
                break;
            }
        }
    }

    private bool Writes(int operation, string? value) => string.Equals(_operations[operation].Input.Value, value, StringComparison.Ordinal);

    private int ValueId(string value)
    {
        if (!_valueIds.TryGetValue(value, out int id))
        {
            id = _valueIds.Count;
            _valueIds.Add(value, id);
        }

        return id;
    }

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
