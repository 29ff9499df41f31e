using Vectron.Raft.Core;
using Vectron.Rpc.Raft;

namespace Vectron.Rpc.Tests.Raft;

public sealed class SnapshotAssemblerTests
{
    private const ulong From = 1;
    private const ulong Group = 7;

    private static readonly Message Older = SnapshotMessage(term: 3, index: 50);
    private static readonly Message Newer = SnapshotMessage(term: 3, index: 80);

    [Fact]
    public void BrokenStream_ResumesAtTheReceivedOffset_AndDeliversOnePayload()
    {
        var assembler = new SnapshotAssembler();
        var payload = Payload(25);
        var id = SnapshotAssembler.StreamOf(Older);
        Assert.Equal(0, assembler.ResumeOffset(From, Group, id));

        Assert.Null(assembler.Accept(From, Group, Older, 0, payload.AsSpan(0, 10), last: false, payload.Length));
        Assert.Null(assembler.Accept(From, Group, Older, 10, payload.AsSpan(10, 10), last: false, payload.Length));

        // The stream broke here; the sender asks where to go on.
        Assert.Equal(20, assembler.ResumeOffset(From, Group, id));
        Assert.Equal(0, assembler.ResumeOffset(From, Group, SnapshotAssembler.StreamOf(Newer)));
        Assert.Equal(0, assembler.ResumeOffset(From + 1, Group, id));

        var done = assembler.Accept(From, Group, Older, 20, payload.AsSpan(20), last: true, payload.Length);

        Assert.NotNull(done);
        Assert.Equal((Group, 0L, true), (done.GroupId, done.Offset, done.IsLast));
        Assert.Equal(payload, done.Data.ToArray());
        Assert.Same(Older, done.Message);
        Assert.Equal(payload.Length, assembler.ResumeOffset(From, Group, id));
    }

    [Fact]
    public void ChunkOutOfPlace_IsRefusedWithOutOfRange_AndTheAssemblyKeepsItsOffset()
    {
        var assembler = new SnapshotAssembler();
        var payload = Payload(30);
        assembler.Accept(From, Group, Older, 0, payload.AsSpan(0, 10), last: false, payload.Length);

        var gap = Assert.Throws<RpcException>(() => assembler.Accept(From, Group, Older, 20, payload.AsSpan(20, 10), last: true, payload.Length));
        var otherStream = Assert.Throws<RpcException>(() => assembler.Accept(From, Group, Newer, 10, payload.AsSpan(10, 10), last: false, payload.Length));
        var overrun = Assert.Throws<RpcException>(() => assembler.Accept(From, Group, Older, 10, payload.AsSpan(0, 25), last: false, payload.Length));

        Assert.Equal(RpcStatusCode.OutOfRange, gap.Status);
        Assert.Equal(RpcStatusCode.OutOfRange, otherStream.Status);
        Assert.Equal(RpcStatusCode.InvalidArgument, overrun.Status);
        Assert.Equal(10, assembler.ResumeOffset(From, Group, SnapshotAssembler.StreamOf(Older)));
    }

    [Fact]
    public void NewStreamAtOffsetZero_ReplacesTheUnfinishedOne()
    {
        var assembler = new SnapshotAssembler();
        var older = Payload(20);
        var newer = Payload(12, seed: 2);
        assembler.Accept(From, Group, Older, 0, older.AsSpan(0, 10), last: false, older.Length);

        var done = assembler.Accept(From, Group, Newer, 0, newer, last: true, newer.Length);

        Assert.Equal(newer, done!.Data.ToArray());
        Assert.Equal(0, assembler.ResumeOffset(From, Group, SnapshotAssembler.StreamOf(Older)));
        Assert.Throws<RpcException>(() => assembler.Accept(From, Group, Older, 10, older.AsSpan(10), last: true, older.Length));
    }

    [Fact]
    public void LastChunkShortOfTheAnnouncedLength_IsRefused()
    {
        var assembler = new SnapshotAssembler();
        var error = Assert.Throws<RpcException>(() => assembler.Accept(From, Group, Older, 0, Payload(5), last: true, totalLength: 9));
        Assert.Equal(RpcStatusCode.InvalidArgument, error.Status);
    }

    [Fact]
    public void EmptyPayload_IsOneLastChunk()
    {
        var done = new SnapshotAssembler().Accept(From, Group, Older, 0, [], last: true, totalLength: 0);
        Assert.Equal(0, done!.Data.Length);
    }

    internal static Message SnapshotMessage(ulong term, ulong index) => new()
    {
        Type = MessageType.Snapshot,
        From = From,
        To = 2,
        Term = term,
        Snapshot = new Snapshot(new SnapshotMetadata(index, term, new ConfState { Voters = [1, 2, 3] }), ReadOnlyMemory<byte>.Empty),
    };

    internal static byte[] Payload(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
