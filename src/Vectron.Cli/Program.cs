namespace Vectron.Cli;

/// <summary>Entry point of the <c>vectron</c> executable.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        LoadClientRuntime.ConfigureFor(args);
        return CliApplication.Run(args, Console.Out, Console.Error);
    }
}
