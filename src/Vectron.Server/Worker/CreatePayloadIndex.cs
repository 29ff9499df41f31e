using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>Indexes the values at <paramref name="Field"/> (a key path) as <paramref name="Schema"/>; replaces an index of another schema on the same field.</summary>
public sealed record CreatePayloadIndex(string Field, PayloadSchemaType Schema) : ShardCommand
{
    /// <inheritdoc />
    public override ShardCommandKind Kind => ShardCommandKind.CreatePayloadIndex;
}
