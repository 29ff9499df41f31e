using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>One payload index: its field, schema, and how many points have a value of that schema there.</summary>
public sealed record PayloadIndexInfo(string Field, PayloadSchemaType Schema, long Points);
