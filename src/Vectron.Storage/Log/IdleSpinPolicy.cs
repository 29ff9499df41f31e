using System.Diagnostics;

namespace Vectron.Storage.Log;

/// <summary>
/// Whether the log writer, finding its queue empty, should spin briefly before it sleeps: only while the
/// recent idle gaps (a moving average, weight ¼, of the time from going idle to the next batch) were
/// shorter than a spin can usefully bridge. A spin saves a wake-up when batches follow each other
/// closely; when they are a fsync or more apart, as under a single client, it only burns CPU in yields
/// (tens of thousands of context switches a second per engine, measured in docs/benchmarks.md).
/// </summary>
/// <remarks>Not thread-safe: owned by the writer thread. Times are <see cref="Stopwatch"/> ticks.</remarks>
internal struct IdleSpinPolicy
{
    private readonly long _spinWorthTicks;
    private long _typicalIdleTicks;

    /// <param name="spinWorthTicks">Average idle gap below which spinning pays (100 µs in the engine).</param>
    public IdleSpinPolicy(long spinWorthTicks)
    {
        _spinWorthTicks = spinWorthTicks;
    }

    /// <summary>The policy the engine runs with: spin while idle gaps average under 100 µs.</summary>
    public static IdleSpinPolicy Default => new(Stopwatch.Frequency / 10_000);

    /// <summary>Whether to spin before sleeping this time.</summary>
    public readonly bool ShouldSpin => _typicalIdleTicks < _spinWorthTicks;

    /// <summary>The moving average of the idle gaps, in ticks.</summary>
    public readonly long TypicalIdleTicks => _typicalIdleTicks;

    /// <summary>Records one idle gap (from finding the queue empty to having work again).</summary>
    public void NoteIdleGap(long ticks) => _typicalIdleTicks = ((3 * _typicalIdleTicks) + Math.Max(0, ticks)) / 4;
}
