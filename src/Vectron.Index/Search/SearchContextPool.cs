namespace Vectron.Index.Search;

/// <summary>
/// A fixed set of slots holding idle <see cref="SearchContext"/>s. Rent and return are lock-free
/// (one interlocked exchange per probed slot) and allocate nothing once every concurrent caller has
/// had a context.
/// </summary>
internal sealed class SearchContextPool
{
    private readonly SearchContext?[] _slots;
    private readonly int _dimension;

    public SearchContextPool(int dimension)
    {
        _dimension = dimension;
        _slots = new SearchContext?[Math.Max(8, Environment.ProcessorCount * 4)];
    }

    public SearchContext Rent()
    {
        SearchContext?[] slots = _slots;
        for (int i = 0; i < slots.Length; i++)
        {
            SearchContext? context = Interlocked.Exchange(ref slots[i], null);
            if (context is not null)
            {
                return context;
            }
        }

        return new SearchContext(_dimension);
    }

    public void Return(SearchContext context)
    {
        SearchContext?[] slots = _slots;
        for (int i = 0; i < slots.Length; i++)
        {
            if (Interlocked.CompareExchange(ref slots[i], context, null) is null)
            {
                return;
            }
        }

        // Every slot is full: drop the context and let the GC have it.
    }
}
