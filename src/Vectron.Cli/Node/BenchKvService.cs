using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Rpc;
using Vectron.Rpc.Protocol.Internal;
using Vectron.Rpc.Server;

namespace Vectron.Cli.Node;

/// <summary>
/// Serves <c>vectron.internal.BenchKv</c> on a node: <c>Put</c> proposes on this node when it is the leader and
/// otherwise answers not-leader with the leader it knows (it never forwards, so a client learns where the leader is
/// and a write never waits on a dead leader); <c>Status</c> reports the group's view. Whether this node leads is read
/// from <see cref="RaftHost.KnownLeader"/>, which the loop publishes as it learns it: no polling (a status refresh every
/// 5 ms cost each node a timer wake-up, a loop run and a pool hop 200 times a second).
/// </summary>
internal sealed class BenchKvService(RaftHost host, ulong groupId)
{
    public RpcRouter Map(RpcRouter router) => router
        .MapUnary(BenchKvMethods.Put, PutAsync)
        .MapUnary(BenchKvMethods.Status, async (_, context) =>
        {
            var status = await host.GetStatusAsync(groupId, context.CancellationToken).ConfigureAwait(false);
            return new BenchStatusReply
            {
                NodeId = host.NodeId,
                Leader = status?.Leader ?? 0,
                Term = status?.HardState.Term ?? 0,
                CommitIndex = status?.HardState.Commit ?? 0,
                AppliedIndex = status?.Applied ?? 0,
                IsLeader = status?.Role == RaftRole.Leader,
            };
        });

    private async Task<BenchPutReply> PutAsync(BenchPutRequest request, RpcCallContext context)
    {
        ulong leader = host.KnownLeader(groupId) ?? 0;
        if (leader != host.NodeId)
        {
            return new BenchPutReply { LeaderHint = leader, Error = nameof(RaftOutcome.NotLeader) };
        }

        if (request.ClientId == 0)
        {
            throw new RpcException(RpcStatusCode.InvalidArgument, "client_id must be non-zero");
        }

        var command = BenchKvStateMachine.Encode(request.Key.Span, request.Value.Span);
        var result = await host.ProposeAsync(groupId, request.ClientId, request.RequestId, command, context.CancellationToken).ConfigureAwait(false);
        return result.IsOk
            ? new BenchPutReply { Ok = true }
            : new BenchPutReply { LeaderHint = result.LeaderHint, Error = result.Outcome.ToString() };
    }
}
