using Vectron.Index.Tests.Support;

namespace Vectron.Index.Tests.Memory;

public sealed class IndexMemoryTests
{
    [Fact]
    public void GraphBytes_CountEveryLayer0Row_EveryNodesUpperReference_AndEachUpperArrayWithItsOverhead()
    {
        const int seed = 11;
        var random = new Random(seed);
        float[][] rows = Enumerable.Range(0, 3_000).Select(_ => Enumerable.Range(0, 16).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        using HnswIndex index = IndexBuilder.Build(rows, new HnswOptions { Dimension = 16, M = 8 });

        int nodes = index.NodeCount;
        long upperArrays = 0;
        int withUpper = 0;
        for (int node = 0; node < nodes; node++)
        {
            if (index.UpperLinks.Row(node) is { } links)
            {
                upperArrays += links.Length * sizeof(int);
                withUpper++;
            }
        }

        Assert.True(withUpper > 0, $"seed {seed}: no node above layer 0");
        IndexMemory memory = index.GetMemoryUsage();
        long layer0 = (long)nodes * ((2 * 8) + 1) * sizeof(int);
        // A reference slot per node (8 bytes on 64-bit) and 24 bytes of object overhead per upper array.
        Assert.Equal(layer0 + (nodes * (long)IntPtr.Size) + upperArrays + (withUpper * 24L), memory.GraphBytes);
        Assert.Equal(nodes, memory.Nodes);
    }
}
