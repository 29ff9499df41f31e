namespace Vectron.Server.Worker;

/// <summary>How a shard's vectors are quantized for traversal.</summary>
public enum ShardQuantization : byte
{
    /// <summary>Traverse on float32.</summary>
    None = 0,

    /// <summary>Traverse on calibrated int8 codes, rescore on float32 (Qdrant's scalar int8).</summary>
    Int8 = 1,
}
