namespace Vectron.Rpc;

/// <summary>
/// A call ended with a status other than <see cref="RpcStatusCode.OK"/>: thrown by the client for every failure (transport
/// errors are mapped to a status too), and thrown by a handler to end its call with that status.
/// </summary>
public sealed class RpcException : Exception
{
    /// <summary>Creates the exception with a status and a message for the caller.</summary>
    public RpcException(RpcStatusCode status, string detail)
        : this(status, detail, [], null)
    {
    }

    /// <summary>Creates the exception with a status, a message, trailers and the underlying failure.</summary>
    public RpcException(RpcStatusCode status, string detail, IReadOnlyList<KeyValuePair<string, string>> trailers, Exception? innerException)
        : base($"{status}: {detail}", innerException)
    {
        Status = status;
        Detail = detail;
        Trailers = trailers;
    }

    /// <summary>Creates an <see cref="RpcStatusCode.Unknown"/> exception (for serializers and tooling).</summary>
    public RpcException()
        : this(RpcStatusCode.Unknown, string.Empty)
    {
    }

    /// <summary>Creates an <see cref="RpcStatusCode.Unknown"/> exception with a message.</summary>
    public RpcException(string message)
        : this(RpcStatusCode.Unknown, message)
    {
    }

    /// <summary>Creates an <see cref="RpcStatusCode.Unknown"/> exception with a message and the underlying failure.</summary>
    public RpcException(string message, Exception innerException)
        : this(RpcStatusCode.Unknown, message, [], innerException)
    {
    }

    /// <summary>The call's status.</summary>
    public RpcStatusCode Status { get; }

    /// <summary>The status message (<c>grpc-message</c>).</summary>
    public string Detail { get; }

    /// <summary>Custom trailers the server sent (or a handler wants sent) with the status.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Trailers { get; }
}
