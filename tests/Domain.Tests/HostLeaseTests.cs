using Xunit;

namespace Parking.Domain.Tests;

/// <summary>A host's registration holds for the lease and lapses just after it.</summary>
public class HostLeaseTests
{
    [Fact]
    public void A_host_is_live_until_the_lease_has_passed()
    {
        var seen = new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

        Assert.True(HostLease.Live(seen, seen));
        Assert.True(HostLease.Live(seen, seen + HostLease.Expiry));
        Assert.False(HostLease.Live(seen, seen + HostLease.Expiry + TimeSpan.FromTicks(1)));
    }
}
