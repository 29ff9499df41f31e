using System.Text;

namespace Vectron.Storage.Snapshots;

/// <summary>The rules for the names of the files in a snapshot: one plain name inside the snapshot's directory, never a path.</summary>
internal static class SnapshotFileName
{
    /// <summary>Why <paramref name="name"/> cannot name a snapshot file, or null when it can.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return "a file name must not be empty";
        }

        if (name.Contains("..", StringComparison.Ordinal) || name == ".")
        {
            return $"the file name '{Printable(name)}' must not be '.' or contain '..'";
        }

        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (c is '/' or '\\')
            {
                return $"the file name '{Printable(name)}' must not contain a path separator";
            }

            if (char.IsControl(c))
            {
                return $"the file name '{Printable(name)}' must not contain control characters";
            }

            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"the file name '{Printable(name)}' is not valid UTF-16";
            }
        }

        if (string.Equals(name, SnapshotFormat.ManifestFileName, StringComparison.OrdinalIgnoreCase))
        {
            return $"the file name '{name}' is reserved for the manifest";
        }

        int bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > SnapshotFormat.MaxNameLength)
        {
            return $"the file name '{Printable(name)}' is {bytes} bytes of UTF-8; at most {SnapshotFormat.MaxNameLength} are allowed";
        }

        return null;
    }

    private static string Printable(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            builder.Append(char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
        }

        return builder.ToString();
    }
}
