namespace Vectron.Cli.CommandLine;

/// <summary>
/// An expected failure the user can fix (a bad option, a missing or malformed file): the program
/// prints the message, without a stack trace, and exits with <see cref="ExitCode"/>.
/// </summary>
internal sealed class CliException : Exception
{
    /// <summary>Exit code of a command line that cannot be run as written.</summary>
    public const int UsageExitCode = 2;

    /// <summary>Exit code of a well-formed command that failed on its input (files, data).</summary>
    public const int InputExitCode = 1;

    public CliException()
        : this("The command failed.")
    {
    }

    public CliException(string message)
        : this(message, InputExitCode)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = InputExitCode;
    }

    public CliException(string message, int exitCode)
        : base(message)
    {
        ExitCode = exitCode;
    }

    /// <summary>The process exit code to report.</summary>
    public int ExitCode { get; }

    /// <summary>A command line that cannot be run as written (exit code 2).</summary>
    public static CliException Usage(string message) => new(message, UsageExitCode);

    /// <summary>The message of an argument exception without the "(Parameter 'x')" suffix the runtime appends.</summary>
    public static string MessageOf(ArgumentException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string suffix = $" (Parameter '{exception.ParamName}')";
        string message = exception.Message;
        return exception.ParamName is not null && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }
}
