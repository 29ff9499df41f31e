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

    [Theory]
    [InlineData(25, 132)]
    [InlineData(128, 132)]
    [InlineData(300, 132)]
    [InlineData(784, 68)]
    public unsafe void RowTails_SitBehindAlignedElements_AndNeverOverlapThemOrTheNextRow(int width, int tailBytes)
    {
        var store = new RowStore<float>(width, initialRows: 10, alignRows: true, tailBytes: tailBytes);
        int tailInts = tailBytes / sizeof(int);
        Assert.False(store.IsDense);
        Assert.True(store.TailOffsetBytes >= width * sizeof(float));
        Assert.True(store.Stride * sizeof(float) >= store.TailOffsetBytes + tailBytes);
        int boundary = store.Stride * sizeof(float) >= 256 ? 64 : 16;
        Assert.Equal(0, store.Stride * sizeof(float) % boundary);
        for (int row = 0; row < 3_000; row++)
        {
            store.EnsureCapacity(row + 1);
            store.RowSpan(row).Fill(row);
            new Span<int>(Unsafe.AsPointer(ref store.Tail<int>(row)), tailInts).Fill(-row);
        }

        RowView<int> tails = store.TailView<int>();
        RowView<float> rows = store.View();
        for (int row = 0; row < 3_000; row++)
        {
            nint address = (nint)Unsafe.AsPointer(ref store.Row(row));
            Assert.Equal(0, address % (width * sizeof(float) >= 256 ? 64 : 16));
            Assert.Equal(address, (nint)Unsafe.AsPointer(ref rows.Row(row)));
            Assert.Equal(address + store.TailOffsetBytes, (nint)Unsafe.AsPointer(ref tails.Row(row)));
            Assert.All(store.RowSpan(row).ToArray(), v => Assert.Equal(row, v));
            Assert.All(new Span<int>(Unsafe.AsPointer(ref tails.Row(row)), tailInts).ToArray(), v => Assert.Equal(-row, v));
        }
    }

    [Fact]
    public void RowTails_NeedUnmanagedRows_AndWholeInts()
    {
        Assert.Throws<ArgumentException>(() => new RowStore<float>(8, tailBytes: 6));
        Assert.Throws<ArgumentException>(() => new RowStore<int[]?>(1, tailBytes: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RowStore<float>(8, tailBytes: -4));
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
}
