using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>Strict reader of the shard's binary formats: any byte that does not fit throws <see cref="InvalidDataException"/> naming what was read.</summary>
internal ref struct ShardBinaryReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; private set; }

    public readonly int Remaining => _data.Length - Position;

    public byte Byte(string what) => Take(1, what)[0];

    public uint UInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public int Int32(string what) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, what));

    public ulong UInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    public long Int64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));

    /// <summary>A u32 count that must be plausible: at least <paramref name="minBytesEach"/> bytes each must remain.</summary>
    public int Count(string what, int minBytesEach)
    {
        uint count = UInt32(what);
        if (count > int.MaxValue || (long)count * Math.Max(1, minBytesEach) > Remaining)
        {
            throw new InvalidDataException($"{what}: count {count} does not fit the {Remaining} bytes left at offset {Position}.");
        }

        return (int)count;
    }

    public ReadOnlySpan<byte> LengthPrefixed(string what)
    {
        uint length = UInt32(what + " length");
        if (length > Remaining)
        {
            throw new InvalidDataException($"{what}: length {length} exceeds the {Remaining} bytes left at offset {Position}.");
        }

        return Take((int)length, what);
    }

    public string String(string what)
    {
        ReadOnlySpan<byte> bytes = LengthPrefixed(what);
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException($"{what}: not valid UTF-8 (offset {Position - bytes.Length}).");
        }
    }

    public PointId PointId(string what)
    {
        byte kind = Byte(what + " kind");
        return kind switch
        {
            0 => Model.PointId.FromNumber(BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what))),
            1 => Model.PointId.FromUuidBytes(Take(16, what)),
            _ => throw new InvalidDataException($"{what}: unknown id kind {kind} at offset {Position - 1}."),
        };
    }

    public float[] Vector(string what) => Floats(Count(what + " dimension", 4), what);

    /// <summary><paramref name="count"/> floats without a length, little endian.</summary>
    public float[] Floats(int count, string what)
    {
        ReadOnlySpan<byte> bytes = Take(count * 4, what);
        var vector = new float[count];
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(vector.AsSpan()));
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
            }
        }

        return vector;
    }

    public JsonElement? Json(string what) => Json(what, checkStrings: false);

    /// <summary>
    /// JSON whose strings and member names must all be valid UTF-16: a payload or filter a command
    /// carries (reading an unpaired surrogate escape throws, so one stored would break later applies).
    /// </summary>
    public JsonElement? CheckedJson(string what) => Json(what, checkStrings: true);

    private JsonElement? Json(string what, bool checkStrings)
    {
        uint length = UInt32(what + " length");
        if (length == uint.MaxValue)
        {
            return null;
        }

        if (length > Remaining)
        {
            throw new InvalidDataException($"{what}: length {length} exceeds the {Remaining} bytes left at offset {Position}.");
        }

        int start = Position;
        ReadOnlySpan<byte> bytes = Take((int)length, what);
        try
        {
            // Duplicate member names are refused: editing such a payload later (set_payload) would
            // fail on every replica, so it must never be stored.
            using JsonDocument document = JsonDocument.Parse(bytes.ToArray(), new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = PayloadPaths.MaxDepth });
            if (checkStrings && JsonStrings.MayHoldSurrogateEscape(bytes) && JsonStrings.FindInvalid(document.RootElement, what) is { } bad)
            {
                throw new InvalidDataException($"{bad}: {JsonStrings.Problem}");
            }

            return document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{what}: malformed JSON at offset {start}: {error.Message}");
        }
        catch (InvalidOperationException)
        {
            // The duplicate-name check reads every member name: an unpaired surrogate escape in one throws.
            throw new InvalidDataException($"{what}: a member name at offset {start} is not valid UTF-16 (an unpaired surrogate escape such as \\ud800)");
        }
    }

    public Filter Filter(string what)
    {
        JsonElement? json = CheckedJson(what);
        if (json is not { } value)
        {
            throw new InvalidDataException($"{what}: missing.");
        }

        try
        {
            return Model.Filter.Parse(value, what);
        }
        catch (RequestException error)
        {
            throw new InvalidDataException($"{what}: not a valid filter: {error.Message}");
        }
    }

    public ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count < 0 || count > Remaining)
        {
            throw new InvalidDataException($"{what}: needs {count} bytes at offset {Position}, only {Remaining} left.");
        }

        ReadOnlySpan<byte> slice = _data.Slice(Position, count);
        Position += count;
        return slice;
    }
}
