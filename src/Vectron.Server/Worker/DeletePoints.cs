using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>Deletes points by id; ids that do not exist are ignored. The result counts the points deleted.</summary>
public sealed record DeletePoints(IReadOnlyList<PointId> Ids) : ShardCommand
{
    /// <inheritdoc />
    public override ShardCommandKind Kind => ShardCommandKind.DeletePoints;
}
