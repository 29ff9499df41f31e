using System.Diagnostics.Metrics;

namespace Vectron.Raft.Hosting;

/// <summary>
/// The host's instruments, on a <see cref="Meter"/> named "Vectron.Raft" tagged with the node id:
/// elections, leader changes, proposal-to-commit and commit-to-apply latency, log store write
/// latency, and backlogs (apply queue depth, pending proposals, active and quiesced groups).
/// </summary>
internal sealed class RaftHostMetrics : IDisposable
{
    public const string MeterName = "Vectron.Raft";

    private readonly TimeProvider _time;
    private readonly Meter _meter;
    private readonly Counter<long> _elections;
    private readonly Counter<long> _leaderChanges;
    private readonly Counter<long> _messagesSent;
    private readonly Histogram<double> _commitLatency;
    private readonly Histogram<double> _applyLatency;
    private readonly Histogram<double> _storeWriteLatency;
    private readonly KeyValuePair<string, object?> _node;

    public RaftHostMetrics(ulong nodeId, TimeProvider time, Func<long> applyBacklog, Func<long> pendingProposals, Func<int> activeGroups, Func<int> quiescedGroups)
    {
        _time = time;
        _node = new KeyValuePair<string, object?>("vectron.node", nodeId);
        _meter = new Meter(MeterName, version: null, tags: [_node]);
        _elections = _meter.CreateCounter<long>("vectron.raft.elections", description: "Elections (and pre-votes) this host's replicas started");
        _leaderChanges = _meter.CreateCounter<long>("vectron.raft.leader_changes", description: "Times a replica on this host saw a new leader");
        _messagesSent = _meter.CreateCounter<long>("vectron.raft.messages.sent", description: "Raft messages handed to the transport");
        _commitLatency = _meter.CreateHistogram<double>("vectron.raft.proposal.commit.duration", unit: "ms", description: "From a proposal on this host to its entry committing");
        _applyLatency = _meter.CreateHistogram<double>("vectron.raft.apply.duration", unit: "ms", description: "From committed entries handed to the apply lane to their being applied");
        _storeWriteLatency = _meter.CreateHistogram<double>("vectron.raft.store.write.duration", unit: "ms", description: "One log store write (one sync for every group of a loop iteration)");
        _meter.CreateObservableUpDownCounter("vectron.raft.apply.backlog", applyBacklog, description: "Committed entries waiting to apply, all groups");
        _meter.CreateObservableUpDownCounter("vectron.raft.proposals.pending", pendingProposals, description: "Proposals waiting for their result");
        _meter.CreateObservableUpDownCounter("vectron.raft.groups.active", activeGroups, description: "Groups that tick");
        _meter.CreateObservableUpDownCounter("vectron.raft.groups.quiesced", quiescedGroups, description: "Groups that stopped ticking while idle");
    }

    public long Now => _time.GetTimestamp();

    public void ElectionStarted() => _elections.Add(1);

    public void LeaderChanged() => _leaderChanges.Add(1);

    public void MessagesSent(int count) => _messagesSent.Add(count);

    public void RecordCommitted(long proposedAt) => _commitLatency.Record(_time.GetElapsedTime(proposedAt).TotalMilliseconds);

    public void RecordApplied(long handedAt) => _applyLatency.Record(_time.GetElapsedTime(handedAt).TotalMilliseconds);

    public void RecordStoreWrite(long startedAt) => _storeWriteLatency.Record(_time.GetElapsedTime(startedAt).TotalMilliseconds);

    public void Dispose() => _meter.Dispose();
}
