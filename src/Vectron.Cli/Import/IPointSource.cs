namespace Vectron.Cli.Import;

/// <summary>
/// A file of points read front to back. Implementations check the file's structure as they go and
/// throw <see cref="InvalidDataException"/> naming the file and the place (record, line) of a problem.
/// Not thread-safe.
/// </summary>
internal interface IPointSource : IDisposable
{
    /// <summary>The file and its format, for messages.</summary>
    string Description { get; }

    /// <summary>The vectors' dimension (known after opening: from the header or the first record).</summary>
    int Dimension { get; }

    /// <summary>How many points the file holds, when the format tells without reading it all.</summary>
    long? Count { get; }

    /// <summary>How many points have been read or skipped so far.</summary>
    long Position { get; }

    /// <summary>The fraction of the file consumed so far (0 to 1), for progress and ETA.</summary>
    double Fraction { get; }

    /// <summary>Reads the next point; false at the end of the file.</summary>
    bool TryRead(out ImportPoint point);

    /// <summary>Moves past <paramref name="count"/> points without returning them (resuming an import).</summary>
    /// <exception cref="InvalidDataException">The file holds fewer points.</exception>
    void Skip(long count);
}
