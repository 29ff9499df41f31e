using System.Globalization;
using System.Text;
using Vectron.Raft.Core;

namespace Vectron.Raft.Tests.Core.Scenarios;

/// <summary>
/// The scenario commands. Node ids are positional unless named; lists are parenthesised.
/// <list type="bullet">
/// <item>add-nodes N [voters=(..)] [learners=(..)] [index=I] [prevote=B] [checkquorum=B] [election=E] [heartbeat=H]
/// [max-inflight=N] [max-inflight-bytes=N] [max-msg-size=N] [max-uncommitted-size=N] [max-committed-size-per-ready=N]
/// [read-only=safe|lease] [step-down-on-removal=B] [disable-proposal-forwarding=B] [transfer-timeout=T] [seed=S]</item>
/// <item>restart id · campaign id · propose id data · propose-conf-change id [v4 r1 l5 ...] [transition=auto|implicit|explicit]</item>
/// <item>tick id N · tick-election id · tick-heartbeat id</item>
/// <item>process-ready id... · deliver-msgs id... [drop=(ids)] [type=T] · stabilize [id...]</item>
/// <item>isolate id · partition (ids) (ids)... · heal</item>
/// <item>read-index id ctx · transfer-leadership from=F to=T · report-unreachable id peer · report-snapshot id peer [failed=B]</item>
/// <item>compact id index · status id · raft-log id · raft-state · state-machine id...</item>
/// </list>
/// </summary>
internal sealed partial class InteractionEnv
{
    private void Dispatch(ScenarioCommand command)
    {
        switch (command.Name)
        {
            case "add-nodes":
                AddNodes(command);
                break;
            case "restart":
                Restart(command.PositionalId(0));
                break;
            case "campaign":
                Node(command.PositionalId(0)).Raft.Campaign();
                break;
            case "propose":
                Propose(command);
                break;
            case "propose-conf-change":
                ProposeConfChange(command);
                break;
            case "tick":
                Tick(command.PositionalId(0), int.Parse(command.Positional[1], CultureInfo.InvariantCulture));
                break;
            case "tick-election":
                Tick(command.PositionalId(0), Node(command.PositionalId(0)).Options.ElectionTicks);
                break;
            case "tick-heartbeat":
                Tick(command.PositionalId(0), Node(command.PositionalId(0)).Options.HeartbeatTicks);
                break;
            case "process-ready":
                ForEachNode(command.PositionalIds(), "handling Ready", ProcessReady);
                break;
            case "deliver-msgs":
                DeliverMsgs(command);
                break;
            case "stabilize":
                var ids = command.PositionalIds();
                Stabilize(ids.Count > 0 ? ids : AllIds());
                break;
            case "isolate":
                Isolate(command.PositionalId(0));
                break;
            case "partition":
                Partition(command);
                break;
            case "heal":
                _cut.Clear();
                break;
            case "read-index":
                ReadIndex(command);
                break;
            case "transfer-leadership":
                Node(command.Id("from")).Raft.TransferLeader(command.Id("to"));
                break;
            case "report-unreachable":
                Node(command.PositionalId(0)).Raft.ReportUnreachable(command.PositionalId(1));
                break;
            case "report-snapshot":
                Node(command.PositionalId(0)).Raft.ReportSnapshot(command.PositionalId(1), command.OptionalBool("failed") ?? false);
                break;
            case "compact":
                Compact(command.PositionalId(0), command.PositionalId(1));
                break;
            case "status":
                Status(command.PositionalId(0));
                break;
            case "raft-log":
                RaftLog(command.PositionalId(0));
                break;
            case "raft-state":
                RaftState();
                break;
            case "state-machine":
                foreach (var id in command.PositionalIds())
                {
                    var node = Node(id);
                    Line($"{id}: Applied:{node.Raft.Applied} Data:[{string.Join(' ', node.StateMachine)}]");
                }
                break;
            default:
                throw new FormatException($"unknown command {command.Name}");
        }
    }

    private void ForEachNode(IReadOnlyList<ulong> ids, string header, Action<ulong> action)
    {
        if (ids.Count == 1)
        {
            action(ids[0]);
            return;
        }
        foreach (var id in ids)
        {
            Line($"> {id} {header}");
            Indented(() => action(id));
        }
    }

    private void AddNodes(ScenarioCommand command)
    {
        var count = int.Parse(command.Positional[0], CultureInfo.InvariantCulture);
        var voters = command.Ids("voters");
        var learners = command.Ids("learners");
        var index = command.OptionalUInt64("index") ?? 1;
        var baseSeed = command.OptionalInt32("seed") ?? 0;
        var readOnly = command.Text("read-only") switch
        {
            null or "safe" => ReadOnlyMode.Safe,
            "lease" => ReadOnlyMode.LeaseBased,
            var other => throw new FormatException($"read-only={other}: expected safe or lease"),
        };
        var template = new RaftOptions { Id = 1, Random = new Random(0) };
        template = template with
        {
            PreVote = command.OptionalBool("prevote") ?? template.PreVote,
            CheckQuorum = command.OptionalBool("checkquorum") ?? template.CheckQuorum,
            ElectionTicks = command.OptionalInt32("election") ?? template.ElectionTicks,
            HeartbeatTicks = command.OptionalInt32("heartbeat") ?? template.HeartbeatTicks,
            MaxInflightMessages = command.OptionalInt32("max-inflight") ?? template.MaxInflightMessages,
            MaxInflightBytes = command.OptionalInt64("max-inflight-bytes") ?? template.MaxInflightBytes,
            MaxMessageBytes = command.OptionalInt64("max-msg-size") ?? template.MaxMessageBytes,
            MaxUncommittedBytes = command.OptionalInt64("max-uncommitted-size") ?? template.MaxUncommittedBytes,
            MaxCommittedBytesPerReady = command.OptionalInt64("max-committed-size-per-ready") ?? template.MaxCommittedBytesPerReady,
            ReadOnly = readOnly,
            StepDownOnRemoval = command.OptionalBool("step-down-on-removal") ?? template.StepDownOnRemoval,
            DisableProposalForwarding = command.OptionalBool("disable-proposal-forwarding") ?? template.DisableProposalForwarding,
            TransferTimeoutTicks = command.OptionalInt32("transfer-timeout") ?? template.TransferTimeoutTicks,
        };
        for (var i = 0; i < count; i++)
        {
            var id = (ulong)_nodes.Count + 1;
            var seed = baseSeed + (int)id;
            var storage = new ScenarioStorage();
            Snapshot? bootstrap = null;
            if (voters.Count > 0 || learners.Count > 0)
            {
                // Bootstrap from a snapshot at `index` (term 1) holding the initial membership.
                var conf = new ConfState { Voters = voters, Learners = learners };
                bootstrap = new Snapshot(new SnapshotMetadata(index, 1, conf), ReadOnlyMemory<byte>.Empty);
                storage.Inner.ApplySnapshot(bootstrap);
                storage.Inner.SetConfState(conf);
            }
            var options = template with { Id = id, Random = new Random(seed) };
            var raft = new RaftNode(options, storage);
            var node = new ScenarioNode(id, seed, options, storage, raft);
            if (bootstrap is not null)
            {
                node.RestoreStateMachine(bootstrap);
            }
            _nodes.Add(node);
            DescribeNew(node);
        }
    }

    /// <summary>
    /// Replaces node <paramref name="id"/> with one built from its storage alone, as after a crash:
    /// volatile state is lost, the state machine restarts from the stored snapshot and committed
    /// entries after it are applied again (membership changes included).
    /// </summary>
    private void Restart(ulong id)
    {
        var old = Node(id);
        var snapshot = old.Storage.Inner.Snapshot;
        old.Storage.Latest = null;
        var options = old.Options with { Random = new Random(old.Seed), Applied = snapshot.Index };
        var node = new ScenarioNode(id, old.Seed, options, old.Storage, new RaftNode(options, old.Storage));
        node.RestoreStateMachine(snapshot);
        _nodes[(int)(id - 1)] = node;
        DescribeNew(node);
    }

    private void DescribeNew(ScenarioNode node)
    {
        var raft = node.Raft;
        Line($"{node.Id}: seed={node.Seed} {raft.ConfState} Term:{raft.Term} Commit:{raft.Committed} Applied:{raft.Applied} LastIndex:{raft.LastIndex}");
    }

    private void Propose(ScenarioCommand command)
    {
        var id = command.PositionalId(0);
        var data = command.Positional.Count > 1 ? command.Positional[1] : string.Empty;
        var result = Node(id).Raft.Propose(Encoding.UTF8.GetBytes(data));
        if (result != ProposeResult.Accepted)
        {
            Line($"refused: {result}");
        }
    }

    private void ProposeConfChange(ScenarioCommand command)
    {
        var id = command.PositionalId(0);
        var changes = new List<ConfChangeSingle>();
        foreach (var token in command.Positional.Skip(1))
        {
            var type = token[0] switch
            {
                'v' => ConfChangeType.AddNode,
                'r' => ConfChangeType.RemoveNode,
                'l' => ConfChangeType.AddLearner,
                _ => throw new FormatException($"conf change {token}: expected v<id>, r<id> or l<id>"),
            };
            changes.Add(new ConfChangeSingle(type, ulong.Parse(token[1..], CultureInfo.InvariantCulture)));
        }
        var transition = command.Text("transition") switch
        {
            null or "auto" => ConfChangeTransition.Auto,
            "implicit" => ConfChangeTransition.JointImplicit,
            "explicit" => ConfChangeTransition.JointExplicit,
            var other => throw new FormatException($"transition={other}: expected auto, implicit or explicit"),
        };
        var result = Node(id).Raft.ProposeConfChange(new ConfChange(changes, transition));
        if (result != ProposeResult.Accepted)
        {
            Line($"refused: {result}");
        }
    }

    private void Tick(ulong id, int ticks)
    {
        var raft = Node(id).Raft;
        for (var i = 0; i < ticks; i++)
        {
            raft.Tick();
        }
    }

    private void DeliverMsgs(ScenarioCommand command)
    {
        MessageType? type = command.Text("type") is { } name ? Enum.Parse<MessageType>(name) : null;
        var handled = 0;
        foreach (var id in command.PositionalIds())
        {
            handled += DeliverTo(id, type, drop: false);
        }
        foreach (var id in command.Ids("drop"))
        {
            handled += DeliverTo(id, type, drop: true);
        }
        if (handled == 0)
        {
            Line("no messages");
        }
    }

    private void Isolate(ulong id)
    {
        foreach (var other in AllIds())
        {
            if (other != id)
            {
                _cut.Add((id, other));
                _cut.Add((other, id));
            }
        }
    }

    /// <summary>Cuts every link between nodes of different groups; nodes in no group keep their links.</summary>
    private void Partition(ScenarioCommand command)
    {
        var groups = command.Positional.Select(ScenarioCommand.List).ToList();
        for (var a = 0; a < groups.Count; a++)
        {
            for (var b = 0; b < groups.Count; b++)
            {
                if (a == b)
                {
                    continue;
                }
                foreach (var from in groups[a])
                {
                    foreach (var to in groups[b])
                    {
                        _cut.Add((from, to));
                    }
                }
            }
        }
    }

    private void ReadIndex(ScenarioCommand command)
    {
        var result = Node(command.PositionalId(0)).Raft.ReadIndex(command.PositionalId(1));
        if (result != ProposeResult.Accepted)
        {
            Line($"refused: {result}");
        }
    }

    /// <summary>Takes a snapshot of node <paramref name="id"/>'s applied state at <paramref name="index"/> and drops the log up to it.</summary>
    private void Compact(ulong id, ulong index)
    {
        var node = Node(id);
        if (!node.History.TryGetValue(index, out var state))
        {
            throw new FormatException($"node {id} has not applied index {index} (applied {node.Raft.Applied})");
        }
        node.Storage.Inner.CreateSnapshot(index, state.Metadata.ConfState, state.Data);
        node.Storage.Inner.Compact(index);
        RaftLog(id);
    }

    private void Status(ulong id)
    {
        var status = Node(id).Raft.Status();
        var line = $"{id}: {status.Role} Term:{status.HardState.Term} Vote:{status.HardState.Vote} Commit:{status.HardState.Commit} Applied:{status.Applied} Lead:{status.Leader}";
        if (status.LeadTransferee != 0)
        {
            line += $" LeadTransferee:{status.LeadTransferee}";
        }
        Line(line);
        Line($"config: {status.Config}");
        foreach (var (peer, progress) in status.Progress)
        {
            var text = $"{peer}: {progress.State} match={progress.Match} next={progress.Next}";
            if (progress.IsLearner)
            {
                text += " learner";
            }
            if (!progress.RecentActive)
            {
                text += " inactive";
            }
            if (progress.Inflight > 0)
            {
                text += $" inflight={progress.Inflight}";
            }
            Line(text);
        }
    }

    private void RaftLog(ulong id)
    {
        var storage = Node(id).Storage.Inner;
        if (storage.LastIndex < storage.FirstIndex)
        {
            Line($"log is empty: first index={storage.FirstIndex}, last index={storage.LastIndex}");
            return;
        }
        var entries = new List<Entry>();
        storage.TryGetEntries(storage.FirstIndex, storage.LastIndex + 1, long.MaxValue, entries);
        foreach (var entry in entries)
        {
            Line(ScenarioFormat.Entry(entry));
        }
    }

    private void RaftState()
    {
        foreach (var node in _nodes)
        {
            var raft = node.Raft;
            var conf = raft.ConfState;
            var membership = conf.Voters.Contains(node.Id) || conf.VotersOutgoing.Contains(node.Id) ? "Voter"
                : conf.Learners.Contains(node.Id) ? "Learner" : "Not a member";
            var line = $"{node.Id}: {raft.Role} ({membership}) Term:{raft.Term} Lead:{raft.LeaderId}";
            if (raft.LeadTransferee != 0)
            {
                line += $" LeadTransferee:{raft.LeadTransferee}";
            }
            Line(line);
        }
    }
}
