using Parking.Domain.Gates;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Domain.Tests.Gates;

/// <summary>The lots are full when no lot has a free space; a lot that gives no counts takes no car.</summary>
public class LotsFullTests
{
    private static Dictionary<SpaceStatus, int> Counts(int free, int occupied) => new() { [SpaceStatus.Free] = free, [SpaceStatus.Occupied] = occupied };

    [Fact]
    public void One_free_space_anywhere_means_not_full()
    {
        Assert.False(GateRules.LotsFull([Counts(0, 10), Counts(1, 9)]));
        Assert.False(GateRules.LotsFull([null, Counts(1, 0)]));
    }

    [Fact]
    public void No_free_space_in_any_lot_or_no_counts_at_all_means_full()
    {
        Assert.True(GateRules.LotsFull([Counts(0, 10), new Dictionary<SpaceStatus, int> { [SpaceStatus.Occupied] = 3 }, null]));
        Assert.True(GateRules.LotsFull([]));
    }
}
