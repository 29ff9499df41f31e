namespace Vectron.Raft.Hosting;

/// <summary>
/// Everything one host sends another in one transport call: messages of many groups, and the groups
/// whose leader on the sending host has quiesced (the receiver's replicas stop ticking too).
/// Immutable once handed to the transport.
/// </summary>
/// <param name="From">The sending node.</param>
/// <param name="To">The destination node.</param>
/// <param name="Messages">Raft messages, in the order the sender produced them.</param>
/// <param name="QuiescedGroups">Groups whose leader (the sender) went quiet; the receiver's replicas may stop ticking.</param>
public sealed record RaftMessageBatch(ulong From, ulong To, IReadOnlyList<GroupMessage> Messages, IReadOnlyList<ulong> QuiescedGroups)
{
    /// <summary>Message count plus quiesce notices.</summary>
    public int Count => Messages.Count + QuiescedGroups.Count;
}
