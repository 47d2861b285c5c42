using System.Net;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>Staff reports over the reservation history, on lot T1 and residents r00050 to r00059, which no other test uses.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class ReportTests(SharedHostFixture fixture)
{
    private const string Staff = "staff02";
    private readonly ParkingHost _host = fixture.Host;

    private static string Reports(string report, DateTimeOffset from, DateTimeOffset to, string? lot = "T1") =>
        ParkingHost.CompoundPath($"reports/{report}?from={ParkingHost.Q(from)}&to={ParkingHost.Q(to)}" + (lot is null ? string.Empty : $"&lot={lot}"));

    [Fact]
    public async Task Reports_reflect_a_stay_a_no_show_and_a_cancellation()
    {
        var start = _host.Now.AddMinutes(10);
        var stay = await _host.ReserveOkAsync("r00050", "T1-001", start, start.AddHours(2));
        var noShow = await _host.ReserveOkAsync("r00051", "T1-002", start, start.AddHours(1));
        var cancelled = await _host.ReserveOkAsync("r00052", "T1-003", start, start.AddHours(1));
        await _host.CommandOkAsync("r00052", cancelled.Id, "cancel");

        // The car arrives on time and leaves after half an hour; the other driver never comes.
        _host.Time.Advance(TimeSpan.FromMinutes(10));
        await _host.CommandOkAsync("r00050", stay.Id, "check-in");
        _host.Time.Advance(TimeSpan.FromMinutes(30));
        await _host.CommandOkAsync("r00050", stay.Id, "check-out");
        var released = await _host.GetOkAsync<ReservationDto>(ParkingHost.CompoundPath($"reservations/{noShow.Id}"), "r00051");
        Assert.Equal("noShow", released.Status.WireName());

        var from = new DateTimeOffset(start.UtcDateTime.Date.AddHours(start.UtcDateTime.Hour), TimeSpan.Zero);
        var to = from.AddHours(3);

        // Held: the stay 30 min (all of it occupied), the no-show its 15 min of grace, the cancellation nothing.
        var occupancy = await _host.GetOkAsync<OccupancyReportDto>(Reports("occupancy", from, to), Staff);
        Assert.Equal([from, from.AddHours(1), from.AddHours(2)], occupancy.Hours.Select(h => h.HourStart));
        Assert.All(occupancy.Hours, h => Assert.Equal(("T1", 12), (h.LotId, h.Capacity)));
        Assert.Equal(0.75, occupancy.Hours.Sum(h => h.HeldSpaceHours), 6);
        Assert.Equal(0.5, occupancy.Hours.Sum(h => h.OccupiedSpaceHours), 6);
        Assert.Equal(0.75 / 12, occupancy.Hours.Sum(h => h.HeldShare), 6);

        var noShows = await _host.GetOkAsync<NoShowReportDto>(Reports("no-shows", from, to), Staff);
        Assert.Equal((3, 1, 0, 1, 1, 0.5), (noShows.Reservations, noShows.Cancelled, noShows.Pending, noShows.Shown, noShows.NoShows, noShows.Rate));

        // One 30-minute stay on 12 spaces in 3 hours (1/8 day): 1 / (12 × 1/8) stays per space per day.
        var turnover = await _host.GetOkAsync<TurnoverReportDto>(Reports("turnover", from, to), Staff);
        var t1 = Assert.Single(turnover.Lots);
        Assert.Equal(("T1", 12, 1), (t1.LotId, t1.Capacity, t1.CompletedStays));
        Assert.Equal(1 / 1.5, t1.StaysPerSpacePerDay, 6);
        Assert.Equal(30, t1.MeanStayMinutes, 6);
        Assert.Equal(1, turnover.Total.CompletedStays);

        // Without a lot, every lot has its hours and its row, T1's unchanged.
        var all = await _host.GetOkAsync<OccupancyReportDto>(Reports("occupancy", from, to, lot: null), Staff);
        Assert.Equal(["G1", "T1"], all.Hours.Select(h => h.LotId).Distinct());
        Assert.Equal(0.75, all.Hours.Where(h => h.LotId == "T1").Sum(h => h.HeldSpaceHours), 6);
        var allTurnover = await _host.GetOkAsync<TurnoverReportDto>(Reports("turnover", from, to, lot: null), Staff);
        Assert.Equal(["G1", "T1"], allTurnover.Lots.Select(l => l.LotId));
    }

    [Fact]
    public async Task Reports_are_for_staff_only()
    {
        var from = _host.Now.AddDays(-1);
        foreach (var report in new[] { "occupancy", "no-shows", "turnover" })
        {
            using var response = await _host.GetAsync(Reports(report, from, from.AddHours(1)), "r00053");
            await ProblemAssert.Expect(response, HttpStatusCode.Forbidden);
        }
    }

    [Theory]
    [InlineData("occupancy", "to=2026-11-23T10:00:00Z", "from")]
    [InlineData("no-shows", "from=2026-11-23T10:00:00Z", "to")]
    [InlineData("turnover", "from=yesterday&to=2026-11-23T10:00:00Z", "from")]
    [InlineData("occupancy", "from=2026-11-23T10:00:00Z&to=2026-11-23T10:00:00Z", "to")]
    [InlineData("no-shows", "from=2026-11-23T12:00:00Z&to=2026-11-23T10:00:00Z", "to")]
    [InlineData("turnover", "from=2026-10-01T00:00:00Z&to=2026-11-23T00:00:00Z", "to")]
    [InlineData("occupancy", "from=2026-11-01T00:00:00Z&to=2026-12-02T00:00:01Z", "to")]
    [InlineData("occupancy", "from=2026-11-23T10:00:00Z&to=2026-11-23T12:00:00Z&lot=Z9", "lot")]
    public async Task Bad_query_is_400_naming_the_field(string report, string query, string field)
    {
        using var response = await _host.GetAsync(ParkingHost.CompoundPath($"reports/{report}?{query}"), Staff);

        await ProblemAssert.Expect(response, HttpStatusCode.BadRequest, field: field);
    }

    [Fact]
    public async Task A_period_of_exactly_31_days_is_accepted()
    {
        var from = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var report = await _host.GetOkAsync<NoShowReportDto>(Reports("no-shows", from, from.AddDays(31)), Staff);

        Assert.Equal(from, report.From);
    }
}
