namespace Vectron.Simulation.Linearizability;

/// <summary>One operation of a hand-written history: who, what, when, and what it returned (null return and output: unknown).</summary>
internal sealed record Interval(int Client, KeyValueInput Input, long Call, long? Return, KeyValueOutput? Output);
