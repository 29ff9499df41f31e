using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>One Raft message of one group, as carried between hosts.</summary>
/// <param name="GroupId">The group the message belongs to.</param>
/// <param name="Message">The core's message; its To and From are node ids.</param>
public readonly record struct GroupMessage(ulong GroupId, Message Message);
