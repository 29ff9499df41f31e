namespace Vectron.Storage.Snapshots;

/// <summary>How a <see cref="SnapshotStore"/> keeps and streams snapshots.</summary>
public sealed record SnapshotStoreOptions
{
    /// <summary>The default chunk size: 1 MiB.</summary>
    public const int DefaultChunkSize = 1 << 20;

    /// <summary>The largest chunk size: 64 MiB (a chunk is held in memory whole).</summary>
    public const int MaxChunkSize = 64 << 20;

    /// <summary>How many complete snapshots older than the latest to keep; older ones are deleted after each commit and on open. Default 1.</summary>
    public int KeepPrevious { get; init; } = 1;

    /// <summary>The size of the chunks <see cref="SnapshotStore.ReadChunks"/> produces (the last one may be shorter). Default 1 MiB.</summary>
    public int ChunkSize { get; init; } = DefaultChunkSize;

    internal void Validate()
    {
        if (KeepPrevious < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(KeepPrevious), KeepPrevious, "the number of previous snapshots to keep must not be negative");
        }

        if (ChunkSize is < 1 or > MaxChunkSize)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize, $"the chunk size must be 1 … {MaxChunkSize} bytes");
        }
    }
}
