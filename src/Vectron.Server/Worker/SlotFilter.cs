using Vectron.Index;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>
/// What a graph search may return: slots whose current vector is the one in the graph (so never a
/// deleted point, nor a stale vector of an updated one) and that the user's filter admits. Used only
/// by a search holding the shard's read lock.
/// </summary>
internal sealed class SlotFilter(List<StoredPoint?> slots, Filter? filter, long? admittedCount) : IVectorFilter
{
    /// <summary>Known without sampling when there is no user filter (the indexed points) or the planner counted the candidates.</summary>
    public long? AdmittedCount { get; } = admittedCount;

    public bool Admits(ulong key)
    {
        if (key >= (ulong)slots.Count || slots[(int)key] is not { } point || !point.IsIndexed)
        {
            return false;
        }

        return filter is null || filter.Matches(point.Id, point.Payload);
    }
}
