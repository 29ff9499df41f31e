using Google.Protobuf;
using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Rpc.Protocol.Internal;
using Vectron.Rpc.Raft;

namespace Vectron.Rpc.Tests.Raft;

public sealed class RaftMessageCodecTests
{
    private static readonly ConfState Joint = new()
    {
        Voters = [1, 2, 3],
        Learners = [4],
        VotersOutgoing = [1, 2, 5],
        LearnersNext = [5],
        AutoLeave = true,
    };

    public static TheoryData<MessageType> TravellingTypes()
    {
        var data = new TheoryData<MessageType>();
        foreach (var type in Enum.GetValues<MessageType>())
        {
            if (!MessageTypes.IsLocal(type))
            {
                data.Add(type);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TravellingTypes))]
    public void Message_RoundTripsEveryField_ThroughTheWire(MessageType type)
    {
        var message = new Message
        {
            Type = type,
            To = 3,
            From = 1,
            Term = 7,
            LogTerm = 6,
            Index = 41,
            Entries =
            [
                new Entry(42, 7, EntryType.Normal, new byte[] { 1, 2, 3 }),
                new Entry(43, 7, EntryType.Normal, ReadOnlyMemory<byte>.Empty),
                new Entry(44, 7, EntryType.ConfChange, new byte[] { 9, 8 }),
            ],
            Commit = 40,
            Snapshot = type == MessageType.Snapshot ? new Snapshot(new SnapshotMetadata(100, 5, Joint), new byte[] { 0xAB }) : null,
            Reject = true,
            RejectHint = 39,
            RejectHintTerm = 4,
            Context = ulong.MaxValue,
            LeaderTransfer = true,
        };

        var decoded = RaftMessageCodec.FromWire(RaftMessage.Parser.ParseFrom(RaftMessageCodec.ToWire(message).ToByteArray()));

        AssertSame(message, decoded);
    }

    [Fact]
    public void Message_WithDefaults_RoundTripsAsDefaults()
    {
        var message = new Message { Type = MessageType.Heartbeat, To = 2, From = 1 };
        AssertSame(message, RaftMessageCodec.FromWire(RaftMessage.Parser.ParseFrom(RaftMessageCodec.ToWire(message).ToByteArray())));
    }

    [Fact]
    public void Batch_RoundTripsMessagesGroupsAndQuiescedGroups()
    {
        var batch = new RaftMessageBatch(1, 2,
        [
            new GroupMessage(10, new Message { Type = MessageType.Append, From = 1, To = 2, Term = 3, Entries = [new Entry(5, 3, EntryType.Normal, new byte[] { 7 })] }),
            new GroupMessage(11, new Message { Type = MessageType.AppendResponse, From = 1, To = 2, Term = 3, Reject = true, RejectHint = 9, RejectHintTerm = 2 }),
        ], [12, 13]);

        var decoded = RaftMessageCodec.FromWire(RaftBatch.Parser.ParseFrom(RaftMessageCodec.ToWire(batch).ToByteArray()));

        Assert.Equal((1UL, 2UL), (decoded.From, decoded.To));
        Assert.Equal([12UL, 13UL], decoded.QuiescedGroups);
        Assert.Equal(2, decoded.Messages.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(batch.Messages[i].GroupId, decoded.Messages[i].GroupId);
            AssertSame(batch.Messages[i].Message, decoded.Messages[i].Message);
        }
    }

    [Fact]
    public void ConfState_AndSnapshotMetadata_RoundTrip()
    {
        var metadata = new SnapshotMetadata(9, 2, Joint);
        var decoded = RaftMessageCodec.FromWire(RaftSnapshotMetadata.Parser.ParseFrom(RaftMessageCodec.ToWire(metadata).ToByteArray()));
        Assert.Equal((9UL, 2UL), (decoded.Index, decoded.Term));
        AssertSame(Joint, decoded.ConfState);
        Assert.True(decoded.ConfState.IsJoint);
    }

    [Theory]
    [InlineData(19u)]
    [InlineData(256u + 3)]
    [InlineData((uint)MessageType.Hup)]
    [InlineData((uint)MessageType.Unreachable)]
    [InlineData((uint)MessageType.SnapshotStatus)]
    public void Decode_RejectsUnknownAndLocalMessageTypes(uint type)
    {
        var error = Assert.Throws<RpcException>(() => RaftMessageCodec.FromWire(new RaftMessage { Type = type }));
        Assert.Equal(RpcStatusCode.InvalidArgument, error.Status);
    }

    [Fact]
    public void Decode_RejectsUnknownEntryTypes_AndSnapshotMessagesWithoutMetadata()
    {
        var badEntry = new RaftMessage { Type = (uint)MessageType.Append };
        badEntry.Entries.Add(new RaftEntry { Index = 1, Term = 1, Type = 2 });
        Assert.Equal(RpcStatusCode.InvalidArgument, Assert.Throws<RpcException>(() => RaftMessageCodec.FromWire(badEntry)).Status);

        var noMetadata = new RaftMessage { Type = (uint)MessageType.Snapshot };
        Assert.Equal(RpcStatusCode.InvalidArgument, Assert.Throws<RpcException>(() => RaftMessageCodec.FromWire(noMetadata)).Status);

        var batch = new RaftBatch { From = 1, To = 2 };
        batch.Messages.Add(new RaftGroupMessage { GroupId = 3 });
        Assert.Equal(RpcStatusCode.InvalidArgument, Assert.Throws<RpcException>(() => RaftMessageCodec.FromWire(batch)).Status);
    }

    internal static void AssertSame(Message expected, Message actual)
    {
        Assert.Equal(
            (expected.Type, expected.To, expected.From, expected.Term, expected.LogTerm, expected.Index, expected.Commit),
            (actual.Type, actual.To, actual.From, actual.Term, actual.LogTerm, actual.Index, actual.Commit));
        Assert.Equal(
            (expected.Reject, expected.RejectHint, expected.RejectHintTerm, expected.Context, expected.LeaderTransfer),
            (actual.Reject, actual.RejectHint, actual.RejectHintTerm, actual.Context, actual.LeaderTransfer));
        Assert.Equal(expected.Entries.Count, actual.Entries.Count);
        for (int i = 0; i < expected.Entries.Count; i++)
        {
            var (e, a) = (expected.Entries[i], actual.Entries[i]);
            Assert.Equal((e.Index, e.Term, e.Type), (a.Index, a.Term, a.Type));
            Assert.Equal(e.Data.ToArray(), a.Data.ToArray());
        }

        Assert.Equal(expected.Snapshot is null, actual.Snapshot is null);
        if (expected.Snapshot is { } snapshot)
        {
            Assert.Equal((snapshot.Index, snapshot.Term), (actual.Snapshot!.Index, actual.Snapshot.Term));
            Assert.Equal(snapshot.Data.ToArray(), actual.Snapshot.Data.ToArray());
            AssertSame(snapshot.Metadata.ConfState, actual.Snapshot.Metadata.ConfState);
        }
    }

    private static void AssertSame(ConfState expected, ConfState actual)
    {
        // Order is kept exactly, not only as sets.
        Assert.Equal(expected.Voters, actual.Voters);
        Assert.Equal(expected.Learners, actual.Learners);
        Assert.Equal(expected.VotersOutgoing, actual.VotersOutgoing);
        Assert.Equal(expected.LearnersNext, actual.LearnersNext);
        Assert.Equal(expected.AutoLeave, actual.AutoLeave);
    }
}
