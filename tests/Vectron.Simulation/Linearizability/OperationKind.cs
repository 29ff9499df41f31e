namespace Vectron.Simulation.Linearizability;

/// <summary>The operations of the key-value model a history is checked against.</summary>
internal enum OperationKind
{
    /// <summary>Reads a key: returns its value, or absent if it was never written.</summary>
    Read,

    /// <summary>Writes a value to a key unconditionally: returns ok.</summary>
    Write,

    /// <summary>Writes a value only if the key holds the expected value (or absent): returns whether it did.</summary>
    CompareAndSet,
}
