using Vectron.Raft.Core;
using Vectron.Raft.Hosting;

namespace Vectron.Simulation.Tests;

/// <summary>The safety monitor flags each broken Raft property, and nothing in a consistent run.</summary>
public sealed class SafetyMonitorTests
{
    private const ulong Group = 1;

    private readonly SafetyMonitor _monitor = new(new SimulatedClock());

    [Fact]
    public void ConsistentReplicas_RaiseNothing()
    {
        var log = Log(Entry(1, 1, "a"), Entry(2, 1, "b"), Entry(3, 2, "c"));
        foreach (ulong node in (ulong[])[1, 2, 3])
        {
            Write(node, log, previousTerm: 0);
            _monitor.OnDurableCommit(node, Group, 3, log);
            _monitor.OnApplied(node, Group, 0, 1, "a"u8);
            _monitor.OnApplied(node, Group, 1, 2, "b"u8);
        }

        var leader = Leader(1, [1], term: 3, Entry(1, 1, "a"), Entry(2, 1, "b"), Entry(3, 2, "c"));
        _monitor.OnRole(1, Group, leader);
        _monitor.OnRole(1, Group, leader);

        Assert.Empty(_monitor.Violations);
        Assert.Equal(3, _monitor.CommittedEntries);
    }

    [Fact]
    public void TwoLeadersOfOneTerm_BreakElectionSafety()
    {
        _monitor.OnRole(1, Group, Leader(1, [1], term: 1));
        _monitor.OnRole(2, Group, Leader(2, [2], term: 1));

        Assert.Equal(ViolationKind.ElectionSafety, Assert.Single(_monitor.Violations).Kind);
    }

    [Fact]
    public void SameIndexAndTerm_WithOtherData_BreaksLogMatching()
    {
        _monitor.OnWrite(1, Group, Entry(4, 2, "x"), previousTerm: 1);
        _monitor.OnWrite(2, Group, Entry(4, 2, "y"), previousTerm: 1);

        Assert.Equal(ViolationKind.LogMatching, Assert.Single(_monitor.Violations).Kind);
    }

    [Fact]
    public void SameIndexAndTerm_AfterAnotherTerm_BreaksLogMatching()
    {
        _monitor.OnWrite(1, Group, Entry(4, 3, "x"), previousTerm: 1);
        _monitor.OnWrite(2, Group, Entry(4, 3, "x"), previousTerm: 2);

        Assert.Equal(ViolationKind.LogMatching, Assert.Single(_monitor.Violations).Kind);
    }

    [Fact]
    public void DifferentEntriesCommittedAtOneIndex_AreCaught()
    {
        _monitor.OnDurableCommit(1, Group, 2, Log(Entry(1, 1, "a"), Entry(2, 1, "b")));
        _monitor.OnDurableCommit(2, Group, 2, Log(Entry(1, 1, "a"), Entry(2, 2, "z")));

        Assert.Equal(ViolationKind.CommittedEntryChanged, Assert.Single(_monitor.Violations).Kind);
    }

    [Fact]
    public void RewritingADurablyCommittedEntry_IsCaught()
    {
        _monitor.OnDurableCommit(1, Group, 2, Log(Entry(1, 1, "a"), Entry(2, 1, "b")));

        _monitor.OnWrite(1, Group, Entry(2, 3, "c"), previousTerm: 1);

        Assert.Equal(ViolationKind.CommittedEntryChanged, Assert.Single(_monitor.Violations).Kind);
    }

    [Fact]
    public void LeaderWithoutACommittedEntry_BreaksLeaderCompleteness()
    {
        _monitor.OnDurableCommit(1, Group, 2, Log(Entry(1, 1, "a"), Entry(2, 1, "b")));

        _monitor.OnRole(2, Group, Leader(2, [2], term: 2, Entry(1, 1, "a")));

        Assert.Equal(ViolationKind.LeaderCompleteness, Assert.Single(_monitor.Violations).Kind);
    }

    [Fact]
    public void DifferentCommandsAppliedAtOneIndex_BreakStateMachineSafety()
    {
        _monitor.OnApplied(1, Group, 0, 5, "a"u8);
        _monitor.OnApplied(2, Group, 0, 5, "b"u8);

        Assert.Equal(ViolationKind.StateMachineSafety, Assert.Single(_monitor.Violations).Kind);
    }

    [Fact]
    public void ApplyingOutOfOrder_BreaksStateMachineSafety()
    {
        _monitor.OnApplied(1, Group, 6, 5, "a"u8);

        Assert.Equal(ViolationKind.StateMachineSafety, Assert.Single(_monitor.Violations).Kind);
    }

    private static Entry Entry(ulong index, ulong term, string data) =>
        new(index, term, EntryType.Normal, EntryEnvelope.Encode(1, index, System.Text.Encoding.UTF8.GetBytes(data)));

    private static MemoryRaftStorage Log(params Entry[] entries)
    {
        var storage = new MemoryRaftStorage();
        storage.Append(entries);
        return storage;
    }

    private void Write(ulong node, MemoryRaftStorage log, ulong previousTerm)
    {
        var entries = new List<Entry>();
        log.TryGetEntries(log.FirstIndex, log.LastIndex + 1, long.MaxValue, entries);
        foreach (var entry in entries)
        {
            _monitor.OnWrite(node, Group, entry, previousTerm);
            previousTerm = entry.Term;
        }
    }

    // A single-voter node with the given log that has elected itself in the given term.
    private static RaftNode Leader(ulong id, ulong[] voters, ulong term, params Entry[] log)
    {
        var storage = Log(log);
        storage.SetConfState(new ConfState { Voters = voters });
        storage.SetHardState(new HardState(term - 1, 0, 0));
        var node = new RaftNode(new RaftOptions { Id = id, Random = new Random(1) }, storage);
        node.Campaign();
        Assert.Equal(RaftRole.Leader, node.Role);
        Assert.Equal(term, node.Term);
        return node;
    }
}
