namespace Vectron.Storage.Files;

/// <summary>Durable compositions of <see cref="IFileSystem"/> operations.</summary>
public static class FileSystemExtensions
{
    /// <summary>
    /// Creates a directory and any missing ancestors, then syncs the parent of each one created: a new directory's
    /// name is durable only once its parent is synced, and that parent may be new as well.
    /// </summary>
    public static void CreateDirectoryDurably(this IFileSystem fileSystem, string directory)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        var missing = new List<string>();
        for (string? path = directory; !string.IsNullOrEmpty(path) && !fileSystem.DirectoryExists(path); path = Path.GetDirectoryName(path))
        {
            missing.Add(Path.TrimEndingDirectorySeparator(path));
        }

        if (missing.Count == 0)
        {
            return;
        }

        fileSystem.CreateDirectory(directory);
        foreach (string created in missing)
        {
            string? parent = Path.GetDirectoryName(created);
            if (!string.IsNullOrEmpty(parent))
            {
                fileSystem.SyncDirectory(parent);
            }
        }
    }
}
