using System.Buffers.Binary;
using System.Text;

namespace Vectron.Simulation;

/// <summary>
/// The bytes the simulated clients and <see cref="KeyValueStateMachine"/> exchange through Raft. A command is a write
/// (<c>1, key length u16, key, value</c>) or a compare-and-set (<c>2, key length u16, key, has-expected u8,
/// expected length u16, expected, value</c>); strings are UTF-8, lengths little-endian. A write returns <c>[1]</c>, a
/// compare-and-set <c>[1]</c> when it wrote and <c>[0]</c> when not. A read's query is the key's bytes; its answer is
/// <c>[0]</c> for absent or <c>[1]</c> followed by the value.
/// </summary>
internal static class KeyValueCodec
{
    private const byte WriteTag = 1;
    private const byte CompareAndSetTag = 2;

    /// <summary>A decoded command.</summary>
    /// <param name="Key">The key.</param>
    /// <param name="Value">The value to write.</param>
    /// <param name="IsCompareAndSet">Whether the write is conditional.</param>
    /// <param name="Expected">The value a compare-and-set expects (<see langword="null"/>: absent).</param>
    public readonly record struct Command(string Key, string Value, bool IsCompareAndSet, string? Expected);

    /// <summary>An unconditional write.</summary>
    public static byte[] Write(string key, string value) => Encode(WriteTag, key, value, hasExpected: false, expected: null);

    /// <summary>A compare-and-set (<paramref name="expected"/> <see langword="null"/>: the key must be absent).</summary>
    public static byte[] CompareAndSet(string key, string? expected, string value) =>
        Encode(CompareAndSetTag, key, value, expected is not null, expected);

    /// <summary>A read's query.</summary>
    public static byte[] Read(string key) => Encoding.UTF8.GetBytes(key);

    /// <summary>Decodes a command.</summary>
    /// <exception cref="FormatException">The bytes are not a command.</exception>
    public static Command Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 3 || bytes[0] is not (WriteTag or CompareAndSetTag))
        {
            throw new FormatException("not a key-value command");
        }

        int keyLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[1..]);
        string key = Encoding.UTF8.GetString(bytes.Slice(3, keyLength));
        var rest = bytes[(3 + keyLength)..];
        if (bytes[0] == WriteTag)
        {
            return new Command(key, Encoding.UTF8.GetString(rest), false, null);
        }

        bool hasExpected = rest[0] != 0;
        int expectedLength = BinaryPrimitives.ReadUInt16LittleEndian(rest[1..]);
        string? expected = hasExpected ? Encoding.UTF8.GetString(rest.Slice(3, expectedLength)) : null;
        return new Command(key, Encoding.UTF8.GetString(rest[(3 + expectedLength)..]), true, expected);
    }

    /// <summary>The answer to a read of a key holding <paramref name="value"/> (<see langword="null"/>: absent).</summary>
    public static byte[] ReadResult(string? value)
    {
        if (value is null)
        {
            return [0];
        }

        var bytes = new byte[1 + Encoding.UTF8.GetByteCount(value)];
        bytes[0] = 1;
        Encoding.UTF8.GetBytes(value, bytes.AsSpan(1));
        return bytes;
    }

    /// <summary>The value a read's answer carries (<see langword="null"/>: absent).</summary>
    public static string? DecodeReadResult(ReadOnlySpan<byte> bytes) =>
        bytes.Length > 0 && bytes[0] == 1 ? Encoding.UTF8.GetString(bytes[1..]) : null;

    private static byte[] Encode(byte tag, string key, string value, bool hasExpected, string? expected)
    {
        byte[] keyBytes = Encoding.UTF8.GetBytes(key);
        byte[] valueBytes = Encoding.UTF8.GetBytes(value);
        byte[] expectedBytes = expected is null ? [] : Encoding.UTF8.GetBytes(expected);
        int size = 3 + keyBytes.Length + valueBytes.Length + (tag == CompareAndSetTag ? 3 + expectedBytes.Length : 0);
        var bytes = new byte[size];
        bytes[0] = tag;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(1), (ushort)keyBytes.Length);
        keyBytes.CopyTo(bytes.AsSpan(3));
        int at = 3 + keyBytes.Length;
        if (tag == CompareAndSetTag)
        {
            bytes[at] = hasExpected ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 1), (ushort)expectedBytes.Length);
            expectedBytes.CopyTo(bytes.AsSpan(at + 3));
            at += 3 + expectedBytes.Length;
        }

        valueBytes.CopyTo(bytes.AsSpan(at));
        return bytes;
    }
}
