namespace Vectron.Cli.Client;

/// <summary>A REST call failed: the server was unreachable, or answered with an error.</summary>
internal sealed class RestException : Exception
{
    public RestException()
    {
    }

    public RestException(string message)
        : base(message)
    {
    }

    public RestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RestException(string message, int? statusCode, bool transient, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        IsTransient = transient;
    }

    /// <summary>The HTTP status, or null when no answer arrived.</summary>
    public int? StatusCode { get; }

    /// <summary>Whether trying the same request again may succeed (no answer, 408, 429, 5xx).</summary>
    public bool IsTransient { get; }
}
