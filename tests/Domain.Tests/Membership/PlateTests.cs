using Parking.Domain.Membership;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Domain.Tests.Membership;

public class PlateTests
{
    [Theory]
    [InlineData("沪A12345", "沪A12345", PlateKind.Standard)]
    [InlineData("沪a·b2c45", "沪AB2C45", PlateKind.Standard)]
    [InlineData(" 京N 8H7K2 ", "京N8H7K2", PlateKind.Standard)]
    [InlineData("沪AD12345", "沪AD12345", PlateKind.NewEnergySmall)]
    [InlineData("粤bfa1234", "粤BFA1234", PlateKind.NewEnergySmall)]
    [InlineData("沪A12345D", "沪A12345D", PlateKind.NewEnergyLarge)]
    [InlineData("苏E1234学", "苏E1234学", PlateKind.Special)]
    public void Accepts_and_canonicalises(string text, string canonical, PlateKind kind)
    {
        Assert.True(Plate.TryParse(text, out var plate));
        Assert.Equal(canonical, plate.Value);
        Assert.Equal(kind, plate.Kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("A12345")]        // no province
    [InlineData("XA12345")]       // not a province
    [InlineData("沪A1234")]        // too short
    [InlineData("沪A123456")]      // eight characters but not a new-energy pattern
    [InlineData("沪AI2345")]       // I is never issued
    [InlineData("沪AO2345")]       // nor O
    [InlineData("沪AD1234X")]      // small new-energy: last four are digits
    [InlineData("沪A12345X")]      // large new-energy ends in D or F
    [InlineData("沪A123456789")]
    [InlineData("沪1A2345")]       // issuing letter, not digit
    public void Refuses_what_is_not_a_plate(string? text)
    {
        Assert.False(Plate.TryParse(text, out _));
        var outcome = Plate.Parse(text, "vehicles[0].plate");
        Assert.Equal("vehicles[0].plate", outcome.Error!.Field);
        Assert.Equal("plate-invalid", outcome.Error.Code);
    }

    [Fact]
    public void A_green_plate_makes_a_car_electric()
    {
        var car = MemberVehicle.Car("沪AD12345", isElectric: false);
        Assert.True(car.IsSuccess);
        Assert.True(car.Value!.IsElectric);
        Assert.Equal(VehicleType.Car, car.Value.Type);
    }

    [Fact]
    public void Every_demo_plate_is_a_valid_plate()
    {
        var layout = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);
        var plates = layout.Users.SelectMany(u => u.Vehicles).Select(v => v.Plate).ToList();
        Assert.NotEmpty(plates);
        Assert.All(plates, p => Assert.True(Plate.TryParse(p, out var plate) && plate.Value == p, p));
    }
}
