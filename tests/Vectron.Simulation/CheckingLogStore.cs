using Vectron.Raft.Core;
using Vectron.Raft.Hosting;

namespace Vectron.Simulation;

/// <summary>
/// Wraps a host's <see cref="IRaftLogStore"/> and shows the <see cref="SafetyMonitor"/> every entry before it is
/// written and every durable commit index after, so log matching and committed-entry stability are checked on exactly
/// what each replica persists.
/// </summary>
/// <remarks>Entries are reported before the write: a write torn by a crash may still survive recovery whole.</remarks>
internal sealed class CheckingLogStore : IRaftLogStore
{
    private readonly IRaftLogStore _inner;
    private readonly SafetyMonitor _monitor;
    private readonly ulong _nodeId;
    private readonly Dictionary<ulong, IRaftStorage> _views = [];

    public CheckingLogStore(IRaftLogStore inner, SafetyMonitor monitor, ulong nodeId)
    {
        _inner = inner;
        _monitor = monitor;
        _nodeId = nodeId;
    }

    /// <summary>Completed writes.</summary>
    public long Writes { get; private set; }

    /// <inheritdoc />
    public bool Contains(ulong groupId) => _inner.Contains(groupId);

    /// <inheritdoc />
    public IRaftStorage OpenGroup(ulong groupId) => View(groupId);

    /// <inheritdoc />
    public SnapshotMetadata SnapshotMetadata(ulong groupId) => _inner.SnapshotMetadata(groupId);

    /// <inheritdoc />
    public async ValueTask WriteAsync(RaftLogBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var update in batch.Updates)
        {
            var view = View(update.GroupId);
            if (update.InstalledSnapshot is { } installed)
            {
                _monitor.OnSnapshotInstalled(_nodeId, update.GroupId, installed);
            }

            ulong? previousTerm = null;

            for (int i = 0; i < update.Entries.Count; i++)
            {
                var entry = update.Entries[i];
                if (i == 0)
                {
                    // After an installed snapshot the old log is gone; only the snapshot's own point is known.
                    previousTerm = update.InstalledSnapshot is { } snapshot
                        ? (snapshot.Index == entry.Index - 1 ? snapshot.Term : null)
                        : (view.TryGetTerm(entry.Index - 1, out ulong term) ? term : null);
                }

                _monitor.OnWrite(_nodeId, update.GroupId, entry, previousTerm);
                previousTerm = entry.Term;
            }
        }

        await _inner.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        Writes++;
        foreach (var update in batch.Updates)
        {
            if (update.HardState is { } hardState)
            {
                _monitor.OnDurableCommit(_nodeId, update.GroupId, hardState.Commit, View(update.GroupId));
            }
        }
    }

    private IRaftStorage View(ulong groupId)
    {
        if (!_views.TryGetValue(groupId, out var view))
        {
            view = _inner.OpenGroup(groupId);
            _views[groupId] = view;
        }

        return view;
    }
}
