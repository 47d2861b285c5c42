using System.Globalization;
using Parking.Domain.Charging;
using Parking.Domain.Notices;
using Parking.Grains.Notifications;
using Parking.Grains.Voting;

namespace Parking.Grains.Notices;

/// <summary>
/// Turns the pushes grains already publish into the notices a driver gets on their phone and in their inbox.
/// Each notice's id comes from the event (request and revision, reservation, alarm time...), so the same
/// event published twice gives the same id and the inbox keeps one. Times of day are the compound's local time.
/// </summary>
public static class NoticeTexts
{
    /// <summary>
    /// Whether a push can make a notice at all: the notifier asks before paying for a call. Of the reservation changes
    /// only a no-show makes one, so a booking, a cancellation or a check-in (one push each) costs the router no call.
    /// </summary>
    public static bool Concerns(Push push) => push is ChargingNoticePush or DriverNoticePush or ShelterAlarmPush
        or RoundResultPush or WaitlistServedPush or ProposalChangedPush
        or ReservationChangedPush { Reservation.Status: Parking.Domain.Reservations.ReservationStatus.NoShow };

    public static IReadOnlyList<Notice> From(Push push, DateTimeOffset now, TimeSpan utcOffset) => push switch
    {
        ChargingNoticePush charging => Charging(charging.Notice, now, utcOffset) is { } n ? [n] : [],
        DriverNoticePush broken => [Broken(broken, now, utcOffset)],
        ShelterAlarmPush { Alarm.ClearedAt: null } alarm => [.. alarm.Drivers.Distinct().Select(d => ShelterAlarm(alarm, d, now, utcOffset))],
        RoundResultPush round => [Round(round, now)],
        WaitlistServedPush served => [Served(served, now)],
        ReservationChangedPush { Reservation.Status: Parking.Domain.Reservations.ReservationStatus.NoShow } noShow => [NoShow(noShow.Reservation, now, utcOffset)],
        _ => [],
    };

    public static Notice? Charging(ChargingNotice notice, DateTimeOffset now, TimeSpan utcOffset)
    {
        var r = notice.Request;
        var charger = r.Turn?.ChargerId ?? "a charger";
        var start = r.Turn is { } t ? Clock(t.Window.Start, utcOffset) : string.Empty;
        var end = r.Turn is { } u ? Clock(u.Window.End, utcOffset) : string.Empty;
        var then = string.Concat(r.LaterTurns.Select(l => $" Then charger {l.ChargerId} from {Clock(l.Window.Start, utcOffset)} to {Clock(l.Window.End, utcOffset)}."));
        (NoticeKind Kind, string Title, string Body)? text = notice.Kind switch
        {
            ChargingNoticeKind.TurnEnded when notice.EndedTurn is { } ended => (NoticeKind.MoveCar, "Move the car now",
                $"Your turn has ended: move {r.Plate} from charger {ended.ChargerId}. Next turn: charger {charger} from {start} to {end}.{then}"),
            ChargingNoticeKind.TurnScheduled => (NoticeKind.TurnScheduled, "Charging turn scheduled", $"{r.Plate}: charger {charger} from {start} to {end}.{then}"),
            ChargingNoticeKind.TurnMoved when r.Turn is not null => (NoticeKind.TurnMoved, "Charging turn moved", $"{r.Plate}: now charger {charger} from {start} to {end}.{then}"),
            ChargingNoticeKind.TurnEndingSoon => (NoticeKind.MoveCar, "Move the car soon", $"Your turn ends at {end}: please move {r.Plate} from charger {charger}.{then}"),
            ChargingNoticeKind.TurnMoved when r.Turn is null => (NoticeKind.TurnMoved, "Charging turn moved", $"No turn for {r.Plate} for now: you will hear when one is free."),
            ChargingNoticeKind.ChargerFaulted => (NoticeKind.TurnMoved, "Charger out of order", $"A new turn is being planned for {r.Plate}."),
            ChargingNoticeKind.PlugInNow => (NoticeKind.PlugInNow, "Plug in now", $"Your turn has started: plug {r.Plate} in at charger {charger}."),
            ChargingNoticeKind.ChargingFinished => (NoticeKind.MoveCar, "Move the car", $"{r.Plate} is charged: please move it from charger {charger}."),
            ChargingNoticeKind.TurnEnded => (NoticeKind.MoveCar, "Move the car now", $"Your turn has ended: move {r.Plate} from charger {charger}."),
            ChargingNoticeKind.NoShow => (NoticeKind.NoShowWarning, "Charging turn lost", $"{r.Plate} was not plugged in within the grace period: the turn went to the next driver."),
            _ => null,
        };
        return text is { } t2
            ? new Notice($"charging:{r.Id}:{notice.Kind}:{r.Revision}", r.CompoundId, r.ResidentId, t2.Kind, t2.Title, t2.Body, "/charging", now)
            : null;
    }

    public static Notice Broken(DriverNoticePush push, DateTimeOffset now, TimeSpan utcOffset)
    {
        var b = push.Broken;
        var when = $"{Day(b.Window.Start, utcOffset)} {Clock(b.Window.Start, utcOffset)}";
        var why = push.Reason == BrokenBookingReason.Overstay ? "the car before yours has not left" : "the owner withdrew the space";
        var body = push.Replacement is { } r
            ? $"Your booking of {b.SpaceId} at {when} broke ({why}); you were moved to {r.SpaceId}."
            : $"Your booking of {b.SpaceId} at {when} broke ({why}) and no other space was free.";
        return new Notice($"broken:{b.Id}:{push.Reason}", push.CompoundId, push.ResidentId, NoticeKind.BookingBroken, "Booking broken", body, "/driver", now);
    }

    public static Notice ShelterAlarm(ShelterAlarmPush push, string driver, DateTimeOffset now, TimeSpan utcOffset) => new(
        $"shelter-alarm:{push.ShelterId}:{push.Alarm.RaisedAt.UtcTicks}",
        push.CompoundId,
        driver,
        NoticeKind.ShelterAlarm,
        $"{(push.Alarm.Kind == Parking.Domain.Shelters.AlarmKind.Smoke ? "Smoke" : "Heat")} alarm at {push.Name}",
        $"Power to every port was cut at {Clock(push.Alarm.RaisedAt, utcOffset)}; your bike is not charging. Stay clear until staff give the all-clear.",
        "/shelters",
        now);

    public static Notice Round(RoundResultPush push, DateTimeOffset now)
    {
        var result = push.Result;
        var body = result.Status == Parking.Domain.Rounds.RoundRequestStatus.Served
            ? $"Round {push.Round}: you are booked on space {result.SpaceId}."
            : $"Round {push.Round}: no space this time ({result.Reason}); you are on the waitlist.";
        return new Notice($"round:{push.Round}:{result.Request.Id}", push.CompoundId, result.Request.Asker.ResidentId, NoticeKind.RoundResult, "Round result", body, "/driver", now);
    }

    public static Notice Served(WaitlistServedPush push, DateTimeOffset now) => new(
        $"waitlist:{push.Entry.Id}",
        push.CompoundId,
        push.Entry.Asker.ResidentId,
        NoticeKind.RoundResult,
        "Waitlist: booked",
        $"A space came free: you are booked on space {push.SpaceId}.",
        "/driver",
        now);

    public static Notice NoShow(Parking.Domain.Reservations.Reservation reservation, DateTimeOffset now, TimeSpan utcOffset) => new(
        $"no-show:{reservation.Id}",
        reservation.CompoundId,
        reservation.ResidentId,
        NoticeKind.NoShowWarning,
        "Booking released",
        $"You did not check in to {reservation.SpaceId} by {Clock(reservation.EndedAt ?? now, utcOffset)}: the space was released as a no-show.",
        "/driver",
        now);

    /// <summary>Sent when a booking's window starts and the car has not checked in: the grace period is running.</summary>
    public static Notice NoShowWarning(Parking.Domain.Reservations.Reservation reservation, DateTimeOffset deadline, DateTimeOffset now, TimeSpan utcOffset) => new(
        $"no-show-warning:{reservation.Id}",
        reservation.CompoundId,
        reservation.ResidentId,
        NoticeKind.NoShowWarning,
        "Check in soon",
        $"Your booking of {reservation.SpaceId} has started: check in by {Clock(deadline, utcOffset)} or the space is released.",
        "/driver",
        now);

    public static Notice VoteOpened(ProposalView view, string userId, DateTimeOffset now, TimeSpan utcOffset) => new(
        $"vote-opened:{view.Proposal.ProposalId}",
        view.Proposal.CompoundId,
        userId,
        NoticeKind.VoteOpened,
        "Owners' vote open",
        $"\"{view.Proposal.Title}\": your household can vote until {Day(view.Proposal.Closes, utcOffset)} {Clock(view.Proposal.Closes, utcOffset)}.",
        "/vote",
        now);

    public static Notice VoteClosing(ProposalView view, string userId, DateTimeOffset now, TimeSpan utcOffset) => new(
        $"vote-closing:{view.Proposal.ProposalId}",
        view.Proposal.CompoundId,
        userId,
        NoticeKind.VoteClosing,
        "Owners' vote closing",
        $"\"{view.Proposal.Title}\" closes at {Day(view.Proposal.Closes, utcOffset)} {Clock(view.Proposal.Closes, utcOffset)}: vote if your household has not.",
        "/vote",
        now);

    private static string Clock(DateTimeOffset instant, TimeSpan utcOffset) =>
        instant.ToOffset(utcOffset).ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string Day(DateTimeOffset instant, TimeSpan utcOffset) =>
        instant.ToOffset(utcOffset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
