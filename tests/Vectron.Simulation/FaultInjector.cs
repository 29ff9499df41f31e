namespace Vectron.Simulation;

/// <summary>
/// Decides, tick by tick during a run's fault phase, which faults strike: spells of network loss, duplication and
/// delay; partitions (symmetric, asymmetric, partial) and their healing; crashes (between writes, in the middle of a
/// log write, or by a disk error on sync) and the restarts that follow; slow disks. <see cref="HealAll"/> ends them all.
/// </summary>
internal sealed class FaultInjector
{
    private readonly FaultRates _rates;
    private readonly FaultCounts _faults;
    private readonly SimulatedNetwork _network;
    private readonly Dictionary<ulong, long> _restartAt = [];
    private readonly HashSet<ulong> _armed = [];
    private SplitMix _random;

    public FaultInjector(ulong seed, FaultRates rates, FaultCounts faults, SimulatedNetwork network)
    {
        _random = new SplitMix(seed);
        _rates = rates;
        _faults = faults;
        _network = network;
    }

    /// <summary>The earliest scheduled restart, or <see cref="long.MaxValue"/>.</summary>
    public long NextRestart => _restartAt.Count == 0 ? long.MaxValue : _restartAt.Values.Min();

    /// <summary>One tick of the fault phase.</summary>
    public void Tick(List<SimulatedHost> hosts, IReadOnlyList<ulong> groups, long now, ref TraceHash trace)
    {
        if (Chance(_rates.NetworkSpell))
        {
            bool calm = _random.Next(5) < 2;
            _network.DropPerMille = calm ? 0 : _random.Next(_rates.MaxDropPerMille + 1);
            _network.DuplicatePerMille = calm ? 0 : _random.Next(_rates.MaxDuplicatePerMille + 1);
            _network.DelayPerMille = calm ? 0 : _random.Next(_rates.MaxDelayPerMille + 1);
            trace.Add((ulong)(_network.DropPerMille + (_network.DuplicatePerMille << 10) + (_network.DelayPerMille << 20)));
        }

        if (Chance(_rates.Partition))
        {
            Partition(hosts, groups, ref trace);
        }

        if (Chance(_rates.Crash))
        {
            Crash(hosts, now, ref trace);
        }

        if (Chance(_rates.Pause))
        {
            var host = _random.Next(2) == 0 && MembershipDriver.Leader(groups[_random.Next(groups.Count)], hosts) is { } leader
                ? leader
                : hosts[_random.Next(hosts.Count)];
            if (host.IsUp)
            {
                host.Pause(now + ((5 + _random.Next(Math.Max(1, _rates.MaxPauseTicks - 4))) * (long)SimulationOptions.TickMilliseconds));
                _faults.Add(FaultKind.Pause);
                trace.Add(0xFA05E ^ host.Id);
            }
        }

        if (Chance(_rates.SlowDisk))
        {
            var host = hosts[_random.Next(hosts.Count)];
            if (host.SyncDelay > 0)
            {
                host.SyncDelay = 0;
            }
            else
            {
                host.SyncDelay = 5 + _random.Next(Math.Max(1, _rates.MaxSyncDelay - 4));
                _faults.Add(FaultKind.SlowDisk);
            }

            trace.Add(0x510E ^ (host.Id << 16) ^ (ulong)host.SyncDelay);
        }
    }

    /// <summary>A host went down in the middle of a step (an armed torn write or disk error fired): schedule its restart.</summary>
    public void OnWentDown(SimulatedHost host, FaultKind kind, long now)
    {
        _faults.Add(kind);
        _armed.Remove(host.Id);
        _restartAt[host.Id] = now + Downtime();
    }

    /// <summary>Restarts every host whose downtime is over.</summary>
    public void RestartDue(List<SimulatedHost> hosts, long now, ref TraceHash trace)
    {
        foreach (var host in hosts)
        {
            if (_restartAt.TryGetValue(host.Id, out long due) && due <= now)
            {
                _restartAt.Remove(host.Id);
                host.Restart();
                _faults.Add(FaultKind.Restart);
                trace.Add(0x5EED ^ host.Id);
            }
        }
    }

    /// <summary>Ends every fault: heals the network, restores fast disks, disarms pending crashes and restarts every host.</summary>
    public void HealAll(List<SimulatedHost> hosts)
    {
        _network.Heal();
        _network.DropPerMille = 0;
        _network.DuplicatePerMille = 0;
        _network.DelayPerMille = 0;
        _restartAt.Clear();
        _armed.Clear();
        foreach (var host in hosts)
        {
            host.SyncDelay = 0;
            host.Disarm();
            if (!host.IsUp)
            {
                host.Restart();
                _faults.Add(FaultKind.Restart);
            }
        }
    }

    private void Partition(List<SimulatedHost> hosts, IReadOnlyList<ulong> groups, ref TraceHash trace)
    {
        if (_network.IsPartitioned)
        {
            _network.Heal();
            _faults.Add(FaultKind.Heal);
            trace.Add(0x4EA1);
            return;
        }

        var ids = hosts.Select(host => host.Id).ToList();
        switch (_random.Next(4))
        {
            case 0 or 1:
                // Two sides, no link across in either direction; half the time one side is a leader alone (the
                // partition that deposes a leader while it still believes it leads).
                var side = ids.Where(_ => _random.Next(2) == 0).ToHashSet();
                if (_random.Next(2) == 0 && MembershipDriver.Leader(groups[_random.Next(groups.Count)], hosts) is { } leader)
                {
                    side = [leader.Id];
                }
                else if (side.Count == 0 || side.Count == ids.Count)
                {
                    side = [ids[_random.Next(ids.Count)]];
                }

                foreach (ulong inside in side)
                {
                    foreach (ulong outside in ids.Where(id => !side.Contains(id)))
                    {
                        _network.Cut(inside, outside);
                        _network.Cut(outside, inside);
                    }
                }

                _faults.Add(FaultKind.SymmetricPartition);
                break;
            case 2:
                // One host cannot send to some peers (or cannot hear them) while the other direction works.
                ulong node = ids[_random.Next(ids.Count)];
                bool outgoing = _random.Next(2) == 0;
                foreach (ulong peer in ids)
                {
                    if (peer != node && _random.Next(3) != 0)
                    {
                        _network.Cut(outgoing ? node : peer, outgoing ? peer : node);
                    }
                }

                _faults.Add(FaultKind.AsymmetricPartition);
                break;
            default:
                // A few links down both ways: A reaches B and B reaches C, but A does not reach C.
                int links = 1 + _random.Next(Math.Max(1, ids.Count - 1));
                for (int i = 0; i < links; i++)
                {
                    ulong a = ids[_random.Next(ids.Count)];
                    ulong b = ids[_random.Next(ids.Count)];
                    if (a != b)
                    {
                        _network.Cut(a, b);
                        _network.Cut(b, a);
                    }
                }

                _faults.Add(FaultKind.PartialPartition);
                break;
        }

        trace.Add(0x9A27 ^ (ulong)_random.Next(1 << 20));
    }

    private void Crash(List<SimulatedHost> hosts, long now, ref TraceHash trace)
    {
        int down = _armed.Count + hosts.Count(host => !host.IsUp);
        if (down >= (hosts.Count - 1) / 2)
        {
            return;
        }

        var up = hosts.Where(host => host.IsUp && !_armed.Contains(host.Id)).ToList();
        if (up.Count == 0)
        {
            return;
        }

        var victim = up[_random.Next(up.Count)];
        trace.Add(0xC7A5 ^ victim.Id);
        switch (_random.Next(10))
        {
            case < 5:
                victim.Crash();
                _faults.Add(FaultKind.Crash);
                _restartAt[victim.Id] = now + Downtime();
                break;
            case < 8:
                // Power fails a few file-system operations into the next log write (or rotation), tearing it.
                victim.ArmTornWrite(_random.Next(6));
                _armed.Add(victim.Id);
                break;
            default:
                victim.ArmDiskError();
                _armed.Add(victim.Id);
                break;
        }
    }

    private long Downtime() => (5 + _random.Next(Math.Max(1, _rates.MaxDowntimeTicks - 4))) * (long)SimulationOptions.TickMilliseconds;

    private bool Chance(int perMille) => perMille > 0 && _random.Next(1000) < perMille;
}
