using Parking.Domain.Availability;
using Parking.Domain.Layout;
using Xunit;

namespace Parking.Domain.Tests.Availability;

/// <summary>A search near a building names one of the compound's buildings.</summary>
public class AvailabilityQueryTests
{
    private static readonly TimeWindow Window = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));

    private static readonly Dictionary<string, int> Walks = new(StringComparer.Ordinal) { ["B01"] = 40, ["B02"] = 120 };

    [Fact]
    public void A_search_near_a_building_the_compound_does_not_have_is_refused()
    {
        var refused = new AvailabilityQuery(Window, SpaceKind.Visitor, "B09", 10).NearBuildingRefused(Walks)!;

        Assert.Equal(
            (ErrorKind.Validation, "building-not-found", "No building 'B09' in this compound.", "nearBuilding"),
            (refused.Kind, refused.Code, refused.Message, refused.Field));
    }

    [Fact]
    public void A_search_near_a_known_building_or_near_none_is_not()
    {
        Assert.Null(new AvailabilityQuery(Window, null, "B02", 10).NearBuildingRefused(Walks));
        Assert.Null(new AvailabilityQuery(Window, null, null, 10).NearBuildingRefused(Walks));
    }
}
