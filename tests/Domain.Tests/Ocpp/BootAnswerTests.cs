using Parking.Domain.Ocpp;
using Xunit;

namespace Parking.Domain.Tests.Ocpp;

/// <summary>The answer to a boot: Rejected when retired (even if the layout still holds it), Pending when unbound, else Accepted.</summary>
public sealed class BootAnswerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static readonly OcppPolicy Policy = new() { HeartbeatInterval = TimeSpan.FromMinutes(5), PendingRetry = TimeSpan.FromSeconds(90) };

    [Theory]
    [InlineData(true, true, "Rejected", 90)]
    [InlineData(true, false, "Rejected", 90)]
    [InlineData(false, false, "Pending", 90)]
    [InlineData(false, true, "Accepted", 300)]
    public void The_boot_answer_follows_retirement_then_binding(bool retired, bool bound, string status, int interval)
    {
        Assert.Equal(new BootNotificationResponse(status, Now, interval), ChargePointRules.BootAnswer(retired, bound, Now, Policy));
    }
}
