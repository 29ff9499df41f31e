using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>Deletes every point the filter admits. The result counts them.</summary>
public sealed record DeletePointsByFilter(Filter Filter) : ShardCommand
{
    /// <inheritdoc />
    public override ShardCommandKind Kind => ShardCommandKind.DeletePointsByFilter;
}
