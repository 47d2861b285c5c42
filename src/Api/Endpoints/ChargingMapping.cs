using System.Globalization;
using Parking.Domain.Charging;

namespace Parking.Api.Endpoints;

/// <summary>Charging's domain types as the wire types of Contracts, and the sentences drivers read.</summary>
public static class ChargingMapping
{
    public static ChargingRequestDto ToDto(this ChargingRequest r) => new(
        r.Id, r.CompoundId, r.AreaId, r.ResidentId, r.Plate, r.EnergyKwh, r.Window.Start, r.Window.End, r.CanMove,
        r.Status.ToDto(), r.Turn is { } t ? new ChargingTurnDto(t.ChargerId, t.SpaceId, t.Window.Start, t.Window.End) : null,
        r.DeliveredKwh, r.CreatedAt, r.PluggedAt, r.EndedAt, r.Revision)
    {
        Turns = [.. r.Turns.Select(t => new ChargingTurnDto(t.ChargerId, t.SpaceId, t.Window.Start, t.Window.End))],
    };

    public static ChargerDto ToDto(this ChargerSnapshot c, string? sessionRequestId) => new(
        c.ChargerId, c.SpaceId, c.MaxKw, c.Status.ToDto(), c.PowerKw, c.EnergyMeterKwh, c.ReportedAt, sessionRequestId);

    public static ChargingNoticeDto ToDto(this ChargingNotice notice, TimeSpan utcOffset) =>
        new(notice.Kind.ToDto(), MessageOf(notice, utcOffset), notice.Request.ToDto());

    public static ChargingAreaDto ToSummaryDto(this ChargingAreaView view) => new(
        view.Definition.AreaId, view.Definition.Name, view.Definition.LotId, view.SiteCapacityKw, view.Chargers.Count,
        view.Chargers.GroupBy(c => c.Status.Wire()).ToDictionary(g => g.Key, g => g.Count()),
        view.Requests.Count(r => r.Status == ChargingRequestStatus.Waiting));

    public static ChargingPlanDto ToPlanDto(this ChargingAreaView view)
    {
        var area = view.Definition;
        return new ChargingPlanDto(
            view.CompoundId,
            area.AreaId,
            area.Name,
            view.SiteCapacityKw,
            view.AsOf,
            view.Version,
            view.Plan is { } p ? new ChargingPlanSummaryDto(p.Algorithm, p.Status.ToDto(), p.PlannedAt, p.SolveTime.TotalMilliseconds, p.Turns, p.Waiting) { Number = p.Number } : null,
            [.. view.Chargers.Select(c => new ChargerTimelineDto(
                c.ToDto(view.Requests.FirstOrDefault(r => r.Turn?.ChargerId == c.ChargerId && r.PluggedAt is not null && r.UnpluggedAt is null)?.Id),
                [.. view.Requests
                    .SelectMany(r => r.Turns.Where(t => t.ChargerId == c.ChargerId).Select(t => (Request: r, Turn: t)))
                    .OrderBy(x => x.Turn.Window.Start)
                    .Select(x => new TimelineTurnDto(x.Request.Id, x.Request.ResidentId, x.Request.Plate, x.Request.Status.ToDto(), x.Turn.Window.Start, x.Turn.Window.End, x.Request.EnergyKwh, x.Request.DeliveredKwh))]))],
            [.. view.Requests.Where(r => r.Status == ChargingRequestStatus.Waiting).Select(r => r.ToDto())])
        {
            ObjectiveOrder = ChargingObjectiveOrders.Wire(view.ObjectiveOrder),
            MinimumNeedKwh = view.MinimumNeedKwh,
        };
    }

    /// <summary>
    /// The sentence a driver reads, with times of day in the compound's local time (<paramref name="utcOffset"/>);
    /// clients that format their own text use the request's turn, which carries instants.
    /// </summary>
    public static string MessageOf(ChargingNotice notice, TimeSpan utcOffset)
    {
        var r = notice.Request;
        var charger = r.Turn?.ChargerId ?? "a charger";
        var start = r.Turn is { } t ? Clock(t.Window.Start, utcOffset) : string.Empty;
        var end = r.Turn is { } u ? Clock(u.Window.End, utcOffset) : string.Empty;
        var then = string.Concat(r.LaterTurns.Select(l => $" Then charger {l.ChargerId} at {Clock(l.Window.Start, utcOffset)}, until {Clock(l.Window.End, utcOffset)}."));
        return notice.Kind switch
        {
            ChargingNoticeKind.TurnEnded when notice.EndedTurn is { } ended =>
                $"Your turn has ended: move {r.Plate} from charger {ended.ChargerId} now. Your next turn: charger {charger} at {start}, until {end}.{then}",
            ChargingNoticeKind.TurnScheduled or ChargingNoticeKind.TurnMoved or ChargingNoticeKind.TurnEndingSoon when r.LaterTurns.Count > 0 =>
                MessageOf(notice with { Request = r.WithTurns([r.Turn!]) }, utcOffset) + then,
            ChargingNoticeKind.TurnScheduled => $"Your turn for {r.Plate}: charger {charger} at {start}, until {end}.",
            ChargingNoticeKind.TurnMoved when r.Turn is null => $"The plan changed: no turn for {r.Plate} for now; you will hear when one is free.",
            ChargingNoticeKind.TurnMoved => $"The plan changed: your turn for {r.Plate} is now at charger {charger} at {start}, until {end}.",
            ChargingNoticeKind.PlugInNow => $"Your turn has started: plug {r.Plate} in at charger {charger} now.",
            ChargingNoticeKind.ChargingStarted => $"{r.Plate} is plugged in at charger {charger}; your turn ends at {end}.",
            ChargingNoticeKind.ChargingFinished => $"{r.Plate} is charged ({r.DeliveredKwh:0.#} kWh): please move it from charger {charger}.",
            ChargingNoticeKind.TurnEndingSoon => $"Your turn ends at {end}: please move {r.Plate} from charger {charger}.",
            ChargingNoticeKind.TurnEnded => $"Your turn has ended: move {r.Plate} from charger {charger} now.",
            ChargingNoticeKind.Completed => $"Charging of {r.Plate} is done: {r.DeliveredKwh:0.#} kWh.",
            ChargingNoticeKind.NoShow => $"{r.Plate} was not plugged in within the grace period: the turn went to the next driver.",
            ChargingNoticeKind.Cancelled => $"Your charging request for {r.Plate} is cancelled.",
            ChargingNoticeKind.Expired => $"No turn could be found for {r.Plate} before its departure.",
            ChargingNoticeKind.Waiting => $"No turn for {r.Plate} yet: you will hear as soon as one is planned.",
            ChargingNoticeKind.ChargerFaulted => $"The charger of your turn is out of order: a new turn is being planned for {r.Plate}.",
            _ => notice.Kind.ToString(),
        };
    }

    private static string Clock(DateTimeOffset instant, TimeSpan utcOffset) =>
        instant.ToOffset(utcOffset).ToString("HH:mm", CultureInfo.InvariantCulture);
}
