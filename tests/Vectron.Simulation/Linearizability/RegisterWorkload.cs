namespace Vectron.Simulation.Linearizability;

/// <summary>The shape of a run of <see cref="RegisterSimulation"/>: how many clients, keys and operations, and how much they overlap.</summary>
/// <param name="Clients">Clients issuing operations, each one at a time.</param>
/// <param name="Keys">Keys the operations pick from uniformly (named k0, k1, ...).</param>
/// <param name="OperationsPerClient">Operations each client issues.</param>
/// <param name="MaxDuration">The longest time from an invocation to its response (or to the client giving up).</param>
/// <param name="MaxGap">The longest pause between a client's response and its next invocation.</param>
/// <param name="UnknownPercent">The share of operations whose client gives up without an answer.</param>
internal sealed record RegisterWorkload(int Clients, int Keys, int OperationsPerClient, int MaxDuration, int MaxGap, int UnknownPercent);
