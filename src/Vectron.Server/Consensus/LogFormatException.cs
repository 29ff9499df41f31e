namespace Vectron.Server.Consensus;

/// <summary>Raft data in the log is not in the documented encoding (corruption or a bug); never an expected outcome.</summary>
public sealed class LogFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LogFormatException()
    {
    }

    /// <summary>Creates the exception with a message saying what is wrong.</summary>
    public LogFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    public LogFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
