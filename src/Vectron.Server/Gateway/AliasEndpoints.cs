using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Vectron.Raft.Hosting;
using Vectron.Server.Node;
using Vectron.Server.Placement;

namespace Vectron.Server.Gateway;

/// <summary>Aliases: list (all, per collection) and the atomic batch of alias actions.</summary>
internal sealed class AliasEndpoints(VectronNode node)
{
    public void Map(WebApplication app, RestApi routes)
    {
        routes.Route(app, "GET", "/aliases", ListAll);
        routes.Route(app, "GET", "/collections/aliases", ListAll);
        routes.Route(app, "GET", "/collections/{name}/aliases", ListOfCollection);
        routes.Route(app, "POST", "/collections/aliases", Actions);
    }

    private Task ListAll(ApiCall call) => Write(call, node.Placement.Current.Aliases);

    private Task ListOfCollection(ApiCall call)
    {
        string name = call.Route("name");
        var state = node.Placement.Current;
        if (!state.Collections.ContainsKey(name))
        {
            throw ApiException.CollectionNotFound(name);
        }
        return Write(call, state.Aliases.Where(pair => pair.Value == name));
    }

    private static Task Write(ApiCall call, IEnumerable<KeyValuePair<string, string>> aliases) => call.OkAsync(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray("aliases");
        foreach (var (alias, collection) in aliases)
        {
            writer.WriteStartObject();
            writer.WriteString("alias_name", alias);
            writer.WriteString("collection_name", collection);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    private async Task Actions(ApiCall call)
    {
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var list = JsonFields.Required(body.RootElement, "actions", "actions");
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadField("actions", $"expected an array, not {JsonFields.Text(list)}");
        }
        var actions = ImmutableArray.CreateBuilder<AliasAction>();
        int i = 0;
        foreach (var item in list.EnumerateArray())
        {
            string path = $"actions[{i++}]";
            if (JsonFields.OptionalObject(item, "create_alias", $"{path}.create_alias") is { } create)
            {
                actions.Add(new AliasAction(AliasActionKind.Create,
                    JsonFields.RequiredString(create, "alias_name", $"{path}.create_alias.alias_name"),
                    JsonFields.RequiredString(create, "collection_name", $"{path}.create_alias.collection_name")));
            }
            else if (JsonFields.OptionalObject(item, "delete_alias", $"{path}.delete_alias") is { } delete)
            {
                actions.Add(new AliasAction(AliasActionKind.Delete, JsonFields.RequiredString(delete, "alias_name", $"{path}.delete_alias.alias_name"), ""));
            }
            else if (JsonFields.OptionalObject(item, "rename_alias", $"{path}.rename_alias") is { } rename)
            {
                actions.Add(new AliasAction(AliasActionKind.Rename,
                    JsonFields.RequiredString(rename, "old_alias_name", $"{path}.rename_alias.old_alias_name"),
                    JsonFields.RequiredString(rename, "new_alias_name", $"{path}.rename_alias.new_alias_name")));
            }
            else
            {
                throw ApiException.BadField(path, "expected create_alias, delete_alias or rename_alias");
            }
        }
        var (raft, outcome) = await node.ProposePlacementAsync(new AliasActionsCommand(actions.ToImmutable()), call.Aborted).ConfigureAwait(false);
        if (raft != RaftOutcome.Ok)
        {
            throw ErrorMapping.FromRaft(raft, "alias change");
        }
        if (!outcome.IsOk)
        {
            throw ErrorMapping.FromPlacement(outcome);
        }
        await call.OkTrueAsync().ConfigureAwait(false);
    }
}
