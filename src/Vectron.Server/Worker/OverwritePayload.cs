using System.Text.Json;

namespace Vectron.Server.Worker;

/// <summary>Replaces each selected point's whole payload with <paramref name="Payload"/> (an object).</summary>
public sealed record OverwritePayload(PointSelector Selector, JsonElement Payload) : ShardCommand
{
    /// <inheritdoc />
    public override ShardCommandKind Kind => ShardCommandKind.OverwritePayload;
}
