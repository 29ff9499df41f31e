namespace Vectron.Index.Persistence;

/// <summary>Constants of the index file format, version 1 (described byte by byte in docs/formats/hnsw-index.md).</summary>
internal static class HnswFileFormat
{
    /// <summary>"VXHNSWIX" in ASCII.</summary>
    public static ReadOnlySpan<byte> Magic => "VXHNSWIX"u8;

    public const uint Version = 1;

    public const int HeaderLength = 64;

    /// <summary>Section tags, in file order. Each is four ASCII bytes read as a little-endian uint.</summary>
    public static readonly string[] SectionOrder = ["OPTS", "KEYS", "STAT", "LEVL", "VECT", "LNK0", "UPPR", "QUNT", "END."];

    public static uint Tag(string name) =>
        (uint)(name[0] | (name[1] << 8) | (name[2] << 16) | (name[3] << 24));

    public static string TagName(uint tag)
    {
        Span<char> chars = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            char c = (char)((tag >> (8 * i)) & 0xFF);
            chars[i] = c is >= ' ' and <= '~' ? c : '?';
        }

        return new string(chars);
    }
}
