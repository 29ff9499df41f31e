namespace Vectron.Raft.Hosting;

/// <summary>One host's end of an <see cref="InMemoryNetwork"/>.</summary>
internal sealed class InMemoryTransport : ITransport
{
    private readonly InMemoryNetwork _network;
    private ulong _nodeId;

    public InMemoryTransport(InMemoryNetwork network)
    {
        _network = network;
    }

    public void Bind(ulong nodeId, IRaftTransportHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _nodeId = nodeId;
        _network.Bind(nodeId, handler);
    }

    public void Send(RaftMessageBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _network.Send(batch);
    }

    public void SendSnapshot(ulong toNode, SnapshotTransfer transfer)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        _network.SendSnapshot(_nodeId, toNode, transfer);
    }
}
