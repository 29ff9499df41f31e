extern alias raft;

using BenchmarkDotNet.Attributes;
using raft::Vectron.Raft.Core;

namespace Vectron.Benchmarks;

/// <summary>
/// The Raft core alone (no I/O, no threads): one 256-byte proposal carried from the leader's
/// Propose through the followers' appends and acknowledgements to commit on all three nodes, and a
/// follower stepping one append. Storage is MemoryRaftStorage, compacted as it grows.
/// </summary>
[MemoryDiagnoser]
public class RaftStepBenchmarks
{
    private readonly byte[] _payload = new byte[256];
    private readonly List<Message> _inFlight = [];
    private RaftNode[] _nodes = [];
    private MemoryRaftStorage[] _storages = [];
    private RaftNode _follower = null!;
    private MemoryRaftStorage _followerStorage = null!;
    private ulong _followerIndex;

    [GlobalSetup]
    public void Setup()
    {
        _storages = new MemoryRaftStorage[3];
        _nodes = new RaftNode[3];
        for (var i = 0; i < 3; i++)
        {
            _storages[i] = new MemoryRaftStorage();
            _storages[i].SetConfState(new ConfState { Voters = [1, 2, 3] });
            _nodes[i] = new RaftNode(new RaftOptions { Id = (ulong)i + 1, Random = new Random(i) }, _storages[i]);
        }
        _nodes[0].Campaign();
        Pump();

        _followerStorage = new MemoryRaftStorage();
        _followerStorage.SetConfState(new ConfState { Voters = [1, 2, 3] });
        _follower = new RaftNode(new RaftOptions { Id = 2, Random = new Random(7) }, _followerStorage);
        _followerIndex = 0;
    }

    /// <summary>One proposal replicated and committed on three nodes (every Step, Ready and Advance involved).</summary>
    [Benchmark]
    public void ReplicateOneProposal()
    {
        _nodes[0].Propose(_payload);
        Pump();
        if (_storages[0].LastIndex % 4096 == 0)
        {
            for (var i = 0; i < 3; i++)
            {
                var applied = _nodes[i].Applied;
                _storages[i].CreateSnapshot(applied, _nodes[i].ConfState, default);
                _storages[i].Compact(applied);
            }
        }
    }

    /// <summary>A follower steps one append carrying one 256-byte entry, then its Ready is persisted and advanced.</summary>
    [Benchmark]
    public void FollowerStepsOneAppend()
    {
        var index = _followerIndex;
        _follower.Step(new Message
        {
            Type = MessageType.Append,
            From = 1,
            To = 2,
            Term = 1,
            Index = index,
            LogTerm = index == 0 ? 0UL : 1UL,
            Commit = index,
            Entries = [new Entry(index + 1, 1, EntryType.Normal, _payload)],
        });
        var ready = _follower.GetReady();
        _followerStorage.Append(ready.Entries);
        if (ready.HardState is { } hard)
        {
            _followerStorage.SetHardState(hard);
        }
        _follower.Advance(ready);
        _followerIndex = index + 1;
        if (_followerIndex % 4096 == 0)
        {
            _followerStorage.CreateSnapshot(_follower.Applied, _follower.ConfState, default);
            _followerStorage.Compact(_follower.Applied);
        }
    }

    private void Pump()
    {
        while (true)
        {
            var any = false;
            for (var i = 0; i < 3; i++)
            {
                var node = _nodes[i];
                while (node.HasReady())
                {
                    any = true;
                    var ready = node.GetReady();
                    _inFlight.AddRange(ready.MessagesBeforePersist);
                    _storages[i].Append(ready.Entries);
                    if (ready.HardState is { } hard)
                    {
                        _storages[i].SetHardState(hard);
                    }
                    _inFlight.AddRange(ready.Messages);
                    node.Advance(ready);
                }
            }
            if (_inFlight.Count == 0 && !any)
            {
                return;
            }
            var batch = _inFlight.ToArray();
            _inFlight.Clear();
            foreach (var m in batch)
            {
                _nodes[m.To - 1].Step(m);
            }
        }
    }
}
