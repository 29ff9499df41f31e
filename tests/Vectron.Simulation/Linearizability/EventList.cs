namespace Vectron.Simulation.Linearizability;

/// <summary>
/// The call and return events of one key's completed operations as a doubly linked list in time order, from which the
/// search lifts the events of an operation it linearizes and into which it relinks them when it backtracks.
/// </summary>
/// <remarks>
/// <para>
/// Events sort by time, then calls before returns, then operation index: an operation that returns at t and another
/// invoked at t overlap. The list lies between two sentinels, <see cref="Head"/> and <see cref="Tail"/>, so that links
/// are never null. Operations of unknown outcome have no events here (see <see cref="OptionalOperations"/>).
/// </para>
/// <para>Lifts must be undone last-in, first-out, which is how the search uses them (Knuth's dancing links). Not thread-safe.</para>
/// </remarks>
internal sealed class EventList
{
    /// <summary>The sentinel before the first event.</summary>
    public const int Head = 0;

    private readonly int[] _next;
    private readonly int[] _previous;
    private readonly int[] _operation;
    private readonly bool[] _isCall;
    private readonly int[] _callEntry;
    private readonly int[] _returnEntry;

    /// <summary>Lists the events of the completed operations among <paramref name="operations"/>.</summary>
    public EventList(IReadOnlyList<Operation> operations)
    {
        int count = operations.Count;
        var events = new List<(long Time, int Order, int Operation)>(2 * count);
        for (int index = 0; index < count; index++)
        {
            if (operations[index].ReturnTime is long returned)
            {
                events.Add((operations[index].CallTime, 0, index));
                events.Add((returned, 1, index));
            }
        }

        events.Sort();
        Tail = events.Count + 1;
        _next = new int[Tail + 1];
        _previous = new int[Tail + 1];
        _operation = new int[Tail + 1];
        _isCall = new bool[Tail + 1];
        _callEntry = new int[count];
        _returnEntry = new int[count];
        for (int position = 0; position < events.Count; position++)
        {
            var (_, order, operation) = events[position];
            int entry = position + 1;
            _operation[entry] = operation;
            _isCall[entry] = order == 0;
            if (order == 0)
            {
                _callEntry[operation] = entry;
            }
            else
            {
                _returnEntry[operation] = entry;
            }
        }

        for (int entry = Head; entry <= Tail; entry++)
        {
            _next[entry] = entry + 1;
            _previous[entry] = entry - 1;
        }
    }

    /// <summary>The sentinel after the last event.</summary>
    public int Tail { get; }

    /// <summary>The number of completed operations listed.</summary>
    public int Count => (Tail - 1) / 2;

    /// <summary>The entry after <paramref name="entry"/>.</summary>
    public int Next(int entry) => _next[entry];

    /// <summary>The index of the operation the event at <paramref name="entry"/> belongs to.</summary>
    public int Operation(int entry) => _operation[entry];

    /// <summary>The entry of the call of completed operation <paramref name="operation"/>.</summary>
    public int CallEntry(int operation) => _callEntry[operation];

    /// <summary>Whether the event at <paramref name="entry"/> is a call (else a return).</summary>
    public bool IsCall(int entry) => _isCall[entry];

    /// <summary>Unlinks the call at <paramref name="call"/> and its operation's return.</summary>
    public void Lift(int call)
    {
        Unlink(call);
        Unlink(_returnEntry[_operation[call]]);
    }

    /// <summary>Relinks what <see cref="Lift"/> unlinked; must undo the latest lift not yet undone.</summary>
    public void Unlift(int call)
    {
        Relink(_returnEntry[_operation[call]]);
        Relink(call);
    }

    private void Unlink(int entry)
    {
        _next[_previous[entry]] = _next[entry];
        _previous[_next[entry]] = _previous[entry];
    }

    private void Relink(int entry)
    {
        _next[_previous[entry]] = entry;
        _previous[_next[entry]] = entry;
    }
}
