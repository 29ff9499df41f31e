using Vectron.Checksums;
using Vectron.Storage.Snapshots;

namespace Vectron.Storage.Tests.Snapshots;

public sealed class SnapshotManifestCodecTests
{
    private static readonly SnapshotFileEntry[] Entries =
    [
        new("vectors.f32", 40_000, 0x12345678),
        new("graph.hnsw", 0, Crc32C.Compute([])),
        new("ünïcode-név", 7, 0xFFFFFFFF),
    ];

    [Fact]
    public void Create_MatchesTheDocumentedLayout()
    {
        var manifest = SnapshotManifestCodec.Create(1234, 5, Entries);

        byte[] documented = ManifestBytes.Build(1234, 5, Entries.Select(e => (e.Name, e.Length, e.Checksum)));
        Assert.Equal(documented, manifest.Encoded);
        Assert.Equal(documented.Length, manifest.EncodedLength);
        Assert.Equal(40_007, manifest.DataLength);
        Assert.Equal(documented.Length + 40_007, manifest.StreamLength);
    }

    [Fact]
    public void Create_EmptySnapshot_Is52Bytes()
    {
        var manifest = SnapshotManifestCodec.Create(1, 1, []);

        Assert.Equal(52, manifest.EncodedLength);
        Assert.Equal(ManifestBytes.Build(1, 1, []), manifest.Encoded);
    }

    [Fact]
    public void Parse_RoundTripsCreate()
    {
        var manifest = SnapshotManifestCodec.Create(ulong.MaxValue, 42, Entries);

        var parsed = SnapshotManifestCodec.Parse(manifest.Encoded, "m");

        Assert.Equal(ulong.MaxValue, parsed.Index);
        Assert.Equal(42UL, parsed.Term);
        Assert.Equal(Entries, parsed.Files);
        Assert.True(parsed.TryGetFile("graph.hnsw", out var graph));
        Assert.Equal(Entries[1], graph);
        Assert.False(parsed.TryGetFile("GRAPH.hnsw", out _));
    }

    [Fact]
    public void Parse_RejectsEveryFlippedByte()
    {
        byte[] bytes = SnapshotManifestCodec.Create(9, 3, Entries).Encoded;
        for (int offset = 0; offset < bytes.Length; offset++)
        {
            foreach (byte mask in new byte[] { 0x01, 0x80, 0xFF })
            {
                byte[] damaged = [.. bytes];
                damaged[offset] ^= mask;
                var error = Assert.Throws<SnapshotCorruptException>(() => SnapshotManifestCodec.Parse(damaged, "/s/MANIFEST"));
                Assert.StartsWith("/s/MANIFEST: ", error.Message, StringComparison.Ordinal);
                Assert.Equal("/s/MANIFEST", error.Path);
            }
        }
    }

    [Fact]
    public void Parse_RejectsEveryTruncationAndExtension()
    {
        byte[] bytes = SnapshotManifestCodec.Create(9, 3, Entries).Encoded;
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<SnapshotCorruptException>(() => SnapshotManifestCodec.Parse(bytes.AsSpan(0, length), "m"));
        }

        Assert.Throws<SnapshotCorruptException>(() => SnapshotManifestCodec.Parse([.. bytes, 0], "m"));
    }

    [Fact]
    public void Parse_RejectsOtherVersion_NamingIt()
    {
        byte[] bytes = ManifestBytes.Build(1, 1, [("a", 1, 0)], version: 2);

        var error = Assert.Throws<SnapshotCorruptException>(() => SnapshotManifestCodec.Parse(bytes, "m"));

        Assert.Contains("version 2 is not supported", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("..")]
    [InlineData("MANIFEST")]
    [InlineData("tab\there")]
    public void Parse_RejectsUnsafeNames_EvenWithValidChecksums(string name)
    {
        byte[] bytes = ManifestBytes.Build(1, 1, [(name, 1, 0)]);

        var error = Assert.Throws<SnapshotCorruptException>(() => SnapshotManifestCodec.Parse(bytes, "m"));

        Assert.Contains("file entry 0 at offset 48", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RejectsRepeatedName()
    {
        byte[] bytes = ManifestBytes.Build(1, 1, [("a", 1, 0), ("a", 2, 0)]);

        var error = Assert.Throws<SnapshotCorruptException>(() => SnapshotManifestCodec.Parse(bytes, "m"));

        Assert.Contains("repeats the name 'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RejectsDuplicateAndUnsafeNames()
    {
        Assert.Throws<ArgumentException>(() => SnapshotManifestCodec.Create(1, 1, [new("a", 1, 0), new("a", 1, 0)]));
        Assert.Throws<ArgumentException>(() => SnapshotManifestCodec.Create(1, 1, [new("../a", 1, 0)]));
    }
}
