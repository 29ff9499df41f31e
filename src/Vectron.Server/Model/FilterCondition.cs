using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>A nested filter used as a condition.</summary>
internal sealed class FilterCondition(Filter filter) : Condition
{
    public Filter Filter { get; } = filter;

    public override bool Matches(PointId id, JsonElement payload) => Filter.Matches(id, payload);

    public override void WriteTo(Utf8JsonWriter writer) => Filter.WriteTo(writer);

    public override void Visit(Action<Condition> visit)
    {
        visit(this);
        Filter.Visit(visit);
    }
}
