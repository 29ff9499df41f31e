namespace Vectron.Server.Worker;

/// <summary>Inserts points or replaces them (vector and whole payload). Rejected whole on a wrong dimension, a NaN or infinite value, a payload that is not an object, or an id given twice.</summary>
public sealed record UpsertPoints(IReadOnlyList<PointWrite> Points) : ShardCommand
{
    /// <inheritdoc />
    public override ShardCommandKind Kind => ShardCommandKind.UpsertPoints;
}
