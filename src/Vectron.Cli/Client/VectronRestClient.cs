using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Client;

/// <summary>
/// The CLI's client of a Vectron server's REST API (Qdrant's shapes): sends JSON, unwraps the
/// <c>{"result": …, "status": "ok"}</c> envelope and turns every failure into a <see cref="RestException"/>
/// whose message says what went wrong in words a user can act on. Thread-safe (one HttpClient).
/// </summary>
internal sealed class VectronRestClient : IDisposable
{
    /// <summary>Where the CLI looks for a server when <c>--url</c> is not given.</summary>
    public const string DefaultUrl = "http://127.0.0.1:6333";

    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly bool _ownsClient;

    /// <summary>Creates a client for the server at <paramref name="baseUrl"/>.</summary>
    /// <exception cref="CliException">The URL is not an absolute http(s) URL.</exception>
    public VectronRestClient(string baseUrl, TimeSpan timeout)
        : this(new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = timeout }, ParseUrl(baseUrl), ownsClient: true)
    {
    }

    /// <summary>Creates a client over an existing <see cref="HttpClient"/> (tests); the caller keeps ownership.</summary>
    public VectronRestClient(HttpClient http, Uri baseUrl)
        : this(http, baseUrl, ownsClient: false)
    {
    }

    private VectronRestClient(HttpClient http, Uri baseUrl, bool ownsClient)
    {
        _http = http;
        _ownsClient = ownsClient;
        BaseUrl = baseUrl;
    }

    /// <summary>The server's base URL (ends with '/').</summary>
    public Uri BaseUrl { get; }

    /// <summary>Parses and checks a <c>--url</c> value.</summary>
    /// <exception cref="CliException">Not an absolute http or https URL.</exception>
    public static Uri ParseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw CliException.Usage($"--url '{text}' is not an http:// or https:// URL (for example {DefaultUrl}).");
        }

        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    /// <summary>Escapes one path segment (a collection name).</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);

    /// <summary>Sends a request and returns the envelope's <c>result</c> (cloned, independent of the response).</summary>
    /// <param name="method">HTTP method.</param>
    /// <param name="path">Path relative to the base URL, without a leading '/'.</param>
    /// <param name="body">UTF-8 JSON body, or empty for none.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="RestException">The server could not be reached, answered with an error, or not with JSON.</exception>
    public Task<JsonElement> SendAsync(HttpMethod method, string path, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        SendAsync(method, path, body, envelope: true, cancellationToken);

    /// <summary>GETs a document answered without the result envelope (such as <c>GET /</c>) and returns its root.</summary>
    /// <exception cref="RestException">The server could not be reached, answered with an error, or not with JSON.</exception>
    public Task<JsonElement> GetBareAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, ReadOnlyMemory<byte>.Empty, envelope: false, cancellationToken);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, ReadOnlyMemory<byte> body, bool envelope, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseUrl, path));
        if (!body.IsEmpty)
        {
            request.Content = new ReadOnlyMemoryContent(body);
            request.Content.Headers.ContentType = JsonType;
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new RestException(DescribeConnectionFailure(e), statusCode: null, transient: true, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RestException($"{method} {request.RequestUri}: no answer within {_http.Timeout.TotalSeconds:0.#} s", statusCode: null, transient: true, e);
        }

        using (response)
        {
            byte[] content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return Unwrap(method, request.RequestUri!, response.StatusCode, content, envelope);
        }
    }

    /// <summary>Sends a JSON request built from <paramref name="body"/> (serialised with System.Text.Json).</summary>
    public Task<JsonElement> SendJsonAsync(HttpMethod method, string path, Action<Utf8JsonWriter> body, CancellationToken cancellationToken)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            body(writer);
        }

        return SendAsync(method, path, buffer.WrittenMemory, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }
    }

    private string DescribeConnectionFailure(HttpRequestException e)
    {
        string reason = e.InnerException is SocketException socket
            ? socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData => "unknown host",
                SocketError.TimedOut => "connection timed out",
                _ => socket.Message,
            }
            : e.Message;
        return $"cannot reach Vectron at {BaseUrl.AbsoluteUri.TrimEnd('/')}: {reason} (is 'vectron serve' running there? --url chooses the server)";
    }

    private static JsonElement Unwrap(HttpMethod method, Uri uri, HttpStatusCode status, byte[] content, bool envelope)
    {
        JsonDocument? document = null;
        try
        {
            document = content.Length == 0 ? null : JsonDocument.Parse(content);
        }
        catch (JsonException)
        {
            // Not JSON: reported below with the status and the start of the text.
        }

        using (document)
        {
            int code = (int)status;
            if (!envelope && code is >= 200 and < 300 && document is not null)
            {
                return document.RootElement.Clone();
            }

            if (code is >= 200 and < 300 && document is not null && document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("result", out var result))
            {
                return result.Clone();
            }

            string detail = ErrorText(document, content);
            bool transient = code is 408 or 429 or >= 500;
            if (code is >= 200 and < 300)
            {
                throw new RestException($"{method} {uri.AbsolutePath}: the answer has no 'result' ({detail})", code, transient: false);
            }

            throw new RestException($"{method} {uri.AbsolutePath}: {code} {ReasonOf(status)}: {detail}", code, transient);
        }
    }

    private static string ErrorText(JsonDocument? document, byte[] content)
    {
        if (document is not null && document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("status", out var status))
        {
            if (status.ValueKind == JsonValueKind.Object && status.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            {
                return error.GetString()!;
            }

            return status.ToString();
        }

        string text = Encoding.UTF8.GetString(content, 0, Math.Min(content.Length, 200)).Trim();
        return text.Length == 0 ? "empty answer" : text;
    }

    private static string ReasonOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => "Bad Request",
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.Conflict => "Conflict",
        HttpStatusCode.RequestEntityTooLarge => "Payload Too Large",
        HttpStatusCode.ServiceUnavailable => "Service Unavailable",
        HttpStatusCode.InternalServerError => "Internal Server Error",
        _ => status.ToString(),
    };
}
