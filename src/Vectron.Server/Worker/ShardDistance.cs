namespace Vectron.Server.Worker;

/// <summary>A collection's distance, with Qdrant's names and score conventions.</summary>
public enum ShardDistance : byte
{
    /// <summary>Cosine similarity (vectors normalised on upsert); larger is nearer.</summary>
    Cosine = 0,

    /// <summary>Dot product; larger is nearer.</summary>
    Dot = 1,

    /// <summary>Euclidean distance; smaller is nearer.</summary>
    Euclid = 2,
}
