using Google.Protobuf;

namespace Vectron.Rpc;

/// <summary>How many messages each side of a call sends.</summary>
public enum RpcMethodType
{
    /// <summary>One request, one response.</summary>
    Unary,

    /// <summary>One request, a stream of responses.</summary>
    ServerStreaming,

    /// <summary>A stream of requests, one response.</summary>
    ClientStreaming,

    /// <summary>Streams both ways at once.</summary>
    DuplexStreaming,
}

/// <summary>
/// One method of a service: its path (<c>/package.Service/Method</c>), shape and message types. The same descriptor
/// declares the server's handler and types the client's calls, so a method is declared once.
/// </summary>
/// <typeparam name="TRequest">The request message.</typeparam>
/// <typeparam name="TResponse">The response message.</typeparam>
public sealed class RpcMethod<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    /// <summary>Declares a method of <paramref name="service"/> (its full protobuf name, e.g. <c>vectron.internal.Diagnostics</c>).</summary>
    /// <param name="service">The service's full name.</param>
    /// <param name="name">The method's name.</param>
    /// <param name="type">The method's shape.</param>
    /// <param name="idempotent">Whether a client may retry the call after a transport failure (unary methods only).</param>
    public RpcMethod(string service, string name, RpcMethodType type, bool idempotent = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Service = service;
        Name = name;
        Type = type;
        Idempotent = idempotent && type == RpcMethodType.Unary;
        Path = $"/{service}/{name}";
    }

    /// <summary>The service's full name.</summary>
    public string Service { get; }

    /// <summary>The method's name.</summary>
    public string Name { get; }

    /// <summary>The HTTP/2 path, <c>/service/method</c>.</summary>
    public string Path { get; }

    /// <summary>The method's shape.</summary>
    public RpcMethodType Type { get; }

    /// <summary>Whether a client retries the call after a transport failure.</summary>
    public bool Idempotent { get; }

    /// <summary>Parses requests.</summary>
    public MessageParser<TRequest> RequestParser { get; } = new(() => new TRequest());

    /// <summary>Parses responses.</summary>
    public MessageParser<TResponse> ResponseParser { get; } = new(() => new TResponse());

    /// <inheritdoc />
    public override string ToString() => Path;
}
