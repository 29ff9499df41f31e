using Vectron.Raft.Core;

namespace Vectron.Raft.Tests.Core;

public sealed class ConfChangeCodecTests
{
    [Fact]
    public void Decode_ReturnsWhatWasEncoded()
    {
        var change = new ConfChange(
            [new ConfChangeSingle(ConfChangeType.AddNode, 4), new ConfChangeSingle(ConfChangeType.RemoveNode, 1), new ConfChangeSingle(ConfChangeType.AddLearner, 7)],
            ConfChangeTransition.JointExplicit) { Context = new byte[] { 1, 2, 3 } };

        var decoded = ConfChangeCodec.Decode(ConfChangeCodec.Encode(change));

        Assert.Equal(change.Changes, decoded.Changes);
        Assert.Equal(change.Transition, decoded.Transition);
        Assert.Equal(new byte[] { 1, 2, 3 }, decoded.Context.ToArray());
    }

    [Fact]
    public void Decode_Throws_WhenTruncatedOrUnknown()
    {
        var bytes = ConfChangeCodec.Encode(new ConfChange([new ConfChangeSingle(ConfChangeType.AddNode, 4)]));

        Assert.Contains("shorter", Assert.Throws<FormatException>(() => ConfChangeCodec.Decode(bytes.AsSpan(0, 5))).Message, StringComparison.Ordinal);
        Assert.Contains("need", Assert.Throws<FormatException>(() => ConfChangeCodec.Decode(bytes.AsSpan(0, 12))).Message, StringComparison.Ordinal);
        var badVersion = (byte[])bytes.Clone();
        badVersion[0] = 9;
        Assert.Contains("version 9", Assert.Throws<FormatException>(() => ConfChangeCodec.Decode(badVersion)).Message, StringComparison.Ordinal);
        var badType = (byte[])bytes.Clone();
        badType[4] = 3;
        Assert.Contains("unknown type 3", Assert.Throws<FormatException>(() => ConfChangeCodec.Decode(badType)).Message, StringComparison.Ordinal);
    }
}
