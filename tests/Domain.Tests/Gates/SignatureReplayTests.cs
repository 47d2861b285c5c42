using Parking.Domain.Gates;
using Xunit;

namespace Parking.Domain.Tests.Gates;

/// <summary>A signed gate request is taken once while its signature is remembered, and forgotten when its time is over.</summary>
public class SignatureReplayTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(10);

    [Fact]
    public void A_signature_received_again_while_remembered_is_refused()
    {
        var replay = new SignatureReplay();

        Assert.Null(replay.Receive("sig-1", T0, Keep));
        Assert.Null(replay.Receive("sig-2", T0, Keep));
        var again = replay.Receive("sig-1", T0 + Keep, Keep)!;

        Assert.Equal(
            (ErrorKind.Forbidden, "request-replayed", "This signed request was already received; a retry must be signed again with a new timestamp."),
            (again.Kind, again.Code, again.Message));
    }

    [Fact]
    public void A_signature_whose_time_is_over_is_forgotten()
    {
        var replay = new SignatureReplay();
        Assert.Null(replay.Receive("sig-1", T0, Keep));
        Assert.Null(replay.Receive("sig-2", T0.AddMinutes(5), Keep));

        Assert.Null(replay.Receive("sig-1", T0 + Keep + TimeSpan.FromTicks(1), Keep));
        Assert.Equal(2, replay.Count);
        Assert.Equal("request-replayed", replay.Receive("sig-2", T0.AddMinutes(15), Keep)!.Code);
    }
}
