using Vectron.Rpc.Server;

namespace Vectron.Rpc.Raft;

/// <summary>Serves the Raft transport's methods on a router.</summary>
public static class RaftTransportRouterExtensions
{
    /// <summary>
    /// Maps <c>vectron.internal.RaftTransport</c> (<see cref="RaftTransportMethods"/>) to <paramref name="transport"/>: what
    /// arrives goes to the host bound to it. Calls addressed to another node end with
    /// <see cref="RpcStatusCode.FailedPrecondition"/>, malformed messages with <see cref="RpcStatusCode.InvalidArgument"/>.
    /// </summary>
    /// <remarks>
    /// A wire batch may be as large as <see cref="RpcRaftTransportOptions.MaxWireBatchBytes"/> plus one message (and
    /// a snapshot chunk <see cref="RpcRaftTransportOptions.SnapshotChunkBytes"/> plus a header): the router's
    /// <see cref="RpcServerOptions.MaxReceiveMessageSize"/> must allow that.
    /// </remarks>
    public static RpcRouter MapRaftTransport(this RpcRouter router, RpcRaftTransport transport)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(transport);
        return router
            .MapClientStreaming(RaftTransportMethods.SendBatches, transport.ReceiveBatchesAsync)
            .MapClientStreaming(RaftTransportMethods.SendSnapshot, transport.ReceiveSnapshotAsync)
            .MapUnary(RaftTransportMethods.ResumeSnapshot, transport.ResumeSnapshotAsync);
    }
}
