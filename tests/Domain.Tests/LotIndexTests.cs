using Parking.Domain.Availability;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Domain.Tests;

public class LotIndexTests
{
    private static readonly DateTimeOffset Now = SpaceCalendarTests.Now;

    private static LotDefinition Lot() => DemoCompoundGenerator.Generate(DemoCompoundSize.Small).Lots[0];

    private static SpaceAvailability Snapshot(SpaceDefinition space, long version, params TimeWindow[] held) =>
        new(space, false, held, SpaceStatus.Free, version, Now);

    [Fact]
    public void Search_returns_free_spaces_of_the_kind_nearest_first()
    {
        var lot = Lot();
        var index = new LotIndex(lot);
        foreach (var space in lot.Spaces)
        {
            index.Apply(Snapshot(space, 1));
        }

        var window = SpaceCalendarTests.Hours(1, 2);
        var nearest = lot.Spaces.Where(s => s.Kind == SpaceKind.Standard).OrderBy(s => s.WalkOffsetMeters).ThenBy(s => s.SpaceId, StringComparer.Ordinal).First();
        index.Apply(Snapshot(nearest, 2, window));

        var hits = index.Search(new AvailabilityQuery(window, SpaceKind.Standard, "B01", 5));

        Assert.Equal(5, hits.Count);
        Assert.DoesNotContain(hits, h => h.SpaceId == nearest.SpaceId);
        Assert.All(hits, h => Assert.Equal(SpaceKind.Standard, h.Kind));
        Assert.Equal(hits.OrderBy(h => h.WalkMeters), hits);
        Assert.All(hits, h => Assert.True(h.WalkMeters >= lot.WalkMetersTo("B01")));
    }

    [Fact]
    public void Older_snapshots_are_ignored()
    {
        var lot = Lot();
        var index = new LotIndex(lot);
        var space = lot.Spaces[0];
        var window = SpaceCalendarTests.Hours(1, 2);

        Assert.True(index.Apply(Snapshot(space, 5, window)));
        Assert.False(index.Apply(Snapshot(space, 4)));

        Assert.False(index.Get(space.SpaceId)!.IsFreeFor(window));
    }

    [Fact]
    public void Counts_follow_the_status_at_the_given_time()
    {
        var lot = Lot();
        var index = new LotIndex(lot);
        index.Apply(Snapshot(lot.Spaces[0], 1, SpaceCalendarTests.Hours(-0.5, 1)));
        index.Apply(Snapshot(lot.Spaces[1], 1) with { OutOfService = true });
        index.Apply(Snapshot(lot.Spaces[2], 1));

        var counts = index.CountByStatus(Now);

        Assert.Equal(1, counts[SpaceStatus.Reserved]);
        Assert.Equal(1, counts[SpaceStatus.OutOfService]);
        Assert.Equal(1, counts[SpaceStatus.Free]);
        Assert.Equal(0, index.CountByStatus(Now.AddHours(2))[SpaceStatus.Reserved]);
    }
}
