using Vectron.Raft.Core;
using Vectron.Server.Consensus;
using Vectron.Storage.Files;

namespace Vectron.Server.Tests.Consensus;

public sealed class FileRaftSnapshotStoreTests
{
    private const string Root = "/snapshots";

    private static SnapshotMetadata At(ulong index, ulong term = 2) => new(index, term, new ConfState { Voters = [1, 2, 3] });

    private static byte[] PayloadOf(ulong index, int length = 3000)
    {
        var bytes = new byte[length];
        new Random((int)index).NextBytes(bytes);
        return bytes;
    }

    private static string FileOf(ulong groupId, ulong index) => $"{Root}/{groupId:x16}/{index:x16}.snap";

    [Fact]
    public async Task Save_IsDurable_AcrossACrash_AndReadsBackExactly()
    {
        var disk = new SimulatedFileSystem(1);
        var store = FileRaftSnapshotStore.Open(disk, Root);
        await store.SaveAsync(7, At(100), PayloadOf(100), CancellationToken.None);
        await store.SaveAsync(8, At(5), Array.Empty<byte>(), CancellationToken.None);

        disk.Crash();
        var reopened = FileRaftSnapshotStore.Open(disk, Root);
        Assert.True(reopened.TryLoad(7, 100, out var payload));
        Assert.Equal(PayloadOf(100), payload.ToArray());
        Assert.True(reopened.TryLoad(8, 5, out var empty));
        Assert.Equal(0, empty.Length);
        Assert.False(reopened.TryLoad(7, 99, out _));
        Assert.False(reopened.TryLoad(9, 100, out _));
    }

    [Fact]
    public async Task Release_DeletesOnlyPayloadsBelowTheIndex()
    {
        var disk = new SimulatedFileSystem(2);
        var store = FileRaftSnapshotStore.Open(disk, Root);
        foreach (ulong index in (ulong[])[10, 20, 30])
        {
            await store.SaveAsync(1, At(index), PayloadOf(index), CancellationToken.None);
        }

        await store.SaveAsync(2, At(10), PayloadOf(10), CancellationToken.None);
        store.Release(1, 20);
        Assert.Equal([20UL, 30], store.HeldIndexes(1));
        Assert.False(disk.FileExists(FileOf(1, 10)));
        Assert.False(store.TryLoad(1, 10, out _));
        Assert.True(store.TryLoad(1, 20, out _));
        Assert.Equal([10UL], store.HeldIndexes(2));
        store.Release(3, 100); // a group never saved: nothing to do
        Assert.Equal([20UL, 30], FileRaftSnapshotStore.Open(disk, Root).HeldIndexes(1));
    }

    [Fact]
    public async Task ACrashAtAnyPointOfASave_LeavesTheWholePayloadOrNone_AndNoTemporaryFile()
    {
        // Every prefix of the save's file-system operations, each followed by power loss (the write in flight torn).
        for (int operations = 0; operations < 12; operations++)
        {
            var disk = new SimulatedFileSystem(operations);
            var store = FileRaftSnapshotStore.Open(disk, Root);
            await store.SaveAsync(4, At(10), PayloadOf(10), CancellationToken.None);
            disk.CrashAfter(operations);
            bool completed;
            try
            {
                await store.SaveAsync(4, At(20), PayloadOf(20, 5000), CancellationToken.None);
                completed = true;
            }
            catch (IOException)
            {
                completed = false;
            }

            disk.Crash();
            var reopened = FileRaftSnapshotStore.Open(disk, Root);
            Assert.True(reopened.TryLoad(4, 10, out var older), $"crash after {operations} operations lost the older payload");
            Assert.Equal(PayloadOf(10), older.ToArray());
            if (reopened.TryLoad(4, 20, out var newer))
            {
                Assert.Equal(PayloadOf(20, 5000), newer.ToArray());
            }
            else
            {
                Assert.False(completed, $"crash after {operations} operations lost a save that returned");
            }

            Assert.All(disk.ListFiles($"{Root}/{4:x16}"), name => Assert.EndsWith(".snap", name, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Damage_IsReported_NamingTheFile_NeverReturnedAsAPayload()
    {
        var disk = new SimulatedFileSystem(3);
        var store = FileRaftSnapshotStore.Open(disk, Root);
        await store.SaveAsync(1, At(10), PayloadOf(10), CancellationToken.None);
        await store.SaveAsync(1, At(11), PayloadOf(11), CancellationToken.None);
        await store.SaveAsync(1, At(12), PayloadOf(12), CancellationToken.None);

        disk.FlipBit(FileOf(1, 10), FileRaftSnapshotStore.HeaderSize + 100, 3);
        var payloadDamage = Assert.Throws<LogFormatException>(() => store.TryLoad(1, 10, out _));
        Assert.Contains("payload checksum mismatch", payloadDamage.Message, StringComparison.Ordinal);
        Assert.Contains(FileOf(1, 10), payloadDamage.Message, StringComparison.Ordinal);

        disk.FlipBit(FileOf(1, 11), 20, 0);
        Assert.Contains("header checksum", Assert.Throws<LogFormatException>(() => store.TryLoad(1, 11, out _)).Message, StringComparison.Ordinal);

        using (var file = disk.OpenFile(FileOf(1, 12), FileOpenMode.OpenExisting))
        {
            file.SetLength(file.Length - 1);
        }

        Assert.Contains("the file has", Assert.Throws<LogFormatException>(() => store.TryLoad(1, 12, out _)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileHoldingAnotherSnapshot_IsRefused()
    {
        var disk = new SimulatedFileSystem(4);
        var store = FileRaftSnapshotStore.Open(disk, Root);
        await store.SaveAsync(1, At(10), PayloadOf(10), CancellationToken.None);
        await store.SaveAsync(1, At(11), PayloadOf(11), CancellationToken.None);
        disk.Rename(FileOf(1, 10), FileOf(1, 11));
        var reopened = FileRaftSnapshotStore.Open(disk, Root);
        Assert.Contains("holds group 1 index 10", Assert.Throws<LogFormatException>(() => reopened.TryLoad(1, 11, out _)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedSync_SavesNothing_AndThrows()
    {
        var disk = new SimulatedFileSystem(5);
        var store = FileRaftSnapshotStore.Open(disk, Root);
        await store.SaveAsync(1, At(10), PayloadOf(10), CancellationToken.None);
        disk.InjectError = (operation, _) => operation == SimulatedOperation.Sync ? 5 : null;
        await Assert.ThrowsAnyAsync<IOException>(() => store.SaveAsync(1, At(20), PayloadOf(20), CancellationToken.None).AsTask());
        disk.InjectError = null;
        Assert.Equal([10UL], store.HeldIndexes(1));
        Assert.False(store.TryLoad(1, 20, out _));
        Assert.Equal([$"{10:x16}.snap"], disk.ListFiles($"{Root}/{1:x16}"));
    }
}
