using Vectron.Storage.Log;

namespace Vectron.Storage.Tests.Log;

public sealed class IdleSpinPolicyTests
{
    private const long Worth = 1_000; // ticks: the threshold of these tests

    [Fact]
    public void NewPolicy_Spins()
    {
        Assert.True(new IdleSpinPolicy(Worth).ShouldSpin);
    }

    [Fact]
    public void ShortGaps_KeepSpinning()
    {
        var policy = new IdleSpinPolicy(Worth);
        for (int i = 0; i < 100; i++)
        {
            policy.NoteIdleGap(200);
            Assert.True(policy.ShouldSpin, $"gap {i}");
        }
    }

    [Fact]
    public void GapsOfAFsync_StopTheSpin_AfterOneLongGap()
    {
        var policy = new IdleSpinPolicy(Worth);
        policy.NoteIdleGap(200);
        policy.NoteIdleGap(100 * Worth); // one gap of a fsync (or a client's round trip) and more
        Assert.False(policy.ShouldSpin);
    }

    [Fact]
    public void AfterLongGaps_ShortGapsBringTheSpinBack_AsTheAverageDecays()
    {
        var policy = new IdleSpinPolicy(Worth);
        for (int i = 0; i < 20; i++)
        {
            policy.NoteIdleGap(10 * Worth);
        }

        // Weight 1/4: an average near 10 × Worth falls under Worth after ~8 short gaps, not at once.
        int shortGaps = 0;
        while (!policy.ShouldSpin)
        {
            policy.NoteIdleGap(0);
            shortGaps++;
            Assert.True(shortGaps < 20, "the average never decayed under the threshold");
        }

        Assert.InRange(shortGaps, 7, 10);
    }

    [Fact]
    public void NegativeGap_CountsAsZero()
    {
        // Timestamps are monotonic, but a gap is never allowed to pull the average below zero.
        var policy = new IdleSpinPolicy(Worth);
        policy.NoteIdleGap(-5 * Worth);
        Assert.Equal(0, policy.TypicalIdleTicks);
        Assert.True(policy.ShouldSpin);
    }
}
