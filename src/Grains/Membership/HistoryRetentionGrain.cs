using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Parking.Domain;
using Parking.Domain.Membership;
using Parking.Grains.Charging;
using Parking.Grains.Gates;
using Parking.Grains.History;
using Parking.Grains.Notices;
using Parking.Grains.Ocpp;

namespace Parking.Grains.Membership;

/// <summary>What one retention sweep of a compound removed, by kind, and the cutoff it used.</summary>
[GenerateSerializer, Immutable]
public sealed record RetentionSweep(
    [property: Id(0)] DateTimeOffset Cutoff,
    [property: Id(1)] int ReservationEvents,
    [property: Id(2)] int ChargingSessions,
    [property: Id(3)] int SpaceBookings,
    [property: Id(4)] int ResidentBookings,
    [property: Id(5)] int ChargingRequests,
    [property: Id(6)] int ShelterSessions,
    [property: Id(7)] int GateEvents,
    [property: Id(8)] int Notices,
    [property: Id(9)] int ChargePointSessions);

/// <summary>
/// A compound's retention of history that names a person (key: compound). A daily Orleans reminder, armed when the
/// compound's layout is stored, sweeps every store of such history by the period the people book keeps
/// (<see cref="ICompoundPeopleGrain.GetRetentionDays"/>): the reservation and charging histories, the spaces' and
/// residents' ended bookings, the charging areas' finished requests, the shelters' sessions, the gate events staff
/// reviewed (plates), the charge points' metered sessions and the people's notices.
/// </summary>
public interface IHistoryRetentionGrain : IGrainWithStringKey
{
    /// <summary>Registers the daily reminder if it is not registered yet.</summary>
    /// <remarks>
    /// Interleaves: the compound grain calls it while storing a layout, and this grain may at that moment be waiting on
    /// the compound grain (a sweep reading the layout, a <see cref="Track"/> asking whether the file names a person).
    /// It touches only the reminder, never the state.
    /// </remarks>
    [AlwaysInterleave]
    Task Arm();

    /// <summary>Sweeps now (what the reminder does).</summary>
    Task<RetentionSweep> Sweep();

    /// <summary>
    /// A person's own grains (resident, notice inbox) stored something here: the sweep reaches them from now on. A
    /// person the compound file names is reached through the layout and is not written down (a first booking then
    /// writes nothing); anyone else (joined by an invite or a request, given a role through the API) is, in the one of
    /// the compound's <see cref="HistoryRetentionLists"/> their id hashes to. Their grains tell that list directly; this
    /// forwards there.
    /// </summary>
    [OneWay]
    Task Track(string personId);

    /// <summary>
    /// People a re-import is about to drop from the compound file: the sweep keeps reaching their records through this
    /// grain once the layout no longer names them. Called before the new layout is stored, so no moment exists in which
    /// neither names them; a person with no records costs a sweep one idle call.
    /// </summary>
    Task Retain(IReadOnlyList<string> people);

    /// <summary>The person left the compound: the sweep no longer names them.</summary>
    Task Forget(string personId);

    /// <summary>
    /// The people the sweep reaches besides those the file names: its lists and what an earlier build stored here.
    /// Interleaves: a sweep may take a while, and this only reads the lists as they stand.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> GetPeople();
}

/// <remarks>
/// Its own stored list is what earlier builds wrote (every such person in one list, written whole at each one's first
/// record); it is still read by the sweep and still forgets a leaver, and gains no one: new people go to the lists.
/// </remarks>
public sealed partial class HistoryRetentionGrain(
    [PersistentState("history-retention", GrainKeys.StorageName)] IPersistentState<HistoryRetentionState> state,
    IReservationHistory reservations,
    IChargingHistory charging,
    ParkingClock time,
    ILogger<HistoryRetentionGrain> logger) : Grain, IHistoryRetentionGrain, IRemindable
{
    public const string Reminder = "history-retention";

    /// <summary>How many grains one sweep asks at once: a Kangcheng-sized compound has 6,000 spaces and 14,000 people.</summary>
    private const int InFlight = 32;

    private string CompoundId => this.GetPrimaryKeyString();

    public async Task Arm()
    {
        if (await this.GetReminder(Reminder) is null)
        {
            await this.RegisterOrUpdateReminder(Reminder, TimeSpan.FromHours(1), TimeSpan.FromDays(1));
        }
    }

    public Task Track(string personId) =>
        state.State.People.Contains(personId) ? Task.CompletedTask : GrainFactory.HistoryRetentionList(CompoundId, personId).Track(personId);

    public Task Retain(IReadOnlyList<string> people)
    {
        ArgumentNullException.ThrowIfNull(people);
        return Task.WhenAll(people
            .Where(p => !state.State.People.Contains(p))
            .GroupBy(HistoryRetentionLists.Of)
            .Select(list => GrainFactory.HistoryRetentionList(CompoundId, list.Key).Retain([.. list])));
    }

    public async Task Forget(string personId)
    {
        await GrainFactory.HistoryRetentionList(CompoundId, personId).Forget(personId);
        if (state.State.Forget(personId))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<IReadOnlyList<string>> GetPeople()
    {
        var listed = await Task.WhenAll(HistoryRetentionLists.All(GrainFactory, CompoundId).Select(l => l.GetPeople()));
        return [.. state.State.People.Concat(listed.SelectMany(l => l)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == Reminder)
        {
            await Sweep();
        }
    }

    public async Task<RetentionSweep> Sweep()
    {
        var days = await GrainFactory.People(CompoundId).GetRetentionDays();
        var cutoff = time.GetUtcNow().AddDays(-days);
        var compound = GrainFactory.Compound(CompoundId);
        var layout = await compound.GetLayout();

        var events = await reservations.Forget(CompoundId, cutoff);
        var sessions = await charging.Forget(CompoundId, cutoff);
        var spaces = await ForgetIn(layout?.Lots.SelectMany(l => l.Spaces).Select(s => GrainFactory.Space(CompoundId, s.SpaceId)) ?? [], cutoff);
        var listed = await Task.WhenAll(HistoryRetentionLists.All(GrainFactory, CompoundId).Select(l => l.GetPeople()));
        var people = state.State.Reached((layout?.Users.Select(u => u.UserId) ?? []).Concat(listed.SelectMany(l => l)));
        var residents = await ForgetIn(people.Select(p => GrainFactory.Resident(CompoundId, p)), cutoff);
        var notices = await ForgetIn(people.Select(p => GrainFactory.NoticeInbox(CompoundId, p)), cutoff);
        var requests = await ForgetIn((layout?.ChargingAreas ?? []).Select(a => GrainFactory.ChargingArea(CompoundId, a.AreaId)), cutoff);
        var shelters = await ForgetIn((layout?.Shelters ?? []).Select(s => GrainFactory.Shelter(CompoundId, s.ShelterId)), cutoff);
        var gates = await GrainFactory.GateReviews(CompoundId).ForgetBefore(cutoff);
        var chargePoints = await ForgetIn(
            (layout?.ChargingAreas ?? []).SelectMany(a => a.Chargers).Select(c => GrainFactory.ChargePoint(CompoundId, c.ChargerId)),
            cutoff);

        var sweep = new RetentionSweep(cutoff, events, sessions, spaces, residents, requests, shelters, gates, notices, chargePoints);
        LogSwept(CompoundId, days, cutoff, sweep);
        return sweep;
    }

    private static async Task<int> ForgetIn(IEnumerable<IPersonalHistory> grains, DateTimeOffset cutoff)
    {
        var removed = 0;
        foreach (var batch in grains.Chunk(InFlight))
        {
            removed += (await Task.WhenAll(batch.Select(g => g.ForgetBefore(cutoff)))).Sum();
        }

        return removed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention of {CompoundId} ({Days} days, before {Cutoff}): removed {Sweep}")]
    private partial void LogSwept(string compoundId, int days, DateTimeOffset cutoff, RetentionSweep sweep);
}
