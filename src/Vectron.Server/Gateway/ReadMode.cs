using System.Text.Json;

namespace Vectron.Server.Gateway;

/// <summary>Vectron's extra <c>consistency</c> field of read requests.</summary>
public enum ReadMode : byte
{
    /// <summary>Default: a ReadIndex barrier on every shard read (sees every write acknowledged before the request).</summary>
    Linearizable = 0,
    /// <summary>Read the leader replica's applied state after the writes already handed to it (no quorum round).</summary>
    Leader = 1,
    /// <summary>Read whatever replica state there is now, without waiting.</summary>
    Any = 2,
}

/// <summary>Parsing of <see cref="ReadMode"/>.</summary>
public static class ReadModes
{
    /// <summary>Reads the <c>consistency</c> field (also accepted as a query parameter by the handlers).</summary>
    public static ReadMode Parse(JsonElement body, string? query)
    {
        string? text = JsonFields.Optional(body, "consistency") is { } value
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw ApiException.BadField("consistency", $"expected linearizable, leader or any, not {JsonFields.Text(value)}")
            : query;
        return text switch
        {
            // Qdrant's own read consistency values (all, majority, quorum, a replica count) name
            // replica counts; with one replica each is a linearizable read.
            null or "linearizable" or "all" or "majority" or "quorum" => ReadMode.Linearizable,
            _ when int.TryParse(text, out int replicas) && replicas > 0 => ReadMode.Linearizable,
            "leader" => ReadMode.Leader,
            "any" => ReadMode.Any,
            _ => throw ApiException.BadField("consistency", $"expected linearizable, leader or any, not `{text}`"),
        };
    }
}
