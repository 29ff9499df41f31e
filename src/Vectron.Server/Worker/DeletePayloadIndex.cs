namespace Vectron.Server.Worker;

/// <summary>Drops the payload index of <paramref name="Field"/>, if any.</summary>
public sealed record DeletePayloadIndex(string Field) : ShardCommand
{
    /// <inheritdoc />
    public override ShardCommandKind Kind => ShardCommandKind.DeletePayloadIndex;
}
