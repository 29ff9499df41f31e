using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is picked up; choose with --filter, e.g. --filter '*Kernel*'.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
