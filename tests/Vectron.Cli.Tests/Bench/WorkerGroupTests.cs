using Vectron.Cli.Bench;

namespace Vectron.Cli.Tests.Bench;

public sealed class WorkerGroupTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Run_CallsEveryItemOnce_AndIsReusable(int threads)
    {
        using var group = new WorkerGroup(threads);
        for (int job = 0; job < 3; job++)
        {
            int count = 1000 + job;
            var calls = new int[count];
            var workersSeen = new int[threads];
            group.Run(count, (item, worker) =>
            {
                Interlocked.Increment(ref calls[item]);
                Interlocked.Increment(ref workersSeen[worker]);
            });

            Assert.All(calls, c => Assert.Equal(1, c));
            Assert.Equal(count, workersSeen.Sum());
        }
    }

    [Fact]
    public void Run_RethrowsAWorkersException_OnTheCaller()
    {
        using var group = new WorkerGroup(2);

        var error = Assert.Throws<InvalidOperationException>(() => group.Run(100, (item, _) =>
        {
            if (item == 50)
            {
                throw new InvalidOperationException("item 50");
            }
        }));

        Assert.Equal("item 50", error.Message);
        int done = 0;
        group.Run(10, (_, _) => Interlocked.Increment(ref done));
        Assert.Equal(10, done);
    }
}
