namespace Vectron.Raft.Hosting;

/// <summary>
/// Moves Raft traffic between hosts. Sending never blocks the caller (the consensus loop): a transport
/// queues and reports failures back through <see cref="IRaftTransportHandler"/>. Delivery may lose,
/// duplicate, delay or reorder messages; Raft tolerates all of it.
/// </summary>
public interface ITransport
{
    /// <summary>Registers the host that receives this node's traffic and failure reports; called once, before any send.</summary>
    void Bind(ulong nodeId, IRaftTransportHandler handler);

    /// <summary>Sends one batch (many groups' messages) to <see cref="RaftMessageBatch.To"/>.</summary>
    void Send(RaftMessageBatch batch);

    /// <summary>Streams a snapshot in chunks to <paramref name="toNode"/>; the outcome comes back through <see cref="IRaftTransportHandler.OnSnapshotSent"/>.</summary>
    void SendSnapshot(ulong toNode, SnapshotTransfer transfer);
}
