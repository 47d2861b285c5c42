using Parking.Domain.Sharing;
using Xunit;

namespace Parking.Domain.Tests.Sharing;

/// <summary>A household's visitor passes: cancelled ones give their quota back, old ones go, the week's quota is what is left.</summary>
public class VisitorPassStateTests
{
    // A Monday 08:00 at UTC+8.
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(8));
    private static readonly TimeSpan Offset = TimeSpan.FromHours(8);
    private static readonly VisitorPolicy Policy = new() { PassesPerWeek = 2, HoursPerWeek = TimeSpan.FromHours(10) };

    private static VisitorPass Pass(string id, double fromHours, double toHours) =>
        new(id, "V1", "ann", "沪A12345", new TimeWindow(Monday.AddHours(fromHours), Monday.AddHours(toHours)), Cancelled: false);

    [Fact]
    public void The_quota_counts_passes_not_cancelled_in_the_week_asked_about()
    {
        var state = new VisitorPassState();
        state.Booked(Pass("r1", 1, 4), Monday);
        state.Booked(Pass("r2", 5, 7), Monday);
        state.Booked(Pass("r3", 24 * 7 + 1, 24 * 7 + 2), Monday);

        Assert.Equal(new VisitorQuota(VisitorPolicy.WeekOf(Monday, Offset), 0, TimeSpan.FromHours(5)), state.Quota(Policy, Monday, Offset));
        Assert.Equal("visitor-quota", state.Check(Policy, new TimeWindow(Monday.AddHours(8), Monday.AddHours(9)), Offset)?.Code);

        state.Cancelled("r2");

        Assert.Equal(new VisitorQuota(VisitorPolicy.WeekOf(Monday, Offset), 1, TimeSpan.FromHours(7)), state.Quota(Policy, Monday, Offset));
        Assert.Null(state.Check(Policy, new TimeWindow(Monday.AddHours(8), Monday.AddHours(9)), Offset));
        Assert.True(state.Passes.Single(p => p.ReservationId == "r2").Cancelled);
    }

    [Fact]
    public void Only_passes_not_cancelled_and_not_ended_may_still_be_cancelled()
    {
        var state = new VisitorPassState();
        state.Booked(Pass("ended", 1, 2), Monday);
        state.Booked(Pass("open", 3, 5), Monday);
        state.Booked(Pass("cancelled", 3, 5), Monday);
        state.Cancelled("cancelled");

        Assert.Equal(["open"], state.Open(Monday.AddHours(3)).Select(p => p.ReservationId));
        Assert.Equal(["ended", "open"], state.Open(Monday.AddHours(2)).Select(p => p.ReservationId));
    }

    [Fact]
    public void A_booking_drops_passes_ended_more_than_the_retention_ago()
    {
        var state = new VisitorPassState();
        state.Booked(Pass("old", 1, 2), Monday);
        state.Booked(Pass("recent", 3, 4), Monday);

        state.Booked(Pass("new", 24 * 15, 24 * 15 + 1), Monday.AddHours(2) + VisitorPassState.Retention + TimeSpan.FromMinutes(1));

        Assert.Equal(["recent", "new"], state.Passes.Select(p => p.ReservationId));
    }
}
