using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Parking.Domain.Sharing;
using Parking.Api.Endpoints;
using Parking.Grains.Notifications;
using Parking.Grains.Voting;

namespace Parking.Api.Hubs;

/// <summary>This host's ear in the cluster: pushes published on any silo arrive here and go to local clients.</summary>
public sealed partial class HubObserver(
    IHubContext<ParkingHubServer, IParkingClient> hub,
    IOptions<SharingPolicy> sharing,
    IOptions<HubPushOptions> options,
    Microsoft.Extensions.Logging.ILogger<HubObserver> logger) : IHubObserver
{
    /// <summary>The compound's local time: the times of day in a notice's sentence are read in it.</summary>
    private readonly TimeSpan _utcOffset = sharing.Value.UtcOffset;

    private readonly bool _stageTimes = options.Value.StageTimes;

    /// <summary>How many senders share a round's messages (<see cref="HubPushOptions.Senders"/>).</summary>
    private readonly int _senders = options.Value.Senders;

    /// <summary>Guards <see cref="_pending"/>, <see cref="_arrived"/> and <see cref="_sending"/>.</summary>
    private readonly Lock _gate = new();

    /// <summary>The pushes handed to this host and not yet sent, in the order they came.</summary>
    private List<Push> _pending = [];

    /// <summary>When each pending lot change reached this host (stage times on only; by reference, as records compare by value).</summary>
    private Dictionary<Push, DateTimeOffset> _arrived = new(ReferenceEqualityComparer.Instance);

    /// <summary>Whether a sender is at work; at most one is, so every connection gets its messages in order.</summary>
    private bool _sending;

    /// <summary>
    /// Takes a batch for local clients and returns at once; one sender hands the pushes to the hub in their order. What
    /// arrives while the sender is busy goes out together when it is free again: each lot's changes of every batch that
    /// waited become one message to its watchers (at the place of the lot's first change), so a watcher gets at most one
    /// message per lot per round of the sender however busy the lot is, and a host that falls behind catches up in
    /// fewer, larger messages instead of queueing one per batch. When the host keeps up, every batch goes out as it
    /// comes. One push that fails to send does not hold back the others.
    /// </summary>
    /// <remarks>
    /// Nothing here waits for a client to take its message. The cluster hands this host its batches one at a time (an
    /// observer's calls do not interleave), so sending inside this call would queue every later batch behind this one's
    /// sends to all watchers (with 1,000 watchers, a thousand socket writes), and waiting for clients would let one
    /// watcher slow to read hold back every later lot and batch for everyone. Each connection keeps its own messages in
    /// the order they were handed over (SignalR writes to one connection one message at a time, in turn), so a slow
    /// watcher delays only itself until it reads or is dropped: past
    /// <see cref="HubPushOptions.MaxPendingMessagesPerConnection"/> unsent messages its connection is aborted
    /// (<see cref="BoundedHubLifetimeManager"/>), so a watcher that stopped reading cannot gather them without end.
    /// </remarks>
    public Task Deliver(IReadOnlyList<Push> pushes)
    {
        ArgumentNullException.ThrowIfNull(pushes);

        // Real time, as the watcher's clock: the stage times of a push measure latency, not domain time.
        var hostAt = _stageTimes ? TimeProvider.System.GetUtcNow() : default;
        lock (_gate)
        {
            _pending.AddRange(pushes);
            if (_stageTimes)
            {
                foreach (var push in pushes)
                {
                    _arrived[push] = hostAt;
                }
            }

            if (_sending)
            {
                return Task.CompletedTask;
            }

            _sending = true;
        }

        // The sender runs on the thread pool, not in this call: the next batch is taken while this one is sent.
        ThreadPool.UnsafeQueueUserWorkItem(static observer => observer.SendPending().Ignore(), this, preferLocal: false);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Sends what is pending, round after round, until nothing is left. A round's messages are shared among
    /// <see cref="HubPushOptions.Senders"/> lanes that hand them over side by side, and the next round waits for all of
    /// them: each lot has one message per round, so its messages still leave in order.
    /// </summary>
    private async Task SendPending()
    {
        while (true)
        {
            List<Push> pushes;
            Dictionary<Push, DateTimeOffset> arrived;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _sending = false;
                    return;
                }

                (pushes, _pending) = (_pending, []);
                (arrived, _arrived) = (_arrived, _stageTimes ? new(ReferenceEqualityComparer.Instance) : _arrived);
            }

            var lanes = Lanes(Messages(pushes), _senders);
            if (lanes.Count == 1)
            {
                SendAll(lanes[0], arrived);
                continue;
            }

            // The other lanes on the thread pool, the first on this thread; the round ends when every lane handed its
            // messages over (not when the watchers took them: nothing here waits for a client).
            var others = new Task[lanes.Count - 1];
            for (var i = 1; i < lanes.Count; i++)
            {
                var lane = lanes[i];
                others[i - 1] = Task.Run(() => SendAll(lane, arrived));
            }

            SendAll(lanes[0], arrived);
            await Task.WhenAll(others);
        }
    }

    /// <summary>
    /// A round's messages dealt to at most <paramref name="senders"/> lanes: each lot's message to the next lane in turn,
    /// every other push to the first lane, in their order (a driver's pushes keep their order among themselves). Lanes
    /// left empty are left out, so a round of one message has one lane.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<IReadOnlyList<Push>>> Lanes(IReadOnlyList<IReadOnlyList<Push>> messages, int senders)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfLessThan(senders, 1);
        if (senders == 1 || messages.Count <= 1)
        {
            return [messages];
        }

        var lanes = new List<IReadOnlyList<Push>>[Math.Min(senders, messages.Count)];
        for (var i = 0; i < lanes.Length; i++)
        {
            lanes[i] = [];
        }

        var next = 0;
        foreach (var message in messages)
        {
            if (Lot(message[0]) is null)
            {
                lanes[0].Add(message);
                continue;
            }

            lanes[next].Add(message);
            next = (next + 1) % lanes.Length;
        }

        return [.. lanes.Where(l => l.Count > 0)];
    }

    /// <summary>Hands each message to the hub in turn; one that fails to send does not hold back the others.</summary>
    private void SendAll(IReadOnlyList<IReadOnlyList<Push>> messages, Dictionary<Push, DateTimeOffset> arrived)
    {
        foreach (var message in messages)
        {
            try
            {
                var sending = Send(message, arrived);
                if (!sending.IsCompletedSuccessfully)
                {
                    ReportFailure(sending, message[0].GetType().Name).Ignore();
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogSendFailed(e, message[0].GetType().Name);
            }
        }
    }

    private async Task ReportFailure(Task sending, string push)
    {
        try
        {
            await sending;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogSendFailed(e, push);
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "A {Push} could not be sent to this host's clients")]
    private partial void LogSendFailed(Exception exception, string push);

    /// <summary>
    /// The batch as messages to send, in order: each lot's changes gathered into one entry (at the place of the lot's first
    /// change, in order of their sequence), every other push an entry of its own.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Push>> Messages(IReadOnlyList<Push> pushes)
    {
        ArgumentNullException.ThrowIfNull(pushes);
        var result = new List<IReadOnlyList<Push>>(pushes.Count);
        var byLot = new Dictionary<(string CompoundId, string LotId), List<Push>>();
        foreach (var push in pushes)
        {
            if (Lot(push) is not { } lot)
            {
                result.Add([push]);
                continue;
            }

            if (!byLot.TryGetValue((lot.CompoundId, lot.LotId), out var changes))
            {
                changes = [];
                byLot[(lot.CompoundId, lot.LotId)] = changes;
                result.Add(changes);
            }

            changes.Add(push);
        }

        // Calls between grains may overtake each other: put each lot's changes back in sequence (an epoch that came
        // first stays first; a new epoch means the lot restarted its numbering, and its restart announcement, which
        // carries the number at the rebuild, comes before the epoch's changes).
        foreach (var changes in byLot.Values)
        {
            var epochs = changes.Select(c => Lot(c)!.Value.Epoch).Distinct().ToList();
            var ordered = changes
                .OrderBy(c => epochs.IndexOf(Lot(c)!.Value.Epoch))
                .ThenBy(c => Lot(c)!.Value.Sequence)
                .ThenBy(c => c is LotRestartedPush ? 0 : 1)
                .ToList();
            changes.Clear();
            changes.AddRange(ordered);
        }

        return result;
    }

    /// <summary>The lot a push is about, with its epoch and number, when it goes to the lot's watchers.</summary>
    private static (string CompoundId, string LotId, Guid Epoch, long Sequence)? Lot(Push push) => push switch
    {
        LotChangedPush c => (c.CompoundId, c.LotId, c.Epoch, c.Change.Sequence),
        LotRestartedPush r => (r.CompoundId, r.LotId, r.Epoch, r.Sequence),
        _ => null,
    };

    private Task Send(IReadOnlyList<Push> message, Dictionary<Push, DateTimeOffset> arrived)
    {
        if (Lot(message[0]) is not { } first)
        {
            return Send(message[0]);
        }

        var sentAt = _stageTimes ? TimeProvider.System.GetUtcNow() : default;

        // An array, not a collection expression: the MessagePack protocol writes a hub argument by its runtime type,
        // and the compiler's own read-only list type is not one it can write (it closed every MessagePack watcher).
        return hub.Clients
            .Group(ParkingHubServer.LotGroup(first.CompoundId, first.LotId))
            .LotChanges(message.Select(p => _stageTimes ? WithTimes(ToLotChangeDto(p), p, arrived.GetValueOrDefault(p), sentAt) : ToLotChangeDto(p)).ToArray());
    }

    /// <summary>The change as sent, with when its push passed each stage (<see cref="HubPushOptions.StageTimes"/>).</summary>
    public static LotChangeDto WithTimes(LotChangeDto dto, Push push, DateTimeOffset hostAt, DateTimeOffset sentAt) =>
        push is LotChangedPush c ? dto with { Times = new PushStageTimesDto(c.PublishedAt, c.FlushedAt, hostAt, sentAt) } : dto;

    private static LotChangeDto ToLotChangeDto(Push push) => push switch
    {
        LotChangedPush c => c.Change.ToDto(c.CompoundId, c.LotId, c.Epoch),
        LotRestartedPush r => new LotChangeDto(r.CompoundId, r.LotId, r.Epoch, r.Sequence, r.At, null, LotChangeKinds.Restarted),
        _ => throw new ArgumentException($"{push.GetType().Name} is not a lot's push.", nameof(push)),
    };

    private Task Send(Push push) => push switch
    {
        ReservationChangedPush changed => hub.Clients
            .Group(ParkingHubServer.UserGroup(changed.Reservation.CompoundId, changed.Reservation.ResidentId))
            .ReservationChanged(changed.Reservation.ToDto()),
        ShelterChangedPush shelter => hub.Clients
            .Group(ParkingHubServer.ShelterGroup(shelter.Shelter.CompoundId, shelter.Shelter.Definition.ShelterId))
            .ShelterChanged(shelter.Shelter.ToDto()),
        ShelterSessionChangedPush session => hub.Clients
            .Group(ParkingHubServer.UserGroup(session.Session.CompoundId, session.Session.ResidentId))
            .ShelterSessionChanged(session.Session.ToDto(session.Session.EndedAt ?? session.Session.LastReportAt ?? session.Session.StartedAt)),
        ShelterAlarmPush alarm => hub.Clients
            .Groups([ParkingHubServer.StaffGroup(alarm.CompoundId), .. alarm.Drivers.Select(d => ParkingHubServer.UserGroup(alarm.CompoundId, d))])
            .ShelterAlarm(alarm.Alarm.ToDto(alarm.CompoundId, alarm.ShelterId, alarm.Name)),
        Parking.Grains.Shelters.ShelterCommandFailedPush failed => hub.Clients
            .Group(ParkingHubServer.StaffGroup(failed.CompoundId))
            .ShelterCommandFailed(failed.ToDto()),
        Parking.Grains.Gates.GateReviewPush gate => hub.Clients
            .Group(ParkingHubServer.StaffGroup(gate.CompoundId))
            .GateReview(gate.Review.ToDto()),
        ChargingNoticePush charging => hub.Clients
            .Group(ParkingHubServer.UserGroup(charging.Notice.Request.CompoundId, charging.Notice.Request.ResidentId))
            .ChargingNotice(charging.Notice.ToDto(_utcOffset)),
        ChargingAreaChangedPush area => hub.Clients
            .Group(ParkingHubServer.ChargingAreaGroup(area.Area.CompoundId, area.Area.Definition.AreaId))
            .ChargingAreaChanged(area.Area.ToPlanDto()),
        DriverNoticePush notice => hub.Clients
            .Group(ParkingHubServer.UserGroup(notice.CompoundId, notice.ResidentId))
            .DriverNotice(notice.ToDto()),
        OverstayPush overstay => hub.Clients
            .Group(ParkingHubServer.StaffGroup(overstay.Overstay.CompoundId))
            .Overstay(new OverstayDto(overstay.Overstay.ToDto(), overstay.Next?.ToDto())),
        RoundResultPush round => hub.Clients
            .Group(ParkingHubServer.UserGroup(round.CompoundId, round.Result.Request.Asker.ResidentId))
            .RoundResult(round.Result.ToDto(round.Round)),
        RoundSummaryPush summary => hub.Clients
            .Group(ParkingHubServer.StaffGroup(summary.Report.CompoundId))
            .RoundSummary(summary.Report.ToDto()),
        WaitlistServedPush served => hub.Clients
            .Group(ParkingHubServer.UserGroup(served.CompoundId, served.Entry.Asker.ResidentId))
            .WaitlistServed(new WaitlistServedDto(served.Entry.ToDto(), served.SpaceId, served.ReservationIds)),
        SimulationProgressPush simulation => hub.Clients
            .Groups([ParkingHubServer.StaffGroup(simulation.Run.CompoundId), ParkingHubServer.CommitteeGroup(simulation.Run.CompoundId)])
            .SimulationProgress(simulation.Run.ToDto()),
        ProposalChangedPush proposal => Task.WhenAll(
            hub.Clients
                .Group(ParkingHubServer.ProposalCommitteeGroup(proposal.View.Proposal.CompoundId, proposal.View.Proposal.ProposalId))
                .ProposalChanged(proposal.View.ToDto(showTally: true)),
            hub.Clients
                .Group(ParkingHubServer.ProposalGroup(proposal.View.Proposal.CompoundId, proposal.View.Proposal.ProposalId))
                .ProposalChanged(proposal.View.ToDto(showTally: false))),
        ImportJobChangedPush import => hub.Clients
            .Group(ParkingHubServer.ImportGroup(import.Job.JobId))
            .ImportProgress(ImportJobRunner.Dto(import.Job)),
        ChargerAlertPush alert => hub.Clients
            .Group(ParkingHubServer.StaffGroup(alert.CompoundId))
            .ChargerAlert(new ChargerAlertDto(alert.ChargerId, Ocpp.OcppEndpoints.ToDto(alert.Kind), alert.Message, alert.At)),
        _ => Task.CompletedTask,
    };
}
