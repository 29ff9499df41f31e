using System.Runtime.CompilerServices;
using Vectron.Index.Memory;

namespace Vectron.Index.Search;

/// <summary>Decides whether a visited node may enter the result list (all nodes route the search regardless).</summary>
internal interface IAcceptPolicy
{
    bool Accepts(int node);

    /// <summary>Nodes the policy's row snapshots can address.</summary>
    int Capacity { get; }
}

/// <summary>Nodes whose insert has completed and which are not deleted.</summary>
internal readonly struct LivePolicy(RowView<byte> states) : IAcceptPolicy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Accepts(int node) => states.Row(node) == NodeState.Live;

    public int Capacity => states.Capacity;
}

/// <summary>Nodes not deleted, including ones being inserted right now: the candidates for new links.</summary>
internal readonly struct NotDeletedPolicy(RowView<byte> states) : IAcceptPolicy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Accepts(int node) => states.Row(node) != NodeState.Deleted;

    public int Capacity => states.Capacity;
}

/// <summary>Live nodes the user's filter admits.</summary>
internal readonly struct FilterPolicy(RowView<byte> states, RowView<ulong> keys, IVectorFilter filter) : IAcceptPolicy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Accepts(int node) => states.Row(node) == NodeState.Live && filter.Admits(keys.Row(node));

    public int Capacity => Math.Min(states.Capacity, keys.Capacity);
}

/// <summary>Node lifecycle values kept in the state row of every node.</summary>
internal static class NodeState
{
    /// <summary>Allocated; its insert has not completed, so it is never returned.</summary>
    public const byte Pending = 0;

    /// <summary>Searchable.</summary>
    public const byte Live = 1;

    /// <summary>Tombstone: still routes searches, never returned.</summary>
    public const byte Deleted = 2;
}
