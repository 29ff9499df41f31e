using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>One point of an upsert: its id, vector and payload (an object; <see langword="null"/> for none).</summary>
public sealed record PointWrite(PointId Id, float[] Vector, JsonElement? Payload);
