using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace Vectron.Rpc.Client;

/// <summary>A client-streaming call in progress.</summary>
/// <typeparam name="TRequest">The request message.</typeparam>
/// <typeparam name="TResponse">The response message.</typeparam>
public sealed class RpcClientStreamingCall<TRequest, TResponse> : IAsyncDisposable
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly ClientCall<TRequest, TResponse> _call;
    private readonly RpcMethod<TRequest, TResponse> _method;

    internal RpcClientStreamingCall(ClientCall<TRequest, TResponse> call, RpcMethod<TRequest, TResponse> method)
    {
        _call = call;
        _method = method;
    }

    /// <summary>Sends one request message (writes must not overlap).</summary>
    /// <exception cref="RpcException">The call failed; when the server ended it, with the server's status.</exception>
    public ValueTask WriteAsync(TRequest request, CancellationToken cancellationToken = default) => _call.WriteAsync(request, cancellationToken);

    /// <summary>
    /// Whether the call has already ended before <see cref="CompleteAsync"/>: the server answered early (an error) or
    /// the connection is gone. Further writes would fail.
    /// </summary>
    internal bool EndedEarly => _call.ResponseEnded;

    /// <summary>Completes (in any state) once <see cref="EndedEarly"/> would be true, or the call was completed or disposed.</summary>
    internal Task Ended => _call.Ended;

    /// <summary>When the caller opened the call (a <see cref="TimeProvider"/> timestamp it sets; 0 unless set).</summary>
    internal long OpenedAt { get; set; }

    /// <summary>Ends the request stream and waits for the response.</summary>
    /// <exception cref="RpcException">The call did not end with OK.</exception>
    public async Task<TResponse> CompleteAsync()
    {
        await _call.CompleteRequestsAsync().ConfigureAwait(false);
        var response = await _call.ReadAsync().ConfigureAwait(false)
            ?? throw new RpcException(RpcStatusCode.Internal, $"{_method.Path}: the call ended with OK but no response message");
        _ = await _call.ReadAsync().ConfigureAwait(false);
        return response;
    }

    /// <summary>Cancels the call if it has not ended.</summary>
    public ValueTask DisposeAsync() => _call.DisposeAsync();
}

/// <summary>A bidirectional-streaming call in progress.</summary>
/// <typeparam name="TRequest">The request message.</typeparam>
/// <typeparam name="TResponse">The response message.</typeparam>
public sealed class RpcDuplexCall<TRequest, TResponse> : IAsyncDisposable
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly ClientCall<TRequest, TResponse> _call;

    internal RpcDuplexCall(ClientCall<TRequest, TResponse> call) => _call = call;

    /// <summary>Sends one request message (writes must not overlap).</summary>
    /// <exception cref="RpcException">The call failed; when the server ended it, with the server's status.</exception>
    public ValueTask WriteAsync(TRequest request, CancellationToken cancellationToken = default) => _call.WriteAsync(request, cancellationToken);

    /// <summary>Ends the request stream; responses keep coming until the server ends the call.</summary>
    public ValueTask CompleteRequestsAsync() => _call.CompleteRequestsAsync();

    /// <summary>The responses, as they arrive; ends when the server ends the call with OK.</summary>
    /// <exception cref="RpcException">(While enumerating) the call did not end with OK.</exception>
    public async IAsyncEnumerable<TResponse> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var response = await _call.ReadAsync().ConfigureAwait(false);
            if (response is null)
            {
                yield break;
            }

            yield return response;
        }
    }

    /// <summary>Cancels the call if it has not ended.</summary>
    public ValueTask DisposeAsync() => _call.DisposeAsync();
}
