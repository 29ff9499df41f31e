using Vectron.Index.Memory;

namespace Vectron.Index.Search;

/// <summary>
/// Everything one search or insert needs besides the graph: visited marks, heaps and scratch
/// buffers. Rented from <see cref="SearchContextPool"/> and returned, so searches do not allocate.
/// </summary>
/// <remarks>Not thread-safe: used by one thread between rent and return.</remarks>
internal sealed class SearchContext
{
    public SearchContext(int dimension)
    {
        Query = new AlignedBuffer<float>(dimension);
        QueryCodes = new AlignedBuffer<sbyte>(dimension);
    }

    public VisitedSet Visited { get; } = new();

    /// <summary>Nearest-first frontier of the layer search.</summary>
    public CandidateHeap<NearestFirst> Frontier { get; } = new();

    /// <summary>Farthest-first list of the best nodes found (size ef).</summary>
    public CandidateHeap<FarthestFirst> Results { get; } = new();

    /// <summary>The query as searched (normalised for cosine).</summary>
    public AlignedBuffer<float> Query { get; }

    /// <summary>The query's int8 codes.</summary>
    public AlignedBuffer<sbyte> QueryCodes { get; }

    /// <summary>Scratch for sorted candidate lists.</summary>
    public Candidate[] Sorted { get; private set; } = new Candidate[256];

    /// <summary>Scratch for the neighbours a selection keeps.</summary>
    public Candidate[] Selected { get; private set; } = new Candidate[256];

    /// <summary>Grows the scratch arrays to at least <paramref name="size"/> entries.</summary>
    public void EnsureScratch(int size)
    {
        if (Sorted.Length < size)
        {
            Sorted = new Candidate[size];
            Selected = new Candidate[size];
        }
    }
}
