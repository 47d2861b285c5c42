using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Rounds;
using Parking.Domain.Sharing;
using Parking.Grains.Rounds;
using Xunit;

namespace Parking.Grains.Tests.Rounds;

/// <summary>
/// Rounds and the waitlist on the two-silo cluster. Each test works in its own hours of the coming days;
/// scarce supply is made by booking every other space of a kind first. Every test takes back what it made
/// (waitlist entries first, then its bookings), because the other test classes share these spaces.
/// </summary>
[Collection(ClusterCollection.Name)]
public class RoundTests(ClusterFixture fixture) : IAsyncLifetime
{
    private static readonly Actor Staff = new("staff", IsStaff: true);
    private readonly List<(string SpaceId, string ReservationId)> _made = [];
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly string _compound = fixture.CompoundId;

    private IRoundGrain Rounds => _grains.GetGrain<IRoundGrain>(_compound);

    private static DateTimeOffset Now => ClusterFixture.Clock.GetUtcNow();

    private IReadOnlyList<SpaceDefinition> SpacesOf(SpaceKind kind) =>
        [.. fixture.Layout.Lots.SelectMany(l => l.Spaces).Where(s => s.Kind == kind).OrderBy(s => s.SpaceId, StringComparer.Ordinal)];

    /// <summary>
    /// Drivers of their own households, not from the demo layout: the other test classes' residents keep their
    /// credits and reservation limits to themselves.
    /// </summary>
    private static RoundAsker Asker(int n) => new($"round-test-r{n}", $"round-test-h{n}", null);

    private async Task<Reservation> Fill(SpaceDefinition space, TimeWindow window)
    {
        var outcome = await _grains.Space(_compound, space.SpaceId).Reserve(new ReserveCommand("round-test-filler", window, null));
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        _made.Add((space.SpaceId, outcome.Value!.Id));
        return outcome.Value!;
    }

    /// <summary>They are members of the compound, as an invite would make them: a person's grains store only for members.</summary>
    public Task InitializeAsync() => Task.WhenAll(Enumerable.Range(0, 6).Select(Asker).Select(a => _grains.GetGrain<Parking.Grains.Membership.IMemberGrain>(a.ResidentId)
        .Enrol(new Parking.Domain.Membership.CompoundMembership(_compound, UserRole.Resident, a.ResidentId, a.HouseholdId), [])));

    public async Task DisposeAsync()
    {
        var mine = Enumerable.Range(0, 5).Select(n => Asker(n).ResidentId).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in (await Rounds.GetWaitlist()).Where(e => mine.Contains(e.Asker.ResidentId)))
        {
            await Rounds.LeaveWaitlist(entry.Id, Staff);
        }

        foreach (var request in (await Rounds.GetOpenRound()).Requests.Where(r => mine.Contains(r.Asker.ResidentId)))
        {
            await Rounds.Withdraw(request.Id, Staff);
        }

        foreach (var (spaceId, reservationId) in _made)
        {
            await _grains.Space(_compound, spaceId).Cancel(reservationId, Staff);
        }
    }

    private void Made(RoundReport report) =>
        _made.AddRange(report.Results.Where(r => r.SpaceId is not null).SelectMany(r => r.ReservationIds.Select(id => (r.SpaceId!, id))));

    private async Task<RoundEntry> Submit(RoundAsker asker, TimeWindow window, SpaceKind kind)
    {
        var outcome = await Rounds.Submit(asker, new RoundAsk([window], kind, null, null), null);
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        return outcome.Value!;
    }

    private async Task<Reservation?> ActiveOn(string residentId, TimeWindow window) =>
        (await _grains.Resident(_compound, residentId).GetReservations())
            .FirstOrDefault(r => r.Status == ReservationStatus.Reserved && r.Window == window);

    [Fact]
    public async Task A_round_books_contested_supply_for_one_household_and_the_loser_wins_the_next_round()
    {
        var accessible = SpacesOf(SpaceKind.Accessible);
        Assert.True(accessible.Count >= 2);
        var (a, b) = (Asker(0), Asker(1));
        var first = new TimeWindow(Now.AddHours(200), Now.AddHours(203));
        foreach (var space in accessible.Skip(1))
        {
            await Fill(space, first);
        }

        var requestA = await Submit(a, first, SpaceKind.Accessible);
        var requestB = await Submit(b, first, SpaceKind.Accessible);
        var report = await Rounds.Run("staff-test");
        Made(report);

        Assert.Equal(1, report.RequestsBooked);
        var served = Assert.Single(report.Results, r => r.Status == RoundRequestStatus.Served);
        var lost = Assert.Single(report.Results, r => r.Status == RoundRequestStatus.Waitlisted);
        Assert.Equal(accessible[0].SpaceId, served.SpaceId);
        var winner = served.Request.Asker;
        var loser = lost.Request.Asker;
        Assert.Contains(served.Request.Id, new[] { requestA.Id, requestB.Id });

        // A real reservation, in the space's calendar and the winner's list; the loser waits.
        // The resident's list hears of a booking by a one-way message from the space: wait for it, bounded.
        var booking = await Eventually(() => ActiveOn(winner.ResidentId, first));
        Assert.Equal(accessible[0].SpaceId, booking.SpaceId);
        Assert.Null(await ActiveOn(loser.ResidentId, first));
        Assert.Contains(await Rounds.GetWaitlist(), e => e.Id == lost.Request.Id);
        var weights = await Rounds.GetHouseholdWeights();
        Assert.Equal(1.0, weights[winner.HouseholdId]);
        Assert.Equal(2.0, weights[loser.HouseholdId]);

        // The same contest a day later, the winner asking first: rotation gives it to the loser.
        var second = new TimeWindow(first.Start.AddDays(1), first.End.AddDays(1));
        foreach (var space in accessible.Skip(1))
        {
            await Fill(space, second);
        }

        await Submit(winner, second, SpaceKind.Accessible);
        await Submit(loser, second, SpaceKind.Accessible);
        var next = await Rounds.Run("staff-test");
        Made(next);

        Assert.Equal(report.Round + 1, next.Round);
        var servedNext = Assert.Single(next.Results, r => r.Status == RoundRequestStatus.Served);
        Assert.Equal(loser.ResidentId, servedNext.Request.Asker.ResidentId);
        Assert.NotNull(await Eventually(() => ActiveOn(loser.ResidentId, second)));
        Assert.Null(await ActiveOn(winner.ResidentId, second));
    }

    [Fact]
    public async Task A_waitlist_entry_is_booked_when_a_reservation_is_cancelled()
    {
        var accessible = SpacesOf(SpaceKind.Accessible);
        var window = new TimeWindow(Now.AddHours(260), Now.AddHours(262));
        var fillers = new List<Reservation>();
        foreach (var space in accessible)
        {
            fillers.Add(await Fill(space, window));
        }

        var driver = Asker(2);
        var joined = await Rounds.JoinWaitlist(driver, new RoundAsk([window], SpaceKind.Accessible, null, "沪A12345"));
        Assert.True(joined.IsSuccess, joined.Error?.Message);
        Assert.Null(await ActiveOn(driver.ResidentId, window));

        var cancelled = await _grains.Space(_compound, fillers[^1].SpaceId).Cancel(fillers[^1].Id, new Actor("staff", IsStaff: true));
        Assert.True(cancelled.IsSuccess, cancelled.Error?.Message);

        var booked = await Eventually(() => ActiveOn(driver.ResidentId, window));
        _made.Add((booked.SpaceId, booked.Id));
        Assert.Equal(fillers[^1].SpaceId, booked.SpaceId);
        Assert.Equal("沪A12345", booked.Plate);
        Assert.DoesNotContain(await Rounds.GetWaitlist(), e => e.Id == joined.Value!.Id);
    }

    [Fact]
    public async Task Joining_the_waitlist_books_at_once_when_a_space_is_already_free()
    {
        var window = new TimeWindow(Now.AddHours(275), Now.AddHours(276));
        var driver = Asker(5);

        var joined = await Rounds.JoinWaitlist(driver, new RoundAsk([window], SpaceKind.Accessible, null, "沪A54321"));

        Assert.True(joined.IsSuccess, joined.Error?.Message);
        var booked = await Eventually(() => ActiveOn(driver.ResidentId, window));
        _made.Add((booked.SpaceId, booked.Id));
        Assert.Contains(SpacesOf(SpaceKind.Accessible), s => s.SpaceId == booked.SpaceId);
        Assert.DoesNotContain(await Rounds.GetWaitlist(), e => e.Id == joined.Value!.Id);
    }

    [Fact]
    public async Task A_waitlist_entry_is_booked_when_an_owner_publishes_a_window()
    {
        var standard = SpacesOf(SpaceKind.Standard);
        var visitor = SpacesOf(SpaceKind.Visitor);
        // A private space whose owners the other test classes do not book with (they use r00040 and after).
        var shared = standard
            .Where(s => s.Ownership == SpaceOwnership.Private
                && fixture.Layout.Users.Where(u => u.HouseholdId == s.OwnerHouseholdId).All(u => string.CompareOrdinal(u.UserId, "r00040") < 0))
            .Skip(3)
            .First();
        var owner = fixture.Layout.Users.First(u => u.HouseholdId == shared.OwnerHouseholdId);
        var publisher = new SharingPublisher(owner.UserId, owner.HouseholdId);
        var today = SharingPlan.LocalDate(Now, China);
        var window = new TimeWindow(Now.AddHours(290), Now.AddHours(291));

        // The owner shares nothing; every other space a standard car fits is taken in the window.
        var withdrawn = await _grains.Space(_compound, shared.SpaceId).PublishSharing(SharingPlan.None(today, China), publisher);
        Assert.True(withdrawn.IsSuccess, withdrawn.Error?.Message);
        foreach (var space in standard.Concat(visitor).Where(s => s.SpaceId != shared.SpaceId))
        {
            await Fill(space, window);
        }

        var driver = Asker(3);
        var joined = await Rounds.JoinWaitlist(driver, new RoundAsk([window], SpaceKind.Standard, null, null));
        Assert.True(joined.IsSuccess, joined.Error?.Message);

        // The owner shares again: the entry is booked on that space.
        var republished = await _grains.Space(_compound, shared.SpaceId).PublishSharing(DemoSharing.PlanFor(Now, new SharingPolicy())!, publisher);
        Assert.True(republished.IsSuccess, republished.Error?.Message);

        var booked = await Eventually(() => ActiveOn(driver.ResidentId, window));
        _made.Add((booked.SpaceId, booked.Id));
        Assert.Equal(shared.SpaceId, booked.SpaceId);
    }

    [Fact]
    public async Task A_request_for_a_closed_round_or_with_bad_windows_is_refused_and_nothing_is_added()
    {
        var asker = Asker(4);
        var open = await Rounds.GetOpenRound();
        var window = new TimeWindow(Now.AddHours(30), Now.AddHours(32));

        var closed = await Rounds.Submit(asker, new RoundAsk([window], SpaceKind.Standard, null, null), open.Round - 1);
        var reversed = await Rounds.Submit(asker, new RoundAsk([new TimeWindow(window.End, window.Start)], SpaceKind.Standard, null, null), null);
        var past = await Rounds.Submit(asker, new RoundAsk([new TimeWindow(Now.AddHours(-5), Now.AddHours(-4))], SpaceKind.Standard, null, null), null);
        var tooLong = await Rounds.Submit(asker, new RoundAsk([new TimeWindow(Now.AddHours(1), Now.AddHours(3)), new TimeWindow(Now.AddHours((13 * 24) + 20), Now.AddHours((14 * 24) + 10))], SpaceKind.Standard, null, null), null);

        Assert.Equal(("round", "round-closed"), (closed.Error?.Field, closed.Error?.Code));
        Assert.Equal(("windows[0].end", "window-reversed"), (reversed.Error?.Field, reversed.Error?.Code));
        Assert.Equal(("windows[0].start", "window-in-past"), (past.Error?.Field, past.Error?.Code));
        Assert.Equal(("windows", "round-span-too-long"), (tooLong.Error?.Field, tooLong.Error?.Code));
        Assert.DoesNotContain((await Rounds.GetOpenRound()).Requests, r => r.Asker.ResidentId == asker.ResidentId);
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "Timed out waiting for the expected state.");
            await Task.Delay(50);
        }
    }
}
