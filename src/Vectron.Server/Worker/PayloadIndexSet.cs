using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>
/// The shard's payload indexes by field, and the planner's bound: for a filter, a superset of the
/// slots it can admit, taken from the indexes, or <see langword="null"/> when they cannot bound it
/// below a cap. Used under the shard's lock.
/// </summary>
internal sealed class PayloadIndexSet
{
    private readonly SortedDictionary<string, PayloadIndex> _indexes = new(StringComparer.Ordinal);

    public int Count => _indexes.Count;

    public IEnumerable<PayloadIndex> All => _indexes.Values;

    public PayloadIndex? Find(string field) => _indexes.GetValueOrDefault(field);

    public void Put(PayloadIndex index) => _indexes[index.Field.ToString()] = index;

    public bool Drop(string field) => _indexes.Remove(field);

    public void Add(int slot, JsonElement payload)
    {
        foreach (PayloadIndex index in _indexes.Values)
        {
            index.Add(slot, payload);
        }
    }

    public void Remove(int slot, JsonElement payload)
    {
        foreach (PayloadIndex index in _indexes.Values)
        {
            index.Remove(slot, payload);
        }
    }

    /// <summary>
    /// A superset of the slots <paramref name="filter"/> can admit with at most <paramref name="cap"/>
    /// members, or <see langword="null"/> when no index (or has_id) bounds it that tightly.
    /// </summary>
    public HashSet<int>? Bound(Filter filter, int cap, Func<PointId, int> slotOf)
    {
        HashSet<int>? best = null;
        foreach (Condition condition in filter.Must)
        {
            HashSet<int>? bound = BoundCondition(condition, cap, slotOf);
            if (bound is not null && (best is null || bound.Count < best.Count))
            {
                best = bound;
            }
        }

        // Every admitted point satisfies one of the should conditions (and, with min_count ≥ 1, one of
        // the min_should conditions), so the union of their bounds is a bound.
        Consider(filter.Should, ref best);
        if (filter.MinShould is { } minShould && filter.MinCount >= 1)
        {
            Consider(minShould, ref best);
        }

        return best;

        void Consider(IReadOnlyList<Condition> anyOf, ref HashSet<int>? current)
        {
            if (anyOf.Count == 0)
            {
                return;
            }

            var union = new HashSet<int>();
            foreach (Condition condition in anyOf)
            {
                HashSet<int>? bound = BoundCondition(condition, cap, slotOf);
                if (bound is null)
                {
                    return;
                }

                union.UnionWith(bound);
                if (union.Count > cap)
                {
                    return;
                }
            }

            if (current is null || union.Count < current.Count)
            {
                current = union;
            }
        }
    }

    private HashSet<int>? BoundCondition(Condition condition, int cap, Func<PointId, int> slotOf)
    {
        switch (condition)
        {
            case FieldCondition field:
                return _indexes.TryGetValue(field.Key.ToString(), out PayloadIndex? index) ? index.Candidates(field, cap) : null;
            case HasIdCondition hasId:
                if (hasId.Ids.Count > cap)
                {
                    return null;
                }

                var slots = new HashSet<int>();
                foreach (PointId id in hasId.Ids)
                {
                    int slot = slotOf(id);
                    if (slot >= 0)
                    {
                        slots.Add(slot);
                    }
                }

                return slots;
            case FilterCondition nested:
                return Bound(nested.Filter, cap, slotOf);
            default:
                return null;
        }
    }
}
