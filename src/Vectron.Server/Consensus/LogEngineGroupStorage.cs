using Vectron.Raft.Core;
using Vectron.Storage.Log;
using HardState = Vectron.Raft.Core.HardState;

namespace Vectron.Server.Consensus;

/// <summary>
/// One group's persisted state as the Raft core reads it, served by the log engine (entries, terms,
/// hard state) and the store's cached snapshot record (membership). Entry data in the log starts
/// with one byte, the entry type (docs/formats/raft.md, "log entry data").
/// </summary>
internal sealed class LogEngineGroupStorage : IRaftStorage
{
    private readonly LogEngine _engine;
    private readonly ulong _groupId;
    private readonly LogEngineRaftLogStore _store;
    private readonly List<LogEntry> _scratch = [];

    public LogEngineGroupStorage(LogEngine engine, ulong groupId, LogEngineRaftLogStore store)
    {
        _engine = engine;
        _groupId = groupId;
        _store = store;
    }

    public ulong FirstIndex => _engine.GetGroup(_groupId)?.FirstIndex ?? 1;

    public ulong LastIndex => _engine.GetGroup(_groupId)?.LastIndex ?? 0;

    public (HardState HardState, ConfState ConfState) InitialState()
    {
        var stored = _engine.GetGroup(_groupId)?.HardState ?? default;
        return (new HardState(stored.Term, stored.Vote, stored.Commit), _store.SnapshotMetadata(_groupId).ConfState);
    }

    public bool TryGetTerm(ulong index, out ulong term) => _engine.TryGetTerm(_groupId, index, out term);

    public bool TryGetEntries(ulong from, ulong to, long maxBytes, List<Entry> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        _scratch.Clear();
        switch (_engine.ReadEntries(_groupId, from, to, maxBytes, _scratch))
        {
            case LogReadStatus.Compacted:
                return false;
            case LogReadStatus.Unavailable:
                throw new ArgumentOutOfRangeException(nameof(to), $"group {_groupId}: entries up to {to - 1} requested, last is {LastIndex}");
            default:
                break;
        }
        foreach (var stored in _scratch)
        {
            into.Add(Decode(stored));
        }
        _scratch.Clear();
        return true;
    }

    public Snapshot? GetSnapshot() => new(_store.SnapshotMetadata(_groupId), default);

    internal static byte[] Encode(Entry entry)
    {
        var bytes = new byte[1 + entry.Data.Length];
        bytes[0] = (byte)entry.Type;
        entry.Data.Span.CopyTo(bytes.AsSpan(1));
        return bytes;
    }

    private Entry Decode(LogEntry stored)
    {
        if (stored.Data.IsEmpty || stored.Data.Span[0] > (byte)EntryType.ConfChange)
        {
            throw new LogFormatException($"group {_groupId}: entry {stored.Index} has no valid entry type byte");
        }
        return new Entry(stored.Index, stored.Term, (EntryType)stored.Data.Span[0], stored.Data[1..]);
    }
}
