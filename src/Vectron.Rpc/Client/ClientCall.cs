using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Vectron.Rpc.Wire;

namespace Vectron.Rpc.Client;

/// <summary>One call on the wire: sends the request (whole or streamed), reads response messages and the final status.</summary>
internal sealed class ClientCall<TRequest, TResponse> : IAsyncDisposable
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly RpcChannel _channel;
    private readonly RpcMethod<TRequest, TResponse> _method;
    private readonly CancellationToken _userToken;
    private readonly CancellationTokenSource _cancel;
    private readonly CancellationTokenSource? _deadline;
    private readonly StreamingContent? _streaming;
    private Task<HttpResponseMessage>? _responseTask;
    private HttpResponseMessage? _response;
    private PipeReader? _reader;
    private PipeWriter? _writer;
    private bool _gzipResponses;
    private bool _trailersOnly;
    private bool _finished;

    public ClientCall(RpcChannel channel, RpcMethod<TRequest, TResponse> method, RpcCallOptions options, TimeSpan? remaining, bool streamingRequest)
    {
        _channel = channel;
        _method = method;
        _userToken = options.CancellationToken;
        if (remaining is { } timeout)
        {
            _deadline = new CancellationTokenSource(timeout > TimeSpan.Zero ? timeout : TimeSpan.FromTicks(1), channel.Options.TimeProvider);
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, _deadline.Token);
        }
        else
        {
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
        }

        _streaming = streamingRequest ? new StreamingContent() : null;
        Options = options;
        Remaining = remaining;
    }

    private RpcCallOptions Options { get; }

    private TimeSpan? Remaining { get; }

    public void Start(TRequest? request)
    {
        HttpContent content = _streaming ?? (HttpContent)new ByteArrayContent(GrpcFrame.Encode(request!, _channel.Options.CompressRequests, _channel.Options.MaxSendMessageSize));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var message = new HttpRequestMessage(HttpMethod.Post, _method.Path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        message.Headers.TryAddWithoutValidation("te", "trailers");
        message.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity,gzip");
        if (_channel.Options.CompressRequests)
        {
            message.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }

        if (Remaining is { } timeout)
        {
            message.Headers.TryAddWithoutValidation("grpc-timeout", GrpcTimeout.Format(timeout));
        }

        foreach (var (name, value) in Options.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        _responseTask = _channel.HttpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, _cancel.Token);
    }

    /// <summary>Whether the response has arrived or failed: on a request stream, the server ended the call or the connection is gone.</summary>
    public bool ResponseEnded => _responseTask?.IsCompleted == true;

    /// <summary>Completes (in any state) when the response has arrived or failed; see <see cref="ResponseEnded"/>.</summary>
    public Task Ended => _responseTask ?? Task.CompletedTask;

    public async ValueTask WriteAsync(TRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            if (_writer is null)
            {
                var stream = await WaitForRequestStreamAsync(cancellationToken).ConfigureAwait(false);
                _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancel.Token);
            await GrpcFrame.WriteAsync(_writer, request, _channel.Options.CompressRequests, _channel.Options.MaxSendMessageSize, linked.Token).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            throw;
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The server may have ended the call (an error status) while we wrote: its status says why.
            await TryReadFinalStatusAsync().ConfigureAwait(false);
            throw Map(exception);
        }
    }

    public async ValueTask CompleteRequestsAsync()
    {
        if (_writer is not null)
        {
            await _writer.CompleteAsync().ConfigureAwait(false);
        }

        _streaming?.Complete();
    }

    /// <summary>The next response message, or null once the call ended with OK; throws <see cref="RpcException"/> otherwise.</summary>
    public async ValueTask<TResponse?> ReadAsync()
    {
        try
        {
            await EnsureResponseAsync().ConfigureAwait(false);
            if (_trailersOnly)
            {
                _finished = true;
                ThrowIfNotOk(_response!.Headers);
                return null;
            }

            var message = await GrpcFrame.ReadAsync(_reader!, _method.ResponseParser, _channel.Options.MaxReceiveMessageSize, _gzipResponses, _cancel.Token).ConfigureAwait(false);
            if (message is not null)
            {
                return message;
            }

            _finished = true;
            ThrowIfNotOk(_response!.TrailingHeaders);
            return null;
        }
        catch (RpcException)
        {
            throw;
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException or HttpProtocolException)
        {
            throw Map(exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            await _cancel.CancelAsync().ConfigureAwait(false);
        }

        _streaming?.Complete();
        if (_reader is not null)
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
        }

        if (_responseTask is not null)
        {
            try
            {
                (await _responseTask.ConfigureAwait(false)).Dispose();
            }
#pragma warning disable CA1031 // Disposal after a failed call: the failure was reported already.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        _cancel.Dispose();
        _deadline?.Dispose();
    }

    private async Task<Stream> WaitForRequestStreamAsync(CancellationToken cancellationToken)
    {
        var stream = _streaming!.RequestStream;
        var first = await Task.WhenAny(stream, _responseTask!).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (first == stream)
        {
            return await stream.ConfigureAwait(false);
        }

        // The response came (or failed) before the request body was asked for: the call is over.
        await TryReadFinalStatusAsync().ConfigureAwait(false);
        throw new RpcException(RpcStatusCode.Internal, $"{_method.Path}: the server answered before reading the request stream");
    }

    private async Task TryReadFinalStatusAsync()
    {
        if (_responseTask is null || _finished)
        {
            return;
        }

        // A write fails when the server ended the call; its status (thrown from here) says why. Give it a moment to arrive.
        await Task.WhenAny(_responseTask, Task.Delay(TimeSpan.FromMilliseconds(500), _channel.Options.TimeProvider)).ConfigureAwait(false);
        if (!_responseTask.IsCompleted)
        {
            return;
        }

        while (await ReadAsync().ConfigureAwait(false) is not null)
        {
        }
    }

    private async Task EnsureResponseAsync()
    {
        if (_response is not null)
        {
            return;
        }

        _response = await _responseTask!.ConfigureAwait(false);
        if (_response.StatusCode != HttpStatusCode.OK)
        {
            throw new RpcException(FromHttpStatus(_response.StatusCode), $"{_method.Path}: HTTP {(int)_response.StatusCode} {_response.ReasonPhrase} from {_channel.Address}");
        }

        if (_response.Headers.Contains("grpc-status"))
        {
            _trailersOnly = true;
            return;
        }

        string? contentType = _response.Content.Headers.ContentType?.MediaType;
        if (contentType is null || !contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(RpcStatusCode.Unknown, $"{_method.Path}: the response's content-type '{contentType}' is not application/grpc");
        }

        _gzipResponses = _response.Headers.TryGetValues("grpc-encoding", out var encodings) && encodings.Contains("gzip", StringComparer.Ordinal);
        var stream = await _response.Content.ReadAsStreamAsync(_cancel.Token).ConfigureAwait(false);
        _reader = PipeReader.Create(stream);
    }

    private void ThrowIfNotOk(HttpHeaders headers)
    {
        if (!headers.TryGetValues("grpc-status", out var values))
        {
            throw new RpcException(RpcStatusCode.Internal, $"{_method.Path}: the response ended without a grpc-status");
        }

        string text = values.First();
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int code) || code is < 0 or > 16)
        {
            throw new RpcException(RpcStatusCode.Unknown, $"{_method.Path}: unknown grpc-status '{text}'");
        }

        if (code == 0)
        {
            return;
        }

        string detail = headers.TryGetValues("grpc-message", out var messages) ? GrpcMessageText.Decode(messages.First()) : string.Empty;
        var trailers = new List<KeyValuePair<string, string>>();
        foreach (var (name, items) in headers)
        {
            if (!name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase))
            {
                trailers.AddRange(items.Select(value => new KeyValuePair<string, string>(name, value)));
            }
        }

        throw new RpcException((RpcStatusCode)code, detail, trailers, null);
    }

    private RpcException Map(Exception exception)
    {
        if (exception is OperationCanceledException)
        {
            if (_deadline?.IsCancellationRequested == true && !_userToken.IsCancellationRequested)
            {
                return new RpcException(RpcStatusCode.DeadlineExceeded, $"{_method.Path}: deadline exceeded after {Remaining}", [], exception);
            }

            if (_userToken.IsCancellationRequested)
            {
                return new RpcException(RpcStatusCode.Cancelled, $"{_method.Path}: cancelled by the caller", [], exception);
            }
        }

        if (exception is HttpProtocolException protocol)
        {
            return protocol.ErrorCode switch
            {
                0x8 => new RpcException(RpcStatusCode.Cancelled, $"{_method.Path}: the server cancelled the stream", [], exception),
                0x7 => new RpcException(RpcStatusCode.Unavailable, $"{_method.Path}: the server refused the stream", [], exception),
                _ => new RpcException(RpcStatusCode.Internal, $"{_method.Path}: HTTP/2 error {protocol.ErrorCode}: {protocol.Message}", [], exception),
            };
        }

        return new RpcException(RpcStatusCode.Unavailable, $"{_method.Path}: {_channel.Address} is unavailable: {exception.Message}", [], exception);
    }

    private static RpcStatusCode FromHttpStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => RpcStatusCode.Internal,
        HttpStatusCode.Unauthorized => RpcStatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => RpcStatusCode.PermissionDenied,
        HttpStatusCode.NotFound => RpcStatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => RpcStatusCode.Unavailable,
        _ => RpcStatusCode.Unknown,
    };

    /// <summary>A request body written message by message while the call runs.</summary>
    private sealed class StreamingContent : HttpContent
    {
        private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<Stream> RequestStream => _stream.Task;

        public void Complete() => _done.TrySetResult();

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            _stream.TrySetResult(stream);
            return _done.Task;
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            _stream.TrySetResult(stream);
            return _done.Task.WaitAsync(cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
