using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Bench;

/// <summary><c>vectron bench</c>: dispatches to <c>ann</c>, <c>ann-engine</c>, <c>failover</c>, <c>filter</c>, <c>log</c>, <c>raft</c>, <c>rpc</c> and <c>shard</c>.</summary>
internal static class BenchCommand
{
    /// <summary>Runs <c>vectron bench …</c> with the arguments after <c>bench</c>; returns the exit code.</summary>
    /// <exception cref="CliException">The command line or its input is invalid.</exception>
    public static int Run(IReadOnlyList<string> arguments, TextWriter output, TextWriter diagnostics)
    {
        if (arguments.Count == 0)
        {
            diagnostics.Write(HelpText.Bench);
            return CliException.UsageExitCode;
        }

        string command = arguments[0];
        string[] rest = arguments.Skip(1).ToArray();
        switch (command)
        {
            case "ann":
                if (ArgumentList.WantsHelp(rest))
                {
                    output.Write(HelpText.Ann);
                    return 0;
                }

                return new AnnBenchCommand(AnnBenchOptions.Parse(rest), output, diagnostics).Run();
            case "ann-engine":
                if (ArgumentList.WantsHelp(rest))
                {
                    output.Write(HelpText.AnnEngine);
                    return 0;
                }

                return new AnnEngineCommand(AnnEngineOptions.Parse(rest), output, diagnostics).Run();
            case "filter":
                if (ArgumentList.WantsHelp(rest))
                {
                    output.Write(HelpText.Filter);
                    return 0;
                }

                return new FilterBenchCommand(FilterBenchOptions.Parse(rest), output, diagnostics).Run();
            case "log":
                if (ArgumentList.WantsHelp(rest))
                {
                    output.Write(HelpText.Log);
                    return 0;
                }

                return new LogBenchCommand(LogBenchOptions.Parse(rest), output, diagnostics).Run();
            case "raft":
                if (ArgumentList.WantsHelp(rest))
                {
                    output.Write(HelpText.Raft);
                    return 0;
                }

                return new RaftBenchCommand(RaftBenchOptions.Parse(rest), output, diagnostics).Run();
            case "failover":
                if (ArgumentList.WantsHelp(rest))
                {
                    output.Write(HelpText.Failover);
                    return 0;
                }

                return new FailoverBenchCommand(FailoverBenchOptions.Parse(rest), output, diagnostics).Run();
            case "rpc":
                if (ArgumentList.WantsHelp(rest))
                {
                    output.Write(HelpText.Rpc);
                    return 0;
                }

                return new RpcBenchCommand(RpcBenchOptions.Parse(rest), output, diagnostics).Run();
            case "rest":
                if (ArgumentList.WantsHelp(rest))
                {
                    output.Write(HelpText.BenchRest);
                    return 0;
                }

                return new RestBenchCommand(RestBenchOptions.Parse(rest), output, diagnostics).Run();
            case "shard":
                if (ArgumentList.WantsHelp(rest))
                {
                    output.Write(HelpText.Shard);
                    return 0;
                }

                return new ShardBenchCommand(ShardBenchOptions.Parse(rest), output, diagnostics).Run();
            case "--help" or "-h" or "-?" or "help":
                output.Write(HelpText.Bench);
                return 0;
            default:
                throw CliException.Usage($"unknown command 'vectron bench {command}'; the bench commands are 'ann', 'ann-engine', 'failover', 'filter', 'log', 'raft', 'rpc' and 'shard' (see 'vectron bench --help').");
        }
    }
}
