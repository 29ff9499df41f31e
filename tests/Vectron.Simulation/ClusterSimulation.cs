using System.Globalization;
using Vectron.Simulation.Linearizability;

namespace Vectron.Simulation;

/// <summary>
/// One seeded run of a whole cluster: 3 to 5 hosts (more join to replace members), each running replicas of several
/// key-value Raft groups over the real log engine on a fault-injecting disk, with clients per group, on one simulated
/// clock, driven on the calling thread. A fault phase (network, disk, crash, membership and leadership faults while
/// the clients run) is followed by a healed phase in which every group must commit a new write; safety is checked
/// after every step and every group's history for linearizability at the end.
/// </summary>
/// <remarks>
/// Deterministic: every choice comes from generators seeded by the run's seed, time is simulated, hosts are driven one
/// at a time on this thread (the log writer thread only ever runs while this thread waits for it), and packets,
/// ticks and client actions happen in one order fixed by their times and a sequence number. The same seed and options
/// replay the same run, which <see cref="SimulationResult.TraceHash"/> shows.
/// </remarks>
internal sealed class ClusterSimulation
{
    private readonly ulong _seed;
    private readonly SimulationOptions _options;
    private readonly SimulatedClock _clock = new();
    private readonly FaultCounts _faults = new();
    private readonly SafetyMonitor _monitor;
    private readonly SimulatedNetwork _network;
    private readonly FaultInjector _injector;
    private readonly MembershipDriver _membership;
    private readonly List<SimulatedHost> _hosts = [];
    private readonly Dictionary<SimulatedHost, long> _nextTick = [];
    private readonly List<ulong> _groupIds = [];
    private readonly Dictionary<ulong, HistoryRecorder> _histories = [];
    private readonly List<(ulong GroupId, SimulatedClient Client)> _clients = [];
    private SplitMix _random;
    private TraceHash _trace;
    private ulong _nextHostId = 1;
    private long _nextFaultTick;

    private ClusterSimulation(ulong seed, SimulationOptions options)
    {
        _seed = seed;
        _options = options;
        _random = new SplitMix(seed);
        _monitor = new SafetyMonitor(_clock);
        _network = new SimulatedNetwork(_random.Next(), _faults);
        _injector = new FaultInjector(_random.Next(), options.Faults, _faults, _network);
        _membership = new MembershipDriver(_random.Next(), options, _faults, AddHost);
    }

    /// <summary>Runs the simulation of <paramref name="seed"/> on the calling thread.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static SimulationResult Run(ulong seed, SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var simulation = new ClusterSimulation(seed, options);
        try
        {
            return simulation.Execute();
        }
        finally
        {
            foreach (var host in simulation._hosts)
            {
                host.Dispose();
            }
        }
    }

    private SimulationResult Execute()
    {
        int hosts = _options.MinHosts + _random.Next(_options.MaxHosts - _options.MinHosts + 1);
        for (int i = 0; i < hosts; i++)
        {
            AddHost();
        }

        for (ulong groupId = 1; groupId <= (ulong)_options.Groups; groupId++)
        {
            StartGroup(groupId);
        }

        long tick = SimulationOptions.TickMilliseconds;
        RunUntil(_options.FaultTicks * tick, faults: true, stopWhen: null);

        _injector.HealAll(_hosts);
        long healedAt = _clock.Now;
        RunUntil(healedAt + (_options.LivenessTicks * tick), faults: false, stopWhen: () => AllGroupsWroteSince(healedAt));
        CheckLiveness(healedAt);

        foreach (var (_, client) in _clients)
        {
            client.Running = false;
        }

        var files = new List<string>();
        int undecided = CheckHistories(files);
        return Result(files, undecided);
    }

    private SimulatedHost? AddHost()
    {
        if (_hosts.Count >= _options.HostLimit)
        {
            return null;
        }

        ulong id = _nextHostId++;
        long phase = _random.Next(SimulationOptions.TickMilliseconds);
        var host = new SimulatedHost(id, _random.Next(), phase, _options, _clock, _network, _monitor);
        _hosts.Add(host);
        _nextTick[host] = _clock.Now - (_clock.Now % SimulationOptions.TickMilliseconds) + SimulationOptions.TickMilliseconds + phase;
        host.Boot();
        return host;
    }

    private void StartGroup(ulong groupId)
    {
        // Three founding voters on distinct hosts (all of them when there are three).
        var founders = _hosts.Select(host => host.Id).ToList();
        while (founders.Count > 3)
        {
            founders.RemoveAt(_random.Next(founders.Count));
        }

        _groupIds.Add(groupId);
        foreach (var host in _hosts.Where(host => founders.Contains(host.Id)))
        {
            host.StartGroup(groupId, founders);
        }

        var history = new HistoryRecorder();
        _histories[groupId] = history;
        for (int index = 0; index < _options.ClientsPerGroup; index++)
        {
            _clients.Add((groupId, new SimulatedClient(groupId, index, _random.Next(), _options, history, _clock)));
        }
    }

    private void RunUntil(long end, bool faults, Func<bool>? stopWhen)
    {
        while (_clock.Now < end && _monitor.Violations.Count == 0)
        {
            if (stopWhen?.Invoke() == true)
            {
                return;
            }

            long next = Math.Min(end, NextEvent(faults));
            _clock.AdvanceTo(Math.Max(next, _clock.Now + 1));
            Step(faults);
        }
    }

    private long NextEvent(bool faults)
    {
        long next = Math.Min(_network.NextDelivery, _injector.NextRestart);
        if (faults)
        {
            next = Math.Min(next, (_nextFaultTick + 1) * SimulationOptions.TickMilliseconds);
        }

        foreach (var (host, at) in _nextTick)
        {
            next = Math.Min(next, host.BusyUntil > _clock.Now ? Math.Min(at, host.BusyUntil) : at);
        }

        foreach (var (_, client) in _clients)
        {
            next = Math.Min(next, client.NextWake);
        }

        return next;
    }

    private void Step(bool faults)
    {
        long now = _clock.Now;
        if (faults && now >= (_nextFaultTick + 1) * SimulationOptions.TickMilliseconds)
        {
            _nextFaultTick++;
            _injector.Tick(_hosts, _groupIds, now, ref _trace);
            _membership.Tick(_groupIds, _hosts, ref _trace);
        }
        else if (!faults)
        {
            _membership.Settle(_groupIds, _hosts);
        }

        _injector.RestartDue(_hosts, now, ref _trace);
        _network.DeliverDue(now, IsUp, ref _trace);
        foreach (var host in _hosts)
        {
            if (_nextTick[host] <= now)
            {
                _nextTick[host] += SimulationOptions.TickMilliseconds;
                host.Tick();
            }
        }

        PollClients();
        foreach (var host in _hosts)
        {
            if (host.Step() is { } fault)
            {
                _injector.OnWentDown(host, fault, now);
                _trace.Add(0xD0E ^ host.Id ^ ((ulong)fault << 32));
            }
        }

        PollClients();
        CheckSafety();
    }

    private void PollClients()
    {
        foreach (var (_, client) in _clients)
        {
            client.Poll(_hosts, ref _trace);
        }
    }

    private void CheckSafety()
    {
        foreach (var host in _hosts)
        {
            if (!host.IsUp)
            {
                continue;
            }

            foreach (ulong groupId in host.GroupIds)
            {
                if (host.Node(groupId) is { } node)
                {
                    _monitor.OnRole(host.Id, groupId, node);
                }

                if (host.LaneFailed(groupId))
                {
                    _monitor.Report(ViolationKind.HostFailure, groupId, $"node {host.Id}: the apply lane stopped");
                }
            }
        }
    }

    private bool IsUp(ulong nodeId)
    {
        foreach (var host in _hosts)
        {
            if (host.Id == nodeId)
            {
                return host.IsUp;
            }
        }

        return false;
    }

    private bool AllGroupsWroteSince(long time)
    {
        foreach (ulong groupId in _groupIds)
        {
            if (!GroupWroteSince(groupId, time))
            {
                return false;
            }
        }

        return true;
    }

    private bool GroupWroteSince(ulong groupId, long time)
    {
        foreach (var (group, client) in _clients)
        {
            if (group == groupId && client.LastAnsweredWriteInvokedAt >= time)
            {
                return true;
            }
        }

        return false;
    }

    private void CheckLiveness(long healedAt)
    {
        if (_monitor.Violations.Count > 0)
        {
            return;
        }

        foreach (ulong groupId in _groupIds)
        {
            if (GroupWroteSince(groupId, healedAt))
            {
                continue;
            }

            var states = _hosts.Where(host => host.Runs(groupId) && host.Node(groupId) is not null).Select(host =>
            {
                var node = host.Node(groupId)!;
                string progress = node.Role == Vectron.Raft.Core.RaftRole.Leader
                    ? " progress " + string.Join(", ", node.Status().Progress.Select(member => $"{member.Key}: {member.Value}"))
                    : string.Empty;
                return $"{host.Id}: {node.Role} t{node.Term} lead {node.LeaderId} commit {node.Committed} last {node.LastIndex} {node.ConfState}{progress}";
            });
            _monitor.Report(ViolationKind.Liveness, groupId,
                $"no write committed within {_options.LivenessTicks} ticks after every fault healed; replicas: {string.Join("; ", states)}");
        }
    }

    private int CheckHistories(List<string> files)
    {
        int undecided = 0;
        foreach (ulong groupId in _groupIds)
        {
            var history = _histories[groupId].ToHistory();
            var result = LinearizabilityChecker.Check(history, _options.MaxCheckStepsPerKey);
            if (result.Verdict == Verdict.Unknown)
            {
                undecided++;
            }
            else if (result.Verdict == Verdict.Illegal)
            {
                string directory = _options.HistoryDirectory ?? Path.Combine(Path.GetTempPath(), "vectron-simulation");
                Directory.CreateDirectory(directory);
                string path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"seed-{_seed}-group-{groupId}.history.txt"));
                HistoryFile.Write(path, history, result, _seed);
                files.Add(path);
                _monitor.Report(ViolationKind.Linearizability, groupId, $"key {result.FailingKey} has no linearization; history written to {path}");
            }
        }

        return undecided;
    }

    private SimulationResult Result(List<string> files, int undecided)
    {
        long completed = 0, unknown = 0;
        foreach (var (_, client) in _clients)
        {
            completed += client.Completed;
            unknown += client.Unknown;
        }

        _trace.Add((ulong)_monitor.CommittedEntries);
        _trace.Add((ulong)_clock.Now);
        _network.Clear();

        return new SimulationResult
        {
            Seed = _seed,
            Hosts = _hosts.Count,
            Violations = _monitor.Violations,
            Faults = _faults,
            CompletedOperations = completed,
            UnknownOperations = unknown,
            CommittedEntries = _monitor.CommittedEntries,
            Leaderships = _monitor.LeadersSeen,
            UndecidedHistories = undecided,
            HostWarnings = _hosts.Sum(host => host.Warnings),
            SimulatedMilliseconds = _clock.Now,
            TraceHash = _trace.Value,
            HistoryFiles = files,
        };
    }
}
