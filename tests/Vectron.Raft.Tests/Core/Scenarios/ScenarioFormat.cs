using System.Text;
using Vectron.Raft.Core;

namespace Vectron.Raft.Tests.Core.Scenarios;

/// <summary>
/// Stable one-line descriptions of messages, entries, snapshots and Ready contents, modelled on
/// etcd's DescribeMessage: "1->2 Append Term:1 Log:1/2 Commit:2 Entries:[1/3 Normal "foo"]".
/// </summary>
internal static class ScenarioFormat
{
    public static string Message(Message m)
    {
        var text = new StringBuilder();
        text.Append($"{m.From}->{m.To} {m.Type} Term:{m.Term} Log:{m.LogTerm}/{m.Index}");
        if (m.Reject)
        {
            text.Append($" Rejected (Hint: {m.RejectHintTerm}/{m.RejectHint})");
        }
        if (m.Commit != 0)
        {
            text.Append($" Commit:{m.Commit}");
        }
        if (m.Context != 0)
        {
            text.Append($" Context:{m.Context}");
        }
        if (m.LeaderTransfer)
        {
            text.Append(" LeaderTransfer");
        }
        if (m.Entries.Count > 0)
        {
            text.Append(" Entries:[").Append(string.Join(", ", m.Entries.Select(Entry))).Append(']');
        }
        if (m.Snapshot is { } snapshot)
        {
            text.Append(" Snapshot:[").Append(Snapshot(snapshot)).Append(']');
        }
        return text.ToString();
    }

    public static string Entry(Entry e) => e.Type == EntryType.Normal
        ? $"{e.Term}/{e.Index} Normal \"{Encoding.UTF8.GetString(e.Data.Span)}\""
        : $"{e.Term}/{e.Index} ConfChange {ConfChangeCodec.Decode(e.Data.Span)}";

    public static string Snapshot(Snapshot s) =>
        $"Index:{s.Index} Term:{s.Term} ConfState:{s.Metadata.ConfState} Data:\"{Encoding.UTF8.GetString(s.Data.Span)}\"";

    public static string HardState(HardState h) => $"HardState Term:{h.Term} Vote:{h.Vote} Commit:{h.Commit}";

    public static string SoftState(SoftState s) => $"Lead:{s.Leader} State:{s.Role}";

    /// <summary>The Ready as lines, omitting empty parts.</summary>
    public static List<string> Ready(Ready ready)
    {
        var lines = new List<string> { $"Ready MustSync={(ready.MustSync ? "true" : "false")}:" };
        if (ready.SoftState is { } soft)
        {
            lines.Add(SoftState(soft));
        }
        if (ready.HardState is { } hard)
        {
            lines.Add(HardState(hard));
        }
        AddSection(lines, "Entries:", ready.Entries.Select(Entry));
        if (ready.Snapshot is { } snapshot)
        {
            lines.Add("Snapshot " + Snapshot(snapshot));
        }
        AddSection(lines, "CommittedEntries:", ready.CommittedEntries.Select(Entry));
        AddSection(lines, "MessagesBeforePersist:", ready.MessagesBeforePersist.Select(Message));
        AddSection(lines, "Messages:", ready.Messages.Select(Message));
        AddSection(lines, "ReadStates:", ready.ReadStates.Select(r => $"Index:{r.Index} RequestId:{r.RequestId}"));
        return lines;
    }

    private static void AddSection(List<string> lines, string title, IEnumerable<string> items)
    {
        var list = items.ToList();
        if (list.Count == 0)
        {
            return;
        }
        lines.Add(title);
        lines.AddRange(list);
    }
}
