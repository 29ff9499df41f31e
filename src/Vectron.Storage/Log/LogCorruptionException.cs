namespace Vectron.Storage.Log;

/// <summary>The log is damaged where acknowledged data lives: a file and offset say where. Never repaired silently.</summary>
public sealed class LogCorruptionException : IOException
{
    /// <summary>Creates the exception for damage at <paramref name="offset"/> of <paramref name="file"/>.</summary>
    public LogCorruptionException(string file, long offset, string problem)
        : base($"the log is corrupt at offset {offset} of '{file}': {problem}")
    {
        File = file;
        Offset = offset;
    }

    /// <summary>Creates the exception.</summary>
    public LogCorruptionException()
    {
        File = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public LogCorruptionException(string message)
        : base(message)
    {
        File = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public LogCorruptionException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = string.Empty;
    }

    /// <summary>The damaged file.</summary>
    public string File { get; }

    /// <summary>The byte offset of the damage in <see cref="File"/>.</summary>
    public long Offset { get; }
}

/// <summary>The log engine stopped after a write or sync failed; nothing more can be written through it.</summary>
public sealed class StorageFailedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public StorageFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StorageFailedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public StorageFailedException(string message)
        : base(message)
    {
    }
}
