using Parking.Domain.History;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Domain.Tests;

/// <summary>The staff reports over tiny hand-computed histories.</summary>
public class ReservationReportTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private static readonly ReportPeriod TenToNoon = new(At(10), At(12));
    private static readonly Dictionary<string, int> LotA = new() { ["A"] = 2 };

    private static DateTimeOffset At(double hours) => Day.AddHours(hours);

    private static ReservationEvent Event(
        string id,
        ReservationEventKind kind,
        double start,
        double end,
        double? checkedIn = null,
        double? ended = null,
        int revision = 1,
        string lot = "A") =>
        new(
            ended is { } e ? At(e) : checkedIn is { } c ? At(c) : At(start - 1),
            "c",
            lot,
            $"{lot}-1",
            id,
            "r1",
            kind,
            new TimeWindow(At(start), At(end)),
            checkedIn is { } ci ? At(ci) : null,
            ended is { } en ? At(en) : null,
            revision);

    /// <summary>
    /// Lot A, 2 spaces, 10:00 to 12:00:
    /// r1 10–11 checked in 10:00, out 10:30 (held and occupied 0.5 h in hour 10);
    /// r2 10:30–12 no-show at 10:45 (held 0.25 h in hour 10);
    /// r3 11–12 still reserved (held 1 h in hour 11);
    /// r4 11–12 cancelled at 09:30 (never held);
    /// r5 11–12 checked in early at 10:50, still there (held and occupied 1/6 h in hour 10, 1 h in hour 11).
    /// </summary>
    private static readonly ReservationEvent[] Morning =
    [
        Event("r1", ReservationEventKind.Created, 10, 11),
        Event("r1", ReservationEventKind.CheckedIn, 10, 11, checkedIn: 10, revision: 2),
        Event("r1", ReservationEventKind.Completed, 10, 11, checkedIn: 10, ended: 10.5, revision: 3),
        Event("r2", ReservationEventKind.Created, 10.5, 12),
        Event("r2", ReservationEventKind.NoShow, 10.5, 12, ended: 10.75, revision: 2),
        Event("r3", ReservationEventKind.Created, 11, 12),
        Event("r4", ReservationEventKind.Created, 11, 12),
        Event("r4", ReservationEventKind.Cancelled, 11, 12, ended: 9.5, revision: 2),
        Event("r5", ReservationEventKind.Created, 11, 12),
        Event("r5", ReservationEventKind.CheckedIn, 11, 12, checkedIn: 10 + (50 / 60.0), revision: 2),
    ];

    [Fact]
    public void Occupancy_is_held_space_hours_over_capacity_per_hour()
    {
        // Shuffled: the newest revision decides, not the order of arrival.
        var rows = ReservationReports.Occupancy(Morning.Reverse(), TenToNoon, LotA);

        Assert.Equal(2, rows.Count);
        var ten = rows[0];
        Assert.Equal(("A", At(10), 2), (ten.LotId, ten.HourStart, ten.Capacity));
        Assert.Equal(0.5 + 0.25 + (1 / 6.0), ten.HeldSpaceHours, 9);
        Assert.Equal((0.5 + 0.25 + (1 / 6.0)) / 2, ten.HeldShare, 9);
        Assert.Equal(0.5 + (1 / 6.0), ten.OccupiedSpaceHours, 9);
        Assert.Equal((0.5 + (1 / 6.0)) / 2, ten.OccupiedShare, 9);

        var eleven = rows[1];
        Assert.Equal(At(11), eleven.HourStart);
        Assert.Equal(2.0, eleven.HeldSpaceHours, 9);
        Assert.Equal(1.0, eleven.HeldShare, 9);
        Assert.Equal(1.0, eleven.OccupiedSpaceHours, 9);
        Assert.Equal(0.5, eleven.OccupiedShare, 9);
    }

    [Fact]
    public void Occupancy_hours_cover_the_period_rounded_out_to_whole_hours_and_lots_without_events_read_zero()
    {
        var rows = ReservationReports.Occupancy(Morning, new ReportPeriod(At(10.5), At(11.25)), new Dictionary<string, int> { ["A"] = 2, ["B"] = 4 });

        Assert.Equal([("A", At(10)), ("A", At(11)), ("B", At(10)), ("B", At(11))], rows.Select(r => (r.LotId, r.HourStart)));
        Assert.All(rows.Where(r => r.LotId == "B"), r => Assert.Equal(0, r.HeldShare));
    }

    [Fact]
    public void A_late_check_out_holds_the_space_past_the_window()
    {
        var overstay = Event("r9", ReservationEventKind.Completed, 10, 11, checkedIn: 10, ended: 11.5, revision: 3);

        var rows = ReservationReports.Occupancy([overstay], TenToNoon, LotA);

        Assert.Equal([1.0, 0.5], rows.Select(r => r.HeldSpaceHours));
        Assert.Equal(new TimeWindow(At(10), At(11.5)), overstay.Held);
    }

    [Fact]
    public void No_show_rate_is_no_shows_over_decided_reservations_that_started_in_the_period()
    {
        var report = ReservationReports.NoShows(Morning, TenToNoon);

        // r1 and r5 shown, r2 a no-show, r3 pending, r4 cancelled.
        Assert.Equal(new NoShowReport(Reservations: 5, Cancelled: 1, Pending: 1, Shown: 2, NoShows: 1, Rate: 1 / 3.0), report);
    }

    [Fact]
    public void No_show_report_counts_only_windows_that_start_in_the_period()
    {
        var report = ReservationReports.NoShows(Morning, new ReportPeriod(At(10.25), At(11)));

        Assert.Equal(new NoShowReport(1, 0, 0, 0, 1, 1.0), report);
        Assert.Equal(0, ReservationReports.NoShows([], TenToNoon).Rate);
    }

    [Fact]
    public void Turnover_is_completed_stays_per_space_per_day_and_the_mean_stay()
    {
        var capacities = new Dictionary<string, int> { ["A"] = 2, ["B"] = 1 };
        ReservationEvent[] events =
        [
            Event("a1", ReservationEventKind.Completed, 8, 9, checkedIn: 8, ended: 9, revision: 3),
            Event("a2", ReservationEventKind.Completed, 12, 16, checkedIn: 12, ended: 15, revision: 3),
            Event("b1", ReservationEventKind.Completed, 1, 6, checkedIn: 1, ended: 6, revision: 3, lot: "B"),

            // Out of the day, still checked in, or never a stay: not counted.
            Event("b2", ReservationEventKind.Completed, 23, 26, checkedIn: 23, ended: 25, revision: 3, lot: "B"),
            Event("a3", ReservationEventKind.CheckedIn, 20, 22, checkedIn: 20, revision: 2),
            Event("a4", ReservationEventKind.NoShow, 17, 18, ended: 17.25, revision: 2),
        ];

        var rows = ReservationReports.Turnover(events, new ReportPeriod(At(0), At(24)), capacities);

        Assert.Equal(
            [
                new TurnoverRow("A", 2, 2, 1.0, TimeSpan.FromHours(2)),
                new TurnoverRow("B", 1, 1, 1.0, TimeSpan.FromHours(5)),
                new TurnoverRow(null, 3, 3, 1.0, TimeSpan.FromHours(3)),
            ],
            rows);
    }

    [Fact]
    public void Turnover_over_part_of_a_day_scales_to_a_day()
    {
        var rows = ReservationReports.Turnover(Morning, TenToNoon, LotA);

        // r1: one stay of 30 min in 2 h (1/12 day) on 2 spaces: 1 / (2 × 1/12) = 6 per space per day.
        Assert.Equal(new TurnoverRow("A", 2, 1, 6.0, TimeSpan.FromMinutes(30)), rows[0]);
    }

    [Theory]
    [InlineData(12, 10, "period-empty")]
    [InlineData(10, 10, "period-empty")]
    [InlineData(0, (31 * 24) + 1, "period-too-long")]
    public void Bad_periods_name_the_to_field(double from, double to, string code)
    {
        var error = new ReportPeriod(At(from), At(to)).Validate();

        Assert.Equal(("to", code, ErrorKind.Validation), (error?.Field, error?.Code, error?.Kind));
    }

    [Fact]
    public void A_period_of_31_days_is_accepted()
    {
        Assert.Null(new ReportPeriod(At(0), At(31 * 24)).Validate());
    }

    [Fact]
    public void Events_of_a_reservation_follow_its_status_and_carry_its_state()
    {
        var reservation = new Reservation(
            "A-1.x", "c", "A", "A-1", "r1", null, new TimeWindow(At(10), At(11)), ReservationStatus.NoShow, At(8), null, At(10.25), 2);

        var noShow = ReservationEvent.Of(reservation);

        Assert.Equal((ReservationEventKind.NoShow, At(10.25), 2), (noShow.Kind, noShow.At, noShow.Revision));
        Assert.Equal(new TimeWindow(At(10), At(10.25)), noShow.Held);
        Assert.Null(noShow.Occupied);
        var created = ReservationEvent.Of(reservation with { Status = ReservationStatus.Reserved, EndedAt = null, Revision = 1 });
        Assert.Equal((ReservationEventKind.Created, At(8)), (created.Kind, created.At));
    }

    [Fact]
    public void An_event_bears_on_a_period_its_window_or_overstay_reaches()
    {
        var yesterday = Event("y", ReservationEventKind.Completed, -14, -13, checkedIn: -14, ended: -13, revision: 3);
        var overstay = Event("o", ReservationEventKind.Completed, 8, 9, checkedIn: 8, ended: 10.5, revision: 3);
        var tomorrow = Event("t", ReservationEventKind.Created, 30, 31);

        Assert.False(yesterday.BearsOn(At(10), At(12)));
        Assert.True(overstay.BearsOn(At(10), At(12)));
        Assert.False(tomorrow.BearsOn(At(10), At(12)));
        Assert.True(Morning.All(e => e.BearsOn(At(10), At(12))));
    }
}
