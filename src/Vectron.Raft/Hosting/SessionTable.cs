using System.Buffers.Binary;

namespace Vectron.Raft.Hosting;

/// <summary>What the session table says about a command before it is applied.</summary>
internal enum SessionVerdict : byte
{
    /// <summary>Never applied: apply it.</summary>
    New = 0,
    /// <summary>Applied before: answer with the remembered result, do not apply again.</summary>
    Duplicate = 1,
    /// <summary>Older than anything remembered: it may or may not have applied.</summary>
    Expired = 2,
}

/// <summary>
/// Per-client memory of applied requests, part of the replicated state (it is in every snapshot):
/// a retried proposal with the same client and request id is applied once and the retry gets the
/// first result. Each client keeps its newest <c>resultsPerClient</c> results; older request ids are
/// "expired". At most <c>maxClients</c> clients are kept, evicting the one least recently applied.
/// Every decision depends only on applied entries, so all replicas agree. Used by one apply lane.
/// </summary>
internal sealed class SessionTable
{
    private readonly int _maxClients;
    private readonly int _resultsPerClient;
    private readonly Dictionary<ulong, ClientSession> _clients = [];

    public SessionTable(int maxClients, int resultsPerClient)
    {
        _maxClients = maxClients;
        _resultsPerClient = resultsPerClient;
    }

    public int Count => _clients.Count;

    public SessionVerdict Check(ulong clientId, ulong requestId, out ReadOnlyMemory<byte> result)
    {
        result = default;
        if (clientId == 0 || !_clients.TryGetValue(clientId, out var session))
        {
            return SessionVerdict.New;
        }
        if (session.Results.TryGetValue(requestId, out var held))
        {
            result = held;
            return SessionVerdict.Duplicate;
        }
        return requestId <= session.Floor ? SessionVerdict.Expired : SessionVerdict.New;
    }

    public void Record(ulong clientId, ulong requestId, ReadOnlyMemory<byte> result, ulong index)
    {
        if (clientId == 0)
        {
            return;
        }
        if (!_clients.TryGetValue(clientId, out var session))
        {
            if (_clients.Count >= _maxClients)
            {
                EvictLeastRecent();
            }
            session = new ClientSession();
            _clients[clientId] = session;
        }
        session.LastIndex = index;
        session.Results[requestId] = result.ToArray();
        while (session.Results.Count > _resultsPerClient)
        {
            session.Floor = Math.Max(session.Floor, session.Results.Keys[0]);
            session.Results.RemoveAt(0);
        }
    }

    private void EvictLeastRecent()
    {
        ulong victim = 0;
        var oldest = ulong.MaxValue;
        foreach (var (id, session) in _clients)
        {
            // Ties broken by id so every replica evicts the same client.
            if (session.LastIndex < oldest || (session.LastIndex == oldest && id < victim))
            {
                oldest = session.LastIndex;
                victim = id;
            }
        }
        _clients.Remove(victim);
    }

    /// <summary>Writes the table (docs/formats/raft.md, "session table"), clients in id order.</summary>
    public void WriteTo(Stream destination)
    {
        Span<byte> buffer = stackalloc byte[28];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)_clients.Count);
        destination.Write(buffer[..4]);
        foreach (var id in _clients.Keys.Order())
        {
            var session = _clients[id];
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, id);
            BinaryPrimitives.WriteUInt64LittleEndian(buffer[8..], session.Floor);
            BinaryPrimitives.WriteUInt64LittleEndian(buffer[16..], session.LastIndex);
            BinaryPrimitives.WriteUInt32LittleEndian(buffer[24..], (uint)session.Results.Count);
            destination.Write(buffer);
            foreach (var (requestId, result) in session.Results)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(buffer, requestId);
                BinaryPrimitives.WriteUInt32LittleEndian(buffer[8..], (uint)result.Length);
                destination.Write(buffer[..12]);
                destination.Write(result);
            }
        }
    }

    /// <summary>Replaces the table with one written by <see cref="WriteTo"/>; returns the bytes read.</summary>
    public int ReadFrom(ReadOnlySpan<byte> source)
    {
        _clients.Clear();
        var at = 0;
        var count = ReadUInt32(source, ref at);
        for (var i = 0u; i < count; i++)
        {
            var id = ReadUInt64(source, ref at);
            var session = new ClientSession { Floor = ReadUInt64(source, ref at), LastIndex = ReadUInt64(source, ref at) };
            var results = ReadUInt32(source, ref at);
            for (var j = 0u; j < results; j++)
            {
                var requestId = ReadUInt64(source, ref at);
                var length = (int)ReadUInt32(source, ref at);
                Need(source, at, length);
                session.Results[requestId] = source.Slice(at, length).ToArray();
                at += length;
            }
            _clients[id] = session;
        }
        return at;
    }

    private static ulong ReadUInt64(ReadOnlySpan<byte> source, ref int at)
    {
        Need(source, at, 8);
        var value = BinaryPrimitives.ReadUInt64LittleEndian(source[at..]);
        at += 8;
        return value;
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> source, ref int at)
    {
        Need(source, at, 4);
        var value = BinaryPrimitives.ReadUInt32LittleEndian(source[at..]);
        at += 4;
        return value;
    }

    private static void Need(ReadOnlySpan<byte> source, int at, int length)
    {
        if (length < 0 || source.Length - at < length)
        {
            throw new FormatException($"session table: {length} bytes needed at offset {at}, {source.Length - at} left");
        }
    }

    private sealed class ClientSession
    {
        public SortedList<ulong, byte[]> Results { get; } = [];

        public ulong Floor { get; set; }

        public ulong LastIndex { get; set; }
    }
}
