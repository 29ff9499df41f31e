namespace Vectron.Raft.Hosting;

/// <summary>What a transport calls on the host it serves. Implementations must return quickly and may be called from any thread.</summary>
public interface IRaftTransportHandler
{
    /// <summary>A batch arrived from another host.</summary>
    void OnMessages(RaftMessageBatch batch);

    /// <summary>A chunk of a snapshot stream arrived.</summary>
    void OnSnapshotChunk(ulong fromNode, SnapshotChunk chunk);

    /// <summary>A batch to <paramref name="node"/> could not be delivered; the groups named had messages in it.</summary>
    void OnUnreachable(ulong node, IReadOnlyList<ulong> groupIds);

    /// <summary>A snapshot stream to <paramref name="node"/> finished (<paramref name="failed"/> false) or broke.</summary>
    void OnSnapshotSent(ulong groupId, ulong node, bool failed);
}
