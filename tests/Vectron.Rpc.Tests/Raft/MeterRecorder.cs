using System.Diagnostics.Metrics;

namespace Vectron.Rpc.Tests.Raft;

/// <summary>Sums the long counters of one <see cref="Meter"/> instance (other meters of the same name are ignored), by name and tags.</summary>
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly List<(string Name, long Value, Dictionary<string, object?> Tags)> _measurements = [];

    public MeterRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (_lock)
            {
                _measurements.Add((instrument.Name, value, copy));
            }
        });
        _listener.Start();
    }

    /// <summary>The sum of counter <paramref name="name"/> over the measurements whose tags include every given one.</summary>
    public long Sum(string name, params (string Key, object Value)[] tags)
    {
        lock (_lock)
        {
            return _measurements
                .Where(m => m.Name == name && tags.All(tag => m.Tags.TryGetValue(tag.Key, out var value) && Equals(value, tag.Value)))
                .Sum(m => m.Value);
        }
    }

    public void Dispose() => _listener.Dispose();
}
