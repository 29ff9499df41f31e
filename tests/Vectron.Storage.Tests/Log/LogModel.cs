using Vectron.Storage.Log;

namespace Vectron.Storage.Tests.Log;

/// <summary>What the log should hold: groups' entries, compaction points and hard states, changed by the same operations.</summary>
internal sealed class LogModel
{
    private readonly Dictionary<ulong, GroupModel> _groups = [];

    public IEnumerable<ulong> Groups => _groups.Keys;

    public LogModel Clone()
    {
        var copy = new LogModel();
        foreach (var (id, group) in _groups)
        {
            copy._groups[id] = group.Clone();
        }

        return copy;
    }

    public GroupModel Group(ulong id)
    {
        if (!_groups.TryGetValue(id, out var group))
        {
            group = new GroupModel();
            _groups[id] = group;
        }

        return group;
    }

    /// <summary>Records the operations of a batch (build both with <see cref="Recorder"/>).</summary>
    public void Apply(IEnumerable<Action<LogModel>> operations)
    {
        foreach (var operation in operations)
        {
            operation(this);
        }
    }

    public void AssertMatches(LogEngine engine, string context)
    {
        foreach (var (id, group) in _groups)
        {
            var info = engine.GetGroup(id);
            Assert.True(info is not null, $"{context}: group {id} is missing");
            Assert.True(group.Last == info.Value.LastIndex, $"{context}: group {id} last index {info.Value.LastIndex}, expected {group.Last}");
            Assert.True(group.Compacted == info.Value.CompactedIndex, $"{context}: group {id} compacted {info.Value.CompactedIndex}, expected {group.Compacted}");
            Assert.True(group.HardState == info.Value.HardState, $"{context}: group {id} hard state {info.Value.HardState}, expected {group.HardState}");
            Assert.True(engine.TryGetTerm(id, group.Compacted, out ulong compactedTerm) && compactedTerm == group.CompactedTerm, $"{context}: group {id} compacted term");
            var read = new List<LogEntry>();
            var status = engine.ReadEntries(id, group.Compacted + 1, group.Last + 1, long.MaxValue, read);
            Assert.True(status == LogReadStatus.Ok, $"{context}: group {id} read {status}");
            Assert.True(group.Entries.Count == read.Count, $"{context}: group {id} read {read.Count} entries, expected {group.Entries.Count}");
            for (int i = 0; i < read.Count; i++)
            {
                var expected = group.Entries[i];
                Assert.True(expected.Index == read[i].Index && expected.Term == read[i].Term && expected.Data.Span.SequenceEqual(read[i].Data.Span), $"{context}: group {id} entry {expected.Index} differs");
                Assert.True(engine.TryGetTerm(id, expected.Index, out ulong term) && term == expected.Term, $"{context}: group {id} term of {expected.Index}");
            }
        }

        Assert.True(_groups.Count == engine.GroupIds.Count, $"{context}: {engine.GroupIds.Count} groups, expected {_groups.Count}");
    }

    internal sealed class GroupModel
    {
        public List<LogEntry> Entries { get; private set; } = [];

        public ulong Compacted { get; set; }

        public ulong CompactedTerm { get; set; }

        public ulong Last { get; set; }

        public HardState HardState { get; set; }

        public ulong LastTerm => Entries.Count > 0 ? Entries[^1].Term : CompactedTerm;

        public GroupModel Clone() => new() { Entries = [.. Entries], Compacted = Compacted, CompactedTerm = CompactedTerm, Last = Last, HardState = HardState };

        public void Append(LogEntry entry)
        {
            Entries.Add(entry);
            Last = entry.Index;
        }

        public void Truncate(ulong from)
        {
            Entries.RemoveAll(e => e.Index >= from);
            Last = from - 1;
        }

        public void Compact(ulong through, ulong term)
        {
            if (through <= Compacted)
            {
                return;
            }

            Entries.RemoveAll(e => e.Index <= through);
            Last = Math.Max(Last, through);
            Compacted = through;
            CompactedTerm = term;
        }
    }
}

/// <summary>Builds a <see cref="WriteBatch"/> and the matching model operations together.</summary>
internal sealed class Recorder
{
    public WriteBatch Batch { get; } = new();

    public List<Action<LogModel>> Operations { get; } = [];

    public Recorder Append(ulong group, ulong index, ulong term, byte[] data)
    {
        Batch.Append(group, index, term, data);
        Operations.Add(m => m.Group(group).Append(new LogEntry(index, term, data)));
        return this;
    }

    public Recorder HardState(ulong group, HardState state)
    {
        Batch.SetHardState(group, state);
        Operations.Add(m => m.Group(group).HardState = state);
        return this;
    }

    public Recorder Truncate(ulong group, ulong from)
    {
        Batch.TruncateSuffix(group, from);
        Operations.Add(m => m.Group(group).Truncate(from));
        return this;
    }

    public Recorder Compact(ulong group, ulong through, ulong term)
    {
        Batch.Compact(group, through, term);
        Operations.Add(m => m.Group(group).Compact(through, term));
        return this;
    }

    public static byte[] Payload(Random random, int maxLength)
    {
        var data = new byte[random.Next(maxLength + 1)];
        random.NextBytes(data);
        return data;
    }
}
