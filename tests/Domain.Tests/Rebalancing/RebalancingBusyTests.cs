using Parking.Domain.Rebalancing;
using Xunit;

namespace Parking.Domain.Tests.Rebalancing;

/// <summary>At most <see cref="RebalancingState.MaxRunning"/> suggestions are worked out at once per compound.</summary>
public class RebalancingBusyTests
{
    [Fact]
    public void A_suggestion_is_refused_while_the_most_allowed_are_being_worked_out()
    {
        Assert.Equal(2, RebalancingState.MaxRunning);
        Assert.Null(RebalancingState.BusyRefused(0));
        Assert.Null(RebalancingState.BusyRefused(1));
        foreach (var running in new[] { 2, 3 })
        {
            var busy = RebalancingState.BusyRefused(running)!;
            Assert.Equal(
                (ErrorKind.Conflict, "rebalancing-busy", "2 proposals are being worked out already; wait for one to finish or cancel it."),
                (busy.Kind, busy.Code, busy.Message));
        }
    }
}
