namespace Vectron.Server.Worker;

/// <summary>The command kinds; the byte value is the kind byte of the encoding (docs/formats/shard.md).</summary>
public enum ShardCommandKind : byte
{
    /// <summary><see cref="UpsertPoints"/>.</summary>
    UpsertPoints = 1,

    /// <summary><see cref="DeletePoints"/>.</summary>
    DeletePoints = 2,

    /// <summary><see cref="DeletePointsByFilter"/>.</summary>
    DeletePointsByFilter = 3,

    /// <summary><see cref="SetPayload"/>.</summary>
    SetPayload = 4,

    /// <summary><see cref="OverwritePayload"/>.</summary>
    OverwritePayload = 5,

    /// <summary><see cref="DeletePayloadKeys"/>.</summary>
    DeletePayloadKeys = 6,

    /// <summary><see cref="ClearPayload"/>.</summary>
    ClearPayload = 7,

    /// <summary><see cref="CreatePayloadIndex"/>.</summary>
    CreatePayloadIndex = 8,

    /// <summary><see cref="DeletePayloadIndex"/>.</summary>
    DeletePayloadIndex = 9,

    /// <summary><see cref="ReconfigureIndex"/> (command format version 2).</summary>
    ReconfigureIndex = 10,
}
