using Vectron.Raft.Core.Quorum;

namespace Vectron.Raft.Core.Tracking;

/// <summary>The membership plus, per member, replication progress and the votes of the current election.</summary>
internal sealed class ProgressTracker
{
    private readonly Dictionary<ulong, bool> _votes = [];

    public ProgressTracker(int maxInflightMessages, long maxInflightBytes)
    {
        MaxInflightMessages = maxInflightMessages;
        MaxInflightBytes = maxInflightBytes;
    }

    public int MaxInflightMessages { get; }

    public long MaxInflightBytes { get; }

    public TrackerConfig Config { get; set; } = new();

    /// <summary>Progress of every voter and learner, sorted by id so iteration is deterministic.</summary>
    public SortedDictionary<ulong, Progress> Progress { get; set; } = [];

    public Inflights NewInflights() => new(MaxInflightMessages, MaxInflightBytes);

    public bool IsSingleton => Config.Voters.IsSingleton;

    /// <summary>The highest index a quorum of voters has persisted.</summary>
    public ulong Committed()
    {
        var index = Config.Voters.CommittedIndex(id => Progress.TryGetValue(id, out var pr) ? pr.Match : 0);
        return index == ulong.MaxValue ? 0 : index;
    }

    /// <summary>True when a quorum of voters was heard from recently (this node counts as heard).</summary>
    public bool QuorumActive(ulong self)
    {
        var active = new Dictionary<ulong, bool>();
        foreach (var (id, pr) in Progress)
        {
            if (!pr.IsLearner)
            {
                active[id] = id == self || pr.RecentActive;
            }
        }
        return Config.Voters.Vote(active) == VoteResult.Won;
    }

    public SortedSet<ulong> VoterIds() => Config.Voters.AllIds();

    public void ResetVotes() => _votes.Clear();

    /// <summary>Records a vote (the first one from a node counts) and returns the tally.</summary>
    public (int Granted, int Rejected, VoteResult Result) RecordVote(ulong id, bool granted)
    {
        _votes.TryAdd(id, granted);
        return TallyVotes();
    }

    public (int Granted, int Rejected, VoteResult Result) TallyVotes()
    {
        int granted = 0, rejected = 0;
        foreach (var (id, pr) in Progress)
        {
            if (pr.IsLearner || !_votes.TryGetValue(id, out var vote))
            {
                continue;
            }
            if (vote)
            {
                granted++;
            }
            else
            {
                rejected++;
            }
        }
        return (granted, rejected, Config.Voters.Vote(_votes));
    }

    public ConfState ConfState() => Config.ToConfState();
}
