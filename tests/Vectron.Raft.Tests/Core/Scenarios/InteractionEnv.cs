using System.Text;
using Vectron.Raft.Core;

namespace Vectron.Raft.Tests.Core.Scenarios;

/// <summary>
/// A cluster of <see cref="RaftNode"/>s driven by scenario commands, after etcd's rafttest
/// InteractionEnv: nothing happens unless a command says so. Ready handling is synchronous (persist,
/// then send, then apply, then Advance), messages wait in one network queue until delivered,
/// dropped, or cut off by a partition. Every node has a fixed seed, printed when it is added.
/// Commands are in <c>InteractionEnv.Commands.cs</c>.
/// </summary>
internal sealed partial class InteractionEnv
{
    private const int MaxStabilizeRounds = 10_000;

    private readonly List<ScenarioNode> _nodes = [];
    private readonly List<Message> _network = [];
    private readonly HashSet<(ulong From, ulong To)> _cut = [];
    private readonly StringBuilder _output = new();
    private int _indent;

    /// <summary>Runs one command line and returns what it printed ("ok" when nothing).</summary>
    public string Execute(string commandLine)
    {
        _output.Clear();
        _indent = 0;
        var command = ScenarioCommand.Parse(commandLine);
        Dispatch(command);
        command.RejectUnknownArguments();
        var text = ScenarioScript.Normalize(_output.ToString());
        return text.Length == 0 ? "ok" : text;
    }

    private void Line(string text)
    {
        _output.Append(' ', _indent * 2).Append(text).Append('\n');
    }

    private void Indented(Action action)
    {
        _indent++;
        try
        {
            action();
        }
        finally
        {
            _indent--;
        }
    }

    private ScenarioNode Node(ulong id)
    {
        if (id == 0 || id > (ulong)_nodes.Count)
        {
            throw new FormatException($"no node {id} (there are {_nodes.Count})");
        }
        return _nodes[(int)(id - 1)];
    }

    /// <summary>Persists, sends, applies and acknowledges one Ready of node <paramref name="id"/>, printing it.</summary>
    private void ProcessReady(ulong id)
    {
        var node = Node(id);
        if (!node.Raft.HasReady())
        {
            Line("no Ready");
            return;
        }
        var ready = node.Raft.GetReady();
        foreach (var line in ScenarioFormat.Ready(ready))
        {
            Line(line);
        }

        // Persist: snapshot, entries, hard state (one synced write in a real host).
        var storage = node.Storage.Inner;
        if (ready.Snapshot is { } snapshot)
        {
            storage.ApplySnapshot(snapshot);
        }
        if (ready.Entries.Count > 0)
        {
            storage.Append(ready.Entries);
        }
        if (ready.HardState is { } hard)
        {
            storage.SetHardState(hard);
        }

        // Send: both lists leave now that the write is done.
        _network.AddRange(ready.MessagesBeforePersist);
        _network.AddRange(ready.Messages);

        // Apply: the snapshot, then committed entries in order; membership changes through the core.
        if (ready.Snapshot is { } installed)
        {
            node.RestoreStateMachine(installed);
        }
        foreach (var entry in ready.CommittedEntries)
        {
            if (entry.Type == EntryType.ConfChange)
            {
                var change = ConfChangeCodec.Decode(entry.Data.Span);
                try
                {
                    var state = node.Raft.ApplyConfChange(change);
                    Line($"{id} switched to configuration {state}");
                }
                catch (InvalidOperationException e)
                {
                    Line($"{id} refused to apply conf change {change}: {e.Message}");
                }
            }
            else if (entry.Data.Length > 0)
            {
                node.StateMachine.Add(Encoding.UTF8.GetString(entry.Data.Span));
            }
            node.RecordApplied(entry.Index, entry.Term);
        }
        node.Raft.Advance(ready);
    }

    /// <summary>
    /// Delivers (or drops) the queued messages addressed to <paramref name="to"/>, in send order,
    /// optionally only those of <paramref name="type"/>. Returns how many were handled.
    /// </summary>
    private int DeliverTo(ulong to, MessageType? type, bool drop)
    {
        var batch = new List<Message>();
        for (var i = 0; i < _network.Count;)
        {
            var m = _network[i];
            if (m.To == to && (type is null || m.Type == type))
            {
                batch.Add(m);
                _network.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }
        foreach (var m in batch)
        {
            if (drop)
            {
                Line("dropped: " + ScenarioFormat.Message(m));
                continue;
            }
            if (_cut.Contains((m.From, m.To)))
            {
                Line("dropped (partition): " + ScenarioFormat.Message(m));
                continue;
            }
            Line(ScenarioFormat.Message(m));
            Node(to).Raft.Step(m);
        }
        return batch.Count;
    }

    private bool HasMessagesFor(ulong to) => _network.Exists(m => m.To == to);

    /// <summary>Processes Readies and delivers messages until no node has either (etcd's stabilize).</summary>
    private void Stabilize(IReadOnlyList<ulong> ids)
    {
        for (var round = 0; round < MaxStabilizeRounds; round++)
        {
            var done = true;
            foreach (var id in ids)
            {
                if (Node(id).Raft.HasReady())
                {
                    Line($"> {id} handling Ready");
                    Indented(() => ProcessReady(id));
                    done = false;
                }
            }
            foreach (var id in ids)
            {
                if (HasMessagesFor(id))
                {
                    Line($"> {id} receiving messages");
                    Indented(() => DeliverTo(id, type: null, drop: false));
                    done = false;
                }
            }
            if (done)
            {
                return;
            }
        }
        throw new InvalidOperationException($"the cluster did not stabilize within {MaxStabilizeRounds} rounds");
    }

    private IReadOnlyList<ulong> AllIds() => [.. _nodes.Select(n => n.Id)];
}
