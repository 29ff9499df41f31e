using System.Text.Json;

namespace Vectron.Server.Worker;

/// <summary>
/// Merges the members of <paramref name="Payload"/> (an object) into each selected point's payload, or
/// into the object at <paramref name="Key"/> (a dotted path, created when missing) when given.
/// </summary>
public sealed record SetPayload(PointSelector Selector, JsonElement Payload, string? Key = null) : ShardCommand
{
    /// <inheritdoc />
    public override ShardCommandKind Kind => ShardCommandKind.SetPayload;
}
