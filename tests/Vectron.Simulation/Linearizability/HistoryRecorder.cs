namespace Vectron.Simulation.Linearizability;

/// <summary>Records client invocations and completions at logical times and turns them into a <see cref="History"/>.</summary>
/// <remarks>
/// Not thread-safe: the simulation that drives it is single-threaded. Times come from the simulation clock and must never
/// go backwards across all recorded events; a recorded time equal to the previous one is fine.
/// </remarks>
internal sealed class HistoryRecorder
{
    private readonly List<Pending> _operations = [];
    private long _lastTime = long.MinValue;

    /// <summary>The number of operations invoked and neither completed nor marked unknown yet.</summary>
    public int PendingCount { get; private set; }

    /// <summary>Records that <paramref name="clientId"/> invoked <paramref name="input"/> at <paramref name="time"/>.</summary>
    /// <returns>The operation's id, to pass to <see cref="Complete"/> or <see cref="MarkUnknown"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is before the last recorded time.</exception>
    public int Invoke(int clientId, KeyValueInput input, long time)
    {
        ArgumentNullException.ThrowIfNull(input);
        Advance(time);
        _operations.Add(new Pending(clientId, input, time));
        PendingCount++;
        return _operations.Count - 1;
    }

    /// <summary>Records that operation <paramref name="operationId"/> returned <paramref name="output"/> at <paramref name="time"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="operationId"/> was never returned by <see cref="Invoke"/>, or <paramref name="time"/> is before the last recorded time.
    /// </exception>
    /// <exception cref="InvalidOperationException">The operation already completed or was marked unknown.</exception>
    public void Complete(int operationId, KeyValueOutput output, long time)
    {
        ArgumentNullException.ThrowIfNull(output);
        var pending = Open(operationId);
        Advance(time);
        pending.Output = output;
        pending.ReturnTime = time;
        pending.Closed = true;
        PendingCount--;
    }

    /// <summary>
    /// Records that the client will never learn the outcome of operation <paramref name="operationId"/> (it timed out or
    /// gave up): the operation may take effect at any time after its invocation, or never.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="operationId"/> was never returned by <see cref="Invoke"/>.</exception>
    /// <exception cref="InvalidOperationException">The operation already completed or was marked unknown.</exception>
    public void MarkUnknown(int operationId)
    {
        var pending = Open(operationId);
        pending.Closed = true;
        PendingCount--;
    }

    /// <summary>The history recorded so far; operations still pending are unknown in it (their clients have not heard back).</summary>
    public History ToHistory()
    {
        var operations = new List<Operation>(_operations.Count);
        for (int id = 0; id < _operations.Count; id++)
        {
            var pending = _operations[id];
            operations.Add(new Operation(id, pending.ClientId, pending.Input, pending.CallTime, pending.ReturnTime, pending.Output));
        }

        return new History(operations);
    }

    private Pending Open(int operationId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(operationId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(operationId, _operations.Count);
        var pending = _operations[operationId];
        if (pending.Closed)
        {
            throw new InvalidOperationException($"operation {operationId} already completed or was marked unknown");
        }

        return pending;
    }

    private void Advance(long time)
    {
        if (time < _lastTime)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, $"time went backwards (last recorded {_lastTime})");
        }

        _lastTime = time;
    }

    private sealed class Pending(int clientId, KeyValueInput input, long callTime)
    {
        public int ClientId { get; } = clientId;

        public KeyValueInput Input { get; } = input;

        public long CallTime { get; } = callTime;

        public long? ReturnTime { get; set; }

        public KeyValueOutput? Output { get; set; }

        public bool Closed { get; set; }
    }
}
