using System.Runtime.CompilerServices;
using Vectron.Index.Memory;

namespace Vectron.Index.Tests.Memory;

public sealed class RowStoreTests
{
    [Theory]
    [InlineData(128)]
    [InlineData(300)]
    [InlineData(784)]
    public unsafe void AlignedRows_StartOn64ByteBoundaries_AndKeepTheirValuesAcrossGrowth(int width)
    {
        var store = new RowStore<float>(width, initialRows: 10, alignRows: true);
        Assert.True(store.Stride >= width);
        for (int row = 0; row < 5_000; row++)
        {
            store.EnsureCapacity(row + 1);
            store.RowSpan(row).Fill(row);
        }

        for (int row = 0; row < 5_000; row++)
        {
            nint address = (nint)Unsafe.AsPointer(ref store.Row(row));
            Assert.Equal(0, address % 64);
            Assert.All(store.RowSpan(row).ToArray(), v => Assert.Equal(row, v));
        }
    }

    [Fact]
    public void DenseStore_ChunkSpansCoverRowsInOrder()
    {
        var store = new RowStore<int>(3, initialRows: 1_000);
        Assert.True(store.IsDense);
        for (int row = 0; row < 1_000; row++)
        {
            store.RowSpan(row).Fill(row);
        }

        int seen = 0;
        while (seen < 1_000)
        {
            Span<int> run = store.ChunkSpan(seen, 1_000 - seen);
            for (int i = 0; i < run.Length; i++)
            {
                Assert.Equal(seen + (i / 3), run[i]);
            }

            seen += run.Length / 3;
        }
    }

    [Fact]
    public void PaddedStore_RefusesChunkSpans()
    {
        var store = new RowStore<float>(25, initialRows: 10, alignRows: true);
        Assert.False(store.IsDense);
        Assert.Throws<InvalidOperationException>(() => store.ChunkSpan(0, 2));
    }

    [Fact]
    public unsafe void HugePageStore_LargeGrowthSteps_StartOn2MiBBoundaries_ZeroedAndKeepValues()
    {
        const int width = 128;
        var store = new RowStore<float>(width, initialRows: 10, alignRows: true, hugePages: true);
        Assert.True(store.UsesHugePages);
        int rows = 40_000; // 20 MB of rows: the later doubling steps are slabs
        for (int row = 0; row < rows; row++)
        {
            store.EnsureCapacity(row + 1);
            Assert.All(store.RowSpan(row).ToArray(), v => Assert.Equal(0f, v));
            store.RowSpan(row).Fill(row);
        }

        RowView<float> view = store.View();
        int slabStarts = 0;
        for (int row = 0; row < rows; row++)
        {
            nint address = (nint)Unsafe.AsPointer(ref store.Row(row));
            Assert.Equal(0, address % 64);
            Assert.Equal(address, (nint)Unsafe.AsPointer(ref view.Row(row)));
            Assert.Equal(row, store.RowSpan(row)[0]);
            Assert.Equal(row, store.RowSpan(row)[width - 1]);
            if (row % store.RowsPerChunk == 0 && address % (2 << 20) == 0)
            {
                slabStarts++;
            }
        }

        Assert.True(slabStarts >= 2, $"expected the large growth steps to start on 2 MiB boundaries, saw {slabStarts}");
    }

    [Fact]
    public unsafe void HugePageStore_OneLargeAllocation_IsOneSlabAdvisedForHugePages()
    {
        var store = new RowStore<int>(33, initialRows: 100_000, hugePages: true);
        nint first = (nint)Unsafe.AsPointer(ref store.Row(0));
        Assert.Equal(0, first % (2 << 20));
        for (int row = 0; row < 100_000; row++)
        {
            Assert.Equal(first + ((nint)row * 33 * sizeof(int)), (nint)Unsafe.AsPointer(ref store.Row(row)));
        }

        if (OperatingSystem.IsLinux() && Directory.Exists("/sys/kernel/mm/transparent_hugepage"))
        {
            // The kernel marks advised mappings "hg" in VmFlags whether or not a huge page was free.
            Assert.Contains("hg", VmFlagsOf(first + (2 << 20)).Split(' '));
        }
    }

    [Fact]
    public unsafe void StoreWithoutHugePages_IsNotAdvised()
    {
        var store = new RowStore<int>(33, initialRows: 100_000);
        Assert.False(store.UsesHugePages);
        if (OperatingSystem.IsLinux() && Directory.Exists("/sys/kernel/mm/transparent_hugepage")
            && !File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled").Contains("[always]", StringComparison.Ordinal))
        {
            nint middle = (nint)Unsafe.AsPointer(ref store.Row(50_000));
            Assert.DoesNotContain("hg", VmFlagsOf(middle).Split(' '));
        }
    }

    /// <summary>The VmFlags of the mapping in /proc/self/smaps that contains <paramref name="address"/>.</summary>
    private static string VmFlagsOf(nint address)
    {
        bool inside = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-', StringComparison.Ordinal);
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber, null, out ulong begin)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), System.Globalization.NumberStyles.HexNumber, null, out ulong end))
            {
                inside = (ulong)address >= begin && (ulong)address < end;
            }
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                return line["VmFlags:".Length..].Trim();
            }
        }

        throw new InvalidOperationException($"No mapping in /proc/self/smaps contains {address:x}.");
    }
}
