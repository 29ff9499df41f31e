using Microsoft.Extensions.Logging;

namespace Vectron.Simulation;

/// <summary>
/// A logger factory for the simulated hosts that keeps only what matters to a run: errors (a state machine or loop
/// failure, which the simulation reports as a <see cref="ViolationKind.HostFailure"/>) and warnings that carry an
/// exception (a message the core refused). Everything else is dropped unformatted.
/// </summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory, ILogger
{
    /// <summary>Errors logged, formatted with their exception, oldest first.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Warnings logged with an exception, formatted, oldest first.</summary>
    public List<string> Warnings { get; } = [];

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => this;

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (logLevel >= LogLevel.Error)
        {
            Errors.Add($"{formatter(state, exception)}: {exception}");
        }
        else if (logLevel == LogLevel.Warning && exception is not null)
        {
            Warnings.Add($"{formatter(state, exception)}: {exception.Message}");
        }
    }
}
