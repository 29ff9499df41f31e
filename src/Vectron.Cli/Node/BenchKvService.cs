using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Rpc;
using Vectron.Rpc.Protocol.Internal;
using Vectron.Rpc.Server;

namespace Vectron.Cli.Node;

/// <summary>
/// Serves <c>vectron.internal.BenchKv</c> on a node: <c>Put</c> proposes on this node when it is the leader and
/// otherwise answers not-leader with the leader it knows (it never forwards, so a client learns where the leader is
/// and a write never waits on a dead leader); <c>Status</c> reports the group's view. The leader is read from a status
/// refreshed every few milliseconds, and fetched afresh before a not-leader answer so a new leader is found at once.
/// </summary>
internal sealed class BenchKvService(RaftHost host, ulong groupId) : IAsyncDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private RaftStatus? _status;
    private Task _refresh = Task.CompletedTask;

    public void Start() => _refresh = Task.Run(RefreshAsync);

    public RpcRouter Map(RpcRouter router) => router
        .MapUnary(BenchKvMethods.Put, PutAsync)
        .MapUnary(BenchKvMethods.Status, async (_, context) =>
        {
            var status = await RefreshOnceAsync(context.CancellationToken).ConfigureAwait(false);
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

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _refresh.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting.
        }

        _stopping.Dispose();
    }

    private async Task<BenchPutReply> PutAsync(BenchPutRequest request, RpcCallContext context)
    {
        var status = Volatile.Read(ref _status);
        if (status?.Role != RaftRole.Leader)
        {
            status = await RefreshOnceAsync(context.CancellationToken).ConfigureAwait(false);
            if (status?.Role != RaftRole.Leader)
            {
                return new BenchPutReply { LeaderHint = status?.Leader ?? 0, Error = nameof(RaftOutcome.NotLeader) };
            }
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

    private async Task<RaftStatus?> RefreshOnceAsync(CancellationToken cancellationToken)
    {
        var status = await host.GetStatusAsync(groupId, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _status, status);
        return status;
    }

    private async Task RefreshAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            await RefreshOnceAsync(token).ConfigureAwait(false);
            await Task.Delay(RefreshInterval, token).ConfigureAwait(false);
        }
    }
}
