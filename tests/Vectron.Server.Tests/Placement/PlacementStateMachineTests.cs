using Vectron.Raft.Hosting;
using Vectron.Server.Placement;

namespace Vectron.Server.Tests.Placement;

public sealed class PlacementStateMachineTests
{
    private static readonly CollectionConfig Config = new(4, VectorDistance.Cosine, 3, HnswSettings.Default, new QuantizationSettings(true, 0.99f));

    [Fact]
    public void Create_AllocatesConsecutiveGroupIds_AndDeleteNeverGivesThemBack()
    {
        var machine = new PlacementStateMachine();
        Assert.True(Apply(machine, new CreateCollectionCommand("a", Config)).IsOk);
        Assert.True(Apply(machine, new DeleteCollectionCommand("a")).IsOk);
        Assert.True(Apply(machine, new CreateCollectionCommand("a", Config with { ShardNumber = 2 })).IsOk);

        var state = machine.Current;
        Assert.Equal([PlacementState.FirstShardGroupId + 3, PlacementState.FirstShardGroupId + 4], state.Collections["a"].ShardGroups.ToArray());
        Assert.Equal([16UL, 17, 18], state.RetiredGroups.ToArray());
        Assert.Equal(3UL, state.Epoch);
    }

    [Fact]
    public void RefusedCommands_ChangeNothing_AndSayWhy()
    {
        var machine = new PlacementStateMachine();
        Apply(machine, new CreateCollectionCommand("a", Config));
        var before = machine.Current;

        var duplicate = Apply(machine, new CreateCollectionCommand("a", Config));
        var missing = Apply(machine, new DeleteCollectionCommand("b"));
        var badSize = Apply(machine, new CreateCollectionCommand("c", Config with { VectorSize = 0 }));
        var badName = Apply(machine, new CreateCollectionCommand("x/y", Config));

        Assert.Equal(PlacementStatus.Conflict, duplicate.Status);
        Assert.Equal(PlacementStatus.NotFound, missing.Status);
        Assert.Equal(PlacementStatus.Invalid, badSize.Status);
        Assert.Contains("vectors.size", badSize.Message, StringComparison.Ordinal);
        Assert.Equal(PlacementStatus.Invalid, badName.Status);
        Assert.Same(before, machine.Current);
    }

    [Fact]
    public void AliasActions_ApplyAllOrNothing()
    {
        var machine = new PlacementStateMachine();
        Apply(machine, new CreateCollectionCommand("a", Config));
        Apply(machine, new CreateCollectionCommand("b", Config));
        Assert.True(Apply(machine, Aliases(new AliasAction(AliasActionKind.Create, "x", "a"))).IsOk);

        // The second action fails (no such alias): the first must not have happened either.
        var failed = Apply(machine, Aliases(new AliasAction(AliasActionKind.Create, "y", "b"), new AliasAction(AliasActionKind.Delete, "nope", "")));
        Assert.Equal(PlacementStatus.NotFound, failed.Status);
        Assert.False(machine.Current.Aliases.ContainsKey("y"));

        // Switch x from a to b and rename it, atomically.
        Assert.True(Apply(machine, Aliases(
            new AliasAction(AliasActionKind.Delete, "x", ""),
            new AliasAction(AliasActionKind.Create, "x", "b"),
            new AliasAction(AliasActionKind.Rename, "x", "z"))).IsOk);
        Assert.Equal("b", machine.Current.Aliases["z"]);
        Assert.Equal("b", machine.Current.Resolve("z")!.Name);
        Assert.Equal(PlacementStatus.Conflict, Apply(machine, Aliases(new AliasAction(AliasActionKind.Create, "a", "b"))).Status);
        Assert.Equal(PlacementStatus.Conflict, Apply(machine, new CreateCollectionCommand("z", Config)).Status);

        // Deleting a collection deletes its aliases.
        Apply(machine, new DeleteCollectionCommand("b"));
        Assert.Empty(machine.Current.Aliases);
    }

    [Fact]
    public void PayloadIndexes_AreDeclaredAndDropped()
    {
        var machine = new PlacementStateMachine();
        Apply(machine, new CreateCollectionCommand("a", Config));
        Assert.True(Apply(machine, new SetPayloadIndexCommand("a", "city", "keyword")).IsOk);
        Assert.Equal("keyword", machine.Current.Collections["a"].PayloadIndexes["city"]);
        Assert.Equal(PlacementStatus.NotFound, Apply(machine, new DropPayloadIndexCommand("a", "nope")).Status);
        Assert.True(Apply(machine, new DropPayloadIndexCommand("a", "city")).IsOk);
        Assert.Empty(machine.Current.Collections["a"].PayloadIndexes);
    }

    [Fact]
    public void Update_ReplacesHnswAndQuantization()
    {
        var machine = new PlacementStateMachine();
        Apply(machine, new CreateCollectionCommand("a", Config));
        Assert.True(Apply(machine, new UpdateCollectionCommand("a", HnswPatch.Of(new HnswSettings(32, 200, 5)), null, DisableQuantization: true)).IsOk);
        var config = machine.Current.Collections["a"].Config;
        Assert.Equal(new HnswSettings(32, 200, 5), config.Hnsw);
        Assert.Null(config.Quantization);
        Assert.Equal(Config, machine.Current.Collections["a"].ShardConfig);
        Assert.Equal(PlacementStatus.Invalid, Apply(machine, new UpdateCollectionCommand("a", HnswPatch.Of(new HnswSettings(1, 200, 5)), null, false)).Status);
    }

    [Fact]
    public void Updates_OfDifferentHnswFields_BothHold_WhateverTheyWereReadAgainst()
    {
        // Two PATCHes read the same config, one names m, the other ef_construct: each changes only its field.
        var machine = new PlacementStateMachine();
        Apply(machine, new CreateCollectionCommand("a", Config));
        var before = machine.Current.Collections["a"].Config.Hnsw;
        Assert.True(Apply(machine, new UpdateCollectionCommand("a", new HnswPatch(8, null, null), null, false)).IsOk);
        Assert.True(Apply(machine, new UpdateCollectionCommand("a", new HnswPatch(null, 64, null), null, false)).IsOk);
        Assert.Equal(before with { M = 8, EfConstruct = 64 }, machine.Current.Collections["a"].Config.Hnsw);

        // A patch is validated against the settings it lands on, and a refused one changes nothing.
        Assert.Equal(PlacementStatus.Invalid, Apply(machine, new UpdateCollectionCommand("a", new HnswPatch(1, null, null), null, false)).Status);
        Assert.Equal(before with { M = 8, EfConstruct = 64 }, machine.Current.Collections["a"].Config.Hnsw);
    }

    [Fact]
    public void Update_OfCommandVersion1_StillSetsEveryHnswField()
    {
        // Version 1 layout: version, kind 3, name, has-hnsw, m, ef_construct, full_scan_threshold, quantization none, disable.
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write((byte)1);
            writer.Write((byte)3);
            writer.Write("a");
            writer.Write(true);
            writer.Write(12);
            writer.Write(90);
            writer.Write(7);
            writer.Write((byte)0);
            writer.Write(false);
        }
        var update = Assert.IsType<UpdateCollectionCommand>(PlacementCodec.Decode(stream.ToArray()));
        Assert.Equal(new HnswPatch(12, 90, 7), update.Hnsw);
        Assert.Throws<InvalidDataException>(() => PlacementCodec.Decode([3, 3, 1, (byte)'a', 0b1000, 0, 0]));
    }

    [Fact]
    public void Replace_SwapsAHiddenCollectionIn_RetiringTheOldGroups_AndKeepingTheAliases()
    {
        var machine = new PlacementStateMachine();
        string hidden = PlacementState.HiddenPrefix + "1:a";
        Apply(machine, new CreateCollectionCommand("a", Config));
        Apply(machine, Aliases(new AliasAction(AliasActionKind.Create, "x", "a")));
        Assert.Equal(PlacementStatus.NotFound, Apply(machine, Aliases(new AliasAction(AliasActionKind.Create, "y", hidden))).Status);
        Assert.True(Apply(machine, new CreateCollectionCommand(hidden, Config with { ShardNumber = 2 })).IsOk);
        Assert.Null(machine.Current.Resolve(hidden));
        var old = machine.Current.Collections["a"].ShardGroups;
        var fresh = machine.Current.Collections[hidden].ShardGroups;

        Assert.Equal(PlacementStatus.NotFound, Apply(machine, new ReplaceCollectionCommand("a", "b")).Status);
        Assert.Equal(PlacementStatus.Conflict, Apply(machine, new ReplaceCollectionCommand(hidden, "x")).Status);
        Assert.Equal(PlacementStatus.Invalid, Apply(machine, new ReplaceCollectionCommand(hidden, "bad/name")).Status);
        ulong epoch = machine.Current.Epoch;
        Assert.True(Apply(machine, new ReplaceCollectionCommand(hidden, "a")).IsOk);
        var state = machine.Current;
        Assert.Equal(epoch + 1, state.Epoch);
        Assert.Equal(["a"], state.Collections.Keys);
        Assert.Equal(fresh, state.Collections["a"].ShardGroups);
        Assert.Equal("a", state.Collections["a"].Name);
        Assert.Equal(2, state.Resolve("x")!.Config.ShardNumber);
        Assert.All(old, group => Assert.Contains(group, state.RetiredGroups));
        Assert.Equal(2, PlacementCodec.Encode(new ReplaceCollectionCommand(hidden, "a"))[0]);
        Assert.Equal(1, PlacementCodec.Encode(new DeleteCollectionCommand("a"))[0]);
    }

    [Fact]
    public void Commands_RoundTripThroughTheCodec_AndGarbageIsRefused()
    {
        PlacementCommand[] commands =
        [
            new CreateCollectionCommand("a", Config),
            new CreateCollectionCommand("b", Config with { Quantization = null, Distance = VectorDistance.Euclid }),
            new DeleteCollectionCommand("a"),
            new UpdateCollectionCommand("a", HnswPatch.Of(HnswSettings.Default), new QuantizationSettings(false, null), false),
            new UpdateCollectionCommand("a", null, null, true),
            Aliases(new AliasAction(AliasActionKind.Create, "x", "a"), new AliasAction(AliasActionKind.Rename, "x", "y")),
            new SetPayloadIndexCommand("a", "f", "integer"),
            new DropPayloadIndexCommand("a", "f"),
            new ReplaceCollectionCommand(PlacementState.HiddenPrefix + "1:a", "a"),
        ];
        foreach (var command in commands)
        {
            var decoded = PlacementCodec.Decode(PlacementCodec.Encode(command));
            Assert.Equal(PlacementCodec.Encode(command), PlacementCodec.Encode(decoded));
        }
        Assert.Throws<InvalidDataException>(() => PlacementCodec.Decode([PlacementCodec.CommandVersion, 99]));
        Assert.Throws<InvalidDataException>(() => PlacementCodec.Decode([2, 1]));
        var truncated = PlacementCodec.Encode(commands[0]);
        Assert.Throws<InvalidDataException>(() => PlacementCodec.Decode(truncated.AsSpan(0, truncated.Length - 3)));

        // A command the state machine cannot decode is refused as invalid, not thrown.
        var machine = new PlacementStateMachine();
        var results = new ReadOnlyMemory<byte>[1];
        machine.Apply([new StateMachineCommand(1, new byte[] { 7 })], results);
        Assert.Equal(PlacementStatus.Invalid, PlacementCodec.DecodeOutcome(results[0].Span).Status);
    }

    [Fact]
    public async Task Snapshot_RestoresTheSameState()
    {
        var machine = new PlacementStateMachine();
        Apply(machine, new CreateCollectionCommand("a", Config));
        Apply(machine, new CreateCollectionCommand("b", Config with { ShardNumber = 1 }));
        Apply(machine, new SetPayloadIndexCommand("a", "f", "keyword"));
        Apply(machine, new UpdateCollectionCommand("a", HnswPatch.Of(new HnswSettings(8, 50, 0)), null, DisableQuantization: true));
        Apply(machine, Aliases(new AliasAction(AliasActionKind.Create, "x", "b")));
        Apply(machine, new DeleteCollectionCommand("b"));
        Apply(machine, Aliases(new AliasAction(AliasActionKind.Create, "y", "a")));
        using var stream = new MemoryStream();
        await machine.SaveSnapshotAsync(stream, CancellationToken.None);

        var restored = new PlacementStateMachine();
        stream.Position = 0;
        await restored.RestoreSnapshotAsync(stream, CancellationToken.None);

        var expected = machine.Current;
        var actual = restored.Current;
        Assert.Equal(expected.Epoch, actual.Epoch);
        Assert.Equal(expected.NextGroupId, actual.NextGroupId);
        Assert.Equal(expected.Aliases, actual.Aliases);
        Assert.Equal(expected.RetiredGroups, actual.RetiredGroups);
        Assert.Equal(expected.Collections.Keys, actual.Collections.Keys);
        Assert.Equal(expected.Collections["a"].Config, actual.Collections["a"].Config);
        Assert.Equal(expected.Collections["a"].ShardConfig, actual.Collections["a"].ShardConfig);
        Assert.Equal(expected.Collections["a"].ShardGroups.ToArray(), actual.Collections["a"].ShardGroups.ToArray());
        Assert.Equal(expected.Collections["a"].PayloadIndexes, actual.Collections["a"].PayloadIndexes);

        stream.Position = 0;
        stream.WriteByte(0);
        stream.Position = 0;
        await Assert.ThrowsAsync<InvalidDataException>(() => new PlacementStateMachine().RestoreSnapshotAsync(stream, CancellationToken.None));
    }

    private static AliasActionsCommand Aliases(params AliasAction[] actions) => new([.. actions]);

    private static PlacementOutcome Apply(PlacementStateMachine machine, PlacementCommand command)
    {
        var results = new ReadOnlyMemory<byte>[1];
        machine.Apply([new StateMachineCommand(1, PlacementCodec.Encode(command))], results);
        return PlacementCodec.DecodeOutcome(results[0].Span);
    }
}
