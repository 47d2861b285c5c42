using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Domain.Tests.Layout;

public class SpaceEditTests
{
    private static readonly DateTimeOffset Now = SpaceCalendarTests.Now;

    private static Reservation Reserve(SpaceCalendar calendar, string resident, TimeWindow window)
    {
        var outcome = calendar.Reserve(new ReserveCommand(resident, window, null), SpaceCalendarTests.Policy, Now, Guid.NewGuid());
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        return outcome.Value!;
    }

    [Theory]
    [InlineData("standard", SpaceKind.Standard)]
    [InlineData("EV", SpaceKind.EV)]
    [InlineData("ev", SpaceKind.EV)]
    [InlineData(" Accessible ", SpaceKind.Accessible)]
    [InlineData("visitor", SpaceKind.Visitor)]
    public void Kinds_parse_in_any_case(string text, SpaceKind expected) =>
        Assert.Equal(expected, SpaceEdits.ParseKind(text).Value);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garage")]
    [InlineData("1")]
    [InlineData("7")]
    public void Unknown_kinds_are_refused_naming_the_field(string? text)
    {
        var error = SpaceEdits.ParseKind(text).Error;
        Assert.Equal("kind", error?.Field);
        Assert.Equal("space-kind-invalid", error?.Code);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("2")]
    [InlineData(null)]
    public void Unknown_ownerships_are_refused_naming_the_field(string? text) =>
        Assert.Equal("ownership", SpaceEdits.ParseOwnership(text).Error?.Field);

    [Fact]
    public void A_private_space_needs_a_household_of_the_compound()
    {
        var space = SpaceCalendarTests.NewCalendar().Definition!;
        var known = new HashSet<string> { "H1" };

        Assert.Equal("household-required", SpaceEdits.Reassign(space, SpaceOwnership.Private, null, known.Contains).Error?.Code);
        Assert.Equal("household-required", SpaceEdits.Reassign(space, SpaceOwnership.Private, "  ", known.Contains).Error?.Code);
        var unknown = SpaceEdits.Reassign(space, SpaceOwnership.Private, "H9", known.Contains).Error;
        Assert.Equal(("householdId", "household-not-found"), (unknown?.Field, unknown?.Code));
        var owned = SpaceEdits.Reassign(space, SpaceOwnership.Private, "H1", known.Contains).Value;
        Assert.Equal((SpaceOwnership.Private, "H1"), (owned?.Ownership, owned?.OwnerHouseholdId));
    }

    [Fact]
    public void A_common_or_temporary_space_has_no_owner()
    {
        var space = SpaceCalendarTests.NewCalendar().Definition! with { Ownership = SpaceOwnership.Private, OwnerHouseholdId = "H1" };

        Assert.Equal("household-not-allowed", SpaceEdits.Reassign(space, SpaceOwnership.Common, "H1", _ => true).Error?.Code);
        var common = SpaceEdits.Reassign(space, SpaceOwnership.Temporary, null, _ => true).Value;
        Assert.Equal((SpaceOwnership.Temporary, (string?)null), (common?.Ownership, common?.OwnerHouseholdId));
    }

    [Fact]
    public void Retyping_bumps_the_version_once_and_keeps_bookings()
    {
        var calendar = SpaceCalendarTests.NewCalendar();
        var booked = Reserve(calendar, "a", SpaceCalendarTests.Hours(1, 2));
        var version = calendar.Version;

        Assert.True(calendar.Redefine(SpaceEdits.Retype(calendar.Definition!, SpaceKind.EV)).Value);
        Assert.Equal(version + 1, calendar.Version);
        Assert.False(calendar.Redefine(SpaceEdits.Retype(calendar.Definition!, SpaceKind.EV)).Value);
        Assert.Equal(version + 1, calendar.Version);
        Assert.Equal(SpaceKind.EV, calendar.Snapshot(Now).Definition.Kind);
        Assert.Equal(booked, Assert.Single(calendar.Reservations));
    }

    [Fact]
    public void A_new_owner_does_not_inherit_the_old_owners_sharing_plan()
    {
        var calendar = SpaceCalendarTests.NewCalendar();
        calendar.Redefine(calendar.Definition! with { Ownership = SpaceOwnership.Private, OwnerHouseholdId = "H1" });
        var plan = Sharing.SharingPlanTests.Plan(Sharing.SharingPlanTests.Pattern([.. Enum.GetValues<DayOfWeek>()], 6, 22));
        Assert.True(calendar.PublishSharing(plan, Now, TimeSpan.FromHours(2)).IsSuccess);
        Assert.NotEmpty(calendar.Snapshot(Now).Shared!);

        calendar.Redefine(calendar.Definition! with { OwnerHouseholdId = "H2" });

        Assert.Null(calendar.Sharing);
        Assert.Empty(calendar.Snapshot(Now).Shared!);
        Assert.False(calendar.Snapshot(Now).IsFreeFor(SpaceCalendarTests.Hours(1, 2)));

        calendar.Redefine(calendar.Definition! with { Ownership = SpaceOwnership.Common, OwnerHouseholdId = null });
        Assert.True(calendar.Snapshot(Now).IsFreeFor(SpaceCalendarTests.Hours(1, 2)));
    }

    [Fact]
    public void Blocking_cancels_bookings_to_come_keeps_a_checked_in_car_and_refuses_new_ones()
    {
        var calendar = SpaceCalendarTests.NewCalendar();
        var here = Reserve(calendar, "a", SpaceCalendarTests.Hours(0.1, 1));
        var later = Reserve(calendar, "b", SpaceCalendarTests.Hours(3, 4));
        Assert.True(calendar.CheckIn(here.Id, new Actor("a", false), Now, SpaceCalendarTests.Policy).IsSuccess);

        var broken = calendar.Block(Now.AddMinutes(10)).Value!;

        var cancelled = Assert.Single(broken);
        Assert.Equal((later.Id, ReservationStatus.Cancelled), (cancelled.Id, cancelled.Status));
        Assert.Equal(later.Revision + 1, cancelled.Revision);
        Assert.Equal(ReservationStatus.CheckedIn, calendar.Reservations.Single(r => r.Id == here.Id).Status);
        Assert.True(calendar.OutOfService);
        Assert.Equal(SpaceStatus.OutOfService, calendar.StatusAt(Now.AddMinutes(10)));
        Assert.False(calendar.Snapshot(Now).IsFreeFor(SpaceCalendarTests.Hours(5, 6)));
        Assert.Equal("space-out-of-service", calendar.Reserve(new ReserveCommand("c", SpaceCalendarTests.Hours(5, 6), null), SpaceCalendarTests.Policy, Now, Guid.NewGuid()).Error?.Code);

        var version = calendar.Version;
        Assert.Empty(calendar.Block(Now.AddMinutes(11)).Value!);
        Assert.Equal(version, calendar.Version);

        Assert.True(calendar.SetOutOfService(false));
        Assert.True(calendar.Snapshot(Now).IsFreeFor(SpaceCalendarTests.Hours(5, 6)));
    }
}
