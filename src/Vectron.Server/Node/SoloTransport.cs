using Vectron.Raft.Hosting;

namespace Vectron.Server.Node;

/// <summary>
/// The transport of a one-member cluster: there are no peers, so nothing is ever sent. A send
/// (which a one-voter group never makes) is reported unreachable rather than silently lost.
/// </summary>
internal sealed class SoloTransport : ITransport
{
    private IRaftTransportHandler? _handler;

    public void Bind(ulong nodeId, IRaftTransportHandler handler) => _handler = handler;

    public void Send(RaftMessageBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var groups = new List<ulong>();
        foreach (var message in batch.Messages)
        {
            groups.Add(message.GroupId);
        }
        _handler?.OnUnreachable(batch.To, groups);
    }

    public void SendSnapshot(ulong toNode, SnapshotTransfer transfer)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        _handler?.OnSnapshotSent(transfer.GroupId, toNode, failed: true);
    }
}
