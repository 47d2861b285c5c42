using Parking.Domain.Membership;
using Xunit;

namespace Parking.Domain.Tests.Membership;

/// <summary>The sweep reaches the people the file names and those held here, each once; a person who left is no longer held.</summary>
public class HistoryRetentionStateTests
{
    [Fact]
    public void The_sweep_reaches_named_and_held_people_each_once()
    {
        var retention = new HistoryRetentionState();
        Assert.True(retention.Track("invited"));
        Assert.False(retention.Track("invited"));
        Assert.Equal(2, retention.Retain(["dropped", "invited", "gone"]));

        Assert.Equal(["u1", "invited", "dropped", "gone"], retention.Reached(["u1", "invited"]));

        Assert.True(retention.Forget("gone"));
        Assert.False(retention.Forget("gone"));
        Assert.Equal(["u1", "invited", "dropped"], retention.Reached(["u1"]));
    }
}
