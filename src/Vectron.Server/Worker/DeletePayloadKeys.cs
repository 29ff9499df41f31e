namespace Vectron.Server.Worker;

/// <summary>Removes the given keys (paths) from each selected point's payload; missing keys are ignored.</summary>
public sealed record DeletePayloadKeys(PointSelector Selector, IReadOnlyList<string> Keys) : ShardCommand
{
    /// <inheritdoc />
    public override ShardCommandKind Kind => ShardCommandKind.DeletePayloadKeys;
}
