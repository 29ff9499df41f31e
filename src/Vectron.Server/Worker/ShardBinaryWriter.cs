using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>Little-endian primitives of the shard's binary formats (docs/formats/shard.md).</summary>
internal sealed class ShardBinaryWriter(ArrayBufferWriter<byte> buffer)
{
    public ArrayBufferWriter<byte> Buffer { get; } = buffer;

    public void Byte(byte value)
    {
        Buffer.GetSpan(1)[0] = value;
        Buffer.Advance(1);
    }

    public void UInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(Buffer.GetSpan(4), value);
        Buffer.Advance(4);
    }

    public void Int32(int value) => UInt32((uint)value);

    public void UInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(Buffer.GetSpan(8), value);
        Buffer.Advance(8);
    }

    public void Int64(long value) => UInt64((ulong)value);

    public void Bytes(ReadOnlySpan<byte> bytes) => Buffer.Write(bytes);

    public void LengthPrefixed(ReadOnlySpan<byte> bytes)
    {
        UInt32((uint)bytes.Length);
        Bytes(bytes);
    }

    public void String(string value) => LengthPrefixed(Encoding.UTF8.GetBytes(value));

    public void PointId(PointId id)
    {
        Span<byte> bytes = stackalloc byte[17];
        Bytes(bytes[..id.WriteCanonical(bytes)]);
    }

    public void Vector(ReadOnlySpan<float> vector)
    {
        UInt32((uint)vector.Length);
        Floats(vector);
    }

    /// <summary>The floats without a length, little endian.</summary>
    public void Floats(ReadOnlySpan<float> values)
    {
        Span<byte> span = Buffer.GetSpan(values.Length * 4);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(span);
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[(i * 4)..], values[i]);
            }
        }

        Buffer.Advance(values.Length * 4);
    }

    /// <summary>JSON as UTF-8 with a u32 length; 0xFFFFFFFF for absent.</summary>
    public void Json(JsonElement? json)
    {
        if (json is not { } value || value.ValueKind == JsonValueKind.Undefined)
        {
            UInt32(uint.MaxValue);
            return;
        }

        // The value's own text (as the client sent it), so strings keep their characters unescaped.
        LengthPrefixed(Encoding.UTF8.GetBytes(value.GetRawText()));
    }

    public void Filter(Filter filter) => LengthPrefixed(filter.ToUtf8Json());
}
