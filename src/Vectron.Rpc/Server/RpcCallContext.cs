using Microsoft.AspNetCore.Http;

namespace Vectron.Rpc.Server;

/// <summary>What a handler knows of its call: headers, deadline, cancellation, the peer, and trailers to send.</summary>
public sealed class RpcCallContext
{
    private readonly List<KeyValuePair<string, string>> _trailers = [];

    internal RpcCallContext(HttpContext http, string method, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        Http = http;
        Method = method;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    /// <summary>The method's path, <c>/service/method</c>.</summary>
    public string Method { get; }

    /// <summary>When the caller stops waiting (from <c>grpc-timeout</c>), or null when it set no deadline.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>Cancelled when the caller cancels or disconnects, or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The caller's address.</summary>
    public string Peer => $"{Http.Connection.RemoteIpAddress}:{Http.Connection.RemotePort}";

    /// <summary>The request's headers (custom metadata included).</summary>
    public IHeaderDictionary RequestHeaders => Http.Request.Headers;

    /// <summary>Custom trailers sent with the status.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ResponseTrailers => _trailers;

    internal HttpContext Http { get; }

    /// <summary>Adds a custom trailer (a lower-case name not starting with <c>grpc-</c>).</summary>
    public void AddTrailer(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase) || !name.Equals(name.ToLowerInvariant(), StringComparison.Ordinal))
        {
            throw new ArgumentException($"trailer '{name}': custom metadata names are lower case and must not start with grpc-", nameof(name));
        }

        _trailers.Add(new(name, value));
    }
}
