using Vectron.Cli.CommandLine;
using Vectron.Cli.Serve;

namespace Vectron.Cli.Tests.Serve;

public sealed class ServeOptionsTests
{
    [Fact]
    public void Defaults_AreLoopback6333_AndVectronData()
    {
        var options = ServeOptions.Parse([], _ => null);
        Assert.Equal("./vectron-data", options.DataDirectory);
        Assert.Equal("127.0.0.1", options.Host);
        Assert.Equal(6333, options.Port);
        Assert.Equal(6334, options.GrpcPort);
        Assert.False(options.Insecure);
        Assert.Equal(Environment.ProcessorCount, options.ReadConcurrency);
        Assert.Equal(64, options.SnapshotEveryMegabytes);
    }

    [Fact]
    public void ReadConcurrency_ComesFromEveryLayer_AndMustBePositive()
    {
        Assert.Equal(3, ServeOptions.Parse(["--read-concurrency", "3"], _ => null).ReadConcurrency);
        Assert.Equal(5, ServeOptions.Parse([], name => name == "VECTRON_READ_CONCURRENCY" ? "5" : null).ReadConcurrency);
        var error = Assert.Throws<CliException>(() => ServeOptions.Parse(["--read-concurrency", "0"], _ => null));
        Assert.Contains("--read-concurrency: expected a whole number from 1 to 4096", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CommandLine_BeatsEnvironment_WhichBeatsTheConfigFile()
    {
        using var directory = new TempDirectory();
        string config = directory.File("vectron.json");
        File.WriteAllText(config, """{"data": "/from/file", "port": 7000, "host": "127.0.0.2", "default_shards": 3, "insecure": true}""");
        var environment = new Dictionary<string, string> { ["VECTRON_CONFIG"] = config, ["VECTRON_PORT"] = "7001", ["VECTRON_DATA"] = "/from/env" };

        var options = ServeOptions.Parse(["--data", "/from/args"], name => environment.GetValueOrDefault(name));

        Assert.Equal("/from/args", options.DataDirectory);
        Assert.Equal(7001, options.Port);
        Assert.Equal("127.0.0.2", options.Host);
        Assert.Equal(3, options.DefaultShards);
        Assert.True(options.Insecure);
        Assert.Equal(config, options.ConfigFile);
    }

    [Theory]
    [InlineData(new[] { "--port", "70000" }, "--port: expected a whole number from 0 to 65535")]
    [InlineData(new[] { "--log-level", "loud" }, "log level 'loud'")]
    [InlineData(new[] { "--config", "/nonexistent/vectron.json" }, "config file '/nonexistent/vectron.json' does not exist")]
    [InlineData(new[] { "--frobnicate" }, "--frobnicate")]
    public void BadSettings_AreUsageErrors_NamingTheSetting(string[] arguments, string fragment)
    {
        var error = Assert.Throws<CliException>(() => ServeOptions.Parse(arguments, _ => null));
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnvironmentValues_AreCheckedAndNamed()
    {
        var error = Assert.Throws<CliException>(() => ServeOptions.Parse([], name => name == "VECTRON_PORT" ? "http" : null));
        Assert.Contains("VECTRON_PORT: expected a whole number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigFile_WithAnUnknownKey_IsRefused()
    {
        using var directory = new TempDirectory();
        string config = directory.File("c.json");
        File.WriteAllText(config, """{"prot": 1}""");
        var error = Assert.Throws<CliException>(() => ServeOptions.Parse(["--config", config], _ => null));
        Assert.Contains("unknown setting 'prot'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ExplainsEverySetting()
    {
        var output = new StringWriter();
        Assert.Equal(0, CliApplication.Run(["serve", "--help"], output, new StringWriter()));
        foreach (string option in (string[])["--data", "--host", "--port", "--grpc-port", "--insecure", "--max-body-mb", "--default-shards", "--snapshot-every", "--snapshot-every-mb", "--read-concurrency", "--log-level", "--config", "VECTRON_PORT", "not served yet"])
        {
            Assert.Contains(option, output.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NonLoopbackHost_WithoutInsecure_IsRefusedAtStart()
    {
        using var directory = new TempDirectory();
        var errors = new StringWriter();
        int exit = CliApplication.Run(["serve", "--data", directory.Path, "--host", "0.0.0.0", "--port", "0"], new StringWriter(), errors);
        Assert.Equal(CliException.UsageExitCode, exit);
        Assert.Contains("--insecure", errors.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
    }
}
