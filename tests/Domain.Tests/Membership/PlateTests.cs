using Parking.Domain.Gates;
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
    [InlineData("粤Z1234港", "粤Z1234港", PlateKind.Special)]          // Hong Kong cross-border
    [InlineData("粤z·a123澳", "粤ZA123澳", PlateKind.Special)]         // Macau cross-border, lower case, dotted
    [InlineData("沪ad 12345", "沪AD12345", PlateKind.NewEnergySmall)]   // 8 characters, lower case
    [InlineData("\t沪A\u00A012345D\n", "沪A12345D", PlateKind.NewEnergyLarge)] // tab, no-break space, newline
    [InlineData("沪Ａ１２３４５", "沪A12345", PlateKind.Standard)]        // full-width, as a Chinese input method types it
    [InlineData("沪A-12345", "沪A12345", PlateKind.Standard)]
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
    [InlineData("沪A12O45")]       // O in the serial
    [InlineData("沪AD1I345")]      // I in a new-energy serial
    [InlineData("沪AI12345")]      // I is no new-energy class
    [InlineData("沪AO12345")]      // nor is O
    [InlineData("粤Z123港")]        // a cross-border plate has four serial characters before its mark
    [InlineData("粤Z12345港")]      // and no more
    [InlineData("沪A 1234 5 6")]    // spaces do not hide a seventh serial character
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

    [Fact]
    public void The_gate_refuses_a_reading_that_is_not_a_plate_by_the_same_rule_and_message()
    {
        var at = DateTimeOffset.Parse("2026-03-02T08:00:00+08:00", System.Globalization.CultureInfo.InvariantCulture);
        var reading = new GateEvent("e-1", GateDirection.In, "沪AI2345", PlateColour.Blue, 0.9, at, null);

        var refused = GateRules.Validate(reading, at, new GatePolicy());

        Assert.NotNull(refused);
        Assert.Equal(Plate.Parse("沪AI2345", "plate").Error, refused);
        Assert.Null(GateRules.Validate(reading with { Plate = "沪ad12345" }, at, new GatePolicy()));
        Assert.Null(GateRules.Validate(reading with { Plate = "粤Z1234港" }, at, new GatePolicy()));
    }

    [Theory]
    [InlineData("粤z1234港", "粤Z1234港")]
    [InlineData(" 沪ad12345 ", "沪AD12345")]
    public void A_visitor_plate_is_kept_in_its_canonical_spelling(string text, string canonical) =>
        Assert.Equal(canonical, Plate.Parse(text, "plate").Value.Value);

    [Theory]
    [InlineData("AB-123")]
    [InlineData("沪AO2345")]
    [InlineData(" ")]
    public void A_visitor_plate_that_is_not_a_plate_is_refused_on_plate(string text)
    {
        var refused = Plate.Parse(text, "plate").Error;
        Assert.Equal(("plate", "plate-invalid"), (refused?.Field, refused?.Code));
    }
}
