using System.Globalization;
using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Simulation.Linearizability;

namespace Vectron.Simulation;

/// <summary>
/// One client of one group: it issues reads, writes and compare-and-sets (each write with a value never used before)
/// one at a time, each through a random host running the group, and records every invocation and outcome on the
/// simulated clock in the group's <see cref="HistoryRecorder"/>.
/// </summary>
/// <remarks>
/// A failed attempt is retried through another host with the same request id, so the host's client sessions apply a
/// retried write once. A client that has not heard an answer within its timeout gives up and records the outcome as
/// unknown: the operation may take effect later, or never. An answer from a host stuck in a slow fsync reaches the
/// client only when the fsync ends.
/// </remarks>
internal sealed class SimulatedClient
{
    private readonly ulong _groupId;
    private readonly int _index;
    private readonly SimulationOptions _options;
    private readonly HistoryRecorder _history;
    private readonly SimulatedClock _clock;
    private readonly Dictionary<string, string?> _lastSeen = new(StringComparer.Ordinal);
    private SplitMix _random;
    private ulong _nextRequestId;
    private int _nextValue;
    private long _nextStart;
    private ulong _preferred;
    private Pending? _operation;

    public SimulatedClient(ulong groupId, int index, ulong seed, SimulationOptions options, HistoryRecorder history, SimulatedClock clock)
    {
        _groupId = groupId;
        _index = index;
        _options = options;
        _history = history;
        _clock = clock;
        _random = new SplitMix(seed);
        ClientId = (groupId << 16) | (uint)(index + 1);
        _nextStart = _random.Next(50);
    }

    /// <summary>The client's session id at the hosts.</summary>
    public ulong ClientId { get; }

    /// <summary>Operations that got an answer.</summary>
    public long Completed { get; private set; }

    /// <summary>Operations given up on (outcome unknown).</summary>
    public long Unknown { get; private set; }

    /// <summary>The invocation time of the newest write or compare-and-set that got an answer (-1: none).</summary>
    public long LastAnsweredWriteInvokedAt { get; private set; } = -1;

    /// <summary>Whether the client starts new operations.</summary>
    public bool Running { get; set; } = true;

    /// <summary>When the client next needs to act, for the driver's event loop.</summary>
    public long NextWake => _operation switch
    {
        null => Running ? _nextStart : long.MaxValue,
        { VisibleAt: long visible } => visible,
        { Attempt: not null } operation => Math.Min(operation.AttemptDeadline, operation.Deadline),
        var operation => Math.Min(operation.RetryAt, operation.Deadline),
    };

    /// <summary>Acts at the current time: starts, retries, finishes or gives up on an operation.</summary>
    public void Poll(IReadOnlyList<SimulatedHost> hosts, ref TraceHash trace)
    {
        long now = _clock.Now;
        if (_operation is null)
        {
            if (Running && now >= _nextStart)
            {
                Start(now);
                Attempt(hosts, now);
            }

            return;
        }

        var operation = _operation;
        if (operation.Attempt is { IsCompleted: true } attempt)
        {
            operation.VisibleAt ??= Math.Max(now, operation.Host!.BusyUntil);
            if (now >= operation.VisibleAt)
            {
                Finish(operation, attempt.Result, now, ref trace);
            }

            return;
        }

        if (now >= operation.Deadline)
        {
            GiveUp(now, ref trace);
        }
        else if (operation.Attempt is not null && now >= operation.AttemptDeadline)
        {
            // No answer from that host for a while: try another with the same request id (the sessions make a
            // write that both hosts get through apply once). The first attempt may still take effect.
            _preferred = 0;
            Attempt(hosts, now);
        }
        else if (operation.Attempt is null && now >= operation.RetryAt)
        {
            Attempt(hosts, now);
        }
    }

    private void Start(long now)
    {
        string key = "k" + _random.Next(_options.KeysPerGroup).ToString(CultureInfo.InvariantCulture);
        int roll = _random.Next(100);
        KeyValueInput input;
        if (roll < 40)
        {
            input = KeyValueInput.Read(key);
        }
        else
        {
            string value = $"{_groupId}.{_index}.{_nextValue++}";
            input = roll < 70 ? KeyValueInput.Write(key, value) : KeyValueInput.CompareAndSet(key, _lastSeen.GetValueOrDefault(key), value);
        }

        int id = _history.Invoke(_index, input, now);
        _operation = new Pending(id, input, ++_nextRequestId, now, now + (_options.ClientTimeoutTicks * SimulationOptions.TickMilliseconds));
    }

    private void Attempt(IReadOnlyList<SimulatedHost> hosts, long now)
    {
        var operation = _operation!;
        var candidates = new List<SimulatedHost>();
        foreach (var host in hosts)
        {
            if (host.IsUp && host.Runs(_groupId))
            {
                candidates.Add(host);
            }
        }

        if (candidates.Count == 0)
        {
            operation.Attempt = null;
            operation.RetryAt = now + 10 + _random.Next(20);
            return;
        }

        // Like a real client library, mostly stay with the host that last answered (or that a refusal named as
        // the leader), sometimes wander; a host cut off from its group keeps its loyal clients until they fail.
        var target = candidates.Find(host => host.Id == _preferred) is { } preferred && _random.Next(10) < 8
            ? preferred
            : candidates[_random.Next(candidates.Count)];
        var raft = target.Host!;
        operation.Host = target;
        operation.VisibleAt = null;
        operation.AttemptDeadline = now + (_options.AttemptTimeoutTicks * SimulationOptions.TickMilliseconds);
        var input = operation.Input;
        if (input.Kind == OperationKind.Read)
        {
            // The deliberate bugs: the replica answers from its own state, without ReadIndex.
            bool local = _options.Unsafe switch
            {
                UnsafeMode.LocalReads => true,
                UnsafeMode.LeaderLocalReads => target.Node(_groupId)?.Role == RaftRole.Leader,
                _ => false,
            };
            var consistency = local ? ReadConsistency.Stale : ReadConsistency.Linearizable;
            operation.Attempt = raft.ReadAsync(_groupId, KeyValueCodec.Read(input.Key), consistency);
            return;
        }

        byte[] payload = input.Kind == OperationKind.Write
            ? KeyValueCodec.Write(input.Key, input.Value!)
            : KeyValueCodec.CompareAndSet(input.Key, input.Expected, input.Value!);
        operation.Attempt = raft.ProposeAsync(_groupId, ClientId, operation.RequestId, payload);
    }

    private void Finish(Pending operation, RaftResult<ReadOnlyMemory<byte>> result, long now, ref TraceHash trace)
    {
        trace.Add(ClientId ^ ((ulong)result.Outcome << 56) ^ ((ulong)operation.Id << 20));
        _preferred = result.IsOk ? operation.Host!.Id : result.LeaderHint;
        if (!result.IsOk)
        {
            operation.Attempt = null;
            operation.VisibleAt = null;
            if (now >= operation.Deadline)
            {
                GiveUp(now, ref trace);
            }
            else
            {
                operation.RetryAt = now + 5 + _random.Next(20);
            }

            return;
        }

        var input = operation.Input;
        KeyValueOutput output;
        switch (input.Kind)
        {
            case OperationKind.Read:
                string? value = KeyValueCodec.DecodeReadResult(result.Value.Span);
                _lastSeen[input.Key] = value;
                output = KeyValueOutput.Read(value);
                break;
            case OperationKind.Write:
                _lastSeen[input.Key] = input.Value;
                output = KeyValueOutput.Written;
                LastAnsweredWriteInvokedAt = operation.InvokedAt;
                break;
            default:
                bool written = result.Value.Span.Length == 1 && result.Value.Span[0] == 1;
                if (written)
                {
                    _lastSeen[input.Key] = input.Value;
                }

                output = KeyValueOutput.CompareAndSet(written);
                LastAnsweredWriteInvokedAt = operation.InvokedAt;
                break;
        }

        trace.Add(result.Value.Span);
        _history.Complete(operation.Id, output, now);
        Completed++;
        _operation = null;
        _nextStart = now + _random.Next(30);
    }

    private void GiveUp(long now, ref TraceHash trace)
    {
        trace.Add(ClientId ^ 0xDEAD);
        _history.MarkUnknown(_operation!.Id);
        Unknown++;
        _operation = null;
        _nextStart = now + _random.Next(30);
    }

    private sealed class Pending(int id, KeyValueInput input, ulong requestId, long invokedAt, long deadline)
    {
        public int Id { get; } = id;

        public KeyValueInput Input { get; } = input;

        public ulong RequestId { get; } = requestId;

        public long InvokedAt { get; } = invokedAt;

        public long Deadline { get; } = deadline;

        public SimulatedHost? Host { get; set; }

        public Task<RaftResult<ReadOnlyMemory<byte>>>? Attempt { get; set; }

        public long RetryAt { get; set; }

        public long AttemptDeadline { get; set; }

        public long? VisibleAt { get; set; }
    }
}

