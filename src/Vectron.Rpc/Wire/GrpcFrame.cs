using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;

namespace Vectron.Rpc.Wire;

/// <summary>
/// gRPC's length-prefixed messages (docs/formats/rpc.md): a compressed flag (1 byte, 0 or 1), the message length
/// (4 bytes, big-endian), then the protobuf bytes, gzip-compressed when the flag is 1.
/// </summary>
public static class GrpcFrame
{
    /// <summary>The size of the prefix before each message.</summary>
    public const int PrefixSize = 5;

    /// <summary>
    /// Writes one message and flushes. A message larger than <paramref name="maxSize"/> is refused with
    /// <see cref="RpcStatusCode.ResourceExhausted"/> before anything is written.
    /// </summary>
    public static async ValueTask WriteAsync(PipeWriter writer, IMessage message, bool compress, int maxSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(message);
        if (compress)
        {
            writer.Write(Encode(message, compress: true, maxSize));
        }
        else
        {
            int size = CheckedSize(message, maxSize);
            var span = writer.GetSpan(PrefixSize + size);
            span[0] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)size);
            message.WriteTo(span.Slice(PrefixSize, size));
            writer.Advance(PrefixSize + size);
        }

        var flushed = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flushed.IsCanceled)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>One message framed in a new array (for a request body sent whole).</summary>
    public static byte[] Encode(IMessage message, bool compress, int maxSize)
    {
        ArgumentNullException.ThrowIfNull(message);
        int size = CheckedSize(message, maxSize);
        if (compress)
        {
            byte[] compressed = Gzip(message.ToByteArray());
            var framed = new byte[PrefixSize + compressed.Length];
            framed[0] = 1;
            BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)compressed.Length);
            compressed.CopyTo(framed.AsSpan(PrefixSize));
            return framed;
        }

        var bytes = new byte[PrefixSize + size];
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), (uint)size);
        message.WriteTo(bytes.AsSpan(PrefixSize));
        return bytes;
    }

    /// <summary>
    /// Reads the next message, or null when the stream ended cleanly between messages. Throws <see cref="RpcException"/>:
    /// <see cref="RpcStatusCode.ResourceExhausted"/> for a message over <paramref name="maxSize"/> (compressed or not),
    /// <see cref="RpcStatusCode.Internal"/> for a bad flag, a compressed message when no compression was negotiated, a
    /// stream that ends inside a message, or bytes that are not the expected message.
    /// </summary>
    public static async ValueTask<T?> ReadAsync<T>(PipeReader reader, MessageParser<T> parser, int maxSize, bool gzipNegotiated, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(parser);
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                reader.AdvanceTo(buffer.Start);
                throw new OperationCanceledException("the read was cancelled");
            }

            if (buffer.Length >= PrefixSize)
            {
                var (flag, length) = ReadPrefix(buffer);
                if (flag > 1)
                {
                    reader.AdvanceTo(buffer.Start);
                    throw new RpcException(RpcStatusCode.Internal, $"invalid message prefix: compressed flag {flag} (must be 0 or 1)");
                }

                if (length > (uint)maxSize)
                {
                    reader.AdvanceTo(buffer.Start);
                    throw new RpcException(RpcStatusCode.ResourceExhausted, $"received message larger than max ({length} vs. {maxSize} bytes)");
                }

                if (flag == 1 && !gzipNegotiated)
                {
                    reader.AdvanceTo(buffer.Start);
                    throw new RpcException(RpcStatusCode.Internal, "a message is marked compressed but no grpc-encoding was negotiated");
                }

                if (buffer.Length >= PrefixSize + length)
                {
                    var body = buffer.Slice(PrefixSize, length);
                    try
                    {
                        return flag == 1 ? parser.ParseFrom(Gunzip(body, maxSize)) : parser.ParseFrom(body);
                    }
                    catch (InvalidProtocolBufferException exception)
                    {
                        throw new RpcException(RpcStatusCode.Internal, $"failed to parse {typeof(T).Name}: {exception.Message}", [], exception);
                    }
                    catch (InvalidDataException exception)
                    {
                        throw new RpcException(RpcStatusCode.Internal, $"failed to decompress {typeof(T).Name}: {exception.Message}", [], exception);
                    }
                    finally
                    {
                        reader.AdvanceTo(body.End);
                    }
                }
            }

            if (result.IsCompleted)
            {
                long have = buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (have == 0)
                {
                    return null;
                }

                throw new RpcException(RpcStatusCode.Internal, $"incomplete message: the stream ended {have} bytes into a frame");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static int CheckedSize(IMessage message, int maxSize)
    {
        int size = message.CalculateSize();
        return size <= maxSize ? size : throw new RpcException(RpcStatusCode.ResourceExhausted, $"sending message larger than max ({size} vs. {maxSize} bytes)");
    }

    private static (byte Flag, uint Length) ReadPrefix(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> prefix = stackalloc byte[PrefixSize];
        buffer.Slice(0, PrefixSize).CopyTo(prefix);
        return (prefix[0], BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]));
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Gunzip(ReadOnlySequence<byte> compressed, int maxSize)
    {
        using var input = new MemoryStream(compressed.ToArray());
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = new byte[16 << 10];
        int read;
        while ((read = gzip.Read(chunk)) > 0)
        {
            if (output.Length + read > maxSize)
            {
                throw new RpcException(RpcStatusCode.ResourceExhausted, $"received message larger than max after decompression (over {maxSize} bytes)");
            }

            output.Write(chunk, 0, read);
        }

        return output.ToArray();
    }
}
