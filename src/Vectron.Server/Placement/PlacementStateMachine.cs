using System.Collections.Immutable;
using Vectron.Raft.Hosting;

namespace Vectron.Server.Placement;

/// <summary>
/// The placement driver: the replicated catalogue of collections, their shards' Raft group ids,
/// aliases and payload index declarations, in its own Raft group (<see cref="PlacementState.PlacementGroupId"/>).
/// </summary>
/// <remarks>
/// Applies run on the group's apply lane; each publishes a new immutable <see cref="PlacementState"/>
/// through <see cref="Current"/>, which any thread may read, and then raises <see cref="Changed"/>.
/// A refused command changes nothing and does not move the epoch.
/// </remarks>
public sealed class PlacementStateMachine : IStateMachine
{
    /// <summary>The largest vector dimension accepted.</summary>
    public const int MaxVectorSize = 65_536;

    /// <summary>The most shards a collection may have.</summary>
    public const int MaxShards = 1024;

    private PlacementState _state = PlacementState.Empty;

    /// <summary>Raised (on the apply thread) after a change was applied or a snapshot restored.</summary>
    public event Action<PlacementState>? Changed;

    /// <summary>The newest applied state.</summary>
    public PlacementState Current => Volatile.Read(ref _state);

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<StateMachineCommand> commands, Span<ReadOnlyMemory<byte>> results)
    {
        bool changed = false;
        for (int i = 0; i < commands.Length; i++)
        {
            PlacementOutcome outcome;
            PlacementCommand command;
            try
            {
                command = PlacementCodec.Decode(commands[i].Payload.Span);
            }
            catch (InvalidDataException e)
            {
                results[i] = PlacementCodec.EncodeOutcome(new PlacementOutcome(PlacementStatus.Invalid, e.Message, _state.Epoch));
                continue;
            }
            (var next, outcome) = Execute(_state, command);
            if (outcome.IsOk)
            {
                Volatile.Write(ref _state, next);
                changed = true;
            }
            results[i] = PlacementCodec.EncodeOutcome(outcome);
        }
        if (changed)
        {
            Changed?.Invoke(_state);
        }
    }

    /// <summary>Lookups carry no query language: an empty query (a read barrier) returns empty.</summary>
    public ReadOnlyMemory<byte> Lookup(ReadOnlyMemory<byte> query) => ReadOnlyMemory<byte>.Empty;

    /// <inheritdoc />
    public Task SaveSnapshotAsync(Stream destination, CancellationToken cancellationToken)
    {
        PlacementCodec.WriteState(destination, Current);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken)
    {
        var state = PlacementCodec.ReadState(source);
        Volatile.Write(ref _state, state);
        Changed?.Invoke(state);
        return Task.CompletedTask;
    }

    /// <summary>Computes the state after <paramref name="command"/> (pure: the input state is not changed).</summary>
    public static (PlacementState State, PlacementOutcome Outcome) Execute(PlacementState state, PlacementCommand command)
    {
        ArgumentNullException.ThrowIfNull(state);
        var (next, status, message) = command switch
        {
            CreateCollectionCommand create => Create(state, create),
            DeleteCollectionCommand delete => Delete(state, delete),
            UpdateCollectionCommand update => Update(state, update),
            ReplaceCollectionCommand replace => Replace(state, replace),
            AliasActionsCommand aliases => ApplyAliases(state, aliases),
            SetPayloadIndexCommand setIndex => SetIndex(state, setIndex),
            DropPayloadIndexCommand dropIndex => DropIndex(state, dropIndex),
            _ => (state, PlacementStatus.Invalid, $"unknown command {command.GetType().Name}"),
        };
        if (status != PlacementStatus.Ok)
        {
            return (state, new PlacementOutcome(status, message, state.Epoch));
        }
        next = next with { Epoch = state.Epoch + 1 };
        return (next, new PlacementOutcome(PlacementStatus.Ok, "", next.Epoch));
    }

    private static (PlacementState, PlacementStatus, string) Create(PlacementState state, CreateCollectionCommand create)
    {
        var config = create.Config;
        string? invalid = (PlacementState.IsHidden(create.Name) ? null : ValidateName(create.Name, "collection"))
            ?? (config.VectorSize is < 1 or > MaxVectorSize ? $"vectors.size must be between 1 and {MaxVectorSize}, not {config.VectorSize}" : null)
            ?? (config.ShardNumber is < 1 or > MaxShards ? $"shard_number must be between 1 and {MaxShards}, not {config.ShardNumber}" : null)
            ?? ValidateHnsw(config.Hnsw);
        if (invalid is not null)
        {
            return (state, PlacementStatus.Invalid, invalid);
        }
        if (state.Collections.ContainsKey(create.Name))
        {
            return (state, PlacementStatus.Conflict, $"Collection `{create.Name}` already exists!");
        }
        if (state.Aliases.ContainsKey(create.Name))
        {
            return (state, PlacementStatus.Conflict, $"`{create.Name}` is already an alias");
        }
        var groups = ImmutableArray.CreateBuilder<ulong>(config.ShardNumber);
        for (int i = 0; i < config.ShardNumber; i++)
        {
            groups.Add(state.NextGroupId + (ulong)i);
        }
        var record = new CollectionRecord(create.Name, config, groups.MoveToImmutable(),
            ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal), state.Epoch + 1, config);
        return (state with
        {
            NextGroupId = state.NextGroupId + (ulong)config.ShardNumber,
            Collections = state.Collections.Add(create.Name, record),
        }, PlacementStatus.Ok, "");
    }

    private static (PlacementState, PlacementStatus, string) Delete(PlacementState state, DeleteCollectionCommand delete)
    {
        if (!state.Collections.TryGetValue(delete.Name, out var record))
        {
            return (state, PlacementStatus.NotFound, $"Collection `{delete.Name}` doesn't exist!");
        }
        var aliases = state.Aliases;
        foreach (var (alias, target) in state.Aliases)
        {
            if (target == delete.Name)
            {
                aliases = aliases.Remove(alias);
            }
        }
        return (state with
        {
            Collections = state.Collections.Remove(delete.Name),
            Aliases = aliases,
            RetiredGroups = state.RetiredGroups.Union(record.ShardGroups),
        }, PlacementStatus.Ok, "");
    }

    private static (PlacementState, PlacementStatus, string) Replace(PlacementState state, ReplaceCollectionCommand replace)
    {
        if (!PlacementState.IsHidden(replace.Source) || !state.Collections.TryGetValue(replace.Source, out var source))
        {
            return (state, PlacementStatus.NotFound, $"Hidden collection `{replace.Source}` doesn't exist!");
        }
        if (ValidateName(replace.Target, "collection") is { } invalid)
        {
            return (state, PlacementStatus.Invalid, invalid);
        }
        if (state.Aliases.ContainsKey(replace.Target))
        {
            return (state, PlacementStatus.Conflict, $"`{replace.Target}` is already an alias");
        }
        var retired = state.RetiredGroups;
        if (state.Collections.TryGetValue(replace.Target, out var old))
        {
            retired = retired.Union(old.ShardGroups);
        }
        var collections = state.Collections.Remove(replace.Source).SetItem(replace.Target, source with { Name = replace.Target });
        return (state with { Collections = collections, RetiredGroups = retired }, PlacementStatus.Ok, "");
    }

    private static (PlacementState, PlacementStatus, string) Update(PlacementState state, UpdateCollectionCommand update)
    {
        if (!state.Collections.TryGetValue(update.Name, out var record))
        {
            return (state, PlacementStatus.NotFound, $"Collection `{update.Name}` doesn't exist!");
        }
        // The patch meets the settings the collection has now, not those the request was read against.
        var hnsw = update.Hnsw?.ApplyTo(record.Config.Hnsw) ?? record.Config.Hnsw;
        if (update.Hnsw is not null && ValidateHnsw(hnsw) is { } invalid)
        {
            return (state, PlacementStatus.Invalid, invalid);
        }
        var config = record.Config with
        {
            Hnsw = hnsw,
            Quantization = update.DisableQuantization ? null : update.Quantization ?? record.Config.Quantization,
        };
        return (state with { Collections = state.Collections.SetItem(update.Name, record with { Config = config }) }, PlacementStatus.Ok, "");
    }

    private static (PlacementState, PlacementStatus, string) ApplyAliases(PlacementState state, AliasActionsCommand command)
    {
        // Applied one by one on a copy; the first failure discards the copy, so the batch is atomic.
        var aliases = state.Aliases;
        foreach (var action in command.Actions)
        {
            switch (action.Kind)
            {
                case AliasActionKind.Create:
                    if (ValidateName(action.Alias, "alias") is { } badAlias)
                    {
                        return (state, PlacementStatus.Invalid, badAlias);
                    }
                    if (!state.Collections.ContainsKey(action.Target) || PlacementState.IsHidden(action.Target))
                    {
                        return (state, PlacementStatus.NotFound, $"Collection `{action.Target}` doesn't exist!");
                    }
                    if (state.Collections.ContainsKey(action.Alias))
                    {
                        return (state, PlacementStatus.Conflict, $"Alias `{action.Alias}` is the name of a collection");
                    }
                    // Qdrant re-points an existing alias on create_alias.
                    aliases = aliases.SetItem(action.Alias, action.Target);
                    break;
                case AliasActionKind.Delete:
                    if (!aliases.ContainsKey(action.Alias))
                    {
                        return (state, PlacementStatus.NotFound, $"Alias `{action.Alias}` doesn't exist!");
                    }
                    aliases = aliases.Remove(action.Alias);
                    break;
                case AliasActionKind.Rename:
                    if (!aliases.TryGetValue(action.Alias, out var target))
                    {
                        return (state, PlacementStatus.NotFound, $"Alias `{action.Alias}` doesn't exist!");
                    }
                    if (ValidateName(action.Target, "alias") is { } badName)
                    {
                        return (state, PlacementStatus.Invalid, badName);
                    }
                    if (aliases.ContainsKey(action.Target) || state.Collections.ContainsKey(action.Target))
                    {
                        return (state, PlacementStatus.Conflict, $"Alias `{action.Target}` already exists!");
                    }
                    aliases = aliases.Remove(action.Alias).Add(action.Target, target);
                    break;
                default:
                    return (state, PlacementStatus.Invalid, $"unknown alias action {action.Kind}");
            }
        }
        return (state with { Aliases = aliases }, PlacementStatus.Ok, "");
    }

    private static (PlacementState, PlacementStatus, string) SetIndex(PlacementState state, SetPayloadIndexCommand command)
    {
        if (!state.Collections.TryGetValue(command.Collection, out var record))
        {
            return (state, PlacementStatus.NotFound, $"Collection `{command.Collection}` doesn't exist!");
        }
        if (string.IsNullOrEmpty(command.Field))
        {
            return (state, PlacementStatus.Invalid, "field_name must not be empty");
        }
        var updated = record with { PayloadIndexes = record.PayloadIndexes.SetItem(command.Field, command.Schema) };
        return (state with { Collections = state.Collections.SetItem(command.Collection, updated) }, PlacementStatus.Ok, "");
    }

    private static (PlacementState, PlacementStatus, string) DropIndex(PlacementState state, DropPayloadIndexCommand command)
    {
        if (!state.Collections.TryGetValue(command.Collection, out var record))
        {
            return (state, PlacementStatus.NotFound, $"Collection `{command.Collection}` doesn't exist!");
        }
        if (!record.PayloadIndexes.ContainsKey(command.Field))
        {
            return (state, PlacementStatus.NotFound, $"Payload index for field `{command.Field}` doesn't exist");
        }
        var updated = record with { PayloadIndexes = record.PayloadIndexes.Remove(command.Field) };
        return (state with { Collections = state.Collections.SetItem(command.Collection, updated) }, PlacementStatus.Ok, "");
    }

    /// <summary>Null when <paramref name="name"/> is a valid collection or alias name; else why not.</summary>
    public static string? ValidateName(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 255)
        {
            return $"{what} name must have 1 to 255 characters";
        }
        foreach (char c in name)
        {
            if (c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' or '\0' || char.IsControl(c))
            {
                return $"{what} name `{name}` contains the forbidden character '{(char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) : c.ToString())}'";
            }
        }
        return null;
    }

    private static string? ValidateHnsw(HnswSettings hnsw) =>
        hnsw.M is < 2 or > 128 ? $"hnsw_config.m must be between 2 and 128, not {hnsw.M}"
        : hnsw.EfConstruct is < 4 or > 4096 ? $"hnsw_config.ef_construct must be between 4 and 4096, not {hnsw.EfConstruct}"
        : hnsw.FullScanThreshold < 0 ? $"hnsw_config.full_scan_threshold must not be negative, not {hnsw.FullScanThreshold}"
        : null;
}
