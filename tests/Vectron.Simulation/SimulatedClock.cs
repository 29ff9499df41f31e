namespace Vectron.Simulation;

/// <summary>
/// The one clock of a simulation, in simulated milliseconds from 0. Only the simulation's driver moves it; every host,
/// log engine and client reads it, so nothing in a run depends on real time.
/// </summary>
/// <remarks>Not thread-safe for writing; readers on the log writer thread see it through the driver's hand-offs.</remarks>
internal sealed class SimulatedClock : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The current simulated time in milliseconds.</summary>
    public long Now { get; private set; }

    /// <inheritdoc />
    public override long TimestampFrequency => 1000;

    /// <summary>Moves the clock to <paramref name="time"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is in the past.</exception>
    public void AdvanceTo(long time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(time, Now);
        Now = time;
    }

    /// <inheritdoc />
    public override long GetTimestamp() => Now;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Epoch.AddMilliseconds(Now);
}
