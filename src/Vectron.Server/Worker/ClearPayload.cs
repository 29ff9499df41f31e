namespace Vectron.Server.Worker;

/// <summary>Empties each selected point's payload.</summary>
public sealed record ClearPayload(PointSelector Selector) : ShardCommand
{
    /// <inheritdoc />
    public override ShardCommandKind Kind => ShardCommandKind.ClearPayload;
}
