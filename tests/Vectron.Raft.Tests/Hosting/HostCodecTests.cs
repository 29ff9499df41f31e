using Vectron.Raft.Core;
using Vectron.Raft.Hosting;

namespace Vectron.Raft.Tests.Hosting;

public sealed class HostCodecTests
{
    [Fact]
    public void EntryEnvelope_RoundTrips_AndRejectsForeignBytes()
    {
        var bytes = EntryEnvelope.Encode(0x0102030405060708, 42, [9, 8, 7]);
        Assert.Equal(EntryEnvelope.HeaderSize + 3, bytes.Length);
        Assert.Equal(1, bytes[0]);
        Assert.Equal(0x08, bytes[1]);
        var (client, request, payload) = EntryEnvelope.Decode(bytes);
        Assert.Equal(0x0102030405060708UL, client);
        Assert.Equal(42UL, request);
        Assert.Equal([9, 8, 7], payload.ToArray());
        Assert.Throws<FormatException>(() => EntryEnvelope.Decode(new byte[5]));
        bytes[0] = 2;
        Assert.Throws<FormatException>(() => EntryEnvelope.Decode(bytes));
    }

    [Fact]
    public void SessionTable_RemembersResults_ExpiresOldOnes_AndSurvivesASnapshot()
    {
        var table = new SessionTable(maxClients: 2, resultsPerClient: 2);
        table.Record(1, 1, new byte[] { 1 }, index: 10);
        table.Record(1, 2, new byte[] { 2 }, index: 11);
        table.Record(1, 3, new byte[] { 3 }, index: 12);
        Assert.Equal(SessionVerdict.Expired, table.Check(1, 1, out _));
        Assert.Equal(SessionVerdict.Duplicate, table.Check(1, 3, out var result));
        Assert.Equal([3], result.ToArray());
        Assert.Equal(SessionVerdict.New, table.Check(1, 4, out _));

        table.Record(2, 1, new byte[] { 20 }, index: 13);
        table.Record(3, 1, new byte[] { 30 }, index: 14);
        // Client 1 was applied least recently: evicted, so its requests look new again.
        Assert.Equal(SessionVerdict.New, table.Check(1, 3, out _));

        using var stream = new MemoryStream();
        table.WriteTo(stream);
        var copy = new SessionTable(2, 2);
        Assert.Equal((int)stream.Length, copy.ReadFrom(stream.ToArray()));
        Assert.Equal(SessionVerdict.Duplicate, copy.Check(3, 1, out var held));
        Assert.Equal([30], held.ToArray());
    }

    [Fact]
    public async Task SnapshotPayload_RoundTrips_AndDetectsDamage()
    {
        var machine = new CounterStateMachine();
        machine.Apply([new StateMachineCommand(1, CounterStateMachine.Set("a", "b"))], new ReadOnlyMemory<byte>[1]);
        var sessions = new SessionTable(4, 4);
        sessions.Record(5, 6, new byte[] { 7 }, 1);
        var payload = await SnapshotPayload.WriteAsync(9, 3, sessions, machine, CancellationToken.None);

        var restored = new CounterStateMachine();
        var restoredSessions = new SessionTable(4, 4);
        Assert.Equal((9UL, 3UL), await SnapshotPayload.RestoreAsync(payload, restoredSessions, restored, CancellationToken.None));
        Assert.Equal("b", restored.Values["a"]);
        Assert.Equal(SessionVerdict.Duplicate, restoredSessions.Check(5, 6, out _));

        payload[30] ^= 0x40;
        await Assert.ThrowsAsync<FormatException>(() => SnapshotPayload.RestoreAsync(payload, restoredSessions, restored, CancellationToken.None));
    }

    [Fact]
    public async Task MemoryLogStore_AppliesUpdatesInOrder()
    {
        var store = new MemoryRaftLogStore();
        var batch = new RaftLogBatch();
        batch.Add(new RaftGroupUpdate(1)
        {
            Entries = [new Entry(1, 1, EntryType.Normal, new byte[] { 1 }), new Entry(2, 1, EntryType.Normal, new byte[] { 2 }), new Entry(3, 1, EntryType.Normal, default)],
            HardState = new HardState(1, 2, 2),
        });
        await store.WriteAsync(batch, CancellationToken.None);
        batch.Clear();
        var conf = new ConfState { Voters = [1, 2, 3] };
        batch.Add(new RaftGroupUpdate(1)
        {
            Entries = [new Entry(3, 2, EntryType.Normal, default)],
            RecordedSnapshot = new SnapshotMetadata(2, 1, conf),
            CompactThrough = 1,
        });
        await store.WriteAsync(batch, CancellationToken.None);

        var storage = store.OpenGroup(1);
        Assert.Equal(2UL, storage.FirstIndex);
        Assert.Equal(3UL, storage.LastIndex);
        Assert.True(storage.TryGetTerm(3, out var term));
        Assert.Equal(2UL, term);
        Assert.Equal(new HardState(1, 2, 2), storage.InitialState().HardState);
        Assert.True(storage.InitialState().ConfState.SameAs(conf));
        Assert.Equal(2UL, store.SnapshotMetadata(1).Index);
    }
}
