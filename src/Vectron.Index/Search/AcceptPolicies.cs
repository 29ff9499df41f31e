using System.Runtime.CompilerServices;
using Vectron.Index.Memory;

namespace Vectron.Index.Search;

/// <summary>Decides whether a visited node may enter the result list (all nodes route the search regardless).</summary>
internal interface IAcceptPolicy
{
    bool Accepts(int node);
}

/// <summary>Nodes whose insert has completed and which are not deleted.</summary>
internal readonly struct LivePolicy(RowStore<byte> states) : IAcceptPolicy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Accepts(int node) => states.Row(node) == NodeState.Live;
}

/// <summary>Nodes not deleted, including ones being inserted right now: the candidates for new links.</summary>
internal readonly struct NotDeletedPolicy(RowStore<byte> states) : IAcceptPolicy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Accepts(int node) => states.Row(node) != NodeState.Deleted;
}

/// <summary>Live nodes the user's filter admits.</summary>
internal readonly struct FilterPolicy(RowStore<byte> states, RowStore<ulong> keys, IVectorFilter filter) : IAcceptPolicy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Accepts(int node) => states.Row(node) == NodeState.Live && filter.Admits(keys.Row(node));
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
