using System.Text;
using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Server.Tests.Model;

public sealed class PointIdTests
{
    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("\"550e8400-e29b-41d4-a716-446655440000\"", "550e8400-e29b-41d4-a716-446655440000")]
    [InlineData("\"550E8400E29B41D4A716446655440000\"", "550e8400-e29b-41d4-a716-446655440000")]
    public void TryParse_AcceptsNumbersAndUuids_AndWritesCanonicalJson(string json, string canonical)
    {
        Assert.True(PointId.TryParse(Json(json), out PointId id, out string error), error);
        Assert.Equal(canonical, id.ToString());
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            id.WriteTo(writer);
        }

        string written = Encoding.UTF8.GetString(buffer.ToArray());
        Assert.Equal(id.Kind == PointIdKind.Number ? canonical : "\"" + canonical + "\"", written);
        Assert.Equal(id, PointId.Parse(Json(written), "id"));
    }

    [Theory]
    [InlineData("-1", "the number -1")]
    [InlineData("1.5", "the number 1.5")]
    [InlineData("18446744073709551616", "the number 18446744073709551616")]
    [InlineData("\"abc\"", "the string \"abc\"")]
    [InlineData("true", "a boolean")]
    [InlineData("null", "null")]
    [InlineData("[1]", "an array")]
    public void TryParse_RejectsOtherValues_WithAReason(string json, string expected)
    {
        Assert.False(PointId.TryParse(Json(json), out _, out string error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        var thrown = Assert.Throws<RequestException>(() => PointId.Parse(Json(json), "points[3].id"));
        Assert.StartsWith("points[3].id: ", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ordering_PutsNumbersBeforeUuids_AndUuidsInStringOrder()
    {
        var uuids = new[] { "ffffffff-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000001", "7fffffff-ffff-ffff-ffff-ffffffffffff", "80000000-0000-0000-0000-000000000000" }
            .Select(s => PointId.FromUuid(Guid.Parse(s))).ToList();
        var all = new List<PointId> { PointId.FromNumber(ulong.MaxValue), PointId.FromNumber(0), PointId.FromNumber(7) };
        all.AddRange(uuids);
        all.Sort();
        Assert.Equal(["0", "7", "18446744073709551615", "00000000-0000-0000-0000-000000000001", "7fffffff-ffff-ffff-ffff-ffffffffffff",
            "80000000-0000-0000-0000-000000000000", "ffffffff-0000-0000-0000-000000000000"], all.Select(id => id.ToString()));
        Assert.True(PointId.FromNumber(ulong.MaxValue) < uuids[1]);
    }

    [Fact]
    public void ShardOf_IsFnv1aOfTheCanonicalBytes()
    {
        // FNV-1a 64 of [0, 1, 0, 0, 0, 0, 0, 0, 0] (number 1), computed independently below.
        ulong expected = 0xcbf29ce484222325UL;
        foreach (byte b in new byte[] { 0, 1, 0, 0, 0, 0, 0, 0, 0 })
        {
            expected = (expected ^ b) * 0x100000001b3UL;
        }

        Assert.Equal((int)(expected % 7), PointId.FromNumber(1).ShardOf(7));
        Assert.Equal(0, PointId.FromNumber(12345).ShardOf(1));

        // The UUID's bytes are hashed big-endian after kind byte 1.
        var uuid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        ulong hash = 0xcbf29ce484222325UL;
        foreach (byte b in new byte[] { 1, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff })
        {
            hash = (hash ^ b) * 0x100000001b3UL;
        }

        Assert.Equal((int)(hash % 5), PointId.FromUuid(uuid).ShardOf(5));
    }

    [Fact]
    public void ShardOf_SpreadsIdsOverShards()
    {
        var counts = new int[8];
        for (ulong i = 0; i < 8000; i++)
        {
            counts[PointId.FromNumber(i).ShardOf(8)]++;
        }

        Assert.All(counts, count => Assert.InRange(count, 800, 1200));
    }
}
