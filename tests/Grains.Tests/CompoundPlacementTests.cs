using System.Net;
using Orleans.Runtime;
using Parking.Domain;
using Parking.Domain.Availability;
using Parking.Domain.Gates;
using Parking.Domain.Layout;
using Parking.Grains.Gates;
using Parking.Grains.History;
using Parking.Grains.Notices;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// A compound's grains on one silo: the rendezvous choice itself (the same from any list order, only a leaving silo's
/// compounds move, compounds spread over the silos), and on the two-silo test cluster, every grain a booking and a
/// search activate (resident, space, household ledger, lot, compound) found on one silo when the silos place by compound.
/// </summary>
public class CompoundPlacementTests(CompoundPlacedClusterFixture fixture) : IClassFixture<CompoundPlacedClusterFixture>
{
    private static readonly SiloAddress[] Silos = [.. Enumerable.Range(0, 3).Select(i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111 + i), 1_000 + i))];

    private static readonly string[] PlacedByCompound = [".ResidentGrain", ".ParkingSpaceGrain", ".HouseholdLedgerGrain", ".LotGrain", ".CompoundGrain"];

    private static readonly string[] Compounds = [.. Enumerable.Range(1, 300).Select(i => $"c{i:000}")];

    [Fact]
    public void Every_silo_chooses_the_same_silo_for_a_compound_whatever_the_order_of_its_list()
    {
        foreach (var compound in Compounds)
        {
            var chosen = CompoundPlacementDirector.Choose(compound, Silos);
            Assert.Equal(chosen, CompoundPlacementDirector.Choose(compound, [.. Silos.Reverse()]));
            Assert.Equal(chosen, CompoundPlacementDirector.Choose(compound, [Silos[1], Silos[2], Silos[0]]));
        }
    }

    [Fact]
    public void When_a_silo_leaves_only_its_compounds_move_and_they_spread_over_the_others()
    {
        var before = Compounds.ToDictionary(c => c, c => CompoundPlacementDirector.Choose(c, Silos));
        var survivors = new[] { Silos[0], Silos[2] };
        var after = Compounds.ToDictionary(c => c, c => CompoundPlacementDirector.Choose(c, survivors));

        Assert.All(Compounds.Where(c => before[c] != Silos[1]), c => Assert.Equal(before[c], after[c]));
        var moved = Compounds.Where(c => before[c] == Silos[1]).ToList();
        Assert.NotEmpty(moved);
        Assert.All(survivors, s => Assert.Contains(moved, c => after[c] == s));

        // 300 compounds over three silos: each gets a fair share (a third is 100), not all or nothing.
        Assert.All(Silos, s => Assert.InRange(before.Values.Count(v => v == s), 60, 140));
    }

    [Fact]
    public void The_compound_is_the_key_up_to_its_first_slash()
    {
        Assert.Equal("cs01", CompoundPlacementDirector.CompoundOf(GrainId.Create("space", GrainKeys.Of("cs01", "A-001"))));
        Assert.Equal("cs01", CompoundPlacementDirector.CompoundOf(GrainId.Create("compound", "cs01")));
    }

    [Fact]
    public async Task A_bookings_and_a_searchs_grains_are_all_on_the_silo_of_their_compound()
    {
        var layout = fixture.Layout;
        var resident = layout.Users.First(u => u.Role == UserRole.Resident && u.HouseholdId is not null && u.UserId.EndsWith('7'));
        var space = layout.Lots.SelectMany(l => l.Spaces).Where(s => s.Ownership == SpaceOwnership.Common).Skip(5).First();
        var start = ClusterFixture.Clock.GetUtcNow().AddDays(3);
        var booked = await fixture.Grains.Resident(layout.CompoundId, resident.UserId).Reserve(space.SpaceId, new TimeWindow(start, start.AddHours(1)), null, null);
        Assert.True(booked.IsSuccess, booked.Error?.Message);
        var found = await fixture.Grains.Availability(layout.CompoundId).Search(new AvailabilityQuery(new TimeWindow(start, start.AddHours(1)), null, null, 5));
        Assert.True(found.IsSuccess, found.Error?.Message);

        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var hosts = (await management.GetHosts(onlyActive: true)).Keys.ToArray();
        Assert.Equal(2, hosts.Length);
        var statistics = await management.GetDetailedGrainStatistics();
        var ofCompound = statistics
            .Where(s => PlacedByCompound.Any(type => s.GrainType.Contains(type, StringComparison.Ordinal)))
            .Where(s => CompoundPlacementDirector.CompoundOf(s.GrainId) == layout.CompoundId)
            .ToList();

        // The booking's own grains are among them, so the check is not passed by an empty list.
        Assert.Contains(ofCompound, s => s.GrainId.Key.ToString() == GrainKeys.Of(layout.CompoundId, resident.UserId));
        Assert.Contains(ofCompound, s => s.GrainId.Key.ToString() == GrainKeys.Of(layout.CompoundId, space.SpaceId));
        Assert.Contains(ofCompound, s => s.GrainId.Key.ToString() == GrainKeys.Of(layout.CompoundId, space.LotId));
        var expected = CompoundPlacementDirector.Choose(layout.CompoundId, hosts);
        Assert.All(ofCompound, s => Assert.Equal(expected, s.SiloAddress));
    }
    [Fact]
    public async Task The_grains_a_booking_reaches_beyond_its_own_path_are_on_the_silo_of_their_compound_too()
    {
        // The archives a booking rolls finished reservations and charges into, a driver's inbox, and the compound's plate
        // index, rounds and overstay list, for a dozen compounds (most need no layout), so that random placement over two
        // silos would put some on the wrong one.
        var compounds = Enumerable.Range(1, 12).Select(i => $"placed{i:00}").ToList();
        var grains = fixture.Grains;
        foreach (var compound in compounds)
        {
            Assert.Empty(await grains.OfResident(compound, "r1", 1).Get());
            Assert.Empty(await grains.OfSpace(compound, "s1", 1).Get());
            Assert.Empty(await grains.LedgerArchive(compound, "h1", 1).Get());
            Assert.Empty((await grains.NoticeInbox(compound, "u1").Get()).Entries);
        }

        var layout = fixture.Layout;
        Assert.Equal(PlateFacts.Unknown, await grains.PlateIndex(layout.CompoundId).Lookup("?", ClusterFixture.Clock.GetUtcNow()));
        await grains.Rounds(layout.CompoundId).GetOpenRound();
        Assert.Empty(await grains.OverstayRegistry(layout.CompoundId).GetAll());

        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = (await management.GetHosts(onlyActive: true)).Keys.ToArray();
        Assert.Equal(2, hosts.Length);
        string[] types = [".ReservationArchiveGrain", ".LedgerArchiveGrain", ".NoticeInboxGrain", ".PlateIndexGrain", ".RoundGrain", ".OverstayRegistryGrain"];
        var placed = (await management.GetDetailedGrainStatistics())
            .Where(s => types.Any(type => s.GrainType.Contains(type, StringComparison.Ordinal)))
            .Where(s => compounds.Contains(CompoundPlacementDirector.CompoundOf(s.GrainId)) || CompoundPlacementDirector.CompoundOf(s.GrainId) == layout.CompoundId)
            .ToList();

        // Every grain asked for above is among them (4 per compound, 3 of the demo compound's), so the check is not passed by an empty list.
        Assert.True(placed.Count >= (4 * compounds.Count) + 3, $"{placed.Count} grains found");
        Assert.All(placed, s => Assert.Equal(CompoundPlacementDirector.Choose(CompoundPlacementDirector.CompoundOf(s.GrainId), hosts), s.SiloAddress));
    }
}
