using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>
/// A point's id: an unsigned 64-bit number or a UUID (Qdrant's two id kinds). Ordered numbers first,
/// then UUIDs, each by value (a UUID by its 16 bytes read big-endian, which is the order of its
/// canonical string): that is scroll order.
/// </summary>
public readonly record struct PointId : IComparable<PointId>
{
    private readonly ulong _high;
    private readonly ulong _low;

    private PointId(PointIdKind kind, ulong high, ulong low)
    {
        Kind = kind;
        _high = high;
        _low = low;
    }

    /// <summary>Which kind of id this is.</summary>
    public PointIdKind Kind { get; }

    /// <summary>The number of a <see cref="PointIdKind.Number"/> id.</summary>
    /// <exception cref="InvalidOperationException">The id is a UUID.</exception>
    public ulong Number => Kind == PointIdKind.Number ? _low : throw new InvalidOperationException("The point id is a UUID, not a number.");

    /// <summary>The UUID of a <see cref="PointIdKind.Uuid"/> id.</summary>
    /// <exception cref="InvalidOperationException">The id is a number.</exception>
    public Guid Uuid
    {
        get
        {
            if (Kind != PointIdKind.Uuid)
            {
                throw new InvalidOperationException("The point id is a number, not a UUID.");
            }

            Span<byte> bytes = stackalloc byte[16];
            WriteUuidBytes(bytes);
            return new Guid(bytes, bigEndian: true);
        }
    }

    /// <summary>A number id.</summary>
    public static PointId FromNumber(ulong number) => new(PointIdKind.Number, 0, number);

    /// <summary>A UUID id.</summary>
    public static PointId FromUuid(Guid uuid)
    {
        Span<byte> bytes = stackalloc byte[16];
        uuid.TryWriteBytes(bytes, bigEndian: true, out _);
        return FromUuidBytes(bytes);
    }

    /// <summary>A UUID id from its 16 bytes in RFC 4122 (big-endian) order.</summary>
    public static PointId FromUuidBytes(ReadOnlySpan<byte> bytes) =>
        new(PointIdKind.Uuid, BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));

    /// <summary>Writes the UUID's 16 bytes in RFC 4122 (big-endian) order.</summary>
    public void WriteUuidBytes(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
    }

    /// <summary>
    /// Reads an id from JSON: a non-negative integer below 2⁶⁴, or a string holding a UUID (any form
    /// <see cref="Guid.TryParse(string?, out Guid)"/> reads). Returns false with a reason otherwise.
    /// </summary>
    public static bool TryParse(JsonElement json, out PointId id, out string error)
    {
        id = default;
        switch (json.ValueKind)
        {
            case JsonValueKind.Number:
                if (json.TryGetUInt64(out ulong number))
                {
                    id = FromNumber(number);
                    error = string.Empty;
                    return true;
                }

                error = "expected an unsigned integer or a UUID string, got the number " + json.GetRawText();
                return false;
            case JsonValueKind.String:
                if (Guid.TryParse(json.GetString(), out Guid uuid))
                {
                    id = FromUuid(uuid);
                    error = string.Empty;
                    return true;
                }

                error = "expected an unsigned integer or a UUID string, got the string \"" + json.GetString() + "\"";
                return false;
            default:
                error = "expected an unsigned integer or a UUID string, got " + JsonKinds.Describe(json.ValueKind);
                return false;
        }
    }

    /// <summary>Reads an id from JSON or throws a <see cref="RequestException"/> naming <paramref name="path"/>.</summary>
    public static PointId Parse(JsonElement json, string path) =>
        TryParse(json, out PointId id, out string error) ? id : throw RequestException.At(path, error);

    /// <summary>Writes the id as JSON: a number, or the UUID's lower-case hyphenated string.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (Kind == PointIdKind.Number)
        {
            writer.WriteNumberValue(_low);
        }
        else
        {
            writer.WriteStringValue(ToString());
        }
    }

    /// <summary>
    /// The shard (0 ≤ result &lt; <paramref name="shardCount"/>) that owns this id: FNV-1a (64-bit)
    /// over the id's canonical bytes, modulo the shard count (see <c>docs/formats/shard.md</c>).
    /// </summary>
    public int ShardOf(int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        Span<byte> bytes = stackalloc byte[17];
        int length = WriteCanonical(bytes);
        return (int)(Fnv1a(bytes[..length]) % (ulong)shardCount);
    }

    /// <summary>
    /// Writes the canonical bytes (kind byte 0 + 8-byte little-endian number, or kind byte 1 + 16 UUID
    /// bytes big-endian) into <paramref name="destination"/> (at least 17 bytes) and returns their length.
    /// </summary>
    public int WriteCanonical(Span<byte> destination)
    {
        destination[0] = (byte)Kind;
        if (Kind == PointIdKind.Number)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[1..], _low);
            return 9;
        }

        WriteUuidBytes(destination[1..]);
        return 17;
    }

    /// <inheritdoc />
    public int CompareTo(PointId other)
    {
        int byKind = Kind.CompareTo(other.Kind);
        if (byKind != 0)
        {
            return byKind;
        }

        int byHigh = _high.CompareTo(other._high);
        return byHigh != 0 ? byHigh : _low.CompareTo(other._low);
    }

    /// <summary>Whether <paramref name="left"/> sorts before <paramref name="right"/>.</summary>
    public static bool operator <(PointId left, PointId right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> sorts after <paramref name="right"/>.</summary>
    public static bool operator >(PointId left, PointId right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> sorts before or equals <paramref name="right"/>.</summary>
    public static bool operator <=(PointId left, PointId right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> sorts after or equals <paramref name="right"/>.</summary>
    public static bool operator >=(PointId left, PointId right) => left.CompareTo(right) >= 0;

    /// <summary>The number in decimal, or the UUID lower-case and hyphenated.</summary>
    public override string ToString() =>
        Kind == PointIdKind.Number ? _low.ToString(CultureInfo.InvariantCulture) : Uuid.ToString("D");

    internal static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 0xcbf29ce484222325UL;
        foreach (byte b in bytes)
        {
            hash ^= b;
            hash *= 0x100000001b3UL;
        }

        return hash;
    }

}
