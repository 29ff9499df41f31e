namespace Vectron.Server.Placement;

/// <summary>
/// The HNSW fields an update names (null: keep the collection's value). Applied to the settings the collection has
/// when the command applies, not when the request was read, so two concurrent updates of different fields both hold.
/// </summary>
public sealed record HnswPatch(int? M, int? EfConstruct, int? FullScanThreshold)
{
    /// <summary>A patch that sets every field (what an update of command version 1–2 meant).</summary>
    public static HnswPatch Of(HnswSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new HnswPatch(settings.M, settings.EfConstruct, settings.FullScanThreshold);
    }

    /// <summary><paramref name="current"/> with the named fields replaced.</summary>
    public HnswSettings ApplyTo(HnswSettings current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return new HnswSettings(M ?? current.M, EfConstruct ?? current.EfConstruct, FullScanThreshold ?? current.FullScanThreshold);
    }
}
