using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Sharing;
using Xunit;

namespace Parking.Domain.Tests.Sharing;

public class SharingPlanTests
{
    internal static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>Monday 23 November 2026, 08:00 in Shanghai.</summary>
    internal static readonly DateTimeOffset Now = SpaceCalendarTests.Now;

    internal static readonly DateOnly Today = new(2026, 11, 23);

    internal static readonly DayOfWeek[] Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    internal static SharingPlan Plan(params WeeklyPattern[] patterns) => new(patterns, Today, Today.AddDays(27), [], [], China);

    internal static WeeklyPattern Pattern(DayOfWeek[] days, int startHour, int endHour) => new(days, new TimeOnly(startHour, 0), new TimeOnly(endHour % 24, 0));

    private static DateTimeOffset Local(int day, int hour) => new(2026, 11, day, hour, 0, 0, China);

    [Fact]
    public void Weekday_pattern_is_read_in_the_compounds_local_time()
    {
        var plan = Plan(Pattern(Weekdays, 8, 18));

        var windows = plan.Expand(new TimeWindow(Local(23, 0), Local(30, 0)));

        // Monday 23 to Friday 27, 08:00-18:00 Shanghai = 00:00-10:00 UTC; nothing at the weekend.
        Assert.Equal(5, windows.Count);
        Assert.Equal(new TimeWindow(Local(23, 8), Local(23, 18)), windows[0]);
        Assert.Equal(TimeSpan.Zero, windows[0].Start.UtcDateTime.TimeOfDay);
        Assert.Equal(new TimeWindow(Local(27, 8), Local(27, 18)), windows[4]);
    }

    [Fact]
    public void A_pattern_may_cross_midnight_and_touching_windows_merge()
    {
        var plan = Plan(Pattern([DayOfWeek.Friday], 22, 6), Pattern([DayOfWeek.Saturday], 6, 12));

        var windows = plan.Expand(new TimeWindow(Local(23, 0), Local(30, 0)));

        Assert.Equal(new TimeWindow(Local(27, 22), Local(28, 12)), Assert.Single(windows));
        Assert.True(plan.Covers(new TimeWindow(Local(28, 1), Local(28, 11))));
        Assert.False(plan.Covers(new TimeWindow(Local(28, 11), Local(28, 13))));
    }

    [Fact]
    public void Withdrawn_dates_and_added_windows_change_the_expansion()
    {
        var plan = Plan(Pattern(Weekdays, 8, 18)) with
        {
            WithdrawnDates = [new DateOnly(2026, 11, 25)],
            AddedWindows = [new LocalWindow(new DateTime(2026, 11, 28, 9, 0, 0), new DateTime(2026, 11, 28, 13, 0, 0))],
        };

        var windows = plan.Expand(new TimeWindow(Local(23, 0), Local(30, 0)));

        Assert.DoesNotContain(windows, w => w.Start == Local(25, 8));
        Assert.Contains(new TimeWindow(Local(28, 9), Local(28, 13)), windows);
        Assert.Equal(5, windows.Count);
        Assert.Null(plan.Validate(Now));
    }

    [Fact]
    public void Nothing_is_shared_after_the_end_date()
    {
        var plan = new SharingPlan([Pattern([DayOfWeek.Tuesday], 22, 6)], Today, new DateOnly(2026, 11, 24), [], [], China);

        var windows = plan.Expand(new TimeWindow(Local(23, 0), Local(30, 0)));

        // Tuesday 22:00 would run to Wednesday 06:00: the plan ends at midnight after its end date.
        Assert.Equal(new TimeWindow(Local(24, 22), Local(25, 0)), Assert.Single(windows));
    }

    public static TheoryData<string, string, string> BadPlans => new()
    {
        { "past", "until", "sharing-in-past" },
        { "starts-yesterday", "from", "sharing-in-past" },
        { "reversed", "until", "sharing-reversed" },
        { "overlapping", "patterns[1]", "sharing-patterns-overlap" },
        { "overlap-across-midnight", "patterns[1]", "sharing-patterns-overlap" },
        { "added-beyond-end", "added[0].end", "sharing-beyond-end-date" },
        { "withdrawn-beyond-end", "withdrawn[0]", "sharing-beyond-end-date" },
        { "added-reversed", "added[0].end", "sharing-reversed" },
        { "added-in-past", "added[0].start", "sharing-in-past" },
        { "no-days", "patterns[0].days", "sharing-no-days" },
        { "too-long", "until", "sharing-too-long" },
    };

    [Theory]
    [MemberData(nameof(BadPlans))]
    public void Bad_plans_are_refused_with_the_field_and_reason(string name, string field, string code)
    {
        var good = Plan(Pattern(Weekdays, 8, 18));
        var plan = name switch
        {
            "past" => good with { From = Today.AddDays(-9), Until = Today.AddDays(-2) },
            "starts-yesterday" => good with { From = Today.AddDays(-1) },
            "reversed" => good with { From = Today.AddDays(5), Until = Today.AddDays(2) },
            "overlapping" => Plan(Pattern(Weekdays, 8, 18), Pattern([DayOfWeek.Wednesday], 17, 20)),
            "overlap-across-midnight" => Plan(Pattern([DayOfWeek.Sunday], 22, 7), Pattern([DayOfWeek.Monday], 6, 8)),
            "added-beyond-end" => good with { AddedWindows = [new LocalWindow(new DateTime(2026, 12, 20, 9, 0, 0), new DateTime(2026, 12, 30, 9, 0, 0))] },
            "withdrawn-beyond-end" => good with { WithdrawnDates = [Today.AddDays(40)] },
            "added-reversed" => good with { AddedWindows = [new LocalWindow(new DateTime(2026, 11, 28, 13, 0, 0), new DateTime(2026, 11, 28, 9, 0, 0))] },
            "added-in-past" => good with { AddedWindows = [new LocalWindow(new DateTime(2026, 11, 23, 6, 0, 0), new DateTime(2026, 11, 23, 9, 0, 0))] },
            "no-days" => Plan(Pattern([], 8, 18)),
            "too-long" => good with { Until = Today.AddDays(400) },
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        var error = plan.Validate(Now);

        Assert.NotNull(error);
        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Equal(code, error.Code);
        Assert.Equal(field, error.Field);
        Assert.Null(good.Validate(Now));
    }

    [Fact]
    public void Patterns_that_only_touch_do_not_overlap()
    {
        var plan = Plan(Pattern(Weekdays, 8, 18), Pattern(Weekdays, 18, 8));

        Assert.Null(plan.Validate(Now));
        Assert.True(plan.Covers(new TimeWindow(Local(24, 12), Local(25, 12))));
    }

    internal static SpaceCalendar PrivateCalendar(SharingPlan? plan)
    {
        var calendar = new SpaceCalendar();
        calendar.Configure(new SpaceDefinition("c", "G1", "G1-009", "G1-009", SpaceKind.Standard, SpaceOwnership.Private, 0, "H-owner"));
        if (plan is not null)
        {
            Assert.True(calendar.PublishSharing(plan, Now, TimeSpan.FromHours(24)).IsSuccess);
        }

        return calendar;
    }

    [Fact]
    public void A_private_space_is_booked_by_others_only_inside_its_windows_and_never_by_its_owner()
    {
        var calendar = PrivateCalendar(Plan(Pattern(Weekdays, 8, 18)));
        var policy = SpaceCalendarTests.Policy;

        var inside = calendar.Reserve(new ReserveCommand("driver", new TimeWindow(Local(23, 9), Local(23, 12)), null, HouseholdId: "H-driver"), policy, Now, Guid.NewGuid());
        var across = calendar.Reserve(new ReserveCommand("driver", new TimeWindow(Local(23, 17), Local(23, 19)), null, HouseholdId: "H-driver"), policy, Now, Guid.NewGuid());
        var owner = calendar.Reserve(new ReserveCommand("owner", new TimeWindow(Local(24, 9), Local(24, 12)), null, HouseholdId: "H-owner"), policy, Now, Guid.NewGuid());

        Assert.True(inside.IsSuccess, inside.Error?.Message);
        Assert.Equal("outside-sharing-window", across.Error?.Code);
        Assert.Equal("start", across.Error?.Field);
        Assert.Equal("own-space", owner.Error?.Code);
        Assert.Single(calendar.Reservations);

        var unshared = PrivateCalendar(null);
        var never = unshared.Reserve(new ReserveCommand("driver", new TimeWindow(Local(23, 9), Local(23, 12)), null, HouseholdId: "H-driver"), policy, Now, Guid.NewGuid());
        Assert.Equal("outside-sharing-window", never.Error?.Code);
        Assert.Empty(unshared.Snapshot(Now).Shared!);
        Assert.False(unshared.Snapshot(Now).IsFreeFor(new TimeWindow(Local(23, 9), Local(23, 12))));
    }

    [Fact]
    public void Withdrawing_breaks_the_bookings_it_no_longer_covers_and_counts_them_against_the_owner()
    {
        var calendar = PrivateCalendar(Plan(Pattern(Weekdays, 8, 18)));
        var policy = SpaceCalendarTests.Policy;
        var soon = calendar.Reserve(new ReserveCommand("a", new TimeWindow(Local(23, 10), Local(23, 12)), null, HouseholdId: "H-a"), policy, Now, Guid.NewGuid()).Value!;
        var later = calendar.Reserve(new ReserveCommand("b", new TimeWindow(Local(26, 10), Local(26, 12)), null, HouseholdId: "H-b"), policy, Now, Guid.NewGuid()).Value!;
        var kept = calendar.Reserve(new ReserveCommand("c", new TimeWindow(Local(24, 10), Local(24, 12)), null, HouseholdId: "H-c"), policy, Now, Guid.NewGuid()).Value!;

        // Monday and Thursday withdrawn: today's booking within 24 h (late), Thursday's with notice.
        var change = calendar.PublishSharing(Plan(Pattern([DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Friday], 8, 18)), Now, TimeSpan.FromHours(24));

        Assert.True(change.IsSuccess, change.Error?.Message);
        Assert.Equal(new[] { soon.Id, later.Id }.Order(), change.Value!.Broken.Select(r => r.Id).Order());
        Assert.All(change.Value.Broken, r => Assert.Equal(ReservationStatus.Cancelled, r.Status));
        Assert.Equal(1, change.Value.Late);
        Assert.Equal(ReservationStatus.Reserved, calendar.Reservations.Single(r => r.Id == kept.Id).Status);
        Assert.Equal(new SharingRecord(2, 2, 1), calendar.SharingRecord);
        Assert.False(calendar.Snapshot(Now).IsFreeFor(new TimeWindow(Local(26, 10), Local(26, 12))));
    }

    [Fact]
    public void A_common_space_has_no_sharing_plan()
    {
        var calendar = SpaceCalendarTests.NewCalendar();

        var outcome = calendar.PublishSharing(Plan(Pattern(Weekdays, 8, 18)), Now, TimeSpan.FromHours(24));

        Assert.Equal("space-not-private", outcome.Error?.Code);
        Assert.Null(calendar.Snapshot(Now).Shared);
    }
}

public class OverstayTests
{
    [Fact]
    public void A_checked_in_car_past_its_end_is_flagged_once_and_the_next_booking_is_found()
    {
        var calendar = SpaceCalendarTests.NewCalendar();
        var policy = SpaceCalendarTests.Policy;
        var now = SpaceCalendarTests.Now;
        var stay = calendar.Reserve(new ReserveCommand("a", SpaceCalendarTests.Hours(0, 1), null), policy, now, Guid.NewGuid()).Value!;
        var next = calendar.Reserve(new ReserveCommand("b", SpaceCalendarTests.Hours(1, 2), null), policy, now, Guid.NewGuid()).Value!;
        calendar.Reserve(new ReserveCommand("c", SpaceCalendarTests.Hours(5, 6), null), policy, now, Guid.NewGuid());
        Assert.True(calendar.CheckIn(stay.Id, new Actor("a", false), now, policy).IsSuccess);
        Assert.Equal(SpaceCalendarTests.Hours(0, 1).End, calendar.NextOverstayDeadline());

        Assert.Empty(calendar.FlagOverstays(now.AddMinutes(59)));
        var flagged = calendar.FlagOverstays(now.AddMinutes(61));
        Assert.Equal(stay.Id, Assert.Single(flagged).Id);
        Assert.Empty(calendar.FlagOverstays(now.AddMinutes(62)));
        Assert.Null(calendar.NextOverstayDeadline());
        Assert.Equal(next.Id, calendar.NextWaiting(stay, now.AddHours(3))?.Id);
        Assert.Null(calendar.NextWaiting(stay, now.AddMinutes(30)));

        Assert.True(calendar.CheckOut(stay.Id, new Actor("a", false), now.AddMinutes(70)).IsSuccess);
        Assert.Empty(calendar.Overstays);
    }
}
