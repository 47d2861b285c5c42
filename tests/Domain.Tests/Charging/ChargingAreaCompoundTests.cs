using Parking.Domain.Charging;
using Xunit;

namespace Parking.Domain.Tests.Charging;

/// <summary>A charging area's book names its compound once, from the grain's key, and never another.</summary>
public class ChargingAreaCompoundTests
{
    [Fact]
    public void The_compound_is_named_once_and_again_only_the_same()
    {
        var book = new ChargingAreaBook();

        book.BelongsTo("c1");
        book.BelongsTo("c1");

        Assert.Equal("c1", book.CompoundId);
        Assert.Throws<InvalidOperationException>(() => book.BelongsTo("c2"));
        Assert.Throws<ArgumentException>(() => book.BelongsTo(""));
        Assert.Equal("c1", book.CompoundId);
        Assert.Equal("c1", new ChargingAreaBook { CompoundId = "c1" }.CompoundId);
    }
}
