using System.Globalization;
using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>
/// Finds JSON strings and member names that are not valid UTF-16. JSON may escape a lone surrogate
/// (<c>"\ud800"</c>); <see cref="JsonDocument"/> parses it, but reading the string later throws
/// <see cref="InvalidOperationException"/> — inside a shard's Apply that stops the Raft group, and a
/// replay of the same entry stops it again — so such text is refused where it enters.
/// </summary>
internal static class JsonStrings
{
    /// <summary>The problem reported for such a string.</summary>
    public const string Problem = "a string is not valid UTF-16 (an unpaired surrogate escape such as \\ud800)";

    /// <summary>
    /// Whether UTF-8 JSON text may hold an escaped surrogate (<c>\uD800</c>–<c>\uDFFF</c>); when it
    /// does not, every string in it is valid (raw surrogate bytes are not UTF-8, so the parser refuses them).
    /// </summary>
    public static bool MayHoldSurrogateEscape(ReadOnlySpan<byte> utf8Json)
    {
        int at = 0;
        while (true)
        {
            int found = utf8Json[at..].IndexOf("\\u"u8);
            if (found < 0)
            {
                return false;
            }

            at += found + 2;
            if (utf8Json.Length - at >= 2 && (utf8Json[at] | 0x20) == 'd' && IsSurrogateSecondDigit(utf8Json[at + 1]))
            {
                return true;
            }
        }
    }

    /// <summary>The path (below <paramref name="path"/>) of the first string or member name in <paramref name="element"/> that is not valid UTF-16, or <see langword="null"/>.</summary>
    public static string? FindInvalid(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsValid(element) ? null : path;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (FindInvalid(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]")) is { } bad)
                    {
                        return bad;
                    }

                    i++;
                }

                return null;
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return Join(path, "(a member name)");
                    }

                    if (FindInvalid(property.Value, Join(path, name)) is { } bad)
                    {
                        return bad;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// The first object member name in <paramref name="element"/> that its object repeats, with the
    /// path of that object, or <see langword="null"/>. The strings must be valid (see <see cref="FindInvalid"/>).
    /// </summary>
    public static (string Path, string Name)? FindDuplicateName(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (FindDuplicateName(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]")) is { } repeated)
                    {
                        return repeated;
                    }

                    i++;
                }

                return null;
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if (!names.Add(property.Name))
                    {
                        return (path.Length == 0 ? "body" : path, property.Name);
                    }

                    if (FindDuplicateName(property.Value, Join(path, property.Name)) is { } repeated)
                    {
                        return repeated;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>Throws a <see cref="RequestException"/> naming the first invalid string below <paramref name="path"/>.</summary>
    public static void Check(JsonElement element, string path)
    {
        if (FindInvalid(element, path) is { } bad)
        {
            throw RequestException.At(bad, Problem);
        }
    }

    private static bool IsValid(JsonElement value)
    {
        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsSurrogateSecondDigit(byte digit) => digit is (byte)'8' or (byte)'9' || (digit | 0x20) is >= 'a' and <= 'f';

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
