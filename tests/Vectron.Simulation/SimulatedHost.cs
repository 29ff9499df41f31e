using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Server.Consensus;
using Vectron.Storage.Files;
using Vectron.Storage.Log;

namespace Vectron.Simulation;

/// <summary>
/// One simulated machine: a <see cref="RaftHost"/> running its groups over the real log engine on a
/// <see cref="SimulatedFileSystem"/> (the storage layer's fault-injecting disk), driven synchronously by the simulation.
/// A crash throws the host away and reverts the disk to what was synced; a restart recovers the log and starts every
/// group the machine ever ran from it, as a real process restart would.
/// </summary>
/// <remarks>
/// The log engine keeps its writer thread, but the host only writes from <see cref="RaftHost.ProcessOnce"/>, which
/// blocks until the write is synced: one write is ever in flight and the driver waits for it, so runs are
/// deterministic. Snapshot payloads are files of a <see cref="FileRaftSnapshotStore"/> on the same simulated disk, so
/// crashes, torn writes and fsync errors reach them as they reach the log.
/// </remarks>
internal sealed class SimulatedHost : IDisposable
{
    private const string LogDirectory = "/log";
    private const string SnapshotDirectory = "/snapshots";
    private const int MaxIterationsPerStep = 10_000;

    private readonly SimulatedClock _clock;
    private readonly SimulatedNetwork _network;
    private readonly SafetyMonitor _monitor;
    private readonly SimulationOptions _options;
    private readonly SimulatedFileSystem _disk;
    private readonly CapturingLoggerFactory _log = new();
    private readonly List<(ulong GroupId, IReadOnlyList<ulong> Founders)> _groups = [];
    private readonly Dictionary<ulong, KeyValueStateMachine> _machines = [];
    private readonly List<Exception> _fatal = [];
    private readonly int _randomSeed;
    private LogEngine? _engine;
    private RaftHost? _host;
    private bool _tornWriteArmed;
    private bool _diskErrorArmed;
    private bool _inStep;
    private bool _syncedInStep;
    private int _reportedErrors;
    private bool _unrecoverable;

    public SimulatedHost(ulong id, ulong seed, long tickPhase, SimulationOptions options, SimulatedClock clock, SimulatedNetwork network, SafetyMonitor monitor)
    {
        Id = id;
        TickPhase = tickPhase;
        _options = options;
        _clock = clock;
        _network = network;
        _monitor = monitor;
        _randomSeed = unchecked((int)(seed ^ (seed >> 32)));
        _disk = new SimulatedFileSystem(_randomSeed) { BeforeSync = OnBeforeSync };
    }

    /// <summary>The node id: its member id in every group it runs.</summary>
    public ulong Id { get; }

    /// <summary>The offset of this machine's tick timer from the simulation's tick boundaries, in milliseconds.</summary>
    public long TickPhase { get; }

    /// <summary>Whether the machine runs (false between a crash and the restart).</summary>
    public bool IsUp => _host is not null;

    /// <summary>The time until which the machine is stuck in a slow fsync or frozen; it is not driven before then.</summary>
    public long BusyUntil { get; private set; }

    /// <summary>Freezes the process until <paramref name="until"/>: nothing runs, ticks and messages pile up.</summary>
    public void Pause(long until) => BusyUntil = Math.Max(BusyUntil, until);

    /// <summary>Extra milliseconds every fsync takes (0: a fast disk).</summary>
    public int SyncDelay { get; set; }

    /// <summary>The groups this machine has ever run.</summary>
    public IEnumerable<ulong> GroupIds => _groups.Select(group => group.GroupId);

    /// <summary>The running host (null while down).</summary>
    public RaftHost? Host => _host;

    /// <summary>Warnings the host logged with an exception (a message the core refused), so far.</summary>
    public int Warnings => _log.Warnings.Count;

    /// <summary>Log engine writes (syncs) so far.</summary>
    public long Syncs => _disk.SyncCount;

    /// <summary>Whether the machine runs a replica of <paramref name="groupId"/> (started at some point).</summary>
    public bool Runs(ulong groupId) => _groups.Exists(group => group.GroupId == groupId);

    /// <summary>The Raft replica of <paramref name="groupId"/> while up, for checks and the membership driver.</summary>
    public RaftNode? Node(ulong groupId) => _host?.GroupOf(groupId)?.Node;

    /// <summary>Formats the machine's disk and starts an empty host.</summary>
    public void Boot() => Start();

    /// <summary>Starts a replica of <paramref name="groupId"/> (founders: bootstrap it; empty: join it) and runs until it is up.</summary>
    public void StartGroup(ulong groupId, IReadOnlyList<ulong> founders)
    {
        _groups.Add((groupId, founders));
        if (_host is not null)
        {
            StartReplica(groupId, founders);
        }
    }

    /// <summary>Adds one tick for the host to process.</summary>
    public void Tick() => _host?.AddTicks(1);

    /// <summary>
    /// Runs loop iterations until the host has no work, unless it is stuck in a slow fsync; sends what it produced.
    /// Returns the injected fault that brought the machine down during the step, if one did.
    /// </summary>
    public FaultKind? Step() => Step(waitForDisk: true);

    private FaultKind? Step(bool waitForDisk)
    {
        if (_host is null || (waitForDisk && BusyUntil > _clock.Now))
        {
            return null;
        }

        for (int iteration = 0; iteration < MaxIterationsPerStep; iteration++)
        {
            long syncs = _disk.SyncCount;
            bool more;
            _inStep = true;
            _syncedInStep = false;
            try
            {
                more = _host.ProcessOnce();
            }
#pragma warning disable CA1031 // Any exception out of the host is either the injected disk fault or a bug to report.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                _inStep = false;
                return Failed(exception);
            }
            finally
            {
                _inStep = false;
            }

            if (_disk.Halted)
            {
                // Power went out under a write the host survived (a snapshot save fails softly): the machine is down
                // all the same, at this moment.
                return Failed(new SimulatedCrashException("the simulated machine lost power during a write the host caught"));
            }

            if (_disk.SyncCount != syncs && SyncDelay > 0)
            {
                BusyUntil = _clock.Now + SyncDelay;
            }

            _network.Collect(Math.Max(_clock.Now, BusyUntil));
            ReportLoggedErrors();
            if (!more || (waitForDisk && BusyUntil > _clock.Now))
            {
                return null;
            }
        }

        _monitor.Report(ViolationKind.HostFailure, 0, $"node {Id}: the host never ran out of work ({MaxIterationsPerStep} iterations in one step)");
        return null;
    }

    /// <summary>Power loss: the host vanishes (its pending operations end as stopped) and the disk keeps what was synced.</summary>
    public void Crash()
    {
        if (_host is null)
        {
            return;
        }

        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _host = null;
        _engine?.Dispose();
        _engine = null;
        _disk.Crash();
        _disk.InjectError = null;
        _tornWriteArmed = false;
        _diskErrorArmed = false;
        _machines.Clear();
        BusyUntil = 0;
    }

    /// <summary>Shuts the machine down for good (the end of a run).</summary>
    public void Dispose()
    {
        Crash();
        _log.Dispose();
    }

    /// <summary>Boots again: recovers the log from the disk and restarts every group ever run here.</summary>
    public void Restart()
    {
        if (_host is null && !_unrecoverable)
        {
            Start();
        }
    }

    /// <summary>Makes the machine lose power <paramref name="operations"/> file-system operations from now, tearing whatever write is under way.</summary>
    public void ArmTornWrite(int operations)
    {
        _disk.CrashAfter(operations);
        _tornWriteArmed = true;
    }

    /// <summary>Makes the next log sync fail with EIO (after which the log engine, and so the host, stops).</summary>
    public void ArmDiskError()
    {
        _diskErrorArmed = true;
        _disk.InjectError = (operation, _) => operation == SimulatedOperation.Sync ? 5 : null;
    }

    /// <summary>Cancels an armed torn write or disk error that has not fired.</summary>
    public void Disarm()
    {
        if (_tornWriteArmed)
        {
            _disk.CrashAfter(long.MaxValue / 4);
            _tornWriteArmed = false;
        }

        _disk.InjectError = null;
        _diskErrorArmed = false;
    }

    /// <summary>Whether the apply lane of <paramref name="groupId"/> stopped after a failure.</summary>
    public bool LaneFailed(ulong groupId) => _host?.GroupOf(groupId)?.Lane.Failed ?? false;

    private void Start()
    {
        var logOptions = new LogEngineOptions
        {
            Directory = LogDirectory,
            FileSystem = _disk,
            SegmentSize = 16 << 10,
            PreallocateSegments = false,
            TimeProvider = _clock,
            OnFatalError = _fatal.Add,
        };
        FileRaftSnapshotStore snapshots;
        try
        {
            _engine = LogEngine.Open(logOptions);
            snapshots = FileRaftSnapshotStore.Open(_disk, SnapshotDirectory);
        }
#pragma warning disable CA1031 // A log that does not recover is a storage bug to report, whatever the exception.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _monitor.Report(ViolationKind.HostFailure, 0, $"node {Id}: the log or the snapshot store did not recover: {exception}");
            _unrecoverable = true;
            return;
        }

        var store = new CheckingLogStore(new LogEngineRaftLogStore(_engine), _monitor, Id);
        _host = new RaftHost(new RaftHostOptions
        {
            NodeId = Id,
            ElectionTicks = _options.ElectionTicks,
            HeartbeatTicks = _options.HeartbeatTicks,
            QuiesceAfterTicks = _options.QuiesceAfterTicks,
            OperationTimeoutTicks = _options.OperationTimeoutTicks,
            SnapshotEveryEntries = _options.SnapshotEveryEntries,
            CompactionOverhead = _options.CompactionOverhead,
            MaxMessageBytes = 4 << 10,
            RandomSeed = _randomSeed,
            TimeProvider = _clock,
            ApplyScheduler = InlineApplyScheduler.Instance,
            LoggerFactory = _log,
        }, store, snapshots, _network.CreateTransport());
        foreach (var (groupId, founders) in _groups)
        {
            StartReplica(groupId, founders);
        }
    }

    private void StartReplica(ulong groupId, IReadOnlyList<ulong> founders)
    {
        var machine = new KeyValueStateMachine(_monitor, Id, groupId);
        _machines[groupId] = machine;
        var started = _host!.StartGroupAsync(new RaftGroupConfig(groupId, machine) { InitialMembers = founders });
        Step(waitForDisk: false);
        if (_host is not null && !started.IsCompleted)
        {
            _monitor.Report(ViolationKind.HostFailure, groupId, $"node {Id}: the group did not start within one step");
        }
        else if (started.IsFaulted)
        {
            _monitor.Report(ViolationKind.HostFailure, groupId, $"node {Id}: the group failed to start: {started.Exception?.InnerException}");
        }
    }

    private FaultKind? Failed(Exception exception)
    {
        FaultKind? injected = _tornWriteArmed && _disk.Halted ? FaultKind.TornWriteCrash
            : _diskErrorArmed && _fatal.Count > 0 ? FaultKind.DiskError
            : null;
        if (injected is null)
        {
            _monitor.Report(ViolationKind.HostFailure, 0, $"node {Id}: the host failed: {exception}");
        }

        _network.Collect(_clock.Now);
        Crash();
        _fatal.Clear();
        return injected;
    }

    private void OnBeforeSync(string path)
    {
        // Runs on the log's writer thread while the driver waits in ProcessOnce. Packets sent before the first sync of
        // a step (a leader's appends, Raft §10.2.1) leave now; the rest leave when the slow sync is over.
        if (_inStep && !_syncedInStep)
        {
            _syncedInStep = true;
            _network.Collect(_clock.Now);
        }
    }

    private void ReportLoggedErrors()
    {
        while (_reportedErrors < _log.Errors.Count)
        {
            _monitor.Report(ViolationKind.HostFailure, 0, $"node {Id}: {_log.Errors[_reportedErrors++]}");
        }
    }
}
