using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Server.Consensus;
using Vectron.Server.Model;
using Vectron.Server.Worker;
using Vectron.Storage.Files;
using Vectron.Storage.Log;

namespace Vectron.Server.Tests.Worker;

/// <summary>The shard as the state machine of a real one-member Raft group over the node's log engine and snapshot files.</summary>
public sealed class ShardRaftHostTests
{
    private const ulong Group = 11;
    private static readonly ShardOptions Options = new() { Dimension = 8, Metric = ShardDistance.Dot, BackgroundIndexing = false, ExactSearchThreshold = 0, M = 8, EfConstruct = 64 };

    [Fact]
    public async Task Restart_FromTheNewestSnapshotAndTheLog_GivesTheSameState()
    {
        using var directory = new TempDirectory();
        var random = new Random(17);
        var payloads = new RandomPayloads(random);
        var network = new InMemoryNetwork();
        RaftHostOptions hostOptions = new()
        {
            NodeId = 1,
            RandomSeed = 5,
            ApplyScheduler = InlineApplyScheduler.Instance,
            SnapshotEveryEntries = 16,
            CompactionOverhead = 2,
        };
        var queries = Enumerable.Range(0, 20).Select(_ => (ShardStateMachineTests.RandomVector(random, 8), random.Next(2) == 0 ? null : payloads.Filter())).ToList();
        string before;
        ulong applied;
        int graphNodes;
        await using (var engine = OpenEngine(directory))
        {
            using var shard = new ShardStateMachine(Options);
            await using var host = new RaftHost(hostOptions, new LogEngineRaftLogStore(engine), FileRaftSnapshotStore.Open(PhysicalFileSystem.Instance, directory.File("snapshots")), network.CreateTransport());
            await StartLeaderAsync(host, shard, bootstrap: true);
            ulong request = 0;
            Assert.True((await ProposeAsync(host, ++request, new CreatePayloadIndex("kw", PayloadSchemaType.Keyword))).IsApplied);
            for (int round = 0; round < 40; round++)
            {
                var points = Enumerable.Range(0, 5)
                    .Select(_ => new PointWrite(PointId.FromNumber((ulong)random.Next(0, 120)), ShardStateMachineTests.RandomVector(random, 8), ShardHarness.Json(payloads.Payload())))
                    .DistinctBy(p => p.Id).ToList();
                Assert.True((await ProposeAsync(host, ++request, new UpsertPoints(points))).IsApplied);
                if (round % 3 == 0)
                {
                    await ProposeAsync(host, ++request, new DeletePoints([PointId.FromNumber((ulong)random.Next(0, 120))]));
                    await ProposeAsync(host, ++request, new SetPayload(PointSelector.ForFilter(Filter.Parse(payloads.Filter())), ShardHarness.Json(payloads.Payload())));
                }

                // A bad command is committed too, and rejected identically on replay.
                ShardCommandResult bad = await ProposeAsync(host, ++request, new UpsertPoints([new PointWrite(PointId.FromNumber(1), new float[3], null)]));
                Assert.Equal(ShardResultStatus.BadRequest, bad.Status);
                if (round % 4 == 0)
                {
                    shard.IndexPending(random.Next(1, 40));
                }
            }

            // The barrier read the gateway makes before reading the shard directly.
            var barrier = host.ReadAsync(Group, ReadOnlyMemory<byte>.Empty, ReadConsistency.Linearizable);
            Drive(host, () => barrier.IsCompleted);
            Assert.True((await barrier).IsOk);

            before = Describe(shard, queries);
            applied = shard.GetStats().AppliedIndex;
            graphNodes = shard.GraphNodeCount;
            Assert.True(graphNodes > 0);
        }

        await using (var engine = OpenEngine(directory))
        {
            var store = new LogEngineRaftLogStore(engine);
            ulong snapshotIndex = store.SnapshotMetadata(Group).Index;
            Assert.True(snapshotIndex > 16, $"snapshot at {snapshotIndex}");
            Assert.True(store.OpenGroup(Group).FirstIndex > 2, "the log was compacted, so only the snapshot can bring the early entries back");
            using var shard = new ShardStateMachine(Options);
            await using var host = new RaftHost(hostOptions, store, FileRaftSnapshotStore.Open(PhysicalFileSystem.Instance, directory.File("snapshots")), network.CreateTransport());
            await StartLeaderAsync(host, shard, bootstrap: false);
            Drive(host, () => shard.GetStats().AppliedIndex >= applied);
            // Nothing was indexed after the restart: graph nodes can only have come from the snapshot's graph file.
            Assert.True(shard.GraphNodeCount > 0, "the graph was loaded from the snapshot");
            Assert.Equal(before, Describe(shard, queries));
            shard.IndexPending();
            Assert.Equal(before, Describe(shard, queries));
        }
    }

    private static string Describe(ShardStateMachine shard, List<(float[] Vector, string? Filter)> queries)
    {
        var text = new System.Text.StringBuilder();
        foreach ((float[] vector, string? filter) in queries)
        {
            Filter? parsed = filter is null ? null : Filter.Parse(filter);
            text.Append(shard.Count(parsed)).Append(';');
            foreach (ScoredPoint hit in shard.Search(new ShardSearch { Vector = vector, Limit = 5, Filter = parsed, Exact = true, WithPayload = PayloadSelector.All }))
            {
                text.Append(hit.Id).Append('@').Append(hit.Score).Append('v').Append(hit.Version).Append(hit.Payload?.GetRawText()).Append(';');
            }

            text.AppendLine();
        }

        foreach (PointRecord point in shard.Scroll(null, 10_000, null, PayloadSelector.All, true).Points)
        {
            text.Append(point.Id).Append(point.Payload?.GetRawText()).Append(string.Join(",", point.Vector!)).AppendLine();
        }

        return text.ToString();
    }

    private static LogEngine OpenEngine(TempDirectory directory) =>
        LogEngine.Open(new LogEngineOptions { Directory = directory.File("log"), SegmentSize = 1 << 20, PreallocateSegments = false });

    private static async Task StartLeaderAsync(RaftHost host, ShardStateMachine shard, bool bootstrap)
    {
        var config = new RaftGroupConfig(Group, shard) { InitialMembers = bootstrap ? [1] : [] };
        var started = host.StartGroupAsync(config);
        Drive(host, () => started.IsCompleted);
        await started;
        host.AddTicks(25);
        Drive(host, () => host.GroupOf(Group)!.Node.Role == RaftRole.Leader);
    }

    private static async Task<ShardCommandResult> ProposeAsync(RaftHost host, ulong request, ShardCommand command)
    {
        var result = host.ProposeAsync(Group, 9, request, ShardCommandCodec.Encode(command));
        Drive(host, () => result.IsCompleted);
        RaftResult<ReadOnlyMemory<byte>> outcome = await result;
        Assert.Equal(RaftOutcome.Ok, outcome.Outcome);
        return ShardCommandCodec.DecodeResult(outcome.Value.Span);
    }

    private static void Drive(RaftHost host, Func<bool> until)
    {
        for (int i = 0; i < 10_000 && !until(); i++)
        {
            if (!host.ProcessOnce())
            {
                host.AddTicks(1);
            }
        }

        Assert.True(until(), "the host never reached the expected state");
    }
}
