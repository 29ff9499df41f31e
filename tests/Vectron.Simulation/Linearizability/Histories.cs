namespace Vectron.Simulation.Linearizability;

/// <summary>Builds small histories for tests from operation intervals, fed through a <see cref="HistoryRecorder"/> in time order.</summary>
internal static class Histories
{
    /// <summary>A history of <paramref name="intervals"/>; ids follow invocation time, then argument order.</summary>
    public static History Build(params Interval[] intervals)
    {
        var events = new List<(long Time, int Order, int Index)>();
        for (int index = 0; index < intervals.Length; index++)
        {
            events.Add((intervals[index].Call, 0, index));
            if (intervals[index].Return is long returned)
            {
                events.Add((returned, 1, index));
            }
        }

        events.Sort();
        var recorder = new HistoryRecorder();
        var ids = new int[intervals.Length];
        foreach (var (time, order, index) in events)
        {
            var interval = intervals[index];
            if (order == 0)
            {
                ids[index] = recorder.Invoke(interval.Client, interval.Input, time);
            }
            else
            {
                recorder.Complete(ids[index], interval.Output!, time);
            }
        }

        for (int index = 0; index < intervals.Length; index++)
        {
            if (intervals[index].Return is null)
            {
                recorder.MarkUnknown(ids[index]);
            }
        }

        return recorder.ToHistory();
    }

    /// <summary>A read of <paramref name="key"/> that returned <paramref name="value"/> (<see langword="null"/>: absent).</summary>
    public static Interval Read(int client, string key, string? value, long call, long returned) =>
        new(client, KeyValueInput.Read(key), call, returned, KeyValueOutput.Read(value));

    /// <summary>A write; <paramref name="returned"/> <see langword="null"/> means its outcome is unknown.</summary>
    public static Interval Write(int client, string key, string value, long call, long? returned) =>
        new(client, KeyValueInput.Write(key, value), call, returned, returned is null ? null : KeyValueOutput.Written);

    /// <summary>A compare-and-set; <paramref name="succeeded"/> <see langword="null"/> means its outcome is unknown.</summary>
    public static Interval CompareAndSet(int client, string key, string? expected, string value, bool? succeeded, long call, long? returned) =>
        new(client, KeyValueInput.CompareAndSet(key, expected, value), call, returned, succeeded is bool done ? KeyValueOutput.CompareAndSet(done) : null);
}

