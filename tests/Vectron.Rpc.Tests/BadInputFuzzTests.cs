using System.Net;
using Google.Protobuf;
using Vectron.Rpc.Protocol.Internal;
using Vectron.Rpc.Server;
using Vectron.Rpc.Wire;

namespace Vectron.Rpc.Tests;

/// <summary>Seeded random request bodies against Echo and Collect: every one gets a gRPC status (or a clean HTTP error), none hangs, the server survives.</summary>
public sealed class BadInputFuzzTests
{
    private const int Cases = 300;

    [Theory]
    [InlineData(1)]
    [InlineData(20261121)]
    public async Task RandomBytes_AndDamagedFrames_AlwaysGetAStatus_AndTheServerGoesOn(int seed)
    {
        var random = new Random(seed);
        await using var rpc = await RpcFixture.StartAsync(new RpcServerOptions { MaxReceiveMessageSize = 64 << 10 });
        using var raw = new RawGrpcClient(rpc.Server.Address);
        var sample = new EchoRequest { Text = "fuzz", Payload = ByteString.CopyFrom([.. Enumerable.Range(0, 40).Select(i => (byte)i)]) };
        byte[] plain = BadInputTests.Valid(sample);
        byte[] zipped = GrpcFrame.Encode(sample, compress: true, int.MaxValue);
        var seen = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Cases; i++)
        {
            string path = random.Next(2) == 0 ? BadInputTests.EchoPath : BadInputTests.CollectPath;
            bool gzip = random.Next(4) == 0;
            byte[] valid = gzip ? zipped : plain;
            int shape = random.Next(3);
            byte[] body = shape switch
            {
                0 => RandomBytes(random),
                1 => Truncate([.. valid, .. valid], random),
                _ => Damage(valid, random),
            };
            string what = $"seed {seed}, case {i}: {path}, gzip {gzip}, body {Convert.ToHexString(body)}";

            RawResponse? response = null;
            try
            {
                // The deadline bounds a delay_ms that damage may have produced.
                response = await raw.SendAsync(path, body, request =>
                {
                    request.Headers.TryAddWithoutValidation("grpc-timeout", "2S");
                    if (gzip)
                    {
                        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
                    }
                });
            }
            catch (OperationCanceledException)
            {
            }

            Assert.True(response is not null, $"{what}: no complete answer within {RawGrpcClient.RequestTimeout}");
            bool clean = response.Http == HttpStatusCode.OK
                ? response.Status is >= 0 and <= 16
                : (int)response.Http is >= 400 and < 600 && response.GrpcStatus is null;
            Assert.True(clean, $"{what}: {response}");
            string key = response.Http == HttpStatusCode.OK ? $"grpc {response.Status}" : $"http {(int)response.Http}";
            seen[key] = seen.GetValueOrDefault(key) + 1;
        }

        // The bodies reached the parser (some calls succeeded, some failed in it), rather than all failing the same way early.
        string summary = $"seed {seed}: " + string.Join(", ", seen.Select(pair => $"{pair.Key} x{pair.Value}"));
        Assert.True(seen.ContainsKey("grpc 0") && seen.ContainsKey("grpc 13"), summary);
        await BadInputTests.AssertStillServesAsync(rpc);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 65)];
        random.NextBytes(bytes);
        if (bytes.Length >= GrpcFrame.PrefixSize && random.Next(2) == 0)
        {
            // A plausible prefix: a valid flag and a length near the real one.
            bytes[0] = (byte)random.Next(2);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), (uint)random.Next(0, bytes.Length + 8));
        }

        return bytes;
    }

    private static byte[] Truncate(byte[] frames, Random random) => frames[..random.Next(0, frames.Length + 1)];

    private static byte[] Damage(byte[] frame, Random random)
    {
        byte[] damaged = [.. frame];
        for (int flips = random.Next(1, 4); flips > 0; flips--)
        {
            damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
        }

        return damaged;
    }
}
