using System.Text.Json;
using System.Text.Json.Nodes;
using Vectron.Server.Model;
using Vectron.Server.Worker;

namespace Vectron.Server.Tests.Worker;

/// <summary>The obvious in-memory shard the model-based test compares against: a dictionary, brute force, doubles.</summary>
internal sealed class ShardModel(ShardDistance metric)
{
    public Dictionary<PointId, (float[] Vector, JsonObject Payload, ulong Version)> Points { get; } = [];

    public static JsonElement Element(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();

    public void Upsert(PointId id, float[] vector, JsonObject payload, ulong version)
    {
        float[] stored = (float[])vector.Clone();
        if (metric == ShardDistance.Cosine)
        {
            double norm = Math.Sqrt(stored.Sum(x => (double)x * x));
            if (norm > 0)
            {
                for (int i = 0; i < stored.Length; i++)
                {
                    stored[i] = (float)(stored[i] / norm);
                }
            }
        }

        Points[id] = (stored, payload, version);
    }

    public List<PointId> Matching(Filter? filter) =>
        Points.Where(p => filter is null || filter.Matches(p.Key, Element(p.Value.Payload))).Select(p => p.Key).Order().ToList();

    public double Score(float[] query, PointId id)
    {
        float[] vector = Points[id].Vector;
        double[] q = query.Select(x => (double)x).ToArray();
        if (metric == ShardDistance.Cosine)
        {
            double norm = Math.Sqrt(q.Sum(x => x * x));
            q = norm > 0 ? q.Select(x => x / norm).ToArray() : q;
        }

        return metric == ShardDistance.Euclid
            ? Math.Sqrt(q.Select((x, i) => (x - vector[i]) * (x - vector[i])).Sum())
            : q.Select((x, i) => x * vector[i]).Sum();
    }

    public List<(PointId Id, double Score)> Search(float[] query, int limit, Filter? filter, float? threshold)
    {
        var scored = Matching(filter).Select(id => (Id: id, Score: Score(query, id)));
        scored = metric == ShardDistance.Euclid ? scored.OrderBy(h => h.Score).ThenBy(h => h.Id) : scored.OrderByDescending(h => h.Score).ThenBy(h => h.Id);
        if (threshold is { } t)
        {
            scored = scored.Where(h => metric == ShardDistance.Euclid ? h.Score <= t : h.Score >= t);
        }

        return scored.Take(limit).ToList();
    }

    public void SetPayload(IEnumerable<PointId> ids, JsonObject values, string? key, ulong version)
    {
        foreach (PointId id in ids.ToList())
        {
            (float[] vector, JsonObject payload, _) = Points[id];
            JsonObject target = payload;
            if (key is not null)
            {
                foreach (string name in key.Split('.'))
                {
                    if (target[name] is not JsonObject next)
                    {
                        next = [];
                        target[name] = next;
                    }

                    target = next;
                }
            }

            foreach (KeyValuePair<string, JsonNode?> member in values)
            {
                target[member.Key] = member.Value?.DeepClone();
            }

            Points[id] = (vector, payload, version);
        }
    }

    public void ReplacePayload(IEnumerable<PointId> ids, Func<JsonObject> payload, ulong version)
    {
        foreach (PointId id in ids.ToList())
        {
            Points[id] = (Points[id].Vector, payload(), version);
        }
    }

    /// <summary>Removes dotted keys (objects only; the test uses no array steps here).</summary>
    public void DeleteKeys(IEnumerable<PointId> ids, IReadOnlyList<string> keys, ulong version)
    {
        foreach (PointId id in ids.ToList())
        {
            (float[] vector, JsonObject payload, _) = Points[id];
            foreach (string key in keys)
            {
                string[] names = key.Split('.');
                JsonObject? target = payload;
                for (int i = 0; i < names.Length - 1 && target is not null; i++)
                {
                    target = target[names[i]] as JsonObject;
                }

                target?.Remove(names[^1]);
            }

            Points[id] = (vector, payload, version);
        }
    }
}
