using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Parking.Domain.Rounds;
using Parking.Domain.Sharing;
using Parking.Grains.Notifications;
using Parking.Planning.Sharing;

namespace Parking.Grains.Rounds;

/// <summary>
/// The compound's rounds and waitlist, one at a time: a run and a waitlist pass never race each other.
/// Bookings go through the spaces (the single writers of their calendars, which also charge credits), so a
/// booking a direct reservation raced in the meantime is refused there and the request waits instead.
/// </summary>
[CompoundPlacement]
public sealed partial class RoundGrain(
    [PersistentState("rounds", GrainKeys.StorageName)] IPersistentState<RoundState> state,
    IOptions<RoundPolicy> roundOptions,
    IOptions<ReservationPolicy> reservationOptions,
    IOptions<SharingPolicy> sharingOptions,
    ParkingClock time,
    ILogger<RoundGrain> logger) : Grain, IRoundGrain, IRemindable
{
    private const string DailyReminder = "daily-round";
    private static readonly Actor RoundActor = new("round", IsStaff: true);

    private readonly RoundPolicy _policy = roundOptions.Value;
    private readonly ReservationPolicy _reservations = reservationOptions.Value;
    private readonly TimeSpan _utcOffset = sharingOptions.Value.UtcOffset;
    private bool _scheduled;

    private RoundState State => state.State;

    private RoundBook Book => state.State.Book;

    private string CompoundId => this.GetPrimaryKeyString();

    private DateTimeOffset Now => time.GetUtcNow();

    public async Task<Outcome<RoundEntry>> Submit(RoundAsker asker, RoundAsk ask, int? round)
    {
        var outcome = await Store(Book.Submit(asker, ask, round, _policy, _reservations, Now));
        if (outcome.IsSuccess)
        {
            await EnsureSchedule();
        }

        return outcome;
    }

    public Task<Outcome<RoundEntry>> Withdraw(string requestId, Actor actor) => Store(Book.Withdraw(requestId, actor));

    public Task<OpenRound> GetOpenRound() =>
        Task.FromResult(new OpenRound(Book.Round, NextScheduledRun(), [.. Book.Requests]));

    public Task<RoundReport?> GetLastRound() => Task.FromResult(State.Last);

    public Task<IReadOnlyDictionary<string, double>> GetHouseholdWeights() =>
        Task.FromResult<IReadOnlyDictionary<string, double>>(new Dictionary<string, double>(Book.Weights, StringComparer.Ordinal));

    public async Task<RoundReport> Run(string startedBy)
    {
        var now = Now;
        var requests = Book.Requests.ToList();
        var (supply, walk) = await Supply(requests.Select(r => r.Ask));
        var instance = new SharingInstance(
            supply,
            [.. requests.Select(ToSharingRequest)],
            walk,
            new Dictionary<string, double>(Book.Weights, StringComparer.Ordinal));

        // CP-SAT runs on the thread pool, not on the grain's scheduler; the budget bounds it and greedy is its fallback.
        var options = new SharingSolveOptions(_policy.TimeBudget, Workers: 2);
        var planned = await Task.Run(() => SharingAllocator.Optimize(instance, options));

        var results = new List<RoundRequestResult>(requests.Count);
        var booked = new List<SharingAssignment>();
        foreach (var request in requests)
        {
            var assignment = planned.Assignments.FirstOrDefault(a => a.RequestId == request.Id);
            if (assignment is null)
            {
                results.Add(RoundRequestResult.NoSpace(request));
                continue;
            }

            var outcome = await BookOnSpace(request, assignment.SpaceId, $"round{Book.Round}");
            if (outcome.Value is { } reservationIds)
            {
                booked.Add(assignment);
                results.Add(RoundRequestResult.Served(request, assignment.SpaceId, assignment.LotId, assignment.WalkMeters, reservationIds));
            }
            else
            {
                results.Add(RoundRequestResult.Refused(request, outcome.Error!));
            }
        }

        var bookedResult = planned with { Assignments = booked };
        var report = RoundReport.Of(
            CompoundId,
            Book.Round,
            now,
            startedBy,
            planned.Status switch
            {
                SharingSolveStatus.Optimal => RoundSolveStatus.Optimal,
                SharingSolveStatus.Feasible => RoundSolveStatus.Feasible,
                _ => RoundSolveStatus.Fallback,
            },
            planned.Metrics,
            booked.Sum(a => a.Hours),
            planned.SolveTime,
            results);

        State.Ran(report, requests, SharingRotation.NextWeights(instance, bookedResult));
        await state.WriteStateAsync();
        LogRound(report.Round, CompoundId, requests.Count, booked.Count, planned.Status);

        foreach (var result in results)
        {
            GrainFactory.Publish(new RoundResultPush(CompoundId, report.Round, result));
        }

        GrainFactory.Publish(new RoundSummaryPush(startedBy, report));
        return report;
    }

    public async Task<Outcome<RoundEntry>> JoinWaitlist(RoundAsker asker, RoundAsk ask)
    {
        var outcome = await Store(Book.JoinWaitlist(asker, ask, _policy, _reservations, Now));
        if (outcome.Value is not { } entry)
        {
            return outcome;
        }

        // Free time may already exist: try at once, as a freed space would; the driver hears WaitlistServed if it books.
        if (await TryServe(entry, "joined"))
        {
            await state.WriteStateAsync();
        }

        return entry;
    }

    public Task<Outcome<RoundEntry>> LeaveWaitlist(string entryId, Actor actor) => Store(Book.LeaveWaitlist(entryId, actor));

    public Task<IReadOnlyList<RoundEntry>> GetWaitlist() => Task.FromResult<IReadOnlyList<RoundEntry>>([.. Book.Waitlist]);

    public async Task SpaceFreed(string spaceId)
    {
        var now = Now;
        var expired = Book.ExpireWaitlist(now);
        var served = 0;
        foreach (var entry in Book.Waitlist.ToList())
        {
            if (await TryServe(entry, spaceId))
            {
                served++;
            }
        }

        if (expired + served > 0)
        {
            await state.WriteStateAsync();
            LogWaitlist(CompoundId, spaceId, served, expired);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == DailyReminder && Book.Requests.Count > 0)
        {
            await Run("schedule");
        }
    }

    /// <summary>Books a waitlist entry on the best free space, if any, and tells its driver; true when it was served and left the list.</summary>
    private async Task<bool> TryServe(RoundEntry entry, string trigger)
    {
        var (supply, walk) = await Supply([entry.Ask]);

        // A space may refuse at commit time (raced, or its own rules): try the next best a few times.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var single = new SharingInstance(supply, [ToSharingRequest(entry)], walk);
            if (SharingAllocator.Greedy(single).Assignments is not [var assignment])
            {
                return false;
            }

            var outcome = await BookOnSpace(entry, assignment.SpaceId, "waitlist");
            if (outcome.Value is { } reservationIds)
            {
                Book.Served(entry);
                LogServed(entry.Id, CompoundId, assignment.SpaceId, trigger);
                GrainFactory.Publish(new WaitlistServedPush(CompoundId, entry, assignment.SpaceId, reservationIds));
                return true;
            }

            supply.RemoveAll(s => s.SpaceId == assignment.SpaceId);
        }

        return false;
    }

    /// <summary>Stores the rounds when the decision changed them (it succeeded); a refusal changed nothing.</summary>
    private async Task<Outcome<RoundEntry>> Store(Outcome<RoundEntry> outcome)
    {
        if (outcome.IsSuccess)
        {
            await state.WriteStateAsync();
        }

        return outcome;
    }

    private static SharingRequest ToSharingRequest(RoundEntry entry) => new(
        entry.Id,
        entry.Asker.ResidentId,
        entry.Asker.HouseholdId,
        entry.Ask.Windows,
        entry.Ask.Kind,
        entry.Ask.PreferredBuildingId ?? entry.Asker.BuildingId);

    /// <summary>The free time of every space over the asks' horizon, from the lots' indexes (no fan-out to spaces).</summary>
    private async Task<(List<SupplySlot> Supply, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Walk)> Supply(IEnumerable<RoundAsk> asks)
    {
        var windows = asks.SelectMany(a => a.Windows).ToList();
        var supply = new List<SupplySlot>();
        var lots = await GrainFactory.Compound(CompoundId).GetLots();
        var walk = lots.ToDictionary(l => l.LotId, l => l.WalkMetersToBuilding, StringComparer.Ordinal);
        if (windows.Count == 0)
        {
            return (supply, walk);
        }

        var horizon = new TimeWindow(windows.Min(w => w.Start), windows.Max(w => w.End));
        foreach (var lot in lots)
        {
            var occupancy = await GrainFactory.Lot(CompoundId, lot.LotId).GetOccupancy();
            foreach (var space in occupancy?.Spaces ?? [])
            {
                var free = RoundRules.FreeTime(space, horizon);
                if (free.Count > 0)
                {
                    var d = space.Definition;
                    supply.Add(new SupplySlot(d.SpaceId, d.LotId, d.Kind, d.Ownership, free));
                }
            }
        }

        return (supply, walk);
    }

    /// <summary>Books every window of the entry on one space, or none: a refusal cancels what was booked before it.</summary>
    private async Task<Outcome<IReadOnlyList<string>>> BookOnSpace(RoundEntry entry, string spaceId, string pass)
    {
        var space = GrainFactory.Space(CompoundId, spaceId);
        var made = new List<string>();
        for (var i = 0; i < entry.Ask.Windows.Count; i++)
        {
            var command = new ReserveCommand(entry.Asker.ResidentId, entry.Ask.Windows[i], entry.Ask.Plate, RequestId(pass, entry.Id, i), entry.Asker.HouseholdId);
            var outcome = await space.Reserve(command);
            if (!outcome.IsSuccess)
            {
                foreach (var id in made)
                {
                    await space.Cancel(id, RoundActor);
                }

                return outcome.Error!;
            }

            made.Add(outcome.Value!.Id);
        }

        return made;
    }

    /// <summary>A stable id per round, request and window, so a retried run finds its own bookings instead of a conflict.</summary>
    private Guid RequestId(string pass, string entryId, int window) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{CompoundId}\n{pass}\n{entryId}\n{window}")).AsSpan(0, 16));

    private DateTimeOffset? NextScheduledRun() => _policy.NextRun(Now, _utcOffset);

    private async Task EnsureSchedule()
    {
        if (!_scheduled && NextScheduledRun() is { } next)
        {
            await this.RegisterOrUpdateReminder(DailyReminder, next - Now, TimeSpan.FromDays(1));
            _scheduled = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Round {Round} of {CompoundId}: {Requests} request(s), {Booked} booked ({Status})")]
    private partial void LogRound(int round, string compoundId, int requests, int booked, SharingSolveStatus status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Waitlist entry {EntryId} of {CompoundId} booked on {SpaceId} ({Trigger})")]
    private partial void LogServed(string entryId, string compoundId, string spaceId, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waitlist of {CompoundId} after space {SpaceId} freed time: {Served} served, {Expired} expired")]
    private partial void LogWaitlist(string compoundId, string spaceId, int served, int expired);
}
