using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;
using Vectron.Rpc.Wire;

namespace Vectron.Rpc.Server;

/// <summary>
/// Serves gRPC calls on ASP.NET Core: declare each method once with its handler (<see cref="MapUnary"/> and the three
/// streaming shapes), then hand <see cref="HandleAsync"/> to Kestrel as the request delegate. Implements gRPC over HTTP/2:
/// length-prefixed messages, <c>grpc-status</c>/<c>grpc-message</c> and custom metadata in trailers (or trailers-only
/// responses when nothing was sent), <c>grpc-timeout</c> deadlines, cancellation, message size limits and gzip.
/// </summary>
/// <remarks>Methods are added before serving starts; <see cref="HandleAsync"/> is thread-safe.</remarks>
public sealed partial class RpcRouter
{
    private const string GrpcContentType = "application/grpc";
    private const string AcceptEncodings = "identity,gzip";
    private readonly Dictionary<string, Func<HttpContext, RpcCallContext, CallSettings, Task>> _building = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private FrozenDictionary<string, Func<HttpContext, RpcCallContext, CallSettings, Task>>? _methods;

    /// <summary>Creates a router with <paramref name="options"/> (defaults when null).</summary>
    public RpcRouter(RpcServerOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        Options = options ?? new RpcServerOptions();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RpcRouter>();
    }

    /// <summary>The router's limits.</summary>
    public RpcServerOptions Options { get; }

    /// <summary>Serves a unary method.</summary>
    public RpcRouter MapUnary<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, Func<TRequest, RpcCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, RpcMethodType.Unary, async (http, context, settings) =>
        {
            var request = await ReadSingleAsync(http, method, settings, context.CancellationToken).ConfigureAwait(false);
            var response = await handler(request, context).ConfigureAwait(false);
            await WriteAsync(http, response, settings, context.CancellationToken).ConfigureAwait(false);
        });
    }

    /// <summary>Serves a server-streaming method.</summary>
    public RpcRouter MapServerStreaming<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, Func<TRequest, IRpcStreamWriter<TResponse>, RpcCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, RpcMethodType.ServerStreaming, async (http, context, settings) =>
        {
            var request = await ReadSingleAsync(http, method, settings, context.CancellationToken).ConfigureAwait(false);
            await handler(request, new ResponseWriter<TResponse>(http, settings), context).ConfigureAwait(false);
        });
    }

    /// <summary>Serves a client-streaming method.</summary>
    public RpcRouter MapClientStreaming<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, Func<IAsyncEnumerable<TRequest>, RpcCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, RpcMethodType.ClientStreaming, async (http, context, settings) =>
        {
            var response = await handler(ReadAllAsync(http, method, settings, context.CancellationToken), context).ConfigureAwait(false);
            await WriteAsync(http, response, settings, context.CancellationToken).ConfigureAwait(false);
        });
    }

    /// <summary>Serves a bidirectional-streaming method.</summary>
    public RpcRouter MapDuplexStreaming<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, Func<IAsyncEnumerable<TRequest>, IRpcStreamWriter<TResponse>, RpcCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, RpcMethodType.DuplexStreaming, (http, context, settings) =>
            handler(ReadAllAsync(http, method, settings, context.CancellationToken), new ResponseWriter<TResponse>(http, settings), context));
    }

    /// <summary>Handles one HTTP request as a gRPC call; never throws for anything the caller sent.</summary>
    public async Task HandleAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var methods = _methods ??= _building.ToFrozenDictionary(StringComparer.Ordinal);
        var request = http.Request;
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            await RefuseAsync(http, StatusCodes.Status426UpgradeRequired, $"gRPC requires HTTP/2; the request used {request.Protocol}").ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            await RefuseAsync(http, StatusCodes.Status405MethodNotAllowed, $"gRPC calls are POST requests; got {request.Method}").ConfigureAwait(false);
            return;
        }

        if (!IsGrpcContentType(request.ContentType))
        {
            await RefuseAsync(http, StatusCodes.Status415UnsupportedMediaType, $"content-type '{request.ContentType}' is not application/grpc").ConfigureAwait(false);
            return;
        }

        var response = http.Response;
        response.ContentType = GrpcContentType;
        response.Headers["grpc-accept-encoding"] = AcceptEncodings;
        string path = request.Path.Value ?? string.Empty;
        if (!methods.TryGetValue(path, out var call))
        {
            WriteStatus(http, RpcStatusCode.Unimplemented, $"unknown method {path}", []);
            return;
        }

        string? encoding = request.Headers["grpc-encoding"];
        bool gzip = string.Equals(encoding, "gzip", StringComparison.Ordinal);
        if (encoding is not null && !gzip && !string.Equals(encoding, "identity", StringComparison.Ordinal))
        {
            WriteStatus(http, RpcStatusCode.Unimplemented, $"grpc-encoding '{encoding}' is not supported (supported: {AcceptEncodings})", []);
            return;
        }

        TimeSpan? timeout = null;
        var timeoutHeader = request.Headers["grpc-timeout"];
        if (!StringValues.IsNullOrEmpty(timeoutHeader))
        {
            if (!GrpcTimeout.TryParse(timeoutHeader, out var parsed))
            {
                WriteStatus(http, RpcStatusCode.Internal, $"malformed grpc-timeout '{timeoutHeader}'", []);
                return;
            }

            timeout = parsed;
        }

        bool compressResponses = gzip && Options.CompressResponsesLikeRequests;
        if (compressResponses)
        {
            response.Headers["grpc-encoding"] = "gzip";
        }

        // Without a deadline the handler's token is the request's own: no sources to create per call.
        using var deadline = timeout is { } t ? new CancellationTokenSource(t, Options.TimeProvider) : null;
        using var linked = deadline is null ? null : CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, deadline.Token);
        var context = new RpcCallContext(http, path, timeout is { } d ? Options.TimeProvider.GetUtcNow() + d : null, linked?.Token ?? http.RequestAborted);
        var settings = new CallSettings(gzip, compressResponses, Options.MaxReceiveMessageSize, Options.MaxSendMessageSize);
        RpcStatusCode status = RpcStatusCode.OK;
        string detail = string.Empty;
        IReadOnlyList<KeyValuePair<string, string>> trailers = context.ResponseTrailers;
        try
        {
            if (deadline is not null && deadline.IsCancellationRequested)
            {
                throw new OperationCanceledException(deadline.Token);
            }

            await call(http, context, settings).ConfigureAwait(false);
        }
        catch (RpcException exception)
        {
            (status, detail) = (exception.Status, exception.Detail);
            trailers = [.. context.ResponseTrailers, .. exception.Trailers];
        }
        catch (OperationCanceledException) when (deadline?.IsCancellationRequested == true && !http.RequestAborted.IsCancellationRequested)
        {
            (status, detail) = (RpcStatusCode.DeadlineExceeded, "deadline exceeded");
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // The caller is gone (cancelled or disconnected): there is no one to tell.
            return;
        }
#pragma warning disable CA1031 // A handler's failure becomes the call's status; the server goes on.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogHandlerFailed(_logger, exception, path);
            (status, detail) = (RpcStatusCode.Unknown, $"exception in the handler of {path}: {exception.GetType().Name}: {exception.Message}");
        }

        if (!http.RequestAborted.IsCancellationRequested)
        {
            WriteStatus(http, status, detail, trailers);
        }
    }

    private static bool IsGrpcContentType(string? contentType) =>
        contentType is not null
        && contentType.StartsWith(GrpcContentType, StringComparison.OrdinalIgnoreCase)
        && (contentType.Length == GrpcContentType.Length || contentType[GrpcContentType.Length] is '+' or ';');

    private static async Task RefuseAsync(HttpContext http, int statusCode, string message)
    {
        http.Response.StatusCode = statusCode;
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync(message, http.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteStatus(HttpContext http, RpcStatusCode status, string detail, IReadOnlyList<KeyValuePair<string, string>> trailers)
    {
        var response = http.Response;
        string code = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!response.HasStarted)
        {
            // Trailers-only: the status travels in the only HEADERS frame, which ends the stream.
            response.Headers["grpc-status"] = code;
            if (detail.Length > 0)
            {
                response.Headers["grpc-message"] = GrpcMessageText.Encode(detail);
            }

            foreach (var (name, value) in trailers)
            {
                response.Headers.Append(name, value);
            }

            return;
        }

        response.AppendTrailer("grpc-status", code);
        if (detail.Length > 0)
        {
            response.AppendTrailer("grpc-message", GrpcMessageText.Encode(detail));
        }

        foreach (var (name, value) in trailers)
        {
            response.AppendTrailer(name, value);
        }
    }

    private static async Task<TRequest> ReadSingleAsync<TRequest, TResponse>(HttpContext http, RpcMethod<TRequest, TResponse> method, CallSettings settings, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var request = await GrpcFrame.ReadAsync(http.Request.BodyReader, method.RequestParser, settings.MaxReceive, settings.Gzip, cancellationToken).ConfigureAwait(false);
        return request ?? throw new RpcException(RpcStatusCode.Internal, $"{method.Path} expects one request message; the request stream ended without one");
    }

    private static async IAsyncEnumerable<TRequest> ReadAllAsync<TRequest, TResponse>(HttpContext http, RpcMethod<TRequest, TResponse> method, CallSettings settings, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        while (await GrpcFrame.ReadAsync(http.Request.BodyReader, method.RequestParser, settings.MaxReceive, settings.Gzip, cancellationToken).ConfigureAwait(false) is { } request)
        {
            yield return request;
        }
    }

    private static ValueTask WriteAsync(HttpContext http, IMessage message, CallSettings settings, CancellationToken cancellationToken) =>
        GrpcFrame.WriteAsync(http.Response.BodyWriter, message, settings.CompressResponses, settings.MaxSend, cancellationToken);

    private RpcRouter Add<TRequest, TResponse>(RpcMethod<TRequest, TResponse> method, RpcMethodType expected, Func<HttpContext, RpcCallContext, CallSettings, Task> call)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != expected)
        {
            throw new ArgumentException($"{method.Path} is declared {method.Type}, not {expected}", nameof(method));
        }

        if (_methods is not null)
        {
            throw new InvalidOperationException("methods must be added before the router serves its first call");
        }

        if (!_building.TryAdd(method.Path, call))
        {
            throw new ArgumentException($"{method.Path} is mapped twice", nameof(method));
        }

        return this;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "RPC handler of {Method} failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string method);

    internal readonly record struct CallSettings(bool Gzip, bool CompressResponses, int MaxReceive, int MaxSend);

    private sealed class ResponseWriter<T>(HttpContext http, CallSettings settings) : IRpcStreamWriter<T>
        where T : IMessage
    {
        private int _writing;

        public async ValueTask WriteAsync(T message, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _writing, 1) != 0)
            {
                throw new InvalidOperationException("a stream write is in progress; writes must not overlap");
            }

            try
            {
                await GrpcFrame.WriteAsync(http.Response.BodyWriter, message, settings.CompressResponses, settings.MaxSend, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _writing, 0);
            }
        }
    }
}
