using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>A search hit in Qdrant's score convention (see <see cref="ShardDistance"/>).</summary>
/// <param name="Id">The point.</param>
/// <param name="Version">Raft log index of the point's last change (Qdrant's <c>version</c>).</param>
/// <param name="Score">Cosine similarity, dot product, or Euclidean distance.</param>
/// <param name="Payload">The selected payload, or <see langword="null"/> when none was asked for.</param>
/// <param name="Vector">The stored vector (unit length for Cosine), or <see langword="null"/> when not asked for.</param>
public sealed record ScoredPoint(PointId Id, ulong Version, float Score, JsonElement? Payload, float[]? Vector);
