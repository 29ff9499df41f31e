using System.Text.Json;
using Vectron.Server.Placement;

namespace Vectron.Server.Gateway;

/// <summary>Parses the bodies of collection create and update requests (Qdrant's shapes).</summary>
public static class CollectionRequests
{
    /// <summary>Parses <c>PUT /collections/{name}</c>.</summary>
    public static CollectionConfig ParseCreate(JsonElement body, int defaultShards)
    {
        var vectors = JsonFields.Optional(body, "vectors") ?? throw ApiException.BadField("vectors", "missing field");
        if (vectors.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadField("vectors", $"expected an object with size and distance, not {JsonFields.Text(vectors)}");
        }
        if (!vectors.TryGetProperty("size", out _) && !vectors.TryGetProperty("distance", out _))
        {
            throw ApiException.BadField("vectors", "named vectors are not supported: give one unnamed vector as {\"size\": N, \"distance\": \"Cosine\"}");
        }
        int size = (int)(JsonFields.OptionalInt(vectors, "size", "vectors.size", 1, PlacementStateMachine.MaxVectorSize)
            ?? throw ApiException.BadField("vectors.size", "missing field"));
        var distance = ParseDistance(JsonFields.RequiredString(vectors, "distance", "vectors.distance"));
        if (JsonFields.Optional(vectors, "multivector_config") is not null)
        {
            throw ApiException.BadField("vectors.multivector_config", "multivectors are not supported");
        }
        if (JsonFields.Optional(body, "sparse_vectors") is not null)
        {
            throw ApiException.BadField("sparse_vectors", "sparse vectors are not supported");
        }
        int shards = (int)(JsonFields.OptionalInt(body, "shard_number", "shard_number", 1, PlacementStateMachine.MaxShards) ?? defaultShards);
        // A single node holds one replica: any replication_factor but 1 is refused.
        JsonFields.OptionalInt(body, "replication_factor", "replication_factor", 1, 1);
        var hnsw = ParseHnsw(JsonFields.OptionalObject(body, "hnsw_config", "hnsw_config"), "hnsw_config", HnswSettings.Default);
        if (JsonFields.OptionalObject(vectors, "hnsw_config", "vectors.hnsw_config") is { } vectorHnsw)
        {
            hnsw = ParseHnsw(vectorHnsw, "vectors.hnsw_config", hnsw);
        }
        var quantization = ParseQuantization(JsonFields.Optional(body, "quantization_config"), "quantization_config", out _);
        if (JsonFields.Optional(vectors, "quantization_config") is { } vectorQuantization)
        {
            quantization = ParseQuantization(vectorQuantization, "vectors.quantization_config", out _);
        }
        // optimizers_config, wal_config, on_disk_payload, write_consistency_factor: accepted and ignored.
        return new CollectionConfig(size, distance, shards, hnsw, quantization);
    }

    /// <summary>Parses <c>PATCH /collections/{name}</c>.</summary>
    public static UpdateCollectionCommand ParseUpdate(string name, JsonElement body)
    {
        HnswPatch? hnsw = null;
        if (JsonFields.OptionalObject(body, "hnsw_config", "hnsw_config") is { } hnswJson)
        {
            // Only the fields named: the rest stay as the collection has them when the update applies.
            hnsw = new HnswPatch(
                (int?)JsonFields.OptionalInt(hnswJson, "m", "hnsw_config.m", 2, 128),
                (int?)JsonFields.OptionalInt(hnswJson, "ef_construct", "hnsw_config.ef_construct", 4, 4096),
                (int?)JsonFields.OptionalInt(hnswJson, "full_scan_threshold", "hnsw_config.full_scan_threshold", 0, int.MaxValue));
        }
        var quantization = ParseQuantization(JsonFields.Optional(body, "quantization_config"), "quantization_config", out bool disable);
        if (JsonFields.OptionalObject(body, "params", "params") is { } parameters)
        {
            JsonFields.OptionalInt(parameters, "replication_factor", "params.replication_factor", 1, 1);
        }
        if (JsonFields.OptionalObject(body, "vectors", "vectors") is { } vectors && vectors.EnumerateObject().Any())
        {
            throw ApiException.BadField("vectors", "per-vector updates are not supported: use the top-level hnsw_config and quantization_config");
        }
        return new UpdateCollectionCommand(name, hnsw, quantization, disable);
    }

    /// <summary>Qdrant's distance names.</summary>
    public static VectorDistance ParseDistance(string text) => text switch
    {
        "Cosine" => VectorDistance.Cosine,
        "Dot" => VectorDistance.Dot,
        "Euclid" => VectorDistance.Euclid,
        "Manhattan" => throw ApiException.BadField("vectors.distance", "Manhattan distance is not supported (use Cosine, Dot or Euclid)"),
        _ => throw ApiException.BadField("vectors.distance", $"unknown distance `{text}` (expected Cosine, Dot or Euclid)"),
    };

    private static HnswSettings ParseHnsw(JsonElement? json, string path, HnswSettings defaults)
    {
        if (json is not { } hnsw)
        {
            return defaults;
        }
        return new HnswSettings(
            (int)(JsonFields.OptionalInt(hnsw, "m", $"{path}.m", 2, 128) ?? defaults.M),
            (int)(JsonFields.OptionalInt(hnsw, "ef_construct", $"{path}.ef_construct", 4, 4096) ?? defaults.EfConstruct),
            (int)(JsonFields.OptionalInt(hnsw, "full_scan_threshold", $"{path}.full_scan_threshold", 0, int.MaxValue) ?? defaults.FullScanThreshold));
    }

    private static QuantizationSettings? ParseQuantization(JsonElement? json, string path, out bool disable)
    {
        disable = false;
        if (json is not { } quantization)
        {
            return null;
        }
        if (quantization.ValueKind == JsonValueKind.String && quantization.GetString() == "Disabled")
        {
            disable = true;
            return null;
        }
        if (quantization.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadField(path, $"expected {{\"scalar\": {{\"type\": \"int8\"}}}}, not {JsonFields.Text(quantization)}");
        }
        if (JsonFields.Optional(quantization, "product") is not null || JsonFields.Optional(quantization, "binary") is not null)
        {
            throw ApiException.BadField(path, "only scalar int8 quantization is supported");
        }
        var scalar = JsonFields.OptionalObject(quantization, "scalar", $"{path}.scalar")
            ?? throw ApiException.BadField($"{path}.scalar", "missing field");
        string type = JsonFields.RequiredString(scalar, "type", $"{path}.scalar.type");
        if (type != "int8")
        {
            throw ApiException.BadField($"{path}.scalar.type", $"only int8 is supported, not `{type}`");
        }
        double? quantile = JsonFields.OptionalNumber(scalar, "quantile", $"{path}.scalar.quantile");
        if (quantile is { } q && (q < 0.5 || q > 1))
        {
            throw ApiException.BadField($"{path}.scalar.quantile", $"must be between 0.5 and 1, not {q}");
        }
        bool alwaysRam = JsonFields.OptionalBool(scalar, "always_ram", $"{path}.scalar.always_ram") ?? false;
        return new QuantizationSettings(alwaysRam, quantile is { } value ? (float)value : null);
    }
}
