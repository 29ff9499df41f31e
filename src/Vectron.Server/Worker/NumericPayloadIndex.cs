using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>
/// Ordered index for integer, float and datetime fields: (value, slot) pairs in order for ranges, plus
/// value → slots for integer equality. Integer and float indexes hold every number at the field (a
/// range condition admits any number); datetime indexes hold strings that are datetimes, as UTC ticks.
/// </summary>
internal sealed class NumericPayloadIndex(JsonPath field, PayloadSchemaType schema) : PayloadIndex(field, schema)
{
    private readonly SortedSet<(double Value, int Slot)> _ordered = [];
    private readonly Dictionary<(double Value, int Slot), int> _multiplicity = [];
    private readonly Dictionary<long, Dictionary<int, int>> _integers = [];

    public override HashSet<int>? Candidates(FieldCondition condition, int cap)
    {
        if (condition.Range is { } range && range.IsDatetime == (Schema == PayloadSchemaType.Datetime))
        {
            HashSet<int>? byRange = RangeCandidates(range, cap);
            if (condition.Match is null || byRange is null)
            {
                return byRange;
            }
        }

        if (Schema == PayloadSchemaType.Integer && condition.Match is { } match)
        {
            IReadOnlyList<long>? keys = match.Kind switch
            {
                MatchKind.Integer => [match.Integer],
                MatchKind.Any when match.Integers is not null => match.Integers,
                _ => null,
            };
            if (keys is null)
            {
                return null;
            }

            var result = new HashSet<int>();
            foreach (long key in keys)
            {
                if (_integers.TryGetValue(key, out Dictionary<int, int>? slots))
                {
                    result.UnionWith(slots.Keys);
                    if (result.Count > cap)
                    {
                        return null;
                    }
                }
            }

            return result;
        }

        return null;
    }

    protected override bool Accepts(JsonElement value) => TryValue(value, out _);

    protected override void AddValue(int slot, JsonElement value)
    {
        TryValue(value, out double x);
        var pair = (x, slot);
        int count = _multiplicity.GetValueOrDefault(pair);
        _multiplicity[pair] = count + 1;
        if (count == 0)
        {
            _ordered.Add(pair);
        }

        if (Schema == PayloadSchemaType.Integer && value.TryGetInt64(out long integer))
        {
            if (!_integers.TryGetValue(integer, out Dictionary<int, int>? slots))
            {
                slots = [];
                _integers[integer] = slots;
            }

            slots[slot] = slots.GetValueOrDefault(slot) + 1;
        }
    }

    protected override void RemoveValue(int slot, JsonElement value)
    {
        TryValue(value, out double x);
        var pair = (x, slot);
        if (_multiplicity.TryGetValue(pair, out int count))
        {
            if (count <= 1)
            {
                _multiplicity.Remove(pair);
                _ordered.Remove(pair);
            }
            else
            {
                _multiplicity[pair] = count - 1;
            }
        }

        if (Schema == PayloadSchemaType.Integer && value.TryGetInt64(out long integer)
            && _integers.TryGetValue(integer, out Dictionary<int, int>? slots) && slots.TryGetValue(slot, out int n))
        {
            if (n <= 1)
            {
                slots.Remove(slot);
                if (slots.Count == 0)
                {
                    _integers.Remove(integer);
                }
            }
            else
            {
                slots[slot] = n - 1;
            }
        }
    }

    private HashSet<int>? RangeCandidates(RangeClause range, int cap)
    {
        double low = Math.Max(range.Gt ?? double.NegativeInfinity, range.Gte ?? double.NegativeInfinity);
        double high = Math.Min(range.Lt ?? double.PositiveInfinity, range.Lte ?? double.PositiveInfinity);
        var result = new HashSet<int>();
        if (low > high || _ordered.Count == 0)
        {
            return result;
        }

        foreach ((double value, int slot) in _ordered.GetViewBetween((low, int.MinValue), (high, int.MaxValue)))
        {
            if (range.Contains(value) && result.Add(slot) && result.Count > cap)
            {
                return null;
            }
        }

        return result;
    }

    // The same conversion RangeClause.MatchesValue makes, so the index and the filter agree on every value.
    private bool TryValue(JsonElement value, out double x)
    {
        if (Schema == PayloadSchemaType.Datetime)
        {
            if (value.ValueKind == JsonValueKind.String && RangeClause.TryParseDatetime(value.GetString(), out DateTimeOffset at))
            {
                x = at.UtcTicks;
                return true;
            }

            x = 0;
            return false;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out x))
        {
            return true;
        }

        x = 0;
        return false;
    }
}
