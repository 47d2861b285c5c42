using Parking.Domain.Devices;
using Xunit;

namespace Parking.Domain.Tests.Devices;

/// <summary>A device's credential: each issue is a new version that replaces the secret at once, a revoke leaves none, and only the secret itself verifies.</summary>
public class DeviceCredentialStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_rotated_secret_replaces_the_old_one_at_once()
    {
        var state = new DeviceCredentialState();
        Assert.False(state.IsIssued);
        Assert.False(state.Verify("anything"));
        Assert.Null(state.SigningKey());

        state.Issue("first", T0);
        state.Issue("second", T0.AddDays(1));

        Assert.Equal((2, T0.AddDays(1)), (state.Version, state.IssuedAt!.Value));
        Assert.True(state.Verify("second"));
        Assert.False(state.Verify("first"));
        Assert.False(state.Verify(null));
        Assert.False(state.Verify("Second"));
        Assert.Equal("second"u8.ToArray(), state.SigningKey());
    }

    [Fact]
    public void A_revoked_credential_verifies_nothing_and_a_new_issue_clears_the_revocation()
    {
        var state = new DeviceCredentialState();
        Assert.False(state.Revoke(T0));
        Assert.Null(state.RevokedAt);

        state.Issue("first", T0);
        Assert.True(state.Revoke(T0.AddHours(1)));
        Assert.False(state.Revoke(T0.AddHours(2)));

        Assert.Equal((false, T0.AddHours(1)), (state.IsIssued, state.RevokedAt!.Value));
        Assert.False(state.Verify("first"));
        state.Issue("third", T0.AddHours(3));
        Assert.Equal((2, (DateTimeOffset?)null), (state.Version, state.RevokedAt));
        Assert.True(state.Verify("third"));
    }
}
