using System.Globalization;
using System.Text;
using System.Text.Json;
using Vectron.Checksums;

namespace Vectron.Cli.Import;

/// <summary>
/// How far an import got: every point before <see cref="PointsDone"/> has been acknowledged by the
/// server (upserted with <c>wait=true</c>). Stored as a small JSON file (docs/formats/import-checkpoint.md)
/// written to a temporary name, flushed to disk and renamed, so a crash leaves the old or the new one.
/// It names the source file by full path, length and modification time, so a changed file is not resumed.
/// </summary>
internal sealed record ImportCheckpoint(string Source, long SourceLength, long SourceModifiedTicks, string Collection, long PointsDone)
{
    /// <summary>The value of the file's <c>format</c> field.</summary>
    public const string FormatName = "vectron-import-checkpoint";

    /// <summary>The format version this code writes and reads.</summary>
    public const int Version = 1;

    /// <summary>The checkpoint describing <paramref name="sourcePath"/> as it is now.</summary>
    public static ImportCheckpoint For(string sourcePath, string collection, long pointsDone)
    {
        var info = new FileInfo(sourcePath);
        return new ImportCheckpoint(info.FullName, info.Length, info.LastWriteTimeUtc.Ticks, collection, pointsDone);
    }

    /// <summary>The checkpoint of a generated sample: its name stands for the path, its seed for the modification time.</summary>
    public static ImportCheckpoint ForSample(string name, ulong seed, string collection, long pointsDone) =>
        new(name, 0, (long)(seed & long.MaxValue), collection, pointsDone);

    /// <summary>The default checkpoint file for importing <paramref name="sourcePath"/> into <paramref name="collection"/>: under ./.vectron-import/.</summary>
    public static string DefaultPath(string sourcePath, string collection)
    {
        string full = File.Exists(sourcePath) ? Path.GetFullPath(sourcePath) : sourcePath;
        uint hash = Crc32C.Compute(Encoding.UTF8.GetBytes(full + "\n" + collection));
        string safeCollection = string.Concat(collection.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        return Path.Combine(".vectron-import", string.Create(CultureInfo.InvariantCulture, $"{safeCollection}-{Path.GetFileName(full)}-{hash:x8}.json"));
    }

    /// <summary>Whether this checkpoint was written for the same source file (unchanged) and collection.</summary>
    public bool Matches(ImportCheckpoint current) =>
        Source == current.Source && SourceLength == current.SourceLength && SourceModifiedTicks == current.SourceModifiedTicks && Collection == current.Collection;

    /// <summary>Reads a checkpoint; null when the file does not exist.</summary>
    /// <exception cref="InvalidDataException">The file is damaged or of another version; the message says how to start over.</exception>
    public static ImportCheckpoint? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.GetProperty("format").GetString() != FormatName)
            {
                throw new InvalidDataException("not an import checkpoint");
            }

            int version = root.GetProperty("version").GetInt32();
            if (version != Version)
            {
                throw new InvalidDataException($"version {version} (this vectron reads version {Version})");
            }

            var checkpoint = new ImportCheckpoint(
                root.GetProperty("source").GetString()!,
                root.GetProperty("source_length").GetInt64(),
                root.GetProperty("source_modified_ticks").GetInt64(),
                root.GetProperty("collection").GetString()!,
                root.GetProperty("points_done").GetInt64());
            if (root.GetProperty("crc32c").GetUInt32() != checkpoint.Checksum() || checkpoint.PointsDone < 0)
            {
                throw new InvalidDataException("checksum mismatch");
            }

            return checkpoint;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"import checkpoint {path} is damaged ({e.Message}); run again with --restart to import from the beginning");
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"import checkpoint {path} cannot be used ({e.Message}); run again with --restart to import from the beginning");
        }
    }

    /// <summary>Writes this checkpoint to <paramref name="path"/> atomically (temporary file, flush to disk, rename).</summary>
    public void Write(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                writer.WriteStartObject();
                writer.WriteString("format", FormatName);
                writer.WriteNumber("version", Version);
                writer.WriteString("source", Source);
                writer.WriteNumber("source_length", SourceLength);
                writer.WriteNumber("source_modified_ticks", SourceModifiedTicks);
                writer.WriteString("collection", Collection);
                writer.WriteNumber("points_done", PointsDone);
                writer.WriteNumber("crc32c", Checksum());
                writer.WriteEndObject();
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>CRC-32C of the fields joined by '\n' in file order (UTF-8, numbers in decimal).</summary>
    private uint Checksum() => Crc32C.Compute(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{Source}\n{SourceLength}\n{SourceModifiedTicks}\n{Collection}\n{PointsDone}")));
}
