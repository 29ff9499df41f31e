using System.Text.Json.Nodes;
using System.Text.Json;
using Vectron.Index.Kernels;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

public sealed partial class ShardStateMachine
{
    private static readonly JsonElement EmptyPayload = PayloadSelector.EmptyObject();

    // Every command is validated completely before the first change, so a rejected command changes nothing.
    private ShardCommandResult Execute(ShardCommand command, ulong index)
    {
        if (command is UpsertPoints upsert)
        {
            return Upsert(upsert, index);
        }

        if (command is ReconfigureIndex reconfigure)
        {
            return Reconfigure(reconfigure);
        }

        _lock.EnterWriteLock();
        try
        {
            return command switch
            {
                DeletePoints delete => Delete(delete.Ids),
                DeletePointsByFilter byFilter => DeleteSlots(SortedMatches(byFilter.Filter)),
                SetPayload set => SetPayload(set, index),
                OverwritePayload overwrite => OverwritePayload(overwrite, index),
                DeletePayloadKeys deleteKeys => DeletePayloadKeys(deleteKeys, index),
                ClearPayload clear => EditPayloads(clear.Selector, index, _ => EmptyPayload),
                CreatePayloadIndex create => CreatePayloadIndex(create),
                DeletePayloadIndex drop => DeletePayloadIndex(drop),
                _ => ShardCommandResult.BadRequest("unknown shard command " + command.Kind),
            };
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private ShardCommandResult Upsert(UpsertPoints upsert, ulong index)
    {
        int dimension = Options.Dimension;
        var seen = new HashSet<PointId>();
        var vectors = new float[upsert.Points.Count][];
        var payloads = new JsonElement[upsert.Points.Count];
        for (int i = 0; i < upsert.Points.Count; i++)
        {
            PointWrite point = upsert.Points[i];
            if (point.Vector is null || point.Vector.Length != dimension)
            {
                return ShardCommandResult.BadRequest($"points[{i}].vector: expected dimension {dimension}, got {point.Vector?.Length ?? 0}");
            }

            for (int j = 0; j < point.Vector.Length; j++)
            {
                if (!float.IsFinite(point.Vector[j]))
                {
                    return ShardCommandResult.BadRequest($"points[{i}].vector[{j}]: {point.Vector[j]} is not a finite number");
                }
            }

            if (!seen.Add(point.Id))
            {
                return ShardCommandResult.BadRequest($"points[{i}].id: point {point.Id} appears more than once in the batch");
            }

            switch (point.Payload)
            {
                case null:
                case { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined }:
                    payloads[i] = EmptyPayload;
                    break;
                case { ValueKind: JsonValueKind.Object } payload:
                    payloads[i] = payload.Clone();
                    break;
                default:
                    return ShardCommandResult.BadRequest($"points[{i}].payload: expected an object, got {JsonKinds.Describe(point.Payload.Value.ValueKind)}");
            }

            float[] vector = (float[])point.Vector.Clone();
            if (Options.Metric == ShardDistance.Cosine)
            {
                FloatKernels.Normalize(vector);
            }

            vectors[i] = vector;
        }

        _lock.EnterWriteLock();
        try
        {
            for (int i = 0; i < vectors.Length; i++)
            {
                StorePoint(upsert.Points[i].Id, vectors[i], payloads[i], index);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        return ShardCommandResult.Applied(vectors.Length);
    }

    private void StorePoint(PointId id, float[] vector, JsonElement payload, ulong index)
    {
        long version = ++_vectorVersions;
        if (_ids.TryGetValue(id, out int slot))
        {
            StoredPoint existing = _slots[slot]!;
            _payloadIndexes.Remove(slot, existing.Payload);
            existing.Vector = vector;
            existing.Payload = payload;
            existing.Version = index;
            existing.VectorVersion = version;
        }
        else
        {
            slot = AllocateSlot();
            _slots[slot] = new StoredPoint(id) { Vector = vector, Payload = payload, Version = index, VectorVersion = version };
            _ids[id] = slot;
            _order.Add(id);
        }

        _payloadIndexes.Add(slot, payload);
        _tail.Add(slot);
        _work.Enqueue(slot);
        if (_rebuild is { } rebuild && slot < rebuild.Cursor)
        {
            // The rebuild's first pass already went by this slot: it must come back for the new vector.
            rebuild.Work.Enqueue(slot);
        }
    }

    private int AllocateSlot()
    {
        if (_freeSlots.TryPop(out int slot))
        {
            return slot;
        }

        _slots.Add(null);
        _inGraph.Add(false);
        return _slots.Count - 1;
    }

    private ShardCommandResult Delete(IReadOnlyList<PointId> ids)
    {
        var slots = new List<int>();
        foreach (PointId id in ids)
        {
            if (_ids.TryGetValue(id, out int slot))
            {
                slots.Add(slot);
            }
        }

        slots.Sort();
        return DeleteSlots(slots);
    }

    private ShardCommandResult DeleteSlots(List<int> slots)
    {
        int deleted = 0;
        foreach (int slot in slots)
        {
            if (_slots[slot] is not { } point)
            {
                continue;
            }

            _payloadIndexes.Remove(slot, point.Payload);
            _ids.Remove(point.Id);
            _order.Remove(point.Id);
            _tail.Remove(slot);
            _slots[slot] = null;
            _freeSlots.Push(slot);
            if (_inGraph[slot])
            {
                _work.Enqueue(slot);
            }

            if (_rebuild is { } rebuild && rebuild.VersionAt(slot) != 0)
            {
                rebuild.Work.Enqueue(slot);
            }

            deleted++;
        }

        return ShardCommandResult.Applied(deleted);
    }

    private ShardCommandResult SetPayload(SetPayload set, ulong index)
    {
        if (set.Payload.ValueKind != JsonValueKind.Object)
        {
            return ShardCommandResult.BadRequest("payload: expected an object, got " + JsonKinds.Describe(set.Payload.ValueKind));
        }

        JsonPath? key = null;
        if (set.Key is not null)
        {
            if (!JsonPath.TryParse(set.Key, out key, out string error))
            {
                return ShardCommandResult.BadRequest("key: " + error);
            }

            if (key.HasArrayStep)
            {
                return ShardCommandResult.BadRequest($"key: \"{set.Key}\" has an array step; set_payload's key must name nested objects");
            }
        }

        JsonObject values = PayloadPaths.ToNode(set.Payload);
        return EditPayloads(set.Selector, index, old =>
        {
            JsonObject edited = PayloadPaths.ToNode(old);
            if (key is null)
            {
                PayloadPaths.Merge(edited, values);
            }
            else
            {
                PayloadPaths.MergeAt(edited, key, values);
            }

            return PayloadPaths.ToElement(edited);
        });
    }

    private ShardCommandResult OverwritePayload(OverwritePayload overwrite, ulong index)
    {
        if (overwrite.Payload.ValueKind != JsonValueKind.Object)
        {
            return ShardCommandResult.BadRequest("payload: expected an object, got " + JsonKinds.Describe(overwrite.Payload.ValueKind));
        }

        JsonElement payload = overwrite.Payload.Clone();
        return EditPayloads(overwrite.Selector, index, _ => payload);
    }

    private ShardCommandResult DeletePayloadKeys(DeletePayloadKeys deleteKeys, ulong index)
    {
        var keys = new List<JsonPath>(deleteKeys.Keys.Count);
        for (int i = 0; i < deleteKeys.Keys.Count; i++)
        {
            if (!JsonPath.TryParse(deleteKeys.Keys[i], out JsonPath? key, out string error))
            {
                return ShardCommandResult.BadRequest($"keys[{i}]: {error}");
            }

            keys.Add(key);
        }

        return EditPayloads(deleteKeys.Selector, index, old =>
        {
            JsonObject edited = PayloadPaths.ToNode(old);
            foreach (JsonPath key in keys)
            {
                PayloadPaths.Remove(edited, key);
            }

            return PayloadPaths.ToElement(edited);
        });
    }

    private ShardCommandResult EditPayloads(PointSelector selector, ulong index, Func<JsonElement, JsonElement> edit)
    {
        List<int> slots;
        if (selector.Ids is { } ids)
        {
            slots = new List<int>(ids.Count);
            var seen = new HashSet<int>();
            foreach (PointId id in ids)
            {
                if (!_ids.TryGetValue(id, out int slot))
                {
                    return ShardCommandResult.NotFound($"No point with id {id} found");
                }

                if (seen.Add(slot))
                {
                    slots.Add(slot);
                }
            }
        }
        else
        {
            slots = SortedMatches(selector.Filter!);
        }

        // Compute every new payload before changing any, so the command stays all-or-nothing.
        var edited = new JsonElement[slots.Count];
        try
        {
            for (int i = 0; i < slots.Count; i++)
            {
                edited[i] = edit(_slots[slots[i]]!.Payload);
            }
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            // Nesting deeper than PayloadPaths.MaxDepth: the same on every replica.
            return ShardCommandResult.BadRequest("payload: " + error.Message);
        }

        for (int i = 0; i < slots.Count; i++)
        {
            int slot = slots[i];
            StoredPoint point = _slots[slot]!;
            _payloadIndexes.Remove(slot, point.Payload);
            point.Payload = edited[i];
            point.Version = index;
            _payloadIndexes.Add(slot, point.Payload);
        }

        return ShardCommandResult.Applied(slots.Count);
    }

    private ShardCommandResult CreatePayloadIndex(CreatePayloadIndex create)
    {
        if (!JsonPath.TryParse(create.Field, out JsonPath? field, out string error))
        {
            return ShardCommandResult.BadRequest("field_name: " + error);
        }

        if (!Enum.IsDefined(create.Schema))
        {
            return ShardCommandResult.BadRequest($"field_schema: unknown schema {(int)create.Schema}");
        }

        if (_payloadIndexes.Find(field.ToString()) is { } existing && existing.Schema == create.Schema)
        {
            return ShardCommandResult.Applied(existing.PointCount);
        }

        PayloadIndex index = BuildPayloadIndex(field, create.Schema);
        _payloadIndexes.Put(index);
        return ShardCommandResult.Applied(index.PointCount);
    }

    // Indexes are kept under the key's canonical form (CreatePayloadIndex), so the drop looks that up.
    private ShardCommandResult DeletePayloadIndex(DeletePayloadIndex drop) =>
        ShardCommandResult.Applied(JsonPath.TryParse(drop.Field, out JsonPath? field, out _) && _payloadIndexes.Drop(field.ToString()) ? 1 : 0);

    private PayloadIndex BuildPayloadIndex(JsonPath field, PayloadSchemaType schema)
    {
        PayloadIndex index = PayloadIndex.Create(field, schema);
        for (int slot = 0; slot < _slots.Count; slot++)
        {
            if (_slots[slot] is { } point)
            {
                index.Add(slot, point.Payload);
            }
        }

        return index;
    }

    /// <summary>The slots of the points <paramref name="filter"/> admits, ascending. Caller holds the lock.</summary>
    private List<int> SortedMatches(Filter filter)
    {
        var result = new List<int>();
        HashSet<int>? bound = _payloadIndexes.Bound(filter, int.MaxValue, SlotOf);
        if (bound is not null)
        {
            foreach (int slot in bound)
            {
                if (_slots[slot] is { } point && filter.Matches(point.Id, point.Payload))
                {
                    result.Add(slot);
                }
            }

            result.Sort();
            return result;
        }

        for (int slot = 0; slot < _slots.Count; slot++)
        {
            if (_slots[slot] is { } point && filter.Matches(point.Id, point.Payload))
            {
                result.Add(slot);
            }
        }

        return result;
    }
}
