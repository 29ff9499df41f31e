using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>The points a payload command applies to: listed ids (each must exist) or those a filter admits.</summary>
public sealed record PointSelector
{
    private PointSelector(IReadOnlyList<PointId>? ids, Filter? filter)
    {
        Ids = ids;
        Filter = filter;
    }

    /// <summary>The listed ids, or <see langword="null"/> for a filter selector.</summary>
    public IReadOnlyList<PointId>? Ids { get; }

    /// <summary>The filter, or <see langword="null"/> for an id selector.</summary>
    public Filter? Filter { get; }

    /// <summary>Selects the listed points; applying to an id that does not exist rejects the command (Qdrant answers 404).</summary>
    public static PointSelector ForIds(IReadOnlyList<PointId> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return new PointSelector(ids, null);
    }

    /// <summary>Selects every point the filter admits.</summary>
    public static PointSelector ForFilter(Filter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return new PointSelector(null, filter);
    }
}
