namespace Vectron.Simulation.Linearizability;

/// <summary>A complete, validated history of key-value operations, ordered by invocation, ready to be checked.</summary>
/// <remarks>Immutable once built; usually made by <see cref="HistoryRecorder.ToHistory"/>.</remarks>
internal sealed class History
{
    /// <summary>Validates and keeps <paramref name="operations"/>.</summary>
    /// <exception cref="ArgumentException">
    /// An operation's id is not its position, operations are not in invocation order, a return precedes its call, or
    /// exactly one of return time and output is missing.
    /// </exception>
    public History(IEnumerable<Operation> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var list = new List<Operation>(operations);
        for (int index = 0; index < list.Count; index++)
        {
            var operation = list[index] ?? throw new ArgumentException($"operation {index} is null", nameof(operations));
            if (operation.Id != index)
            {
                throw new ArgumentException($"operation {index} has id {operation.Id}: ids must be positions", nameof(operations));
            }

            if (index > 0 && operation.CallTime < list[index - 1].CallTime)
            {
                throw new ArgumentException($"operation {index} is invoked before operation {index - 1}", nameof(operations));
            }

            if (operation.ReturnTime is null != operation.Output is null)
            {
                throw new ArgumentException($"operation {index} needs both a return time and an output, or neither", nameof(operations));
            }

            if (operation.ReturnTime < operation.CallTime)
            {
                throw new ArgumentException($"operation {index} returns before it is invoked", nameof(operations));
            }
        }

        Operations = list;
    }

    /// <summary>The operations in invocation order; an operation's <see cref="Operation.Id"/> is its index here.</summary>
    public IReadOnlyList<Operation> Operations { get; }
}
