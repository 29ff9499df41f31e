using Vectron.Storage.Files;

namespace Vectron.Storage.Tests.Files;

public sealed class PhysicalFileSystemTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("vectron-fs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void WriteSyncReadBack_GatheredBuffers()
    {
        var fs = PhysicalFileSystem.Instance;
        string path = Path.Combine(_directory, "f");
        using (var file = fs.OpenFile(path, FileOpenMode.CreateNew))
        {
            file.Allocate(4096);
            file.Write(10, [new byte[] { 1, 2 }, new byte[] { 3 }]);
            file.Sync();
            Assert.Equal(4096, file.Length);
        }

        fs.SyncDirectory(_directory);
        using var reader = fs.OpenFile(path, FileOpenMode.ReadOnly);
        var buffer = new byte[5];
        Assert.Equal(5, reader.Read(8, buffer));
        Assert.Equal(new byte[] { 0, 0, 1, 2, 3 }, buffer);
        Assert.Throws<UnauthorizedAccessException>(() => reader.Write(0, "x"u8));
    }

    [Fact]
    public void MapReadOnly_ServesFileBytes()
    {
        string path = Path.Combine(_directory, "m");
        File.WriteAllBytes(path, [9, 8, 7, 6]);
        using var map = PhysicalFileSystem.Instance.MapReadOnly(path);

        Assert.Equal(4, map.Length);
        Assert.Equal(new byte[] { 8, 7 }, map.GetSpan(1, 2).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => map.GetSpan(3, 2).ToArray());
    }

    [Fact]
    public void RenameAndList_FilesAndDirectories()
    {
        var fs = PhysicalFileSystem.Instance;
        fs.CreateDirectory(Path.Combine(_directory, "tmp"));
        File.WriteAllText(Path.Combine(_directory, "b"), "x");
        fs.Rename(Path.Combine(_directory, "tmp"), Path.Combine(_directory, "final"));
        fs.Rename(Path.Combine(_directory, "b"), Path.Combine(_directory, "a"));
        fs.SyncDirectory(_directory);

        Assert.Equal(["final"], fs.ListDirectories(_directory));
        Assert.Equal(["a"], fs.ListFiles(_directory));
    }
}
