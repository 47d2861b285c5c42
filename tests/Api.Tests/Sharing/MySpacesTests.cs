using System.Net;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Layout;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Api.Tests.Sharing;

/// <summary>An owner's own private spaces with what each earned: only their household's, and the credits per space as booked and refunded.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class MySpacesTests(SharedHostFixture fixture)
{
    private static readonly CompoundLayout Layout = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);
    private static readonly string Path = ParkingHost.CompoundPath("spaces/mine");
    private readonly ParkingHost _host = fixture.Host;

    /// <summary>
    /// Private spaces of G1 below G1-020, from the highest down: SharingApiTests and CreditApiTests take the private
    /// standard ones from G1-020 up, and the tests here book days ahead and cancel at once.
    /// </summary>
    private static (string SpaceId, string OwnerId) Owned(int skip)
    {
        var space = Layout.Lots.Single(l => l.LotId == "G1").Spaces
            .Where(s => s.Ownership == SpaceOwnership.Private && string.CompareOrdinal(s.SpaceId, "G1-020") < 0)
            .OrderByDescending(s => s.SpaceId, StringComparer.Ordinal)
            .Skip(skip)
            .First();
        return (space.SpaceId, Layout.Users.First(u => u.HouseholdId == space.OwnerHouseholdId).UserId);
    }

    private Task<MySpaceDto[]> MineAsync(string userId) => _host.GetOkAsync<MySpaceDto[]>(Path, userId);

    [Fact]
    public async Task An_owner_sees_their_spaces_bookings_by_others_and_the_credits_each_earned_and_refunded()
    {
        var (spaceId, ownerId) = Owned(0);
        var driver = SharingApiTests.DriverNot(ownerId, 40);
        var before = Assert.Single(await MineAsync(ownerId), s => s.SpaceId == spaceId);
        Assert.Equal("G1", before.LotId);
        Assert.NotNull(before.Plan);
        Assert.True(before.SharedHoursNext7Days > 0, "The demo seed shares private spaces round the clock.");
        var start = _host.Now.AddDays(5);

        var booked = await _host.ReserveOkAsync(driver, spaceId, start, start.AddHours(3));

        var after = Assert.Single(await MineAsync(ownerId), s => s.SpaceId == spaceId);
        Assert.Equal(before.BookedByOthers + 1, after.BookedByOthers);
        Assert.Equal(before.Earnings.Bookings + 1, after.Earnings.Bookings);
        Assert.Equal(before.Earnings.Earned + 6, after.Earnings.Earned);
        Assert.Equal(before.Earnings.Net + 6, after.Earnings.Net);
        var ownerAccount = await _host.GetOkAsync<CreditAccountDto>(ParkingHost.CompoundPath("credits/mine"), ownerId);
        Assert.Contains(ownerAccount.Transactions, t => t.Reference == booked.Id && t.Credit == ownerAccount.Account && t.Amount == 6);

        await _host.CommandOkAsync(driver, booked.Id, "cancel");

        var refunded = Assert.Single(await MineAsync(ownerId), s => s.SpaceId == spaceId);
        Assert.Equal(before.BookedByOthers, refunded.BookedByOthers);
        Assert.Equal(after.Earnings.Bookings, refunded.Earnings.Bookings);
        Assert.Equal(before.Earnings.Refunds + 1, refunded.Earnings.Refunds);
        Assert.Equal(before.Earnings.Refunded + 6, refunded.Earnings.Refunded);
        Assert.Equal(before.Earnings.Net, refunded.Earnings.Net);
    }

    [Fact]
    public async Task Only_the_callers_household_spaces_are_listed()
    {
        var (spaceId, ownerId) = Owned(1);
        var household = Layout.Users.Single(u => u.UserId == ownerId).HouseholdId;
        var expected = Layout.Lots.SelectMany(l => l.Spaces)
            .Where(s => s.Ownership == SpaceOwnership.Private && s.OwnerHouseholdId == household)
            .Select(s => s.SpaceId)
            .Order(StringComparer.Ordinal);

        var mine = await MineAsync(ownerId);

        Assert.Contains(mine, s => s.SpaceId == spaceId);
        Assert.Equal(expected, mine.Select(s => s.SpaceId));
        var other = SharingApiTests.DriverNot(ownerId, 41);
        Assert.DoesNotContain(await MineAsync(other), s => s.SpaceId == spaceId);
    }

    [Fact]
    public async Task Staff_have_no_spaces_of_their_own()
    {
        using var response = await _host.GetAsync(Path, "staff01");
        await ProblemAssert.Expect(response, HttpStatusCode.Forbidden);
    }
}
