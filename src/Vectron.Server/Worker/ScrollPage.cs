using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>A page of points in id order and the id to continue from (<see langword="null"/> at the end).</summary>
public sealed record ScrollPage(IReadOnlyList<PointRecord> Points, PointId? NextOffset);
