using Vectron.Raft.Core;
using Vectron.Raft.Hosting;

namespace Vectron.Simulation;

/// <summary>
/// The operator of a simulated cluster: changes group memberships and moves leaders while faults strike. Members join
/// as learners on hosts that never ran the group (new hosts are added when none is left, so node ids are never
/// reused), learners are promoted, voters and learners are removed (a group keeps at least three voters), and voters
/// are replaced through joint consensus, leaving it automatically or by an explicit leave.
/// </summary>
/// <remarks>One change per group at a time, always proposed through the replica that currently leads.</remarks>
internal sealed class MembershipDriver
{
    private const int MinVoters = 3;
    private const int MaxVoters = 5;
    private const int MaxMembers = 6;

    private readonly SimulationOptions _options;
    private readonly FaultCounts _faults;
    private readonly Func<SimulatedHost?> _addHost;
    private readonly Dictionary<ulong, Task<RaftResult<ConfState>>> _pending = [];
    private SplitMix _random;

    public MembershipDriver(ulong seed, SimulationOptions options, FaultCounts faults, Func<SimulatedHost?> addHost)
    {
        _random = new SplitMix(seed);
        _options = options;
        _faults = faults;
        _addHost = addHost;
    }

    /// <summary>One tick of the fault phase: maybe change each group's membership, maybe move its leader.</summary>
    public void Tick(IReadOnlyList<ulong> groups, List<SimulatedHost> hosts, ref TraceHash trace)
    {
        foreach (ulong groupId in groups)
        {
            if (_random.Next(1000) < _options.Faults.Membership)
            {
                Change(groupId, hosts, ref trace);
            }

            if (_random.Next(1000) < _options.Faults.LeaderTransfer)
            {
                Transfer(groupId, hosts, ref trace);
            }
        }
    }

    /// <summary>Once faults healed: leave any explicit joint configuration, propose nothing else.</summary>
    public void Settle(IReadOnlyList<ulong> groups, List<SimulatedHost> hosts)
    {
        foreach (ulong groupId in groups)
        {
            if (Busy(groupId) || Leader(groupId, hosts) is not { } leader)
            {
                continue;
            }

            var conf = leader.Node(groupId)!.ConfState;
            if (conf.IsJoint && !conf.AutoLeave)
            {
                _pending[groupId] = leader.Host!.ChangeMembershipAsync(groupId, ConfChange.LeaveJoint);
            }
        }
    }

    /// <summary>The up host whose replica leads <paramref name="groupId"/> in the highest term, or null.</summary>
    public static SimulatedHost? Leader(ulong groupId, List<SimulatedHost> hosts)
    {
        SimulatedHost? leader = null;
        ulong term = 0;
        foreach (var host in hosts)
        {
            if (host.Node(groupId) is { Role: RaftRole.Leader } node && node.Term >= term)
            {
                leader = host;
                term = node.Term;
            }
        }

        return leader;
    }

    private bool Busy(ulong groupId)
    {
        if (_pending.TryGetValue(groupId, out var pending) && !pending.IsCompleted)
        {
            return true;
        }

        _pending.Remove(groupId);
        return false;
    }

    private void Change(ulong groupId, List<SimulatedHost> hosts, ref TraceHash trace)
    {
        if (Busy(groupId) || Leader(groupId, hosts) is not { } leader)
        {
            return;
        }

        var raft = leader.Host!;
        var conf = leader.Node(groupId)!.ConfState;
        if (conf.IsJoint)
        {
            if (!conf.AutoLeave)
            {
                _pending[groupId] = raft.ChangeMembershipAsync(groupId, ConfChange.LeaveJoint);
            }

            return;
        }

        int voters = conf.Voters.Count;
        int members = voters + conf.Learners.Count;
        FaultKind kind;
        Task<RaftResult<ConfState>> change;
        switch (_random.Next(4))
        {
            case 0 when conf.Learners.Count > 0 && voters < MaxVoters:
                kind = FaultKind.PromoteLearner;
                change = raft.AddVoterAsync(groupId, Pick(conf.Learners));
                break;
            case 1 when voters > MinVoters || conf.Learners.Count > 0:
                kind = FaultKind.RemoveMember;
                change = raft.RemoveMemberAsync(groupId, voters > MinVoters && (conf.Learners.Count == 0 || _random.Next(2) == 0)
                    ? Pick(conf.Voters)
                    : Pick(conf.Learners));
                break;
            case 2 when members < MaxMembers && Recruit(groupId, hosts) is { } learner:
                kind = FaultKind.AddLearner;
                change = raft.AddLearnerAsync(groupId, learner.Id);
                break;
            case 3 when members < MaxMembers && Recruit(groupId, hosts) is { } incoming:
                kind = FaultKind.ReplaceVoter;
                var transition = _random.Next(2) == 0 ? ConfChangeTransition.JointImplicit : ConfChangeTransition.JointExplicit;
                change = raft.ChangeMembershipAsync(groupId, new ConfChange(
                    [new ConfChangeSingle(ConfChangeType.AddNode, incoming.Id), new ConfChangeSingle(ConfChangeType.RemoveNode, Pick(conf.Voters))],
                    transition));
                break;
            default:
                return;
        }

        _faults.Add(kind);
        trace.Add(0xC0FFEE ^ ((ulong)kind << 32) ^ groupId);
        _pending[groupId] = change;
    }

    private void Transfer(ulong groupId, List<SimulatedHost> hosts, ref TraceHash trace)
    {
        if (Leader(groupId, hosts) is not { } leader)
        {
            return;
        }

        var conf = leader.Node(groupId)!.ConfState;
        if (conf.IsJoint || conf.Voters.Count < 2)
        {
            return;
        }

        ulong target = Pick(conf.Voters);
        if (target == leader.Id)
        {
            return;
        }

        _faults.Add(FaultKind.LeaderTransfer);
        trace.Add(0x7A5F ^ (groupId << 8) ^ target);
        _ = leader.Host!.TransferLeadershipAsync(groupId, target);
    }

    // A host that never ran the group, started as an empty replica waiting to be added; a new host if none is left.
    private SimulatedHost? Recruit(ulong groupId, List<SimulatedHost> hosts)
    {
        var fresh = new List<SimulatedHost>();
        foreach (var host in hosts)
        {
            if (host.IsUp && !host.Runs(groupId))
            {
                fresh.Add(host);
            }
        }

        var chosen = fresh.Count > 0 ? fresh[_random.Next(fresh.Count)] : _addHost();
        if (chosen is null || !chosen.IsUp)
        {
            return null;
        }

        chosen.StartGroup(groupId, []);
        return chosen.Runs(groupId) && chosen.IsUp ? chosen : null;
    }

    private ulong Pick(IReadOnlyList<ulong> ids) => ids[_random.Next(ids.Count)];
}
