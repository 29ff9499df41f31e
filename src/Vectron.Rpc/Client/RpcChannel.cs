using System.Net;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Vectron.Rpc.Client;

/// <summary>
/// Calls one peer over HTTP/2 with gRPC's wire protocol: one <see cref="HttpClient"/> (several HTTP/2 connections
/// allowed, keep-alive pings so a dead peer is noticed within seconds), typed calls of the four shapes, deadlines,
/// cancellation, every failure as an <see cref="RpcException"/>, retries of idempotent unary calls and a circuit breaker.
/// </summary>
/// <remarks>Thread-safe; create one per peer and keep it.</remarks>
public sealed class RpcChannel : IDisposable
{
    private readonly ResiliencePipeline _breaker;
    private readonly ResiliencePipeline _retry;

    /// <summary>Creates a channel to <paramref name="address"/> (<c>http://host:port</c> for h2c, <c>https://</c> for TLS).</summary>
    public RpcChannel(Uri address, RpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        Address = address;
        Options = options ?? new RpcChannelOptions();
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = Options.ConnectTimeout,
            KeepAlivePingDelay = Options.KeepAlivePingDelay,
            KeepAlivePingTimeout = Options.KeepAlivePingTimeout,
            // Pings only while calls are open (the Raft streams always are): a standard gRPC server closes a connection
            // pinged while idle more often than every 5 minutes (grpc-core's default ping policy).
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            InitialHttp2StreamWindowSize = 4 << 20,
        };
        if (Options.ServerCertificateValidation is { } validation)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validation;
        }

        HttpClient = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = address,
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var unavailable = new PredicateBuilder().Handle<RpcException>(e => e.Status == RpcStatusCode.Unavailable);
        _breaker = Options.CircuitBreaker
            ? new ResiliencePipelineBuilder { TimeProvider = Options.TimeProvider }.AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = Options.BreakerFailureRatio,
                MinimumThroughput = Options.BreakerMinimumThroughput,
                SamplingDuration = Options.BreakerSamplingDuration,
                BreakDuration = Options.BreakerBreakDuration,
                ShouldHandle = unavailable,
            }).Build()
            : ResiliencePipeline.Empty;
        _retry = Options.MaxRetries > 0
            ? new ResiliencePipelineBuilder { TimeProvider = Options.TimeProvider }.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Options.MaxRetries,
                Delay = Options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = unavailable,
            }).Build()
            : ResiliencePipeline.Empty;
    }

    /// <summary>The peer's address.</summary>
    public Uri Address { get; }

    /// <summary>The channel's settings.</summary>
    public RpcChannelOptions Options { get; }

    internal HttpClient HttpClient { get; }

    /// <summary>
    /// Calls a unary method. An idempotent method is retried after <see cref="RpcStatusCode.Unavailable"/>, with
    /// exponential backoff, within the deadline; while the circuit breaker is open calls fail at once with
    /// <see cref="RpcStatusCode.Unavailable"/>.
    /// </summary>
    /// <exception cref="RpcException">The call did not end with OK.</exception>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, TRequest request, RpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        options ??= RpcCallOptions.Default;
        var deadline = options.Timeout is { } timeout ? Options.TimeProvider.GetUtcNow() + timeout : (DateTimeOffset?)null;
        try
        {
            var pipeline = method.Idempotent ? _retry : ResiliencePipeline.Empty;
            return await pipeline.ExecuteAsync(
                async token => await _breaker.ExecuteAsync(_ => UnaryOnceAsync(method, request, options, deadline), token).ConfigureAwait(false),
                options.CancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException exception)
        {
            throw new RpcException(RpcStatusCode.Unavailable, $"{method.Path}: the circuit to {Address} is open after repeated failures", [], exception);
        }
        catch (OperationCanceledException exception) when (options.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(RpcStatusCode.Cancelled, $"{method.Path}: cancelled by the caller", [], exception);
        }
    }

    /// <summary>Calls a server-streaming method; the responses arrive as they are read.</summary>
    /// <exception cref="RpcException">(While enumerating) the call did not end with OK.</exception>
    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, TRequest request, RpcCallOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        options ??= RpcCallOptions.Default;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, cancellationToken);
        var call = new ClientCall<TRequest, TResponse>(this, method, options with { CancellationToken = linked.Token }, options.Timeout, streamingRequest: false);
        await using (call.ConfigureAwait(false))
        {
            call.Start(request);
            while (await call.ReadAsync().ConfigureAwait(false) is { } response)
            {
                yield return response;
            }
        }
    }

    /// <summary>Starts a client-streaming call: write requests, then <see cref="RpcClientStreamingCall{TRequest, TResponse}.CompleteAsync"/> for the response.</summary>
    public RpcClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, RpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        return new RpcClientStreamingCall<TRequest, TResponse>(StartStreamingRequest(method, options), method);
    }

    /// <summary>Starts a bidirectional-streaming call.</summary>
    public RpcDuplexCall<TRequest, TResponse> Duplex<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, RpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        return new RpcDuplexCall<TRequest, TResponse>(StartStreamingRequest(method, options));
    }

    /// <summary>Closes the connections; calls in flight fail.</summary>
    public void Dispose() => HttpClient.Dispose();

    private ClientCall<TRequest, TResponse> StartStreamingRequest<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, RpcCallOptions? options)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        options ??= RpcCallOptions.Default;
        var call = new ClientCall<TRequest, TResponse>(this, method, options, options.Timeout, streamingRequest: true);
        call.Start(null);
        return call;
    }

    private async ValueTask<TResponse> UnaryOnceAsync<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, TRequest request, RpcCallOptions options, DateTimeOffset? deadline)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        TimeSpan? remaining = deadline is { } d ? d - Options.TimeProvider.GetUtcNow() : null;
        if (remaining is { } left && left <= TimeSpan.Zero)
        {
            throw new RpcException(RpcStatusCode.DeadlineExceeded, $"{method.Path}: deadline exceeded after {options.Timeout}");
        }

        var call = new ClientCall<TRequest, TResponse>(this, method, options, remaining, streamingRequest: false);
        await using (call.ConfigureAwait(false))
        {
            call.Start(request);
            var response = await call.ReadAsync().ConfigureAwait(false)
                ?? throw new RpcException(RpcStatusCode.Internal, $"{method.Path}: the call ended with OK but no response message");
            if (await call.ReadAsync().ConfigureAwait(false) is not null)
            {
                throw new RpcException(RpcStatusCode.Internal, $"{method.Path}: a unary call answered with more than one message");
            }

            return response;
        }
    }
}
