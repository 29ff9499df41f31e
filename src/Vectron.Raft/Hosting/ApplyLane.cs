using System.Buffers.Binary;
using System.Collections.Concurrent;
using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>
/// One group's apply queue: committed entries, snapshot restores and reads, run in order by the
/// <see cref="IApplyScheduler"/> (at most one run at a time), never on the consensus loop unless the
/// scheduler is inline. Owns the group's applied state: the applied index, the membership as of it,
/// and the client session table; takes snapshots by the host's policy.
/// </summary>
internal sealed class ApplyLane
{
    private readonly RaftHost _host;
    private readonly ulong _groupId;
    private readonly IStateMachine _stateMachine;
    private readonly IRaftSnapshotStore _snapshots;
    private readonly IApplyScheduler _scheduler;
    private readonly long _snapshotEvery;
    private readonly long _snapshotEveryBytes;
    private readonly SessionTable _sessions;
    private readonly ConcurrentQueue<Work> _queue = new();
    private readonly Func<ValueTask> _run;
    private int _scheduled;
    private long _backlog;
    private volatile bool _failed;
    private volatile bool _stopped;

    // Applied state: touched only by the running work item (runs never overlap).
    private ulong _appliedIndex;
    private ulong _appliedTerm;
    private ConfState _confState;
    private ulong _lastSnapshotIndex;
    private long _bytesSinceSnapshot;

    public ApplyLane(RaftHost host, ulong groupId, IStateMachine stateMachine, SnapshotMetadata start, RaftHostOptions options,
        IRaftSnapshotStore snapshots, IApplyScheduler scheduler)
    {
        _host = host;
        _groupId = groupId;
        _stateMachine = stateMachine;
        _snapshots = snapshots;
        _scheduler = scheduler;
        _snapshotEvery = options.SnapshotEveryEntries;
        _snapshotEveryBytes = options.SnapshotEveryBytes;
        _sessions = new SessionTable(options.MaxSessions, options.ResultsPerSession);
        _confState = start.ConfState;
        _appliedIndex = start.Index;
        _appliedTerm = start.Term;
        _lastSnapshotIndex = start.Index;
        _run = RunAsync;
    }

    /// <summary>Committed entries handed over and not yet applied.</summary>
    public long Backlog => Interlocked.Read(ref _backlog);

    /// <summary>The applied index as of the last completed work item (read from any thread, for status and tests).</summary>
    public ulong AppliedIndex => Interlocked.Read(ref _appliedIndex);

    /// <summary>True once the state machine threw; the group applies nothing more.</summary>
    public bool Failed => _failed;

    /// <summary>Queues committed entries; <paramref name="confStates"/> holds, per conf-change entry, the membership after it (null when Raft refused it).</summary>
    public void EnqueueEntries(IReadOnlyList<Entry> entries, Dictionary<ulong, ConfState?>? confStates, long handedTimestamp)
    {
        Interlocked.Add(ref _backlog, entries.Count);
        Enqueue(new Work(WorkKind.Entries) { Entries = entries, ConfStates = confStates, Timestamp = handedTimestamp });
    }

    /// <summary>Queues replacing the state with a snapshot whose payload is in the snapshot store.</summary>
    public void EnqueueRestore(SnapshotMetadata metadata) => Enqueue(new Work(WorkKind.Restore) { Metadata = metadata });

    /// <summary>
    /// Queues the lane's end: everything queued before it still runs; <paramref name="done"/> completes
    /// once it has, and later work is abandoned (the state machine is never called again).
    /// </summary>
    public void Stop(TaskCompletionSource done) => Enqueue(new Work(WorkKind.Stop) { Done = done });

    /// <summary>Queues a read, served after everything queued before it.</summary>
    public void EnqueueLookup(ReadOnlyMemory<byte> query, TaskCompletionSource<RaftResult<ReadOnlyMemory<byte>>> completion) =>
        Enqueue(new Work(WorkKind.Lookup) { Query = query, Completion = completion });

    private void Enqueue(Work work)
    {
        _queue.Enqueue(work);
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            _scheduler.Schedule(_run);
        }
    }

    private async ValueTask RunAsync()
    {
        while (true)
        {
            while (_queue.TryDequeue(out var work))
            {
                if (_failed || _stopped)
                {
                    Abandon(work);
                    continue;
                }
                try
                {
                    await ExecuteAsync(work).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A state machine failure stops this group only; the host reports it.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    _failed = true;
                    Abandon(work);
                    _host.OnApplyFailed(_groupId, exception);
                }
            }
            // Lock-free hand-off: clear the flag, then look again, so work queued between the last
            // dequeue and the clear is not stranded (its enqueuer saw the flag still set).
            Volatile.Write(ref _scheduled, 0);
            if (_queue.IsEmpty || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private void Abandon(Work work)
    {
        if (work.Kind == WorkKind.Entries)
        {
            Interlocked.Add(ref _backlog, -work.Entries.Count);
        }
        work.Completion?.TrySetResult(RaftResult<ReadOnlyMemory<byte>>.Failure(RaftOutcome.Stopped));
        work.Done?.TrySetResult();
    }

    private async Task ExecuteAsync(Work work)
    {
        switch (work.Kind)
        {
            case WorkKind.Entries:
                ApplyEntries(work.Entries, work.ConfStates);
                Interlocked.Add(ref _backlog, -work.Entries.Count);
                _host.Metrics.RecordApplied(work.Timestamp);
                if ((_snapshotEvery > 0 && _appliedIndex - _lastSnapshotIndex >= (ulong)_snapshotEvery)
                    || (_snapshotEveryBytes > 0 && _bytesSinceSnapshot >= _snapshotEveryBytes))
                {
                    await TakeSnapshotAsync().ConfigureAwait(false);
                }
                break;
            case WorkKind.Restore:
                await RestoreAsync(work.Metadata!).ConfigureAwait(false);
                break;
            case WorkKind.Stop:
                _stopped = true;
                work.Done!.TrySetResult();
                break;
            default:
                work.Completion!.TrySetResult(RaftResult<ReadOnlyMemory<byte>>.Success(_stateMachine.Lookup(work.Query)));
                break;
        }
    }

    private void ApplyEntries(IReadOnlyList<Entry> entries, Dictionary<ulong, ConfState?>? confStates)
    {
        var run = new Run();
        foreach (var entry in entries)
        {
            if (entry.Index <= _appliedIndex)
            {
                // Already covered by a restored snapshot.
                continue;
            }
            if (entry.Type == EntryType.ConfChange)
            {
                Flush(run);
                ApplyConfChange(entry, confStates);
            }
            else if (!entry.Data.IsEmpty)
            {
                var (clientId, requestId, payload) = EntryEnvelope.Decode(entry.Data);
                if (run.Contains(clientId, requestId))
                {
                    // The same request twice in one run: apply the first before judging the second.
                    Flush(run);
                }
                switch (_sessions.Check(clientId, requestId, out var held))
                {
                    case SessionVerdict.New:
                        run.Add(clientId, requestId, new StateMachineCommand(entry.Index, payload));
                        break;
                    case SessionVerdict.Duplicate:
                        _host.CompleteProposal(_groupId, clientId, requestId, RaftResult<ReadOnlyMemory<byte>>.Success(held));
                        break;
                    default:
                        _host.CompleteProposal(_groupId, clientId, requestId, RaftResult<ReadOnlyMemory<byte>>.Failure(RaftOutcome.SessionExpired));
                        break;
                }
            }
            _appliedTerm = entry.Term;
            _bytesSinceSnapshot += entry.Data.Length;
            Interlocked.Exchange(ref _appliedIndex, entry.Index);
        }
        Flush(run);
    }

    private void Flush(Run run)
    {
        if (run.Commands.Count == 0)
        {
            return;
        }
        var results = new ReadOnlyMemory<byte>[run.Commands.Count];
        _stateMachine.Apply(run.Commands.ToArray(), results);
        for (var i = 0; i < results.Length; i++)
        {
            var (clientId, requestId) = run.Keys[i];
            _sessions.Record(clientId, requestId, results[i], run.Commands[i].Index);
            _host.CompleteProposal(_groupId, clientId, requestId, RaftResult<ReadOnlyMemory<byte>>.Success(results[i]));
        }
        run.Clear();
    }

    private void ApplyConfChange(Entry entry, Dictionary<ulong, ConfState?>? confStates)
    {
        ConfState? after = null;
        if (confStates is not null && confStates.TryGetValue(entry.Index, out var state))
        {
            after = state;
        }
        if (after is not null)
        {
            _confState = after;
        }
        var context = ConfChangeCodec.Decode(entry.Data.Span).Context.Span;
        if (context.Length == 16 && BinaryPrimitives.ReadUInt64LittleEndian(context) == _host.NodeId)
        {
            _host.CompleteConfChange(BinaryPrimitives.ReadUInt64LittleEndian(context[8..]), after);
        }
    }

    private async Task TakeSnapshotAsync()
    {
        var metadata = new SnapshotMetadata(_appliedIndex, _appliedTerm, _confState);
        var payload = await SnapshotPayload.WriteAsync(metadata.Index, metadata.Term, _sessions, _stateMachine, CancellationToken.None).ConfigureAwait(false);
        _lastSnapshotIndex = metadata.Index;
        _bytesSinceSnapshot = 0;
        try
        {
            await _snapshots.SaveAsync(_groupId, metadata, payload, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            // A snapshot only lets the log be compacted: without it the group goes on from its log. The disk may be
            // full or failing, so the next try waits for another interval of entries rather than every batch.
            _host.OnSnapshotSaveFailed(_groupId, metadata.Index, exception);
            return;
        }
        _host.OnSnapshotTaken(_groupId, metadata);
    }

    private async Task RestoreAsync(SnapshotMetadata metadata)
    {
        if (!_snapshots.TryLoad(_groupId, metadata.Index, out var payload))
        {
            throw new InvalidOperationException($"group {_groupId}: the payload of snapshot {metadata.Index} is not in the snapshot store");
        }
        var (index, term) = await SnapshotPayload.RestoreAsync(payload, _sessions, _stateMachine, CancellationToken.None).ConfigureAwait(false);
        if (index != metadata.Index || term != metadata.Term)
        {
            throw new InvalidOperationException($"group {_groupId}: snapshot payload covers {term}/{index}, Raft expected {metadata.Term}/{metadata.Index}");
        }
        _appliedTerm = term;
        _confState = metadata.ConfState;
        _lastSnapshotIndex = index;
        _bytesSinceSnapshot = 0;
        Interlocked.Exchange(ref _appliedIndex, index);
    }

    private enum WorkKind : byte
    {
        Entries,
        Restore,
        Lookup,
        Stop,
    }

    private sealed class Work(WorkKind kind)
    {
        public WorkKind Kind { get; } = kind;

        public IReadOnlyList<Entry> Entries { get; init; } = [];

        public Dictionary<ulong, ConfState?>? ConfStates { get; init; }

        public long Timestamp { get; init; }

        public SnapshotMetadata? Metadata { get; init; }

        public ReadOnlyMemory<byte> Query { get; init; }

        public TaskCompletionSource<RaftResult<ReadOnlyMemory<byte>>>? Completion { get; init; }

        public TaskCompletionSource? Done { get; init; }
    }

    private sealed class Run
    {
        private readonly HashSet<(ulong, ulong)> _keySet = [];

        public List<StateMachineCommand> Commands { get; } = [];

        public List<(ulong ClientId, ulong RequestId)> Keys { get; } = [];

        public bool Contains(ulong clientId, ulong requestId) => clientId != 0 && _keySet.Contains((clientId, requestId));

        public void Add(ulong clientId, ulong requestId, StateMachineCommand command)
        {
            Commands.Add(command);
            Keys.Add((clientId, requestId));
            _keySet.Add((clientId, requestId));
        }

        public void Clear()
        {
            Commands.Clear();
            Keys.Clear();
            _keySet.Clear();
        }
    }
}
