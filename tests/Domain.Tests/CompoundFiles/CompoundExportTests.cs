using Parking.Domain.CompoundFiles;
using Parking.Domain.Layout;
using Parking.Domain.Membership;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Domain.Tests.CompoundFiles;

public class CompoundExportTests
{
    private static readonly CompoundLayout Layout = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);

    private static MemberRecord Record(params CompoundMembership[] memberships) => new(memberships, []);

    private static CompoundMembership In(string compoundId, UserRole role, string name, string? household = null) => new(compoundId, role, name, household);

    [Fact]
    public void People_are_those_who_belong_now_as_their_records_say_in_id_order()
    {
        var c = Layout.CompoundId;
        var household = Layout.Households[0].Id;
        var car = MemberVehicle.Car("沪A12345", isElectric: true).Value!;
        var bike = MemberVehicle.EBike("blue bike").Value!;
        var people = new (string, MemberRecord)[]
        {
            ("p-3", Record(In("elsewhere", UserRole.Resident, "Not Here", household))),
            ("p-2", new MemberRecord([In(c, UserRole.Resident, "Li Na", household)], [car, bike])),
            ("p-4", Record(In(c, UserRole.Resident, "Gone Household", "H-nowhere"))),
            ("p-1", Record(In("elsewhere", UserRole.Staff, "Other Job"), In(c, UserRole.Committee, "Wang Fang"))),
            ("p-2", new MemberRecord([In(c, UserRole.Resident, "Li Na", household)], [car, bike])),
        };

        var file = CompoundExport.ToFile(Layout, new Dictionary<string, double>(), people);

        Assert.Equal(["p-1", "p-2"], file.People.Select(p => p.Id));
        Assert.Equal(new PersonEntry("p-1", "Wang Fang", "committee"), file.People[0] with { Vehicles = null });
        var resident = file.People[1];
        Assert.Equal(("Li Na", "resident", household), (resident.Name, resident.Role, resident.HouseholdId));
        var vehicle = Assert.Single(resident.Vehicles!);
        Assert.Equal(("沪A12345", true), (vehicle.Plate, vehicle.Electric));
    }

    [Fact]
    public void A_feed_set_by_hand_replaces_the_layouts_and_the_rest_is_the_layout()
    {
        var area = Layout.ChargingAreas[0];

        var file = CompoundExport.ToFile(Layout, new Dictionary<string, double> { [area.AreaId] = area.SiteCapacityKw + 9.5 }, []);

        Assert.Equal(area.SiteCapacityKw + 9.5, file.ChargingAreas[0].FeedKw);
        var layoutFile = CompoundFileMapping.FromLayout(Layout with { Users = [] });
        var expected = layoutFile with
        {
            ChargingAreas = [.. layoutFile.ChargingAreas.Select(a => a.Id == area.AreaId ? a with { FeedKw = area.SiteCapacityKw + 9.5 } : a)],
        };
        Assert.Equal(CompoundFileReader.Write(expected), CompoundFileReader.Write(file));
    }
}
