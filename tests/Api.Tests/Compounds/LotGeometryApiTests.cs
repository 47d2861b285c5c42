using Parking.Contracts;
using Parking.Domain.Seeding;
using Parking.Api.Tests.Infrastructure;
using Xunit;

namespace Parking.Api.Tests.Compounds;

/// <summary>
/// The lot's live picture carries the geometry of the compound file it was imported from (the demo is seeded through
/// the importer), so the web app draws the lot as it lies: outline, entrances, each space's position and heading.
/// </summary>
public sealed class LotGeometryApiTests(ImportHostFixture fixture) : IClassFixture<ImportHostFixture>
{
    private readonly ParkingHost _host = fixture.Host;

    [Fact]
    public async Task The_occupancy_of_a_lot_gives_the_outline_entrances_and_every_space_position_from_the_file()
    {
        var file = DemoCompoundGenerator.GenerateFile(DemoCompoundSize.Small);
        var lot = file.Lots.Single(l => l.Id == "G1");

        var occupancy = await _host.GetOkAsync<LotOccupancyDto>(ParkingHost.CompoundPath("lots/G1/occupancy"), "staff01");

        Assert.NotNull(occupancy.Geometry);
        Assert.Equal(lot.Outline.Select(p => (p.X, p.Y)), occupancy.Geometry.Outline.Select(p => (p.X, p.Y)));
        Assert.Equal(lot.Entrances.Select(p => (p.X, p.Y)), occupancy.Geometry.Entrances.Select(p => (p.X, p.Y)));
        var spaces = file.Spaces.Where(s => s.LotId == "G1").ToDictionary(s => s.Id);
        Assert.Equal(spaces.Count, occupancy.Spaces.Count);
        foreach (var space in occupancy.Spaces)
        {
            var entry = spaces[space.SpaceId];
            Assert.Equal((entry.Position.X, entry.Position.Y), (space.Position!.X, space.Position.Y));
            Assert.Equal(entry.Heading, space.HeadingDegrees);
        }
    }
}
