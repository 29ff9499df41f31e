namespace Vectron.Rpc.Server;

/// <summary>Limits and behaviour of an <see cref="RpcRouter"/>.</summary>
public sealed record RpcServerOptions
{
    /// <summary>The largest request message accepted, in bytes (gRPC's default: 4 MiB).</summary>
    public int MaxReceiveMessageSize { get; init; } = 4 << 20;

    /// <summary>The largest response message sent, in bytes.</summary>
    public int MaxSendMessageSize { get; init; } = 4 << 20;

    /// <summary>Whether responses are gzip-compressed when the caller compresses its requests. Default true.</summary>
    public bool CompressResponsesLikeRequests { get; init; } = true;

    /// <summary>The clock deadlines are measured on.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
