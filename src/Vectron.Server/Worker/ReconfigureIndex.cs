namespace Vectron.Server.Worker;

/// <summary>
/// Changes the shard's HNSW parameters and quantization (Qdrant's <c>PATCH /collections/{name}</c>):
/// the shard starts a new graph with them and re-indexes every point into it in the background,
/// answering searches meanwhile from the new graph plus an exact scan of what it does not hold yet.
/// A command that changes nothing the index depends on only records <paramref name="QuantizationAlwaysRam"/>.
/// The default search ef becomes <paramref name="EfConstruct"/>, as at creation.
/// </summary>
public sealed record ReconfigureIndex(int M, int EfConstruct, ShardQuantization Quantization, bool QuantizationAlwaysRam) : ShardCommand
{
    /// <inheritdoc />
    public override ShardCommandKind Kind => ShardCommandKind.ReconfigureIndex;
}
