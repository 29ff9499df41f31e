using Vectron.Raft.Core;

namespace Vectron.Raft.Tests.Core;

/// <summary>
/// The four safety properties of Raft (paper §5, Figure 3), checked after every step of random runs
/// with message loss, reordering, partitions, crashes that lose unpersisted state, and compaction.
/// </summary>
public sealed class RaftSafetyPropertyTests
{
    public static TheoryData<int> Seeds()
    {
        // VECTRON_RAFT_SEEDS=N widens the sweep (CI runs the first 40).
        var count = int.TryParse(Environment.GetEnvironmentVariable("VECTRON_RAFT_SEEDS"), out var n) && n > 0 ? n : 40;
        var data = new TheoryData<int>();
        for (var seed = 1; seed <= count; seed++)
        {
            data.Add(seed);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ElectionSafety_LogMatching_LeaderCompleteness_StateMachineSafety_HoldUnderFaults(int seed)
    {
        try
        {
            Run(seed, preVote: seed % 2 == 0);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"seed {seed}: {e.Message}", e);
        }
    }

    private static void Run(int seed, bool preVote)
    {
        var random = new Random(seed);
        var cluster = new TestCluster(seed, [1, 2, 3, 4, 5], o => o with { PreVote = preVote, CheckQuorum = preVote, MaxInflightMessages = 4 })
        {
            DropRate = 0.05,
        };
        var committed = new Dictionary<ulong, (ulong Term, string Data)>();
        var proposals = 0;
        var initial = new ConfState { Voters = [1, 2, 3, 4, 5] };
        ulong nextId = 6;
        for (var step = 0; step < 3000; step++)
        {
            var action = random.Next(100);
            var ids = cluster.Nodes.Keys.ToArray();
            var id = ids[random.Next(ids.Length)];
            if (action < 30)
            {
                if (!cluster.Down.Contains(id))
                {
                    cluster.Tick(id);
                }
            }
            else if (action < 75)
            {
                cluster.DeliverOneRandom();
            }
            else if (action < 85)
            {
                if (cluster.Leader() is { } leader)
                {
                    cluster.Nodes[leader].Propose(System.Text.Encoding.UTF8.GetBytes($"p{proposals++}"));
                }
            }
            else if (action < 88)
            {
                // Crash: everything not yet persisted by a processed Ready is lost.
                if (cluster.Down.Count < 2)
                {
                    cluster.Down.Add(id);
                }
            }
            else if (action < 92)
            {
                if (cluster.Down.Contains(id))
                {
                    cluster.Restart(id);
                }
            }
            else if (action < 94)
            {
                cluster.Heal();
                var a = (ulong)random.Next(1, 6);
                var b = (ulong)random.Next(1, 6);
                if (a != b)
                {
                    cluster.Cut(a, b);
                }
            }
            else if (action < 96)
            {
                Compact(cluster, id);
            }
            else if (action < 98)
            {
                if (cluster.Leader() is { } leader)
                {
                    ProposeMembershipChange(cluster, cluster.Nodes[leader], random, initial, ref nextId);
                }
            }
            else
            {
                cluster.Heal();
            }
            foreach (var node in cluster.Nodes.Keys)
            {
                if (!cluster.Down.Contains(node))
                {
                    cluster.ProcessReady(node);
                }
            }
            Check(cluster, committed);
        }

        // Liveness once faults stop: everyone up, network healed, the cluster commits a new entry.
        cluster.Heal();
        cluster.DropRate = 0;
        foreach (var down in cluster.Down.ToArray())
        {
            cluster.Restart(down);
        }
        // Settle membership: leave any joint configuration and wait until the leader has committed
        // and applied its whole log, so no change is pending.
        var settled = false;
        for (var round = 0; round < 400 && !settled; round++)
        {
            cluster.TickAll();
            cluster.Stabilize();
            if (cluster.Leader() is not { } leader)
            {
                continue;
            }
            var node = cluster.Nodes[leader];
            if (node.ConfState.IsJoint)
            {
                node.ProposeConfChange(ConfChange.LeaveJoint);
                continue;
            }
            settled = node.Committed == node.LastIndex && node.Applied == node.Committed && node.Term == node.Status().HardState.Term;
            if (settled)
            {
                // A host shuts a replica down once its removal is applied; without pre-vote and
                // check-quorum a removed node that kept campaigning would disrupt the group forever.
                var members = node.ConfState.Voters.Concat(node.ConfState.Learners).ToHashSet();
                foreach (var id in cluster.Nodes.Keys)
                {
                    if (!members.Contains(id))
                    {
                        cluster.Down.Add(id);
                    }
                }
            }
        }
        Assert.True(settled, $"seed {seed}: membership did not settle once faults healed");
        for (var round = 0; round < 200 && cluster.Leader() is null; round++)
        {
            cluster.TickAll();
            cluster.Stabilize();
        }
        var final = cluster.Leader() ?? throw new InvalidOperationException("no leader after faults healed");
        Assert.Equal(ProposeResult.Accepted, cluster.Nodes[final].Propose("final"u8.ToArray()));
        cluster.Stabilize();
        for (var round = 0; round < 20; round++)
        {
            cluster.TickAll();
            cluster.Stabilize();
        }
        Check(cluster, committed);
        // Leadership may have moved meanwhile (a removed leader steps down once leaving joint consensus).
        var leaderNode = cluster.Nodes[cluster.Leader() ?? throw new InvalidOperationException("no leader at the end")];
        var last = leaderNode.LastIndex;
        foreach (var id in leaderNode.ConfState.Voters.Concat(leaderNode.ConfState.Learners))
        {
            var node = cluster.Nodes[id];
            Assert.True(node.Committed == last,
                $"seed {seed}: member {id} committed {node.Committed}, leader {leaderNode.Id}'s last index is {last}; members {leaderNode.ConfState}; leader sees {string.Join(", ", leaderNode.Status().Progress.Select(p => $"{p.Key}: {p.Value}"))}");
        }
    }

    private static void ProposeMembershipChange(TestCluster cluster, RaftNode leader, Random random, ConfState initial, ref ulong nextId)
    {
        var conf = leader.ConfState;
        ConfChange change;
        if (conf.IsJoint)
        {
            change = ConfChange.LeaveJoint;
        }
        else
        {
            var voters = conf.Voters;
            var kind = random.Next(5);
            if (kind == 0 && conf.Learners.Count > 0)
            {
                change = new ConfChange([new ConfChangeSingle(ConfChangeType.AddNode, conf.Learners[random.Next(conf.Learners.Count)])]);
            }
            else if (kind == 1 && voters.Count > 3)
            {
                change = new ConfChange([new ConfChangeSingle(ConfChangeType.RemoveNode, voters[random.Next(voters.Count)])]);
            }
            else if (kind == 2)
            {
                // Replace a voter (maybe the leader) through joint consensus; ids are never reused.
                var id = nextId++;
                cluster.AddNode(id, initial);
                var transition = random.Next(2) == 0 ? ConfChangeTransition.JointImplicit : ConfChangeTransition.JointExplicit;
                change = new ConfChange(
                    [new ConfChangeSingle(ConfChangeType.AddNode, id), new ConfChangeSingle(ConfChangeType.RemoveNode, voters[random.Next(voters.Count)])],
                    transition);
            }
            else if (voters.Count + conf.Learners.Count < 8)
            {
                var id = nextId++;
                cluster.AddNode(id, initial);
                change = new ConfChange([new ConfChangeSingle(random.Next(2) == 0 ? ConfChangeType.AddLearner : ConfChangeType.AddNode, id)]);
            }
            else
            {
                return;
            }
        }
        leader.ProposeConfChange(change);
    }

    private static void Compact(TestCluster cluster, ulong id)
    {
        if (cluster.Down.Contains(id))
        {
            return;
        }
        var node = cluster.Nodes[id];
        var storage = cluster.Storages[id];
        var applied = node.Applied;
        if (applied <= storage.Snapshot.Index + 2)
        {
            return;
        }
        // The snapshot is taken at the applied index, with the membership as of that index.
        storage.CreateSnapshot(applied, node.ConfState, "snap"u8.ToArray());
        storage.Compact(applied);
    }

    private static void Check(TestCluster cluster, Dictionary<ulong, (ulong Term, string Data)> committed)
    {
        // Election safety: at most one leader per term (also checked as Readies are processed).
        foreach (var (id, node) in cluster.Nodes)
        {
            if (node.Role == RaftRole.Leader)
            {
                if (cluster.LeadersByTerm.TryGetValue(node.Term, out var other) && other != id)
                {
                    Assert.Fail($"election safety: {other} and {id} both lead term {node.Term}");
                }
                cluster.LeadersByTerm[node.Term] = id;
            }
        }

        // Log matching: if two logs hold an entry with the same index and term, they are identical up to it.
        var logs = cluster.Storages.ToDictionary(kv => kv.Key, kv => TestCluster.LogOf(kv.Value));
        foreach (var (a, logA) in logs)
        {
            foreach (var (b, logB) in logs)
            {
                if (a >= b)
                {
                    continue;
                }
                var byIndexB = logB.ToDictionary(e => e.Index);
                var matched = false;
                for (var i = logA.Count - 1; i >= 0; i--)
                {
                    var entry = logA[i];
                    if (!byIndexB.TryGetValue(entry.Index, out var other))
                    {
                        continue;
                    }
                    if (entry.Term == other.Term)
                    {
                        matched = true;
                    }
                    if (matched)
                    {
                        Assert.True(entry.Term == other.Term && entry.Data.Span.SequenceEqual(other.Data.Span),
                            $"log matching: nodes {a} and {b} differ at index {entry.Index} below a common entry");
                    }
                }
            }
        }

        // State machine safety: no two nodes apply different entries at one index.
        foreach (var (id, applied) in cluster.Applied)
        {
            foreach (var entry in applied)
            {
                var data = System.Text.Encoding.UTF8.GetString(entry.Data.Span);
                if (data == "snapshot")
                {
                    continue;
                }
                if (committed.TryGetValue(entry.Index, out var seen))
                {
                    Assert.True(seen.Term == entry.Term && seen.Data == data,
                        $"state machine safety: node {id} applied {entry.Term}/{entry.Index} \"{data}\", another applied {seen.Term}/{entry.Index} \"{seen.Data}\"");
                }
                else
                {
                    committed[entry.Index] = (entry.Term, data);
                }
            }
        }

        // Leader completeness: every applied (hence committed) entry is in every current leader's log.
        foreach (var (id, node) in cluster.Nodes)
        {
            if (node.Role != RaftRole.Leader || cluster.Down.Contains(id))
            {
                continue;
            }
            foreach (var (index, (term, _)) in committed)
            {
                if (index < node.FirstIndex)
                {
                    continue;
                }
                Assert.True(node.TryGetLogTerm(index, out var held) && held == term,
                    $"leader completeness: leader {id} (term {node.Term}) lacks committed {term}/{index}");
            }
        }
    }
}
