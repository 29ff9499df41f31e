namespace Vectron.Index;

/// <summary>
/// Restricts a search to the points it admits. It is consulted during graph traversal: points that
/// fail still route the search but are never returned.
/// </summary>
/// <remarks>Called concurrently from searching threads; implementations must be thread-safe for reads.</remarks>
public interface IVectorFilter
{
    /// <summary>Whether the point stored under <paramref name="key"/> may be returned.</summary>
    bool Admits(ulong key);

    /// <summary>
    /// The exact number of points admitted, when the filter knows it cheaply (a bitmap does);
    /// <see langword="null"/> makes the index estimate it by sampling.
    /// </summary>
    long? AdmittedCount => null;
}
