using System.Text;
using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Server.Consensus;
using Vectron.Storage.Files;
using Vectron.Storage.Log;
using HardState = Vectron.Raft.Core.HardState;

namespace Vectron.Server.Tests.Consensus;

public sealed class LogEngineRaftLogStoreTests
{
    private static LogEngine OpenEngine(TempDirectory directory) =>
        LogEngine.Open(new LogEngineOptions { Directory = directory.File("log"), SegmentSize = 1 << 20, PreallocateSegments = false });

    private static Entry Normal(ulong index, ulong term, string text) => new(index, term, EntryType.Normal, Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Reopen_GivesBackHardStateEntriesTypesAndMembership()
    {
        using var directory = new TempDirectory();
        var conf = new ConfState { Voters = [1, 2, 3], Learners = [4] };
        var change = ConfChangeCodec.Encode(new ConfChange([new ConfChangeSingle(ConfChangeType.AddNode, 5)]));
        await using (var engine = OpenEngine(directory))
        {
            var store = new LogEngineRaftLogStore(engine);
            Assert.False(store.Contains(7));
            var batch = new RaftLogBatch();
            batch.Add(new RaftGroupUpdate(7)
            {
                Entries = [Normal(1, 1, "a"), Normal(2, 1, "b"), new Entry(3, 1, EntryType.ConfChange, change), Normal(4, 1, "stale")],
                HardState = new HardState(1, 2, 2),
            });
            batch.Add(new RaftGroupUpdate(8) { Entries = [Normal(1, 1, "other")], HardState = new HardState(1, 1, 1) });
            await store.WriteAsync(batch, CancellationToken.None);

            // A new leader's entries replace the uncommitted tail; a snapshot at 3 lets 1..2 go.
            batch.Clear();
            batch.Add(new RaftGroupUpdate(7)
            {
                Entries = [Normal(4, 2, "new"), Normal(5, 2, "c")],
                HardState = new HardState(2, 3, 5),
                RecordedSnapshot = new SnapshotMetadata(3, 1, conf),
                CompactThrough = 2,
            });
            await store.WriteAsync(batch, CancellationToken.None);
        }

        await using (var engine = OpenEngine(directory))
        {
            var store = new LogEngineRaftLogStore(engine);
            Assert.True(store.Contains(7));
            var storage = store.OpenGroup(7);
            var (hardState, confState) = storage.InitialState();
            Assert.Equal(new HardState(2, 3, 5), hardState);
            Assert.True(confState.SameAs(conf), confState.ToString());
            Assert.Equal(3UL, storage.FirstIndex);
            Assert.Equal(5UL, storage.LastIndex);
            Assert.True(storage.TryGetTerm(2, out var compactedTerm));
            Assert.Equal(1UL, compactedTerm);
            Assert.Equal(3UL, storage.GetSnapshot()!.Index);
            var entries = new List<Entry>();
            Assert.False(storage.TryGetEntries(2, 4, long.MaxValue, entries));
            Assert.True(storage.TryGetEntries(3, 6, long.MaxValue, entries));
            Assert.Equal([EntryType.ConfChange, EntryType.Normal, EntryType.Normal], entries.Select(e => e.Type));
            Assert.Equal(change, entries[0].Data.ToArray());
            Assert.Equal("new", Encoding.UTF8.GetString(entries[1].Data.Span));
            Assert.Equal(2UL, entries[2].Term);
            Assert.Equal(new HardState(1, 1, 1), store.OpenGroup(8).InitialState().HardState);
        }
    }

    [Fact]
    public async Task AWriteThatFails_LeavesNothingBehindForTheWritesAfterIt()
    {
        // The store reuses its batch and its frame list from write to write; a write refused halfway must not leak
        // what it had encoded into the next one.
        using var directory = new TempDirectory();
        await using (var engine = OpenEngine(directory))
        {
            var store = new LogEngineRaftLogStore(engine);
            var batch = new RaftLogBatch();
            batch.Add(new RaftGroupUpdate(7) { Entries = [Normal(1, 1, "a"), Normal(3, 1, "gap")] });
            await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(batch, CancellationToken.None).AsTask());

            for (ulong index = 1; index <= 3; index++)
            {
                batch.Clear();
                batch.Add(new RaftGroupUpdate(7) { Entries = [Normal(index, 1, $"b{index}")], HardState = new HardState(1, 0, index) });
                await store.WriteAsync(batch, CancellationToken.None);
            }
        }

        await using (var engine = OpenEngine(directory))
        {
            var storage = new LogEngineRaftLogStore(engine).OpenGroup(7);
            var entries = new List<Entry>();
            Assert.True(storage.TryGetEntries(1, 4, long.MaxValue, entries));
            Assert.Equal(["b1", "b2", "b3"], entries.Select(e => Encoding.UTF8.GetString(e.Data.Span)));
            Assert.Equal(3UL, storage.LastIndex);
            Assert.Equal(new HardState(1, 0, 3), storage.InitialState().HardState);
        }
    }

    [Fact]
    public async Task InstalledSnapshot_ReplacesTheWholeLog_AndSurvivesReopen()
    {
        using var directory = new TempDirectory();
        var conf = new ConfState { Voters = [1, 2, 3] };
        await using (var engine = OpenEngine(directory))
        {
            var store = new LogEngineRaftLogStore(engine);
            var batch = new RaftLogBatch();
            batch.Add(new RaftGroupUpdate(1) { Entries = [Normal(1, 1, "a"), Normal(2, 1, "b"), Normal(3, 1, "x")], HardState = new HardState(1, 0, 2) });
            await store.WriteAsync(batch, CancellationToken.None);
            batch.Clear();
            // The leader's snapshot at 10 (term 3) disagrees with our entry 3: everything goes.
            batch.Add(new RaftGroupUpdate(1) { InstalledSnapshot = new SnapshotMetadata(10, 3, conf), HardState = new HardState(3, 0, 10) });
            await store.WriteAsync(batch, CancellationToken.None);
            batch.Clear();
            batch.Add(new RaftGroupUpdate(1) { Entries = [Normal(11, 3, "after")] });
            await store.WriteAsync(batch, CancellationToken.None);
        }
        await using (var engine = OpenEngine(directory))
        {
            var storage = new LogEngineRaftLogStore(engine).OpenGroup(1);
            Assert.Equal(11UL, storage.FirstIndex);
            Assert.Equal(11UL, storage.LastIndex);
            Assert.True(storage.TryGetTerm(10, out var term));
            Assert.Equal(3UL, term);
            Assert.True(storage.InitialState().ConfState.SameAs(conf));
            Assert.Equal(new HardState(3, 0, 10), storage.InitialState().HardState);
        }
    }

    [Fact]
    public void SnapshotRecord_RejectsDamage()
    {
        var bytes = SnapshotRecordCodec.Encode(new SnapshotMetadata(5, 2, new ConfState { Voters = [1, 2], VotersOutgoing = [1, 3], AutoLeave = true }));
        var decoded = SnapshotRecordCodec.Decode(bytes);
        Assert.Equal(5UL, decoded.Index);
        Assert.True(decoded.ConfState.AutoLeave);
        Assert.Equal([1UL, 3], decoded.ConfState.VotersOutgoing);
        bytes[20] ^= 1;
        Assert.Throws<FormatException>(() => SnapshotRecordCodec.Decode(bytes));
    }

    [Fact]
    public async Task Host_OverTheLogEngineAndSnapshotFiles_RecoversACompactedGroupAfterRestart()
    {
        using var directory = new TempDirectory();
        var disk = PhysicalFileSystem.Instance;
        var options = SingleNodeOptions(snapshotEvery: 8, compactionOverhead: 2);
        var network = new InMemoryNetwork();
        await using (var engine = OpenEngine(directory))
        {
            await using var host = new RaftHost(options, new LogEngineRaftLogStore(engine), FileRaftSnapshotStore.Open(disk, directory.File("snapshots")), network.CreateTransport());
            StartLeader(host, new KeyValueMachine());
            for (ulong request = 1; request <= 20; request++)
            {
                await WriteAsync(host, request);
            }
        }
        await using (var engine = OpenEngine(directory))
        {
            var store = new LogEngineRaftLogStore(engine);
            ulong snapshotIndex = store.SnapshotMetadata(3).Index;
            Assert.True(snapshotIndex >= 16, $"snapshot at {snapshotIndex}");
            // The entries the snapshot covers are gone from the log: only the payload file can bring them back.
            Assert.True(store.OpenGroup(3).FirstIndex > 8, $"log starts at {store.OpenGroup(3).FirstIndex}");
            var snapshots = FileRaftSnapshotStore.Open(disk, directory.File("snapshots"));
            Assert.Contains(snapshotIndex, snapshots.HeldIndexes(3));
            Assert.DoesNotContain(snapshots.HeldIndexes(3), index => index < snapshotIndex);
            await using var host = new RaftHost(options, store, snapshots, network.CreateTransport());
            var machine = new KeyValueMachine();
            var started = host.StartGroupAsync(new RaftGroupConfig(3, machine));
            Drive(host, () => started.IsCompleted && machine.Keys.Count == 20);
            Assert.Equal([1UL], host.GroupOf(3)!.Node.ConfState.Voters);
            // A retry of an applied request is answered from the restored session table.
            host.AddTicks(25);
            Drive(host, () => host.GroupOf(3)!.Node.Role == RaftRole.Leader);
            var retry = host.ProposeAsync(3, 9, 20, Encoding.UTF8.GetBytes("k20"));
            Drive(host, () => retry.IsCompleted);
            Assert.Equal("20", Encoding.UTF8.GetString((await retry).Value.Span));
            Assert.Equal(20, machine.Keys.Count);
        }
    }

    [Fact]
    public async Task Host_WhoseSnapshotSavesFail_KeepsCommitting_AndCompactsOnceTheyWork()
    {
        using var directory = new TempDirectory();
        var snapshotDisk = new SimulatedFileSystem(11) { InjectError = (operation, _) => operation == SimulatedOperation.Sync ? 5 : null };
        var options = SingleNodeOptions(snapshotEvery: 4, compactionOverhead: 1);
        await using var engine = OpenEngine(directory);
        var store = new LogEngineRaftLogStore(engine);
        var machine = new KeyValueMachine();
        await using var failing = new RaftHost(options, store, FileRaftSnapshotStore.Open(snapshotDisk, "/snapshots"), new InMemoryNetwork().CreateTransport());
        StartLeader(failing, machine);
        ulong request = 0;
        for (var i = 0; i < 12; i++)
        {
            await WriteAsync(failing, ++request);
        }

        // Every save failed (EIO on fsync): the group applied everything and kept its whole log.
        Assert.Equal(12, machine.Keys.Count);
        Assert.False(failing.GroupOf(3)!.Lane.Failed);
        Assert.Equal(0UL, store.SnapshotMetadata(3).Index);
        Assert.Equal(1UL, store.OpenGroup(3).FirstIndex);

        snapshotDisk.InjectError = null;
        for (var i = 0; i < 8; i++)
        {
            await WriteAsync(failing, ++request);
        }

        Assert.True(store.SnapshotMetadata(3).Index > 12, $"snapshot at {store.SnapshotMetadata(3).Index}");
    }

    private static RaftHostOptions SingleNodeOptions(long snapshotEvery, ulong compactionOverhead) => new()
    {
        NodeId = 1,
        RandomSeed = 5,
        ApplyScheduler = InlineApplyScheduler.Instance,
        SnapshotEveryEntries = snapshotEvery,
        CompactionOverhead = compactionOverhead,
    };

    /// <summary>Founds group 3 with node 1 alone and ticks until it leads.</summary>
    private static void StartLeader(RaftHost host, KeyValueMachine machine)
    {
        var started = host.StartGroupAsync(new RaftGroupConfig(3, machine) { InitialMembers = [1] });
        Drive(host, () => started.IsCompleted);
        host.AddTicks(25);
        Drive(host, () => host.GroupOf(3)!.Node.Role == RaftRole.Leader);
    }

    /// <summary>Writes key k{request} as client 9 and expects it committed and applied.</summary>
    private static async Task WriteAsync(RaftHost host, ulong request)
    {
        var result = host.ProposeAsync(3, 9, request, Encoding.UTF8.GetBytes($"k{request}"));
        Drive(host, () => result.IsCompleted);
        Assert.Equal(RaftOutcome.Ok, (await result).Outcome);
    }

    private static void Drive(RaftHost host, Func<bool> until)
    {
        for (var i = 0; i < 10_000 && !until(); i++)
        {
            if (!host.ProcessOnce())
            {
                host.AddTicks(1);
            }
        }
        Assert.True(until(), "the host never reached the expected state");
    }

    /// <summary>Each command adds its text as a key; the result is the number of keys.</summary>
    private sealed class KeyValueMachine : IStateMachine
    {
        public HashSet<string> Keys { get; } = [];

        public void Apply(ReadOnlySpan<StateMachineCommand> commands, Span<ReadOnlyMemory<byte>> results)
        {
            for (var i = 0; i < commands.Length; i++)
            {
                Keys.Add(Encoding.UTF8.GetString(commands[i].Payload.Span));
                results[i] = Encoding.UTF8.GetBytes(Keys.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        public ReadOnlyMemory<byte> Lookup(ReadOnlyMemory<byte> query) => Keys.Contains(Encoding.UTF8.GetString(query.Span)) ? new byte[] { 1 } : new byte[] { 0 };

        public Task SaveSnapshotAsync(Stream destination, CancellationToken cancellationToken)
        {
            using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
            writer.Write(Keys.Count);
            foreach (var key in Keys.Order(StringComparer.Ordinal))
            {
                writer.Write(key);
            }
            return Task.CompletedTask;
        }

        public Task RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken)
        {
            using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
            Keys.Clear();
            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                Keys.Add(reader.ReadString());
            }
            return Task.CompletedTask;
        }
    }
}
