using System.Text;
using Vectron.Raft.Core;
using Vectron.Raft.Hosting;

namespace Vectron.Raft.Tests.Hosting;

/// <summary>How a host assembles snapshot streams from chunks that arrive late, twice or interleaved.</summary>
public sealed class SnapshotStreamTests
{
    private const ulong Group = 1;
    private const ulong Leader = 1;
    private const ulong Follower = 3;
    private const int ChunkBytes = 16;

    /// <summary>
    /// A leader that heard its first stream was sent may start a second one (of a newer snapshot) before the follower
    /// got the first: the chunks interleave. A chunk of one stream must never be appended to the other, even when its
    /// offset fits (found by the simulation: the mixed payload failed its checksum at restore and the group stopped
    /// applying for good).
    /// </summary>
    [Fact]
    public async Task InterleavedStreams_AreNeverMixed_AndTheNewerStreamInstalls()
    {
        await using var cluster = new TestCluster(seed: 1, nodes: 0);
        cluster.AddNode(Follower);
        cluster.StartGroupOn(Follower, Group, []);
        var older = await Stream(index: 10, term: 2, value: "older");
        var newer = await Stream(index: 20, term: 2, value: "newer");
        Assert.True(older.Count >= 2 && newer.Count >= 2);
        IRaftTransportHandler follower = cluster[Follower].Host;

        // older[0], then newer[0] restarts the assembly, then older[1] has the offset the assembly expects.
        follower.OnSnapshotChunk(Leader, older[0]);
        follower.OnSnapshotChunk(Leader, newer[0]);
        foreach (var chunk in older.Skip(1))
        {
            follower.OnSnapshotChunk(Leader, chunk);
        }
        cluster.RunUntilIdle();
        foreach (var chunk in newer.Skip(1))
        {
            follower.OnSnapshotChunk(Leader, chunk);
        }
        cluster.RunUntilIdle();

        var group = cluster[Follower].Host.GroupOf(Group)!;
        Assert.False(group.Lane.Failed, "the follower restored a payload mixed from two streams");
        Assert.Equal(20UL, group.Lane.AppliedIndex);
        Assert.Equal("newer", cluster[Follower].Machines[Group].Values["k"]);
    }

    private static async Task<List<SnapshotChunk>> Stream(ulong index, ulong term, string value)
    {
        var machine = new CounterStateMachine();
        machine.Apply([new StateMachineCommand(1, CounterStateMachine.Set("k", value))], new ReadOnlyMemory<byte>[1]);
        var payload = await SnapshotPayload.WriteAsync(index, term, new SessionTable(16, 16), machine, CancellationToken.None);
        var message = new Message
        {
            Type = MessageType.Snapshot,
            From = Leader,
            To = Follower,
            Term = term,
            Snapshot = new Snapshot(new SnapshotMetadata(index, term, new ConfState { Voters = [Leader, 2, Follower] }), Encoding.UTF8.GetBytes(value)),
        };
        var chunks = new List<SnapshotChunk>();
        for (var offset = 0; offset < payload.Length; offset += ChunkBytes)
        {
            var length = Math.Min(ChunkBytes, payload.Length - offset);
            chunks.Add(new SnapshotChunk(Group, message, offset, payload.AsMemory(offset, length), offset + length == payload.Length));
        }
        return chunks;
    }
}
