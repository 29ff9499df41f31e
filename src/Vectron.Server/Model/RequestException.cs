namespace Vectron.Server.Model;

/// <summary>
/// Bad input from a client. The message names the offending field (for example
/// <c>filter.must[1].range.gt: expected a number</c>); the gateway answers it with HTTP 400.
/// </summary>
public sealed class RequestException : Exception
{
    /// <summary>Creates the exception with a message that names the bad field.</summary>
    public RequestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public RequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public RequestException()
        : base("Bad request.")
    {
    }

    /// <summary>Creates an exception whose message is <c>path: problem</c>.</summary>
    public static RequestException At(string path, string problem) => new($"{path}: {problem}");
}
