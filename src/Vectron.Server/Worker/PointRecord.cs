using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>A stored point as a read returns it.</summary>
/// <param name="Id">The point.</param>
/// <param name="Payload">The selected payload, or <see langword="null"/> when none was asked for.</param>
/// <param name="Vector">The stored vector (unit length for Cosine), or <see langword="null"/> when not asked for.</param>
public sealed record PointRecord(PointId Id, JsonElement? Payload, float[]? Vector);
