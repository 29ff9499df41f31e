namespace Vectron.Simulation.Linearizability;

/// <summary>How eagerly <see cref="PartitionSearch"/> abandons configurations that <see cref="ValueObligations"/> shows hopeless.</summary>
internal enum Pruning
{
    /// <summary>
    /// As soon as any unplaced operation is stranded: the fastest way to a verdict, but the longest linearization it
    /// reports stops where the dead end was first seen, often long before the operation that cannot be placed.
    /// </summary>
    Eager,

    /// <summary>
    /// Only when a stranded operation has been invoked (it is a candidate now): slower to refute, but the longest
    /// linearization runs up to the stranded operation, which is reported as the first not linearized.
    /// </summary>
    Imminent,
}
