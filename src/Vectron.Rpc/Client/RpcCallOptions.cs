namespace Vectron.Rpc.Client;

/// <summary>Per-call settings: a deadline, cancellation and custom metadata.</summary>
public sealed record RpcCallOptions
{
    /// <summary>How long the caller waits for the whole call (sent as <c>grpc-timeout</c>); null: no deadline.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Cancels the call (the server sees the stream reset).</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Custom metadata sent as request headers (lower-case names).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>No deadline, no cancellation, no metadata.</summary>
    public static RpcCallOptions Default { get; } = new();
}
