using Parking.Domain.Layout;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Domain.Tests;

public class DemoCompoundGeneratorTests
{
    [Fact]
    public void Chengshangcheng_has_the_sizes_of_the_real_compound()
    {
        var layout = DemoCompoundGenerator.Generate(DemoCompoundSize.Chengshangcheng);

        Assert.Equal(23, layout.Buildings.Count);
        Assert.Equal(1522, layout.Households.Count);
        Assert.Equal(900, layout.SpaceCount);
        Assert.True(layout.Lots.Count >= 4);
        Assert.Equal(60, layout.Lots.SelectMany(l => l.Spaces).Count(s => s.Kind == SpaceKind.EV));
        Assert.Contains(layout.Lots.SelectMany(l => l.Spaces), s => s.Kind == SpaceKind.Accessible);
        Assert.Contains(layout.Lots.SelectMany(l => l.Spaces), s => s.Kind == SpaceKind.Visitor);
        Assert.All(Enum.GetValues<SpaceOwnership>(), o => Assert.Contains(layout.Lots.SelectMany(l => l.Spaces), s => s.Ownership == o));
        Assert.All(layout.Lots, l => Assert.Equal(23, l.WalkMetersToBuilding.Count));
        Assert.All(layout.Lots.SelectMany(l => l.Spaces).Where(s => s.Ownership == SpaceOwnership.Private), s => Assert.NotNull(s.OwnerHouseholdId));
        Assert.Equal(1522, layout.Users.Count(u => u.Role == UserRole.Resident));
        Assert.Contains(layout.Users, u => u.Role == UserRole.Staff);
        Assert.Contains(layout.Users, u => u.Role == UserRole.Committee);
    }

    [Fact]
    public void The_same_seed_gives_the_same_compound()
    {
        var first = DemoCompoundGenerator.Generate(DemoCompoundSize.Chengshangcheng, 7);
        var second = DemoCompoundGenerator.Generate(DemoCompoundSize.Chengshangcheng, 7);
        var other = DemoCompoundGenerator.Generate(DemoCompoundSize.Chengshangcheng, 8);

        Assert.Equal(first.Lots.SelectMany(l => l.Spaces), second.Lots.SelectMany(l => l.Spaces));
        Assert.Equal(first.Users.SelectMany(u => u.Vehicles), second.Users.SelectMany(u => u.Vehicles));
        Assert.NotEqual(first.Users.SelectMany(u => u.Vehicles), other.Users.SelectMany(u => u.Vehicles));
    }

    [Theory]
    [InlineData(DemoCompoundSize.Small, 3, 60, 40)]
    [InlineData(DemoCompoundSize.Kangcheng, 280, 14000, 6000)]
    public void Other_sizes(DemoCompoundSize size, int buildings, int households, int spaces)
    {
        var layout = DemoCompoundGenerator.Generate(size);
        Assert.Equal(buildings, layout.Buildings.Count);
        Assert.Equal(households, layout.Households.Count);
        Assert.Equal(spaces, layout.SpaceCount);
        Assert.Equal(layout.SpaceCount, layout.Lots.SelectMany(l => l.Spaces).Select(s => s.SpaceId).Distinct().Count());
    }
}
