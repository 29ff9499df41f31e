using System.Globalization;

namespace Vectron.Storage.Snapshots;

/// <summary>Constants and names of the snapshot format, version 1 (described byte by byte in docs/formats/snapshot.md).</summary>
internal static class SnapshotFormat
{
    /// <summary>"VXSNAPMF" in ASCII.</summary>
    public static ReadOnlySpan<byte> Magic => "VXSNAPMF"u8;

    public const uint Version = 1;

    public const int HeaderLength = 48;

    /// <summary>Bytes 0 … 43 are under the header checksum stored at 44.</summary>
    public const int HeaderChecksumOffset = 44;

    public const int TrailerLength = 4;

    /// <summary>The smallest manifest: a header, no files, the trailing checksum.</summary>
    public const int MinManifestLength = HeaderLength + TrailerLength;

    public const int MaxManifestLength = 16 << 20;

    public const int MaxFileCount = 65_536;

    public const int MaxNameLength = 255;

    /// <summary>Per file: name length (2), size (8), checksum (4), plus the name.</summary>
    public const int EntryFixedLength = 14;

    public const string ManifestFileName = "MANIFEST";

    public const string ProgressFileName = "PROGRESS";

    public const string ReceiveDataDirectoryName = "data";

    private const string Prefix = "snapshot-";
    private const string WritingSuffix = ".tmp";
    private const string ReceivingSuffix = ".receiving";
    private const int NumberDigits = 20;

    /// <summary>The name of a directory of the given kind for a snapshot: <c>snapshot-&lt;index&gt;-&lt;term&gt;</c> plus a suffix, numbers in 20 decimal digits.</summary>
    public static string DirectoryName(ulong index, ulong term, SnapshotDirectoryKind kind = SnapshotDirectoryKind.Committed)
    {
        string name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{index:D20}-{term:D20}");
        return kind switch
        {
            SnapshotDirectoryKind.Committed => name,
            SnapshotDirectoryKind.Writing => name + WritingSuffix,
            SnapshotDirectoryKind.Receiving => name + ReceivingSuffix,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown directory kind"),
        };
    }

    /// <summary>Recognises the names <see cref="DirectoryName"/> produces; anything else in the store's directory is not the store's.</summary>
    public static bool TryParseDirectoryName(string name, out ulong index, out ulong term, out SnapshotDirectoryKind kind)
    {
        index = 0;
        term = 0;
        kind = SnapshotDirectoryKind.Committed;
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = name.AsSpan(Prefix.Length);
        int numbersLength = (2 * NumberDigits) + 1;
        if (rest.Length < numbersLength || rest[NumberDigits] != '-')
        {
            return false;
        }

        var suffix = rest[numbersLength..];
        if (suffix.IsEmpty)
        {
            kind = SnapshotDirectoryKind.Committed;
        }
        else if (suffix.SequenceEqual(WritingSuffix))
        {
            kind = SnapshotDirectoryKind.Writing;
        }
        else if (suffix.SequenceEqual(ReceivingSuffix))
        {
            kind = SnapshotDirectoryKind.Receiving;
        }
        else
        {
            return false;
        }

        return TryParseNumber(rest[..NumberDigits], out index) && TryParseNumber(rest.Slice(NumberDigits + 1, NumberDigits), out term);
    }

    private static bool TryParseNumber(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        foreach (char c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
