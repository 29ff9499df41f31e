using Vectron.Server.Model;
using Vectron.Server.Worker;

namespace Vectron.Server.Tests.Worker;

public sealed class ShardCommandCodecTests
{
    private static readonly Filter SomeFilter = Filter.Parse("""{"must": [{"key": "a.b[]", "range": {"gte": 1.5}}], "should": [{"has_id": [1, "550e8400-e29b-41d4-a716-446655440000"]}]}""");

    public static TheoryData<string> Commands() => [.. AllCommands().Keys];

    private static Dictionary<string, ShardCommand> AllCommands()
    {
        var uuid = PointId.FromUuid(Guid.Parse("550e8400-e29b-41d4-a716-446655440000"));
        return new Dictionary<string, ShardCommand>
        {
            ["upsert"] = new UpsertPoints([
                new PointWrite(PointId.FromNumber(7), [1.5f, -0f, float.Epsilon], ShardHarness.Json("""{"a": {"b": [1, "x", null]}, "ü": "ß"}""")),
                new PointWrite(uuid, [0f, 1f, 2f], null)]),
            ["upsert-empty"] = new UpsertPoints([]),
            ["delete"] = new DeletePoints([PointId.FromNumber(ulong.MaxValue), uuid]),
            ["delete-by-filter"] = new DeletePointsByFilter(SomeFilter),
            ["set"] = new SetPayload(PointSelector.ForIds([PointId.FromNumber(1)]), ShardHarness.Json("""{"k": [1, 2]}""")),
            ["set-key"] = new SetPayload(PointSelector.ForFilter(SomeFilter), ShardHarness.Json("""{"k": 1}"""), "a.b"),
            ["overwrite"] = new OverwritePayload(PointSelector.ForIds([uuid]), ShardHarness.Json("{}")),
            ["delete-keys"] = new DeletePayloadKeys(PointSelector.ForFilter(Filter.Empty), ["a", "b.c[]"]),
            ["clear"] = new ClearPayload(PointSelector.ForIds([])),
            ["create-index"] = new CreatePayloadIndex("country.cities[].name", PayloadSchemaType.Datetime),
            ["delete-index"] = new DeletePayloadIndex("x"),
            ["reconfigure"] = new ReconfigureIndex(12, 80, ShardQuantization.Int8, false),
        };
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Command_RoundTrips_ByteForByte(string name)
    {
        ShardCommand command = AllCommands()[name];
        byte[] bytes = ShardCommandCodec.Encode(command);
        ShardCommand decoded = ShardCommandCodec.Decode(bytes);
        Assert.Equal(command.Kind, decoded.Kind);
        Assert.Equal(command.GetType(), decoded.GetType());
        Assert.Equal(bytes, ShardCommandCodec.Encode(decoded));
    }

    [Fact]
    public void Upsert_RoundTripsEveryField()
    {
        var command = (UpsertPoints)AllCommands()["upsert"];
        var decoded = (UpsertPoints)ShardCommandCodec.Decode(ShardCommandCodec.Encode(command));
        Assert.Equal(2, decoded.Points.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(command.Points[i].Id, decoded.Points[i].Id);
            Assert.Equal(command.Points[i].Vector, decoded.Points[i].Vector);
            Assert.Equal(command.Points[i].Payload?.GetRawText(), decoded.Points[i].Payload?.GetRawText());
        }

        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(decoded.Points[0].Vector[1]));
        var set = (SetPayload)ShardCommandCodec.Decode(ShardCommandCodec.Encode(AllCommands()["set-key"]));
        Assert.Equal("a.b", set.Key);
        Assert.Equal(SomeFilter.ToString(), set.Selector.Filter!.ToString());
        var index = (CreatePayloadIndex)ShardCommandCodec.Decode(ShardCommandCodec.Encode(AllCommands()["create-index"]));
        Assert.Equal(("country.cities[].name", PayloadSchemaType.Datetime), (index.Field, index.Schema));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Decode_RejectsEveryFlippedBitAndEveryTruncation(string name)
    {
        byte[] bytes = ShardCommandCodec.Encode(AllCommands()[name]);
        for (int i = 0; i < bytes.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] damaged = (byte[])bytes.Clone();
                damaged[i] ^= (byte)(1 << bit);
                Assert.False(ShardCommandCodec.TryDecode(damaged, out _, out string error), $"byte {i} bit {bit}");
                Assert.False(string.IsNullOrEmpty(error));
            }
        }

        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.False(ShardCommandCodec.TryDecode(bytes.AsSpan(0, length), out _, out _), $"length {length}");
        }
    }

    [Fact]
    public void Decode_NamesWhatIsWrong_EvenWhenTheChecksumIsRight()
    {
        Assert.Contains("unsupported version 9", Reencoded(b => b[0] = 9), StringComparison.Ordinal);
        Assert.Contains("unknown kind 77", Reencoded(b => b[1] = 77), StringComparison.Ordinal);
        Assert.Contains("CRC-32C mismatch", Error(Damaged(ShardCommandCodec.Encode(new DeletePayloadIndex("x")), 3)), StringComparison.Ordinal);
        Assert.Contains("unexpected bytes after", Error(WithCrc([1, (byte)ShardCommandKind.DeletePayloadIndex, 1, 0, 0, 0, (byte)'x', 0])), StringComparison.Ordinal);
        Assert.Contains("count 1000", Error(WithCrc([1, (byte)ShardCommandKind.DeletePoints, 0xE8, 3, 0, 0, 0])), StringComparison.Ordinal);
        Assert.Contains("unknown id kind 5", Error(WithCrc([1, (byte)ShardCommandKind.DeletePoints, 1, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0])), StringComparison.Ordinal);

        static string Reencoded(Action<byte[]> change)
        {
            byte[] bytes = ShardCommandCodec.Encode(new DeletePayloadIndex("x"))[..^4];
            change(bytes);
            return Error(WithCrc(bytes));
        }
    }

    [Fact]
    public void Reconfigure_IsWrittenAsVersion2_OtherKindsStayVersion1_AndVersion1HasNoReconfigure()
    {
        byte[] reconfigure = ShardCommandCodec.Encode(new ReconfigureIndex(7, 33, ShardQuantization.None, true));
        Assert.Equal(2, reconfigure[0]);
        Assert.Equal(1, ShardCommandCodec.Encode(new DeletePayloadIndex("x"))[0]);
        var decoded = (ReconfigureIndex)ShardCommandCodec.Decode(reconfigure);
        Assert.Equal(new ReconfigureIndex(7, 33, ShardQuantization.None, true), decoded);
        // Kinds 1-9 also read under version 2.
        byte[] delete = ShardCommandCodec.Encode(new DeletePayloadIndex("x"))[..^4];
        delete[0] = 2;
        Assert.IsType<DeletePayloadIndex>(ShardCommandCodec.Decode(WithCrc(delete)));

        byte[] old = reconfigure[..^4];
        old[0] = 1;
        Assert.Contains("needs format version 2", Error(WithCrc(old)), StringComparison.Ordinal);
        byte[] quantization = reconfigure[..^4];
        quantization[10] = 9;
        Assert.Contains("unknown quantization 9", Error(WithCrc(quantization)), StringComparison.Ordinal);
        byte[] flag = reconfigure[..^4];
        flag[11] = 2;
        Assert.Contains("always_ram flag 2", Error(WithCrc(flag)), StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RejectsAFilterThatDoesNotParse()
    {
        byte[] json = """{"must": 5}"""u8.ToArray();
        var body = new List<byte> { 1, (byte)ShardCommandKind.DeletePointsByFilter };
        body.AddRange(BitConverter.GetBytes((uint)json.Length));
        body.AddRange(json);
        Assert.Contains("not a valid filter", Error(WithCrc([.. body])), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ShardResultStatus.Applied, 12, "")]
    [InlineData(ShardResultStatus.BadRequest, 0, "points[1].vector: expected dimension 3, got 2")]
    [InlineData(ShardResultStatus.NotFound, 0, "No point with id 5 found — ü")]
    public void Result_RoundTrips(ShardResultStatus status, long count, string message)
    {
        var result = new ShardCommandResult(status, count, message);
        Assert.Equal(result, ShardCommandCodec.DecodeResult(ShardCommandCodec.EncodeResult(result)));
    }

    [Fact]
    public void Result_RejectsDamagedBytes()
    {
        byte[] bytes = ShardCommandCodec.EncodeResult(ShardCommandResult.BadRequest("x"));
        Assert.Throws<InvalidDataException>(() => ShardCommandCodec.DecodeResult(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<InvalidDataException>(() => ShardCommandCodec.DecodeResult([.. bytes, 0]));
        byte[] status = (byte[])bytes.Clone();
        status[1] = 9;
        Assert.Throws<InvalidDataException>(() => ShardCommandCodec.DecodeResult(status));
        byte[] version = (byte[])bytes.Clone();
        version[0] = 2;
        Assert.Throws<InvalidDataException>(() => ShardCommandCodec.DecodeResult(version));
    }

    private static byte[] Damaged(byte[] bytes, int at)
    {
        bytes[at] ^= 0x40;
        return bytes;
    }

    private static byte[] WithCrc(byte[] body)
    {
        // Bitwise CRC-32C (reflected polynomial 0x82F63B78), an independent check of the codec's trailer.
        uint crc = 0xFFFFFFFF;
        foreach (byte b in body)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        crc ^= 0xFFFFFFFF;
        return [.. body, .. BitConverter.GetBytes(crc)];
    }

    private static string Error(byte[] bytes)
    {
        Assert.False(ShardCommandCodec.TryDecode(bytes, out _, out string error));
        return error;
    }
}
