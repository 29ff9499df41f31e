using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary><c>{"has_id": [ids]}</c>: the point's id is one of the listed ids.</summary>
internal sealed class HasIdCondition(IReadOnlyList<PointId> ids) : Condition
{
    private readonly HashSet<PointId> _set = [.. ids];

    public IReadOnlyList<PointId> Ids { get; } = ids;

    public override bool Matches(PointId id, JsonElement payload) => _set.Contains(id);

    public override void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("has_id");
        foreach (PointId id in Ids)
        {
            id.WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
