using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>One condition of a <see cref="Filter"/> clause.</summary>
internal abstract class Condition
{
    /// <summary>Whether the point with <paramref name="id"/> and <paramref name="payload"/> (an object, or undefined for none) satisfies the condition.</summary>
    public abstract bool Matches(PointId id, JsonElement payload);

    /// <summary>Writes the condition in Qdrant's JSON shape.</summary>
    public abstract void WriteTo(Utf8JsonWriter writer);

    /// <summary>Calls <paramref name="visit"/> for this condition and every condition nested inside it.</summary>
    public virtual void Visit(Action<Condition> visit) => visit(this);
}
