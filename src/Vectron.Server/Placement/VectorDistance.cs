namespace Vectron.Server.Placement;

/// <summary>A collection's distance function, with Qdrant's names.</summary>
public enum VectorDistance : byte
{
    /// <summary>Cosine similarity (vectors normalised on upsert); larger is closer.</summary>
    Cosine = 0,
    /// <summary>Dot product; larger is closer.</summary>
    Dot = 1,
    /// <summary>Euclidean distance; smaller is closer.</summary>
    Euclid = 2,
}
