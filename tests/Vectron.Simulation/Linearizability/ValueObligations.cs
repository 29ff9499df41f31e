namespace Vectron.Simulation.Linearizability;

/// <summary>
/// Counts, per value of one key, the unplaced operations that need the key to hold it and those that could still write
/// it, so the search can abandon a configuration from which some operation can no longer be satisfied.
/// </summary>
/// <remarks>
/// <para>
/// A completed read that returned v, or a compare-and-set that succeeded expecting v, must be placed at a point where
/// the key holds v. If the key does not hold v now and no unplaced operation can write v (a completed write or
/// successful compare-and-set of v, or an unknown one), that point never comes: the configuration is hopeless. Absent
/// is never written, so a pending read of absent strands as soon as the key holds anything.
/// </para>
/// <para>
/// The check is exact (it only abandons configurations with no completion) and O(1) per placement. It spares the
/// search from exploring, up to the next return, every continuation of a write placed too early, which is most of
/// the work of refuting a long history. Placements must be undone last-in, first-out. Not thread-safe.
/// </para>
/// </remarks>
internal sealed class ValueObligations
{
    private const int NoValue = -1;
    private const int Absent = 0;

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly int[] _needs;
    private readonly int[] _writes;
    private readonly int[] _needers;
    private readonly int[] _writers;
    private int _stranded;

    /// <summary>Counts the needs and possible writes of <paramref name="operations"/> (one key's), none placed yet.</summary>
    public ValueObligations(IReadOnlyList<Operation> operations)
    {
        _needs = new int[operations.Count];
        _writes = new int[operations.Count];
        for (int index = 0; index < operations.Count; index++)
        {
            var operation = operations[index];
            var input = operation.Input;
            var output = operation.Output;
            _needs[index] = input.Kind switch
            {
                OperationKind.Read when output is not null => Id(output.Value),
                OperationKind.CompareAndSet when output is { Succeeded: true } => Id(input.Expected),
                _ => NoValue,
            };

            // A completed compare-and-set that failed wrote nothing; an unknown one may have.
            bool mayWrite = input.Kind == OperationKind.Write || (input.Kind == OperationKind.CompareAndSet && output?.Succeeded != false);
            _writes[index] = mayWrite ? Id(input.Value) : NoValue;
        }

        _needers = new int[_ids.Count + 1];
        _writers = new int[_ids.Count + 1];
        for (int index = 0; index < operations.Count; index++)
        {
            if (_needs[index] != NoValue)
            {
                _needers[_needs[index]]++;
            }

            if (_writes[index] != NoValue)
            {
                _writers[_writes[index]]++;
            }
        }

        for (int value = 0; value < _needers.Length; value++)
        {
            _stranded += IsStranded(value) ? 1 : 0;
        }
    }

    /// <summary>Whether some unplaced operation needs a value the key does not hold in <paramref name="state"/> and nothing left can write.</summary>
    public bool IsHopeless(string? state)
    {
        if (_stranded == 0)
        {
            return false;
        }

        int current = Id(state, add: false);
        return _stranded > (current != NoValue && IsStranded(current) ? 1 : 0);
    }

    /// <summary>
    /// Whether unplaced operation <paramref name="operation"/> needs a value the key does not hold in
    /// <paramref name="state"/> and nothing left can write.
    /// </summary>
    public bool IsStranded(int operation, string? state)
    {
        int needed = _needs[operation];
        return needed != NoValue && IsStranded(needed) && needed != Id(state, add: false);
    }

    /// <summary>Notes that <paramref name="operation"/> was placed.</summary>
    public void OnPlaced(int operation) => Adjust(operation, -1);

    /// <summary>Undoes the latest <see cref="OnPlaced"/> not yet undone, which was for <paramref name="operation"/>.</summary>
    public void OnUnplaced(int operation) => Adjust(operation, +1);

    private void Adjust(int operation, int delta)
    {
        int needed = _needs[operation];
        if (needed != NoValue)
        {
            _stranded -= IsStranded(needed) ? 1 : 0;
            _needers[needed] += delta;
            _stranded += IsStranded(needed) ? 1 : 0;
        }

        int written = _writes[operation];
        if (written != NoValue)
        {
            _stranded -= IsStranded(written) ? 1 : 0;
            _writers[written] += delta;
            _stranded += IsStranded(written) ? 1 : 0;
        }
    }

    private bool IsStranded(int value) => _needers[value] > 0 && _writers[value] == 0;

    private int Id(string? value, bool add = true)
    {
        if (value is null)
        {
            return Absent;
        }

        if (!_ids.TryGetValue(value, out int id))
        {
            if (!add)
            {
                return NoValue;
            }

            id = _ids.Count + 1;
            _ids.Add(value, id);
        }

        return id;
    }
}
