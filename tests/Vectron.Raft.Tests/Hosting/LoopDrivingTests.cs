using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using static Vectron.Raft.Tests.Hosting.CounterStateMachine;

namespace Vectron.Raft.Tests.Hosting;

/// <summary>The started host's loop has no thread of its own: whoever brings work to an idle loop runs it.</summary>
public sealed class LoopDrivingTests
{
    [Fact]
    public async Task ProposalToAnIdleLoop_IsStepped_AndWritten_OnTheProposersThread()
    {
        var clock = new ManualTimeProvider();
        var store = new ThreadRecordingStore();
        await using var host = new RaftHost(new RaftHostOptions { NodeId = 1, RandomSeed = 5, TimeProvider = clock },
            store, new MemoryRaftSnapshotStore(), new InMemoryNetwork().CreateTransport());
        host.Start();
        await host.StartGroupAsync(new RaftGroupConfig(1, new CounterStateMachine()) { InitialMembers = [1] });
        for (int step = 0; step < 100 && (await host.GetStatusAsync(1))!.Role != RaftRole.Leader; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        Assert.Equal(RaftRole.Leader, (await host.GetStatusAsync(1))!.Role);
        await host.GetStatusAsync(1); // the loop has gone idle again after answering

        // Run the proposal from a thread of our own: the entry's write happens before ProposeAsync returns, on it.
        int proposer = 0;
        Task<RaftResult<ReadOnlyMemory<byte>>>? proposal = null;
        var thread = new Thread(() =>
        {
            proposer = Environment.CurrentManagedThreadId;
            store.Writers.Clear();
            proposal = host.ProposeAsync(1, 1, 1, Increment("a"));
        });
        thread.Start();
        thread.Join();

        var result = await proposal!;
        Assert.Equal(RaftOutcome.Ok, result.Outcome);
        Assert.Equal("1", Text(result.Value));
        Assert.Contains(proposer, store.Writers);
    }

    [Fact]
    public async Task Stop_WhileProposalsArrive_EndsThemAll_AndLeavesNoDriveRunning()
    {
        var clock = new ManualTimeProvider();
        var host = new RaftHost(new RaftHostOptions { NodeId = 1, RandomSeed = 5, TimeProvider = clock },
            new MemoryRaftLogStore(), new MemoryRaftSnapshotStore(), new InMemoryNetwork().CreateTransport());
        host.Start();
        await host.StartGroupAsync(new RaftGroupConfig(1, new CounterStateMachine()) { InitialMembers = [1] });
        for (int step = 0; step < 100 && (await host.GetStatusAsync(1))!.Role != RaftRole.Leader; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        var proposals = new List<Task<RaftResult<ReadOnlyMemory<byte>>>>();
        var proposer = Task.Run(() =>
        {
            for (ulong i = 1; i <= 2_000; i++)
            {
                lock (proposals)
                {
                    proposals.Add(host.ProposeAsync(1, 1, i, Increment("a")));
                }
            }
        });
        await host.DisposeAsync();
        await proposer;

        // Every proposal ended (applied before the stop, or refused/stopped): none hangs on a loop nobody runs.
        Task<RaftResult<ReadOnlyMemory<byte>>>[] all;
        lock (proposals)
        {
            all = [.. proposals];
        }
        var results = await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(results, result => Assert.True(result.Outcome is RaftOutcome.Ok or RaftOutcome.Stopped, result.Outcome.ToString()));
    }

    private sealed class ThreadRecordingStore : IRaftLogStore
    {
        private readonly MemoryRaftLogStore _inner = new();

        public System.Collections.Concurrent.ConcurrentBag<int> Writers { get; } = [];

        public bool Contains(ulong groupId) => _inner.Contains(groupId);

        public IRaftStorage OpenGroup(ulong groupId) => _inner.OpenGroup(groupId);

        public SnapshotMetadata SnapshotMetadata(ulong groupId) => _inner.SnapshotMetadata(groupId);

        public ValueTask WriteAsync(RaftLogBatch batch, CancellationToken cancellationToken)
        {
            Writers.Add(Environment.CurrentManagedThreadId);
            return _inner.WriteAsync(batch, cancellationToken);
        }
    }
}
