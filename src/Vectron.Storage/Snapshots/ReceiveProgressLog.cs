using System.Buffers.Binary;
using Vectron.Checksums;
using Vectron.Storage.Files;

namespace Vectron.Storage.Snapshots;

/// <summary>
/// The durable progress of a snapshot receive: an append-only file of 16-byte records, each naming the stream offset
/// up to which every byte is synced to disk. The record is written and synced only after the bytes it covers are,
/// so the last valid record is a safe place to resume; a torn last record fails its checksum and is ignored.
/// </summary>
/// <remarks>Not thread-safe; owned by one <see cref="SnapshotReceiver"/>.</remarks>
internal sealed class ReceiveProgressLog : IDisposable
{
    public const int RecordLength = 16;

    private readonly IStorageFile _file;
    private uint _records;

    private ReceiveProgressLog(IStorageFile file, uint records, long offset)
    {
        _file = file;
        _records = records;
        Offset = offset;
    }

    /// <summary>The stream offset the last record names: every byte before it is durable.</summary>
    public long Offset { get; private set; }

    /// <summary>Creates an empty log (its name is durable once the caller syncs the directory).</summary>
    public static ReceiveProgressLog Create(IFileSystem fileSystem, string path) =>
        new(fileSystem.OpenFile(path, FileOpenMode.CreateNew), 0, 0);

    /// <summary>Opens a log, keeping its records up to the first invalid one and cutting off (durably) whatever follows.</summary>
    public static ReceiveProgressLog Open(IFileSystem fileSystem, string path)
    {
        var file = fileSystem.OpenFile(path, FileOpenMode.OpenExisting);
        try
        {
            long length = file.Length;
            uint records = 0;
            long offset = 0;
            Span<byte> record = stackalloc byte[RecordLength];
            while ((records + 1L) * RecordLength <= length)
            {
                if (file.Read(records * (long)RecordLength, record) != RecordLength || !TryDecode(record, records, offset, out long next))
                {
                    break;
                }

                offset = next;
                records++;
            }

            long valid = records * (long)RecordLength;
            if (length != valid)
            {
                file.SetLength(valid);
                file.Sync();
            }

            return new ReceiveProgressLog(file, records, offset);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Records that every stream byte before <paramref name="offset"/> is durable, and syncs the record.</summary>
    public void Append(long offset)
    {
        Span<byte> record = stackalloc byte[RecordLength];
        BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)offset);
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], _records);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], Crc32C.Compute(record[..12]));
        _file.Write(_records * (long)RecordLength, record);
        _file.Sync();
        _records++;
        Offset = offset;
    }

    public void Dispose() => _file.Dispose();

    private static bool TryDecode(ReadOnlySpan<byte> record, uint sequence, long previous, out long offset)
    {
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(record);
        offset = (long)value;
        return BinaryPrimitives.ReadUInt32LittleEndian(record[12..]) == Crc32C.Compute(record[..12])
            && BinaryPrimitives.ReadUInt32LittleEndian(record[8..]) == sequence
            && value <= long.MaxValue
            && offset > previous;
    }
}
