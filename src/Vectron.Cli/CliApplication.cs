using System.Reflection;
using Vectron.Cli.Bench;
using Vectron.Cli.Client;
using Vectron.Cli.CommandLine;
using Vectron.Cli.Import;
using Vectron.Cli.Node;
using Vectron.Cli.Serve;
using Vectron.Cli.Simulate;

namespace Vectron.Cli;

/// <summary>
/// The whole program behind <c>Main</c>, with its writers passed in so tests can run commands
/// in-process. Expected failures become a one-line message on the diagnostics writer and a nonzero
/// exit code; only unexpected ones (bugs) show their type and stack trace.
/// </summary>
internal static class CliApplication
{
    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static int Run(IReadOnlyList<string> arguments, TextWriter output, TextWriter diagnostics)
    {
        try
        {
            return Dispatch(arguments, output, diagnostics);
        }
        catch (RestException e)
        {
            diagnostics.WriteLine($"vectron: error: {e.Message}");
            return CliException.InputExitCode;
        }
        catch (CliException e)
        {
            diagnostics.WriteLine($"vectron: error: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            diagnostics.WriteLine($"vectron: error: {e.Message}");
            return CliException.InputExitCode;
        }
        catch (OutOfMemoryException)
        {
            diagnostics.WriteLine("vectron: error: out of memory; try a smaller dataset (--synthetic-n, --queries).");
            return CliException.InputExitCode;
        }
    }

    /// <summary>The product version, from the assembly's informational version.</summary>
    public static string Version =>
        typeof(CliApplication).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static int Dispatch(IReadOnlyList<string> arguments, TextWriter output, TextWriter diagnostics)
    {
        if (arguments.Count == 0)
        {
            diagnostics.Write(HelpText.Root);
            return CliException.UsageExitCode;
        }

        string command = arguments[0];
        switch (command)
        {
            case "--help" or "-h" or "-?" or "help":
                output.Write(HelpText.Root);
                return 0;
            case "--version":
                output.WriteLine($"vectron {Version}");
                return 0;
            case "bench":
                return BenchCommand.Run(arguments.Skip(1).ToArray(), output, diagnostics);
            case "raft-node":
                string[] nodeArguments = arguments.Skip(1).ToArray();
                if (ArgumentList.WantsHelp(nodeArguments))
                {
                    output.Write(HelpText.RaftNode);
                    return 0;
                }

                return new RaftNodeCommand(RaftNodeOptions.Parse(nodeArguments), output, diagnostics).Run();
            case "serve":
                string[] serveArguments = arguments.Skip(1).ToArray();
                if (ArgumentList.WantsHelp(serveArguments))
                {
                    output.Write(HelpText.Serve);
                    return 0;
                }

                return new ServeCommand(ServeOptions.Parse(serveArguments, Environment.GetEnvironmentVariable), output, diagnostics).Run();
            case "simulate":
                string[] rest = arguments.Skip(1).ToArray();
                if (ArgumentList.WantsHelp(rest))
                {
                    output.Write(HelpText.Simulate);
                    return 0;
                }

                return new SimulateCommand(SimulateOptions.Parse(rest), output, diagnostics).Run();
            case "collections" or "import" or "search" or "status":
                return RunClientCommand(command, arguments.Skip(1).ToArray(), output, diagnostics);
            default:
                throw CliException.Usage($"unknown command '{command}' (see 'vectron --help').");
        }
    }

    private static int RunClientCommand(string command, string[] rest, TextWriter output, TextWriter diagnostics)
    {
        if (ArgumentList.WantsHelp(rest))
        {
            output.Write(command switch
            {
                "collections" => HelpText.Collections,
                "import" => HelpText.Import,
                "search" => HelpText.Search,
                _ => HelpText.Status,
            });
            return 0;
        }

        switch (command)
        {
            case "collections":
                return CollectionsCommand.Run(rest, output);
            case "search":
                return SearchCommand.Run(rest, output);
            case "status":
                return StatusCommand.Run(rest, output);
            default:
                var options = ImportOptions.Parse(rest);
                using (var interrupt = new CancellationTokenSource())
                {
                    ConsoleCancelEventHandler onCancel = (_, e) =>
                    {
                        // The first Ctrl-C stops cleanly (batches in flight finish or are abandoned, the checkpoint is written).
                        e.Cancel = true;
                        interrupt.Cancel();
                    };
                    Console.CancelKeyPress += onCancel;
                    try
                    {
                        bool terminal = ReferenceEquals(diagnostics, Console.Error) && !Console.IsErrorRedirected;
                        return new ImportCommand(options, output, diagnostics, TimeProvider.System, terminal).Run(interrupt.Token);
                    }
                    finally
                    {
                        Console.CancelKeyPress -= onCancel;
                    }
                }
        }
    }
}
