using System.Net;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.Credits;
using Parking.Grains;
using Xunit;

namespace Parking.Api.Tests.Sharing;

/// <summary>Credits through the API: paying for bookings, the owner earning, refunds, refusal when one cannot pay, the staff ledger.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class CreditApiTests(SharedHostFixture fixture)
{
    private readonly ParkingHost _host = fixture.Host;

    private Task<CreditAccountDto> MineAsync(string userId) => _host.GetOkAsync<CreditAccountDto>(ParkingHost.CompoundPath("credits/mine"), userId);

    [Fact]
    public async Task A_booking_the_driver_cannot_pay_for_is_refused_and_changes_nothing()
    {
        var (spaceId, ownerId) = SharingApiTests.PrivateSpace(3);
        var driver = SharingApiTests.DriverNot(ownerId, 30);
        var prices = await _host.GetOkAsync<CreditPricesDto>(ParkingHost.CompoundPath("credits/prices"), driver);
        var start = _host.Now.AddDays(2);

        // Two full days on the shared space take 96 of the 100 granted credits.
        var first = await _host.ReserveOkAsync(driver, spaceId, start, start.AddHours(24));
        var second = await _host.ReserveOkAsync(driver, spaceId, start.AddHours(24), start.AddHours(48));
        var before = await MineAsync(driver);
        Assert.Equal(prices.Grant - (2 * 24 * prices.SharedPerHour), before.Balance);
        var ownerBefore = await MineAsync(ownerId);
        // The settlement hears of the two bookings after their answers: let it, so the staff ledger below is settled.
        Assert.True(Accounts.TryHouseholdOf(before.Account, out var driverHousehold));
        Assert.Equal(0, await _host.Grains.HouseholdLedger(ParkingHost.Compound, driverHousehold).DeliverNow());
        var ledgerBefore = await _host.GetOkAsync<CompoundLedgerDto>(ParkingHost.CompoundPath("credits/ledger?limit=500"), "staff01");

        using var refused = await _host.ReserveAsync(driver, spaceId, start.AddHours(48), start.AddHours(52));

        var problem = await ProblemAssert.Expect(refused, HttpStatusCode.Conflict, "insufficient-credits", "credits");
        Assert.Contains("8 credits", problem.Raw, StringComparison.Ordinal);
        var after = await MineAsync(driver);
        Assert.Equal(before.Balance, after.Balance);
        Assert.Equal(before.Transactions.Select(t => t.Id), after.Transactions.Select(t => t.Id));
        Assert.Equal(ownerBefore.Balance, (await MineAsync(ownerId)).Balance);
        // Other tests book in this compound meanwhile; none of the driver's transactions is new.
        var ledgerAfter = await _host.GetOkAsync<CompoundLedgerDto>(ParkingHost.CompoundPath("credits/ledger?limit=500"), "staff01");
        Assert.Equal(
            ledgerBefore.Recent.Where(t => t.Debit == before.Account || t.Credit == before.Account),
            ledgerAfter.Recent.Where(t => t.Debit == before.Account || t.Credit == before.Account));
        Assert.DoesNotContain((await _host.SpaceAsync(spaceId)).Held, w => w.Start == start.AddHours(48));
        Assert.Equal(2, (await _host.MineAsync(driver)).Count(r => r.SpaceId == spaceId && r.Status.WireName() == "reserved"));

        await _host.CommandOkAsync(driver, first.Id, "cancel");
        await _host.CommandOkAsync(driver, second.Id, "cancel");
    }

    [Fact]
    public async Task The_owner_earns_the_driver_pays_and_an_early_cancellation_is_refunded_in_full()
    {
        // The space of the test above, days after its bookings.
        var (spaceId, ownerId) = SharingApiTests.PrivateSpace(3);
        var driver = SharingApiTests.DriverNot(ownerId, 31);
        var driverBefore = (await MineAsync(driver)).Balance;
        var ownerBefore = (await MineAsync(ownerId)).Balance;
        var start = _host.Now.AddDays(6);

        var booked = await _host.ReserveOkAsync(driver, spaceId, start, start.AddHours(3));

        var paid = await MineAsync(driver);
        Assert.Equal(driverBefore - 6, paid.Balance);
        var payment = Assert.Single(paid.Transactions, t => t.Reference == booked.Id);
        Assert.Equal((LedgerKindDto.Booking, 6L), (payment.Kind, payment.Amount));
        Assert.Equal($"household:{paid.Account["household:".Length..]}", payment.Debit);
        var owner = await MineAsync(ownerId);
        Assert.Equal(ownerBefore + 6, owner.Balance);
        Assert.Equal(owner.Account, payment.Credit);

        await _host.CommandOkAsync(driver, booked.Id, "cancel");

        Assert.Equal(driverBefore, (await MineAsync(driver)).Balance);
        Assert.Equal(ownerBefore, (await MineAsync(ownerId)).Balance);
        var refund = Assert.Single((await MineAsync(driver)).Transactions, t => t.Reference == booked.Id && t.Kind == LedgerKindDto.Refund);
        Assert.Equal((owner.Account, 6L), (refund.Debit, refund.Amount));

        // The shards hear of bookings after their answer; let both households deliver what is in their outboxes.
        foreach (var account in new[] { paid.Account, owner.Account })
        {
            Assert.True(Accounts.TryHouseholdOf(account, out var household));
            Assert.Equal(0, await _host.Grains.HouseholdLedger(ParkingHost.Compound, household).DeliverNow());
        }

        var ledger = await BalancedLedger();
        Assert.True(ledger.Balanced);
        Assert.Equal(0, ledger.Total);
        Assert.Equal(-ledger.CompoundBalance, ledger.InCirculation);
    }

    /// <summary>
    /// The compound's ledger once no transfer is between a household and its settlement shard. Other tests book in this
    /// compound at the same time, and a booking's legs reach the shard just after its answer, so one read can fall
    /// between the two; wait until a read finds none in flight (not a timing assert: the bound only ends a broken run).
    /// </summary>
    private async Task<CompoundLedgerDto> BalancedLedger()
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (true)
        {
            var ledger = await _host.GetOkAsync<CompoundLedgerDto>(ParkingHost.CompoundPath("credits/ledger"), "staff02");
            if (ledger.Balanced || DateTimeOffset.UtcNow >= deadline)
            {
                return ledger;
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Only_staff_read_the_compound_ledger()
    {
        using var asResident = await _host.GetAsync(ParkingHost.CompoundPath("credits/ledger"), "r00001");
        await ProblemAssert.Expect(asResident, HttpStatusCode.Forbidden);
        using var badLimit = await _host.GetAsync(ParkingHost.CompoundPath("credits/mine?limit=0"), "r00001");
        await ProblemAssert.Expect(badLimit, HttpStatusCode.BadRequest, "invalid-request", "limit");
    }
}
