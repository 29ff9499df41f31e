using System.Net;
using System.Net.Http.Headers;

namespace Vectron.Rpc.Tests;

/// <summary>Plain HTTP/2 requests (h2c, prior knowledge) with whatever bytes and headers a test wants, for bad-input tests.</summary>
internal sealed class RawGrpcClient : IDisposable
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    public RawGrpcClient(Uri address)
    {
        Http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = address,
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public HttpClient Http { get; }

    /// <summary>
    /// Sends <paramref name="body"/> as a gRPC request (POST, application/grpc, te: trailers unless changed by
    /// <paramref name="configure"/>) and reads the whole response; throws <see cref="OperationCanceledException"/> when
    /// no complete answer comes within <see cref="RequestTimeout"/>.
    /// </summary>
    public async Task<RawResponse> SendAsync(string path, byte[] body, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        configure?.Invoke(request);
        using var timeout = new CancellationTokenSource(RequestTimeout);
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        byte[] content = await response.Content.ReadAsByteArrayAsync(timeout.Token);
        string? status = First(response.Headers, "grpc-status") ?? First(response.TrailingHeaders, "grpc-status");
        string? message = First(response.Headers, "grpc-message") ?? First(response.TrailingHeaders, "grpc-message");
        return new RawResponse(response.StatusCode, status, message, content, response.Headers.Contains("grpc-status"));
    }

    public void Dispose() => Http.Dispose();

    private static string? First(HttpHeaders headers, string name) => headers.TryGetValues(name, out var values) ? values.First() : null;
}

/// <summary>An HTTP response and the gRPC status it carried (in its headers, trailers-only, or its trailers).</summary>
internal sealed record RawResponse(HttpStatusCode Http, string? GrpcStatus, string? GrpcMessage, byte[] Body, bool TrailersOnly)
{
    public int? Status => int.TryParse(GrpcStatus, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int code) ? code : null;

    public override string ToString() => $"HTTP {(int)Http}, grpc-status {GrpcStatus ?? "(none)"}, grpc-message '{GrpcMessage}', {Body.Length} body bytes";
}
