using Orleans.Core.Internal;
using Parking.Domain;
using Parking.Domain.Availability;
using Parking.Domain.Credits;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// Staff retype, block and reassign spaces. Each test builds a compound of its own (three common spaces in
/// one lot, two households) on the shared cluster, so no other test's bookings get in the way.
/// </summary>
[Collection(ClusterCollection.Name)]
public class SpaceAdminGrainTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    private static TimeWindow HoursFromNow(double from, double to)
    {
        var now = ClusterFixture.Clock.GetUtcNow();
        return new TimeWindow(now.AddHours(from), now.AddHours(to));
    }

    private async Task<string> NewCompound()
    {
        var compound = "admin-" + Guid.NewGuid().ToString("N")[..8];
        SpaceDefinition[] spaces = [.. Enumerable.Range(1, 3).Select(i => new SpaceDefinition(compound, "A1", $"A1-{i:000}", $"A1-{i:000}", SpaceKind.Standard, SpaceOwnership.Common, i * 5))];
        var lot = new LotDefinition(compound, "A1", "Lot A1", LotKind.Surface, new Dictionary<string, int> { ["B1"] = 40 }, spaces);
        var layout = new CompoundLayout(
            compound,
            "Space admin test",
            [new Building("B1", "Building 1")],
            [lot],
            [new Household("H1", "B1", "101", 90m), new Household("H2", "B1", "102", 90m)],
            [
                new CompoundUser(compound, "u1", "U1", UserRole.Resident, "H1", "B1", []),
                new CompoundUser(compound, "u2", "U2", UserRole.Resident, "H2", "B1", []),
            ]);
        Assert.True(await _grains.Compound(compound).InitializeLayout(layout));
        foreach (var space in spaces)
        {
            await _grains.Space(compound, space.SpaceId).Configure(space);
        }

        return compound;
    }

    private Task<IReadOnlyList<AvailableSpace>> Search(string compound, TimeWindow window, SpaceKind? kind) =>
        _grains.Lot(compound, "A1").Search(new AvailabilityQuery(window, kind, null, 10));

    private static async Task Deactivate(IAddressable grain) => await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();

    [Fact]
    public async Task A_retyped_space_is_searched_by_its_new_kind_and_stays_so_after_reactivation()
    {
        var compound = await NewCompound();
        var space = _grains.Space(compound, "A1-001");
        var window = HoursFromNow(2, 3);
        var definition = (await space.GetAdmin()).Value!.Definition;

        var changed = await space.Redefine(SpaceEdits.Retype(definition, SpaceKind.EV), definition);

        Assert.Equal(SpaceKind.EV, changed.Value?.Definition.Kind);

        // A second edit made from the definition as it was before the first is refused, and the first stays.
        var stale = await space.Redefine(SpaceEdits.Retype(definition, SpaceKind.Accessible), definition);
        Assert.Equal("space-changed", stale.Error?.Code);
        Assert.Equal(SpaceKind.EV, (await space.GetAdmin()).Value!.Definition.Kind);
        Assert.Equal(["A1-001"], (await Search(compound, window, SpaceKind.EV)).Select(s => s.SpaceId));
        Assert.DoesNotContain(await Search(compound, window, SpaceKind.Standard), s => s.SpaceId == "A1-001");
        Assert.Equal(SpaceKind.EV, (await _grains.Compound(compound).GetSpace("A1-001"))?.Kind);

        // The space's calendar is stored: new activations of the space and of the lot (which rebuilds its index
        // from the compound's layout and the spaces) still see the new kind. The test cluster stores state in
        // Orleans' binary format, as the silo does (ClusterFixture).
        await Deactivate(space);
        await Deactivate(_grains.Lot(compound, "A1"));
        Assert.Equal(SpaceKind.EV, (await space.GetAdmin()).Value?.Definition.Kind);
        Assert.Equal(["A1-001"], (await Search(compound, window, SpaceKind.EV)).Select(s => s.SpaceId));
        Assert.Equal(SpaceKind.EV, (await _grains.Compound(compound).GetLot("A1"))!.Spaces[0].Kind);
    }

    [Fact]
    public async Task Blocking_cancels_refunds_and_moves_the_bookings_to_come_but_keeps_a_car_that_is_there()
    {
        var compound = await NewCompound();
        var space = _grains.Space(compound, "A1-002");
        var later = HoursFromNow(5, 7);
        var booked = (await _grains.Resident(compound, "u1").Reserve("A1-002", later, "沪A00001", null)).Value!.Reservation;
        var balanceBooked = (await _grains.HouseholdLedger(compound, "H1").GetAccount(10)).Balance;
        var here = (await _grains.Resident(compound, "u2").Reserve("A1-002", HoursFromNow(0.1, 1), "沪A00002", null)).Value!.Reservation;
        Assert.True((await space.CheckIn(here.Id, new Actor("u2", false))).IsSuccess);

        var blocked = (await space.SetService(true)).Value!;

        Assert.True(blocked.OutOfService);
        var cancelled = Assert.Single(blocked.Cancelled);
        Assert.Equal((booked.Id, ReservationStatus.Cancelled), (cancelled.Id, cancelled.Status));
        Assert.Equal(here.Id, Assert.Single(blocked.Active).Id);
        Assert.DoesNotContain(await Search(compound, HoursFromNow(8, 9), null), s => s.SpaceId == "A1-002");

        // The mover runs on its own (one-way): wait, bounded, for the driver's new booking on another space.
        Reservation? moved = null;
        for (var attempt = 0; attempt < 100 && moved is null; attempt++)
        {
            moved = (await _grains.Resident(compound, "u1").GetReservations()).FirstOrDefault(r => r.IsActive && r.Window == later && r.SpaceId != "A1-002");
            if (moved is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(moved);
        Assert.Equal(SpaceKind.Standard, (await _grains.Compound(compound).GetSpace(moved.SpaceId))?.Kind);

        // Refunded in full, then charged again for the new booking of the same price: the balance is what it was booked.
        var balance = (await _grains.HouseholdLedger(compound, "H1").GetAccount(10)).Balance;
        Assert.Equal(balanceBooked, balance);

        var reopened = (await space.SetService(false)).Value!;
        Assert.False(reopened.OutOfService);
        Assert.Contains(await Search(compound, HoursFromNow(8, 9), null), s => s.SpaceId == "A1-002");
    }

    [Fact]
    public async Task A_space_made_private_is_offered_to_nobody_until_it_is_common_again()
    {
        var compound = await NewCompound();
        var space = _grains.Space(compound, "A1-003");
        var window = HoursFromNow(3, 4);
        var definition = (await space.GetAdmin()).Value!.Definition;

        var owned = await space.Redefine(definition with { Ownership = SpaceOwnership.Private, OwnerHouseholdId = "H2" }, definition);

        Assert.Equal("H2", owned.Value?.Definition.OwnerHouseholdId);
        Assert.Equal(SpaceOwnership.Private, (await _grains.Compound(compound).GetSpace("A1-003"))?.Ownership);
        Assert.DoesNotContain(await Search(compound, window, null), s => s.SpaceId == "A1-003");
        Assert.Equal("outside-sharing-window", (await _grains.Resident(compound, "u1").Reserve("A1-003", window, null, null)).Error?.Code);

        await space.Redefine(owned.Value!.Definition with { Ownership = SpaceOwnership.Common, OwnerHouseholdId = null }, owned.Value!.Definition);
        Assert.Contains(await Search(compound, window, null), s => s.SpaceId == "A1-003");
    }
}
