using Vectron.Server.Worker;

namespace Vectron.Server.Tests.Worker;

public sealed class SlotSetTests
{
    [Fact]
    public void AddRemoveContains_MatchAHashSet()
    {
        var random = new Random(9);
        var set = new SlotSet();
        var model = new HashSet<int>();
        for (int step = 0; step < 20_000; step++)
        {
            int slot = random.Next(0, 300);
            if (random.Next(2) == 0)
            {
                Assert.Equal(model.Add(slot), set.Add(slot));
            }
            else
            {
                Assert.Equal(model.Remove(slot), set.Remove(slot));
            }

            Assert.Equal(model.Count, set.Count);
            Assert.Equal(model.Contains(slot), set.Contains(slot));
        }

        Assert.Equal(model.Order(), set.Members.Order());
        set.Clear();
        Assert.Empty(set.Members);
        Assert.False(set.Contains(5));
    }
}
