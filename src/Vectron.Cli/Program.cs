namespace Vectron.Cli;

/// <summary>Entry point of the <c>vectron</c> executable.</summary>
internal static class Program
{
    private static int Main(string[] args) => CliApplication.Run(args, Console.Out, Console.Error);
}
