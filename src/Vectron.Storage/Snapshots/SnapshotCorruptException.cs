namespace Vectron.Storage.Snapshots;

/// <summary>
/// A snapshot's bytes fail a check: a manifest or file checksum, a chunk checksum, or the layout of a manifest or stream.
/// The message names the file or stream and, where it is known, the offset.
/// </summary>
public sealed class SnapshotCorruptException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SnapshotCorruptException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public SnapshotCorruptException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SnapshotCorruptException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception for the file or stream at <paramref name="path"/> and, where known, the byte <paramref name="offset"/>.</summary>
    public SnapshotCorruptException(string message, string path, long? offset, Exception? inner = null)
        : base(message, inner)
    {
        Path = path;
        Offset = offset;
    }

    /// <summary>The file (or, for a received stream, the receive directory) whose bytes are wrong, when known.</summary>
    public string? Path { get; }

    /// <summary>The byte offset of the failure in that file or stream, when known.</summary>
    public long? Offset { get; }
}
