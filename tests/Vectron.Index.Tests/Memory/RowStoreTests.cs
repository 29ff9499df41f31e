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
}
