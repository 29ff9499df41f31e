using System.Net.Security;

namespace Vectron.Rpc.Client;

/// <summary>How an <see cref="RpcChannel"/> talks to its peer.</summary>
public sealed record RpcChannelOptions
{
    /// <summary>The largest response message accepted, in bytes (gRPC's default: 4 MiB).</summary>
    public int MaxReceiveMessageSize { get; init; } = 4 << 20;

    /// <summary>The largest request message sent, in bytes.</summary>
    public int MaxSendMessageSize { get; init; } = 4 << 20;

    /// <summary>Whether requests are gzip-compressed (<c>grpc-encoding: gzip</c>). Default false.</summary>
    public bool CompressRequests { get; init; }

    /// <summary>How long to wait for a TCP (and TLS) connection. Default 3 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Idle time after which a connection with open calls is pinged (HTTP/2 PING), so a dead peer is noticed. Default 2 s.</summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a ping may go unanswered before the connection is dropped. Default 3 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Retries of an idempotent unary call after <see cref="RpcStatusCode.Unavailable"/> (not counting the first try). Default 3.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first retry's delay; later ones double, with jitter. Default 50 ms.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether unary calls go through a circuit breaker that fails fast while the peer keeps failing. Default true.</summary>
    public bool CircuitBreaker { get; init; } = true;

    /// <summary>The share of failed calls (<see cref="RpcStatusCode.Unavailable"/>) in the sampling window that opens the breaker. Default 0.5.</summary>
    public double BreakerFailureRatio { get; init; } = 0.5;

    /// <summary>Calls needed in the window before the breaker may open. Default 10.</summary>
    public int BreakerMinimumThroughput { get; init; } = 10;

    /// <summary>The breaker's sampling window. Default 10 s.</summary>
    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the breaker stays open before letting a trial call through. Default 2 s.</summary>
    public TimeSpan BreakerBreakDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Validates the server's certificate over TLS (null: the system's validation).</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    /// <summary>The clock for deadlines, retries and the breaker.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
