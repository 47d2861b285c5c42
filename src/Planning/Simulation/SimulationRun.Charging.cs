using Parking.Domain;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Planning.Charging;
using ChargingRequest = Parking.Domain.Charging.ChargingRequest;
using ChargingTurn = Parking.Domain.Charging.ChargingTurn;

namespace Parking.Planning.Simulation;

/// <summary>
/// In-turn charging: requests go to the area nearest the driver's building; an area with changes plans once
/// at the next period boundary through <see cref="TurnPlanner"/>, with up to the policy's
/// <see cref="ChargingPolicy.MaxTurnsPerRequest"/> turns per request as live areas; drivers plug in when called (or
/// do not), charge at the charger's power until full, and unplug when full (those who can come back, 10 minutes
/// later) or when the turn ends. A car whose turn ends while it still needs energy is moved and plugged in again at
/// its next turn: each such plug-in counts as a move.
/// </summary>
internal sealed partial class SimulationRun
{
    private static readonly TimeSpan ComeBackAfterFull = TimeSpan.FromMinutes(10);

    private void SetUpCharging()
    {
        foreach (var area in _input.Layout.ChargingAreas)
        {
            var book = new ChargingAreaBook { CompoundId = _input.Layout.CompoundId };
            book.Configure(area);
            _areas[area.AreaId] = new AreaRun(area, book);
        }
    }

    private AreaRun? NearestArea(string buildingId)
    {
        AreaRun? best = null;
        var bestWalk = int.MaxValue;
        foreach (var area in _input.Layout.ChargingAreas)
        {
            if (area.Chargers.Count == 0)
            {
                continue;
            }

            var walk = _input.Layout.Lots.FirstOrDefault(l => l.LotId == area.LotId)?.WalkMetersTo(buildingId) ?? int.MaxValue;
            if (walk < bestWalk)
            {
                best = _areas[area.AreaId];
                bestWalk = walk;
            }
        }

        return best;
    }

    private void OnChargingArrival(ChargingDemand demand)
    {
        _charging.Requests++;
        Building(demand.BuildingId).ChargingRequests++;
        if (NearestArea(demand.BuildingId) is not { } area)
        {
            _charging.Refuse("no-charging-area");
            return;
        }

        area.Requests++;
        if (!demand.NoShow)
        {
            area.RequestedKwh += demand.EnergyKwh;
        }

        var policy = _policies.Charging;
        var draft = ChargingRequests.Validate(demand.Plate, new EnergyNeed(demand.EnergyKwh, null, null, null), _now, demand.Departure, demand.CanMove, policy, _now);
        if (draft.Value is not { } valid)
        {
            _charging.Refuse(draft.Error!.Code);
            return;
        }

        var submitted = area.Book.Submit(demand.ResidentId, valid, policy, _now, NextGuid());
        if (submitted.Value is not { } request)
        {
            _charging.Refuse(submitted.Error!.Code);
            return;
        }

        _charges[request.Id] = new ChargeRun(demand, area);
        PlanSoon(area);
    }

    /// <summary>
    /// Plans at the next period boundary (now, if on one, unless <paramref name="after"/>), once, however many
    /// changes come before.
    /// </summary>
    private void PlanSoon(AreaRun area, bool after = false)
    {
        var period = _policies.Charging.Period.Ticks;
        var ticks = _now.UtcTicks;
        var boundary = new DateTimeOffset(ticks % period == 0 && !after ? ticks : ticks - (ticks % period) + period, TimeSpan.Zero);
        if (area.PlanAt is { } pending && pending <= boundary && pending >= _now)
        {
            return;
        }

        area.PlanAt = boundary;
        Queue(boundary, new AreaPlan(area));
    }

    private void OnAreaPlan(AreaRun area)
    {
        if (area.PlanAt != _now)
        {
            return;
        }

        // Move the area to now first (turns that end now free their chargers), then plan, then start what the
        // plan starts now. A replan asked for on the way (still pending now) is this one.
        Advance(area);
        area.PlanAt = null;
        area.Book.Prune(_now, _policies.Charging);
        var input = area.Book.PlanningInput(_now, _policies.Charging);
        var plan = TurnPlanner.PlanArea(input, _planningPolicy, _offset, _cancellationToken);
        area.Book.ApplyPlan(plan.AllTurns, plan.Summary, _now, null, plan.NextTurns);
        area.Plans++;
        if (Advance(area))
        {
            PlanSoon(area, after: true);
        }

        WakeAt(area);
    }

    private void WakeAt(AreaRun area)
    {
        if (area.Book.NextDue(_policies.Charging) is not { } due)
        {
            return;
        }

        if (due < _now)
        {
            due = _now;
        }

        if (area.DueAt is { } pending && pending <= due && pending >= _now)
        {
            return;
        }

        area.DueAt = due;
        Queue(due, new AreaDue(area, due));
    }

    private void OnAreaDue(AreaRun area, DateTimeOffset at)
    {
        if (area.DueAt == at)
        {
            area.DueAt = null;
        }

        if (Advance(area))
        {
            PlanSoon(area);
        }

        WakeAt(area);
    }

    /// <summary>Moves the area to now and acts on every notice as drivers would; true when the area must plan again.</summary>
    private bool Advance(AreaRun area)
    {
        ReportMeters(area);
        var change = area.Book.Advance(_now, _policies.Charging);

        // Cars leave before the next ones plug in: a charger is free only once its car is out.
        foreach (var notice in change.Notices)
        {
            switch (notice.Kind)
            {
                case ChargingNoticeKind.TurnEnded:
                    UnplugCar(area, notice.Request, notice.EndedTurn);
                    break;
                case ChargingNoticeKind.NoShow:
                    _chargingNoShows++;
                    break;
                case ChargingNoticeKind.Expired:
                    _charging.Refuse("no-turn");
                    break;
            }
        }

        foreach (var notice in change.Notices)
        {
            if (notice.Kind == ChargingNoticeKind.PlugInNow && _charges.TryGetValue(notice.Request.Id, out var charge) && !charge.Demand.NoShow)
            {
                PlugIn(area, notice.Request, charge);
            }
        }

        return change.Replan;
    }

    private void PlugIn(AreaRun area, ChargingRequest request, ChargeRun charge)
    {
        var chargerId = request.Turn!.ChargerId;
        var snapshot = area.Book.Chargers[chargerId];
        if (snapshot.IsOccupied)
        {
            return;
        }

        var kw = snapshot.MaxKw;
        var after = snapshot with { Status = ChargerStatus.Charging, PowerKw = kw, ReportedAt = _now };
        var change = area.Book.ChargerReported(after, _now, _policies.Charging);
        if (!change.Notices.Any(n => n.Kind == ChargingNoticeKind.ChargingStarted))
        {
            return;
        }

        var remaining = request.RemainingKwh;
        var plugged = new Plugged(request.Id, chargerId, _now, kw, remaining, snapshot.EnergyMeterKwh);
        area.Plugged[chargerId] = plugged;
        area.PowerKw += kw;
        area.PeakKw = Math.Max(area.PeakKw, area.PowerKw);
        if (request.TurnsDone > 0)
        {
            // Back for a later turn: the car was moved after its earlier one.
            _chargingMoves++;
            area.Moves++;
        }
        if (!charge.Served)
        {
            charge.Served = true;
            _charging.Served++;
            area.Served++;
            Building(charge.Demand.BuildingId).ChargingServed++;
            _chargingWaits.Add((_now - charge.Demand.Arrival).TotalMinutes);
        }

        var full = _now + TimeSpan.FromHours(remaining / kw);
        if (full < request.Turn.Window.End)
        {
            Queue(full, new ChargerFull(area, chargerId, request.Id));
        }
    }

    /// <summary>
    /// A charger reports its meter as it charges: before the area moves on, each car whose turn ends by now and that
    /// has a later turn has its energy so far metered, so that the area knows what it still needs at its next turn.
    /// </summary>
    private void ReportMeters(AreaRun area)
    {
        foreach (var plugged in area.Plugged.Values.Where(p => p.Drawing).ToList())
        {
            var request = area.Book.Requests.FirstOrDefault(r => r.Id == plugged.RequestId);
            if (request is not { Status: ChargingRequestStatus.Charging, Turn: { } turn, LaterTurns.Count: > 0 } || turn.Window.End > _now)
            {
                continue;
            }

            var snapshot = area.Book.Chargers[plugged.ChargerId];
            area.Book.ChargerReported(snapshot with { EnergyMeterKwh = Math.Round(plugged.MeterAtPlugIn + Taken(plugged), 3), ReportedAt = _now }, _now, _policies.Charging);
        }
    }

    /// <summary>Energy the plugged car has taken by now.</summary>
    private double Taken(Plugged plugged) =>
        Math.Min(plugged.NeedKwh, plugged.Kw * (_now - plugged.Since).TotalHours);

    private void OnChargerFull(ChargerFull e)
    {
        var area = e.Area;
        if (!area.Plugged.TryGetValue(e.ChargerId, out var plugged) || plugged.RequestId != e.RequestId || !plugged.Drawing)
        {
            return;
        }

        var meter = plugged.MeterAtPlugIn + plugged.NeedKwh;
        var snapshot = area.Book.Chargers[e.ChargerId];
        area.Book.ChargerReported(snapshot with { Status = ChargerStatus.Finishing, PowerKw = 0, EnergyMeterKwh = Math.Round(meter, 3), ReportedAt = _now }, _now, _policies.Charging);
        area.Plugged[e.ChargerId] = plugged with { Drawing = false };
        area.PowerKw -= plugged.Kw;
        var charge = _charges[e.RequestId];
        var request = area.Book.Requests.FirstOrDefault(r => r.Id == e.RequestId);
        if (charge.Demand.CanMove && request?.Turn is { } turn && _now + ComeBackAfterFull < turn.Window.End)
        {
            Queue(_now + ComeBackAfterFull, new Unplug(area, e.ChargerId, e.RequestId));
        }
    }

    private void OnUnplug(Unplug e)
    {
        if (e.Area.Plugged.TryGetValue(e.ChargerId, out var plugged) && plugged.RequestId == e.RequestId)
        {
            var request = e.Area.Book.Requests.FirstOrDefault(r => r.Id == e.RequestId);
            if (request is not null)
            {
                UnplugCar(e.Area, request);
            }
        }
    }

    /// <summary>Unplugs the car of <paramref name="request"/> from <paramref name="ended"/> (a turn just over), else from its turn.</summary>
    private void UnplugCar(AreaRun area, ChargingRequest request, ChargingTurn? ended = null)
    {
        if ((ended ?? request.Turn) is not { } turn || !area.Plugged.TryGetValue(turn.ChargerId, out var plugged) || plugged.RequestId != request.Id)
        {
            return;
        }

        var taken = plugged.Drawing ? Taken(plugged) : plugged.NeedKwh;
        if (plugged.Drawing)
        {
            area.PowerKw -= plugged.Kw;
        }

        area.Plugged.Remove(turn.ChargerId);
        area.DeliveredKwh += taken;
        var snapshot = area.Book.Chargers[turn.ChargerId];
        var change = area.Book.ChargerReported(
            snapshot with { Status = ChargerStatus.Available, PowerKw = 0, EnergyMeterKwh = Math.Round(plugged.MeterAtPlugIn + taken, 3), ReportedAt = _now },
            _now,
            _policies.Charging);

        // The live area re-plans on an early finish only; the run also re-plans when a charger comes free while
        // cars wait, because a baseline plan can share the feed more finely than ApplyPlan's check (every turn
        // at its charger's full power) accepts, and the cars it turned away would otherwise wait for nothing.
        if (change.Replan || area.Book.Requests.Any(r => r.Status == ChargingRequestStatus.Waiting))
        {
            PlanSoon(area);
        }

        WakeAt(area);
    }

    /// <summary>Energy of cars still plugged in when the run ends, counted up to the end.</summary>
    private void CloseCharging()
    {
        foreach (var area in _areas.Values)
        {
            foreach (var plugged in area.Plugged.Values)
            {
                area.DeliveredKwh += plugged.Drawing ? Taken(plugged) : plugged.NeedKwh;
            }
        }
    }

    private sealed class AreaRun(ChargingAreaDefinition definition, ChargingAreaBook book)
    {
        public ChargingAreaDefinition Definition => definition;

        public ChargingAreaBook Book => book;

        public DateTimeOffset? PlanAt { get; set; }

        public DateTimeOffset? DueAt { get; set; }

        public Dictionary<string, Plugged> Plugged { get; } = new(StringComparer.Ordinal);

        public double PowerKw { get; set; }

        public double PeakKw { get; set; }

        public double RequestedKwh { get; set; }

        public double DeliveredKwh { get; set; }

        public int Requests { get; set; }

        public int Served { get; set; }

        public int Plans { get; set; }

        public int Moves { get; set; }
    }

    private sealed record Plugged(string RequestId, string ChargerId, DateTimeOffset Since, double Kw, double NeedKwh, double MeterAtPlugIn)
    {
        public bool Drawing { get; init; } = true;
    }

    private sealed class ChargeRun(ChargingDemand demand, AreaRun area)
    {
        public ChargingDemand Demand => demand;

        public AreaRun Area => area;

        public bool Served { get; set; }
    }

    private sealed class ChargingArrival(ChargingDemand demand) : Event
    {
        public ChargingDemand Demand => demand;
    }

    private sealed class AreaPlan(AreaRun area) : Event
    {
        public AreaRun Area => area;
    }

    private sealed class AreaDue(AreaRun area, DateTimeOffset at) : Event
    {
        public AreaRun Area => area;

        public DateTimeOffset At => at;
    }

    private sealed class ChargerFull(AreaRun area, string chargerId, string requestId) : Event
    {
        public AreaRun Area => area;

        public string ChargerId => chargerId;

        public string RequestId => requestId;
    }

    private sealed class Unplug(AreaRun area, string chargerId, string requestId) : Event
    {
        public AreaRun Area => area;

        public string ChargerId => chargerId;

        public string RequestId => requestId;
    }
}
