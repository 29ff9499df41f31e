using Vectron.Raft.Hosting;

namespace Vectron.Rpc.Tests.Raft;

/// <summary>Records what a transport reports to its host. Thread-safe.</summary>
internal sealed class RecordingHandler : IRaftTransportHandler
{
    private readonly Lock _lock = new();
    private readonly List<RaftMessageBatch> _batches = [];
    private readonly List<(ulong From, SnapshotChunk Chunk)> _chunks = [];
    private readonly List<(ulong Node, IReadOnlyList<ulong> Groups)> _unreachable = [];
    private readonly List<(ulong Group, ulong Node, bool Failed)> _snapshotsSent = [];

    public IReadOnlyList<RaftMessageBatch> Batches => Copy(_batches);

    public IReadOnlyList<(ulong From, SnapshotChunk Chunk)> Chunks => Copy(_chunks);

    public IReadOnlyList<(ulong Node, IReadOnlyList<ulong> Groups)> Unreachable => Copy(_unreachable);

    public IReadOnlyList<(ulong Group, ulong Node, bool Failed)> SnapshotsSent => Copy(_snapshotsSent);

    public void OnMessages(RaftMessageBatch batch) => Add(_batches, batch);

    public void OnSnapshotChunk(ulong fromNode, SnapshotChunk chunk) => Add(_chunks, (fromNode, chunk));

    public void OnUnreachable(ulong node, IReadOnlyList<ulong> groupIds) => Add(_unreachable, (node, groupIds));

    public void OnSnapshotSent(ulong groupId, ulong node, bool failed) => Add(_snapshotsSent, (groupId, node, failed));

    /// <summary>Groups reported unreachable for <paramref name="node"/> so far.</summary>
    public HashSet<ulong> UnreachableGroups(ulong node) => [.. Unreachable.Where(report => report.Node == node).SelectMany(report => report.Groups)];

    private void Add<T>(List<T> list, T item)
    {
        lock (_lock)
        {
            list.Add(item);
        }
    }

    private List<T> Copy<T>(List<T> list)
    {
        lock (_lock)
        {
            return [.. list];
        }
    }
}
