using Vectron.Raft.Core;
using Vectron.Raft.Hosting;

namespace Vectron.Simulation;

/// <summary>
/// Checks Raft's safety properties (paper §5, Figure 3) as a simulation runs, from what the replicas persist, apply
/// and report, and records every breach as a <see cref="Violation"/>.
/// </summary>
/// <remarks>
/// <para>Log matching: every entry any replica writes is remembered by (group, index, term) with its data and the term
/// of the entry before it; another entry with the same key must agree on both.</para>
/// <para>Committed entries never change: when a replica's durable hard state says an index is committed, its entry is
/// compared with what every other replica committed there; a replica may never rewrite an entry at or below its own
/// durable commit index, and a snapshot it installs must agree with the committed term at its index.</para>
/// <para>Election safety and leader completeness: after every step, at most one replica leads a group in a term, and
/// a replica first seen leading holds every entry committed so far (those its snapshot does not cover).</para>
/// <para>State machine safety: every replica applies the same command at an index, in increasing index order, and
/// that command is the payload of the entry committed there.</para>
/// <para>Not thread-safe: called from the simulation driver and, during a log write, from the log's writer thread
/// while the driver waits.</para>
/// </remarks>
internal sealed class SafetyMonitor
{
    private const int MaxViolations = 20;
    private const ulong UnknownTerm = ulong.MaxValue;

    private readonly SimulatedClock _clock;
    private readonly List<Violation> _violations = [];
    private readonly Dictionary<(ulong Group, ulong Index, ulong Term), (ReadOnlyMemory<byte> Data, ulong PreviousTerm)> _written = [];
    private readonly Dictionary<ulong, Dictionary<ulong, Entry>> _committed = [];
    private readonly Dictionary<(ulong Node, ulong Group), ulong> _durableCommit = [];
    private readonly Dictionary<(ulong Group, ulong Index), byte[]> _applied = [];
    private readonly Dictionary<(ulong Group, ulong Term), ulong> _leaders = [];

    public SafetyMonitor(SimulatedClock clock)
    {
        _clock = clock;
    }

    /// <summary>Everything found so far (at most 20).</summary>
    public IReadOnlyList<Violation> Violations => _violations;

    /// <summary>Entries known to be committed, all groups.</summary>
    public long CommittedEntries { get; private set; }

    /// <summary>Records a violation found elsewhere (liveness, linearizability, host failures).</summary>
    public void Report(ViolationKind kind, ulong groupId, string detail)
    {
        if (_violations.Count < MaxViolations)
        {
            _violations.Add(new Violation(kind, groupId, _clock.Now, detail));
        }
    }

    /// <summary>A replica is about to write <paramref name="entry"/>, whose predecessor has <paramref name="previousTerm"/> (null: unknown).</summary>
    public void OnWrite(ulong nodeId, ulong groupId, Entry entry, ulong? previousTerm)
    {
        ulong before = previousTerm ?? UnknownTerm;
        var key = (groupId, entry.Index, entry.Term);
        if (_written.TryGetValue(key, out var seen))
        {
            if (!seen.Data.Span.SequenceEqual(entry.Data.Span))
            {
                Report(ViolationKind.LogMatching, groupId, $"node {nodeId} writes entry {entry.Term}/{entry.Index} with data another log holds differently at the same index and term");
            }
            else if (before != UnknownTerm && seen.PreviousTerm != UnknownTerm && before != seen.PreviousTerm)
            {
                Report(ViolationKind.LogMatching, groupId, $"node {nodeId} writes entry {entry.Term}/{entry.Index} after an entry of term {before}, another log has it after term {seen.PreviousTerm}");
            }
            else if (seen.PreviousTerm == UnknownTerm && before != UnknownTerm)
            {
                _written[key] = (seen.Data, before);
            }
        }
        else
        {
            _written[key] = (entry.Data, before);
        }

        ulong durable = _durableCommit.GetValueOrDefault((nodeId, groupId));
        if (entry.Index <= durable && Committed(groupId, entry.Index) is { } committed && committed.Term != entry.Term)
        {
            Report(ViolationKind.CommittedEntryChanged, groupId, $"node {nodeId} overwrites its committed entry {committed.Term}/{entry.Index} (commit index {durable}) with {entry.Term}/{entry.Index}");
        }
    }

    /// <summary>A replica is about to install a snapshot from its leader.</summary>
    public void OnSnapshotInstalled(ulong nodeId, ulong groupId, SnapshotMetadata snapshot)
    {
        if (Committed(groupId, snapshot.Index) is { } committed && committed.Term != snapshot.Term)
        {
            Report(ViolationKind.CommittedEntryChanged, groupId, $"node {nodeId} installs a snapshot at {snapshot.Term}/{snapshot.Index}, but {committed.Term}/{snapshot.Index} was committed");
        }

        var key = (nodeId, groupId);
        _durableCommit[key] = Math.Max(_durableCommit.GetValueOrDefault(key), snapshot.Index);
    }

    /// <summary>A replica's write completed and its durable hard state commits through <paramref name="commit"/>; its log is <paramref name="storage"/>.</summary>
    public void OnDurableCommit(ulong nodeId, ulong groupId, ulong commit, IRaftStorage storage)
    {
        var key = (nodeId, groupId);
        ulong durable = _durableCommit.GetValueOrDefault(key);
        if (commit <= durable)
        {
            return;
        }

        if (commit > storage.LastIndex)
        {
            Report(ViolationKind.CommittedEntryChanged, groupId, $"node {nodeId} persisted commit index {commit} beyond its last entry {storage.LastIndex}");
            commit = storage.LastIndex;
        }

        ulong from = Math.Max(durable + 1, storage.FirstIndex);
        var entries = new List<Entry>();
        if (from <= commit && storage.TryGetEntries(from, commit + 1, long.MaxValue, entries))
        {
            if (!_committed.TryGetValue(groupId, out var committed))
            {
                committed = [];
                _committed[groupId] = committed;
            }

            foreach (var entry in entries)
            {
                if (!committed.TryGetValue(entry.Index, out var other))
                {
                    committed[entry.Index] = entry;
                    CommittedEntries++;
                }
                else if (other.Term != entry.Term || other.Type != entry.Type || !other.Data.Span.SequenceEqual(entry.Data.Span))
                {
                    Report(ViolationKind.CommittedEntryChanged, groupId, $"node {nodeId} committed {entry.Term}/{entry.Index}, another replica committed {other.Term}/{entry.Index} there");
                }
            }
        }

        _durableCommit[key] = Math.Max(durable, commit);
    }

    /// <summary>A replica's state machine applies <paramref name="payload"/> at <paramref name="index"/>, its previous command having been at <paramref name="previousIndex"/>.</summary>
    public void OnApplied(ulong nodeId, ulong groupId, ulong previousIndex, ulong index, ReadOnlySpan<byte> payload)
    {
        if (index <= previousIndex)
        {
            Report(ViolationKind.StateMachineSafety, groupId, $"node {nodeId} applies index {index} after index {previousIndex}");
        }

        var key = (groupId, index);
        if (_applied.TryGetValue(key, out byte[]? other))
        {
            if (!other.AsSpan().SequenceEqual(payload))
            {
                Report(ViolationKind.StateMachineSafety, groupId, $"node {nodeId} applies a different command at index {index} than another replica did");
            }

            return;
        }

        _applied[key] = payload.ToArray();
        if (Committed(groupId, index) is { } entry
            && (entry.Type != EntryType.Normal || !EntryEnvelope.Decode(entry.Data).Payload.Span.SequenceEqual(payload)))
        {
            Report(ViolationKind.StateMachineSafety, groupId, $"node {nodeId} applies at index {index} a command that is not the committed entry {entry.Term}/{index}");
        }
    }

    /// <summary>Checks a replica's role: one leader per term, and a new leader holds every committed entry.</summary>
    public void OnRole(ulong nodeId, ulong groupId, RaftNode node)
    {
        if (node.Role != RaftRole.Leader)
        {
            return;
        }

        var key = (groupId, node.Term);
        if (_leaders.TryGetValue(key, out ulong other))
        {
            if (other != nodeId)
            {
                Report(ViolationKind.ElectionSafety, groupId, $"nodes {other} and {nodeId} both lead term {node.Term}");
            }

            return;
        }

        _leaders[key] = nodeId;
        if (!_committed.TryGetValue(groupId, out var committed))
        {
            return;
        }

        ulong first = node.FirstIndex;
        foreach (var (index, entry) in committed)
        {
            if (index < first)
            {
                continue;
            }

            if (!node.TryGetLogTerm(index, out ulong term) || term != entry.Term)
            {
                Report(ViolationKind.LeaderCompleteness, groupId, $"node {nodeId} leads term {node.Term} without the committed entry {entry.Term}/{index} (last index {node.LastIndex})");
                return;
            }
        }
    }

    /// <summary>Leaders seen so far (distinct group and term pairs).</summary>
    public int LeadersSeen => _leaders.Count;

    private Entry? Committed(ulong groupId, ulong index) =>
        _committed.TryGetValue(groupId, out var committed) && committed.TryGetValue(index, out var entry) ? entry : null;
}
