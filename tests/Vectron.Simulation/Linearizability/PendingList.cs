namespace Vectron.Simulation.Linearizability;

/// <summary>A fixed sequence of operations, minus those removed, as a doubly linked list whose removals are undone last-in, first-out.</summary>
/// <remarks>Positions run from <see cref="First"/> to <see cref="End"/> (a sentinel). Not thread-safe.</remarks>
internal sealed class PendingList
{
    private const int Start = 0;

    private readonly int[] _operation;
    private readonly int[] _next;
    private readonly int[] _previous;
    private readonly Dictionary<int, int> _position = [];

    /// <summary>Lists <paramref name="operations"/> in the order given.</summary>
    public PendingList(List<int> operations)
    {
        End = operations.Count + 1;
        _operation = new int[End + 1];
        _next = new int[End + 1];
        _previous = new int[End + 1];
        for (int position = Start; position <= End; position++)
        {
            _next[position] = position + 1;
            _previous[position] = position - 1;
        }

        for (int index = 0; index < operations.Count; index++)
        {
            _operation[index + 1] = operations[index];
            _position.Add(operations[index], index + 1);
        }
    }

    /// <summary>The position of the first operation still listed, or <see cref="End"/>.</summary>
    public int First => _next[Start];

    /// <summary>The sentinel position after the last operation.</summary>
    public int End { get; }

    /// <summary>The position after <paramref name="position"/>.</summary>
    public int Next(int position) => _next[position];

    /// <summary>The operation at <paramref name="position"/>.</summary>
    public int Operation(int position) => _operation[position];

    /// <summary>Whether <paramref name="operation"/> is one of the listed sequence (removed or not).</summary>
    public bool Holds(int operation) => _position.ContainsKey(operation);

    /// <summary>Unlinks <paramref name="operation"/>.</summary>
    public void Remove(int operation)
    {
        int position = _position[operation];
        _next[_previous[position]] = _next[position];
        _previous[_next[position]] = _previous[position];
    }

    /// <summary>Relinks <paramref name="operation"/>; must undo the latest removal not yet undone.</summary>
    public void Restore(int operation)
    {
        int position = _position[operation];
        _next[_previous[position]] = position;
        _previous[_next[position]] = position;
    }
}
