namespace Vectron.Server.Model;

/// <summary>The two kinds of point id Qdrant accepts.</summary>
public enum PointIdKind : byte
{
    /// <summary>An unsigned 64-bit integer.</summary>
    Number = 0,

    /// <summary>A UUID.</summary>
    Uuid = 1,
}
