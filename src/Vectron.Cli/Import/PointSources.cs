namespace Vectron.Cli.Import;

/// <summary>Opens an import file by its extension.</summary>
internal static class PointSources
{
    /// <summary>The extensions <see cref="Open"/> knows, for messages.</summary>
    public const string Known = ".fvecs, .bvecs, .npy, .jsonl (or .ndjson)";

    /// <summary>Opens <paramref name="path"/>; ids of formats without ids are row numbers plus <paramref name="idOffset"/>.</summary>
    /// <exception cref="InvalidDataException">Unknown extension or a damaged file.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static IPointSource Open(string path, ulong idOffset)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".fvecs" => new TexmexPointSource(path, bytes: false, idOffset),
            ".bvecs" => new TexmexPointSource(path, bytes: true, idOffset),
            ".npy" => new NpyPointSource(path, idOffset),
            ".jsonl" or ".ndjson" => new JsonLinesPointSource(path),
            _ => throw new InvalidDataException($"{path}: unknown file type '{extension}' (import reads {Known})"),
        };
    }
}
