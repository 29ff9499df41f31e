using Google.Protobuf;
using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Rpc.Protocol.Internal;

namespace Vectron.Rpc.Raft;

/// <summary>
/// Converts Raft messages, entries, snapshot metadata, membership and host batches to and from their protobuf form
/// (protos/vectron/internal/raft.proto), field for field. Encoding wraps entry data without copying (entries are
/// immutable); decoding wraps the parsed <see cref="ByteString"/>s, which are immutable too.
/// </summary>
/// <remarks>
/// Decoding checks what the types cannot: message and entry types are known, local message kinds
/// (<see cref="MessageTypes.IsLocal"/>) never arrive from the network, and a snapshot message names its snapshot.
/// Anything else is the sender's bug or corruption and throws <see cref="RpcException"/> with
/// <see cref="RpcStatusCode.InvalidArgument"/>, which ends that call only.
/// </remarks>
internal static class RaftMessageCodec
{
    public static RaftBatch ToWire(RaftMessageBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var wire = new RaftBatch { From = batch.From, To = batch.To };
        foreach (var message in batch.Messages)
        {
            wire.Messages.Add(ToWire(message));
        }

        foreach (var group in batch.QuiescedGroups)
        {
            wire.QuiescedGroups.Add(group);
        }

        return wire;
    }

    public static RaftGroupMessage ToWire(GroupMessage message) => new() { GroupId = message.GroupId, Message = ToWire(message.Message) };

    public static RaftMessage ToWire(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var wire = new RaftMessage
        {
            Type = (uint)message.Type,
            To = message.To,
            From = message.From,
            Term = message.Term,
            LogTerm = message.LogTerm,
            Index = message.Index,
            Commit = message.Commit,
            Reject = message.Reject,
            RejectHint = message.RejectHint,
            RejectHintTerm = message.RejectHintTerm,
            Context = message.Context,
            LeaderTransfer = message.LeaderTransfer,
        };
        foreach (var entry in message.Entries)
        {
            wire.Entries.Add(ToWire(entry));
        }

        if (message.Snapshot is { } snapshot)
        {
            wire.Snapshot = ToWire(snapshot.Metadata);
            wire.SnapshotData = UnsafeByteOperations.UnsafeWrap(snapshot.Data);
        }

        return wire;
    }

    public static RaftEntry ToWire(Entry entry) => new()
    {
        Index = entry.Index,
        Term = entry.Term,
        Type = (uint)entry.Type,
        Data = UnsafeByteOperations.UnsafeWrap(entry.Data),
    };

    public static RaftSnapshotMetadata ToWire(SnapshotMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new RaftSnapshotMetadata { Index = metadata.Index, Term = metadata.Term, ConfState = ToWire(metadata.ConfState) };
    }

    public static RaftConfState ToWire(ConfState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var wire = new RaftConfState { AutoLeave = state.AutoLeave };
        wire.Voters.Add(state.Voters);
        wire.Learners.Add(state.Learners);
        wire.VotersOutgoing.Add(state.VotersOutgoing);
        wire.LearnersNext.Add(state.LearnersNext);
        return wire;
    }

    /// <exception cref="RpcException">(<see cref="RpcStatusCode.InvalidArgument"/>) A message does not decode.</exception>
    public static RaftMessageBatch FromWire(RaftBatch wire)
    {
        ArgumentNullException.ThrowIfNull(wire);
        var messages = new GroupMessage[wire.Messages.Count];
        for (int i = 0; i < messages.Length; i++)
        {
            messages[i] = FromWire(wire.Messages[i]);
        }

        return new RaftMessageBatch(wire.From, wire.To, messages, [.. wire.QuiescedGroups]);
    }

    /// <exception cref="RpcException">(<see cref="RpcStatusCode.InvalidArgument"/>) The message does not decode.</exception>
    public static GroupMessage FromWire(RaftGroupMessage wire)
    {
        ArgumentNullException.ThrowIfNull(wire);
        if (wire.Message is null)
        {
            throw Invalid($"group {wire.GroupId}: a group message without a message");
        }

        return new GroupMessage(wire.GroupId, FromWire(wire.Message));
    }

    /// <exception cref="RpcException">(<see cref="RpcStatusCode.InvalidArgument"/>) The message does not decode.</exception>
    public static Message FromWire(RaftMessage wire)
    {
        ArgumentNullException.ThrowIfNull(wire);
        if (wire.Type > byte.MaxValue || !Enum.IsDefined((MessageType)wire.Type))
        {
            throw Invalid($"unknown Raft message type {wire.Type}");
        }

        var type = (MessageType)wire.Type;
        if (MessageTypes.IsLocal(type))
        {
            throw Invalid($"Raft message type {type} is local to a node and never travels");
        }

        if (type == MessageType.Snapshot && wire.Snapshot is null)
        {
            throw Invalid("a snapshot message without snapshot metadata");
        }

        var entries = wire.Entries.Count == 0 ? [] : new Entry[wire.Entries.Count];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = FromWire(wire.Entries[i]);
        }

        return new Message
        {
            Type = type,
            To = wire.To,
            From = wire.From,
            Term = wire.Term,
            LogTerm = wire.LogTerm,
            Index = wire.Index,
            Entries = entries,
            Commit = wire.Commit,
            Snapshot = wire.Snapshot is { } snapshot ? new Snapshot(FromWire(snapshot), wire.SnapshotData.Memory) : null,
            Reject = wire.Reject,
            RejectHint = wire.RejectHint,
            RejectHintTerm = wire.RejectHintTerm,
            Context = wire.Context,
            LeaderTransfer = wire.LeaderTransfer,
        };
    }

    /// <exception cref="RpcException">(<see cref="RpcStatusCode.InvalidArgument"/>) The entry type is unknown.</exception>
    public static Entry FromWire(RaftEntry wire)
    {
        ArgumentNullException.ThrowIfNull(wire);
        if (wire.Type > byte.MaxValue || !Enum.IsDefined((EntryType)wire.Type))
        {
            throw Invalid($"entry {wire.Term}/{wire.Index}: unknown entry type {wire.Type}");
        }

        return new Entry(wire.Index, wire.Term, (EntryType)wire.Type, wire.Data.Memory);
    }

    public static SnapshotMetadata FromWire(RaftSnapshotMetadata wire)
    {
        ArgumentNullException.ThrowIfNull(wire);
        return new SnapshotMetadata(wire.Index, wire.Term, wire.ConfState is { } state ? FromWire(state) : ConfState.Empty);
    }

    public static ConfState FromWire(RaftConfState wire)
    {
        ArgumentNullException.ThrowIfNull(wire);
        return new ConfState
        {
            Voters = [.. wire.Voters],
            Learners = [.. wire.Learners],
            VotersOutgoing = [.. wire.VotersOutgoing],
            LearnersNext = [.. wire.LearnersNext],
            AutoLeave = wire.AutoLeave,
        };
    }

    private static RpcException Invalid(string detail) => new(RpcStatusCode.InvalidArgument, detail);
}
