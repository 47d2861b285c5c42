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
/// do not), charge at the power the area's plan gives their turn period by period (<see cref="ChargingAreaBook.DrawOf"/>:
/// the schedule the live area sends the charger, within the charger's rating; a car may wait plugged in at 0 kW) until
/// full, and unplug when full (those who can come back, 10 minutes later) or when the turn ends. A car whose turn ends while it still needs energy is moved and plugged in again at
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

        // What each plugged car took under the last plan is banked before the new plan's power applies.
        BankAll(area);
        area.Book.ApplyPlan(plan.AllTurns, plan.Summary, _now, plan.PowerSchedules, plan.NextTurns);
        area.Plans++;
        ExpectFull(area);
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
        // Energy is banked under the turns as they were: a turn that ends now hands its request on to the next.
        BankAll(area);
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

        // The charger reports the car drawing what it can take (its rating): what the plan lets it draw is the
        // profile's business, not the car's limit.
        var kw = snapshot.MaxKw;
        var after = snapshot with { Status = ChargerStatus.Charging, PowerKw = kw, ReportedAt = _now };
        var change = area.Book.ChargerReported(after, _now, _policies.Charging);
        if (!change.Notices.Any(n => n.Kind == ChargingNoticeKind.ChargingStarted))
        {
            return;
        }

        var plugged = new Plugged(request.Id, chargerId, _now, 0, request.RemainingKwh, snapshot.EnergyMeterKwh);
        area.Plugged[chargerId] = plugged;
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

        ExpectFull(area, plugged);
    }

    /// <summary>
    /// The energy <paramref name="plugged"/> takes from its last banking to <paramref name="until"/> at the power the
    /// area's plan gives its turn, at most what it still needs, with the instant it is full (null if not by then).
    /// With <paramref name="bank"/>, that energy joins the area's per-period tally and the car's own.
    /// </summary>
    private (double Kwh, DateTimeOffset? FullAt) Draw(AreaRun area, Plugged plugged, DateTimeOffset until, bool bank)
    {
        if (!plugged.Drawing || area.Book.DrawOf(plugged.RequestId) is not { } draw || draw.Turn.ChargerId != plugged.ChargerId)
        {
            return (0, null);
        }

        var left = plugged.NeedKwh - plugged.TakenKwh;
        var kwh = 0.0;
        foreach (var (start, end, kw) in draw.Stretches(plugged.Since, until, _policies.Charging.Period))
        {
            if (kw <= 0)
            {
                continue;
            }

            var hours = (end - start).TotalHours;
            var take = Math.Min(kw * hours, left - kwh);
            if (bank)
            {
                area.Tally(start, _policies.Charging.Period, take, kw);
            }

            kwh += take;
            if (kwh >= left - FullTolerance)
            {
                return (kwh, start + TimeSpan.FromHours(take / kw));
            }
        }

        return (kwh, null);
    }

    // An energy this close to a car's need is full (rounding).
    private const double FullTolerance = 1e-9;

    /// <summary>Banks what every plugged car of the area has taken by now.</summary>
    private void BankAll(AreaRun area)
    {
        foreach (var plugged in area.Plugged.Values.ToList())
        {
            Bank(area, plugged);
        }
    }

    /// <summary>Banks what <paramref name="plugged"/> has taken by now; returns the car as banked.</summary>
    private Plugged Bank(AreaRun area, Plugged plugged)
    {
        var (kwh, _) = Draw(area, plugged, _now, bank: true);
        var banked = plugged with { Since = _now, TakenKwh = plugged.TakenKwh + kwh };
        area.Plugged[plugged.ChargerId] = banked;
        return banked;
    }

    /// <summary>Expects each drawing car of the area (or only <paramref name="only"/>) full when its plan's power fills it.</summary>
    private void ExpectFull(AreaRun area, Plugged? only = null)
    {
        foreach (var plugged in only is null ? area.Plugged.Values.ToList() : [only])
        {
            if (plugged.Drawing && area.Book.DrawOf(plugged.RequestId) is { } draw
                && Draw(area, plugged, draw.Turn.Window.End, bank: false).FullAt is { } full && full < draw.Turn.Window.End)
            {
                Queue(full, new ChargerFull(area, plugged.ChargerId, plugged.RequestId));
            }
        }
    }

    /// <summary>
    /// A charger reports its meter as it charges, as a live charger's meter values come: before the area moves on or
    /// plans, each car drawing on its charger has its energy so far metered and the power it draws now reported, so
    /// that the area knows what it still needs (at its next turn, too).
    /// </summary>
    private void ReportMeters(AreaRun area)
    {
        foreach (var plugged in area.Plugged.Values.Where(p => p.Drawing).ToList())
        {
            var request = area.Book.Requests.FirstOrDefault(r => r.Id == plugged.RequestId);
            if (request is not { Status: ChargingRequestStatus.Charging, Turn: { } turn } || turn.ChargerId != plugged.ChargerId)
            {
                continue;
            }

            var banked = Bank(area, plugged);
            var snapshot = area.Book.Chargers[plugged.ChargerId];
            var kw = area.Book.DrawOf(plugged.RequestId)?.KwAt(_now) ?? 0;
            area.Book.ChargerReported(
                snapshot with { PowerKw = kw, EnergyMeterKwh = Math.Round(banked.MeterAtPlugIn + banked.TakenKwh, 3), ReportedAt = _now },
                _now,
                _policies.Charging);
        }
    }

    private void OnChargerFull(ChargerFull e)
    {
        var area = e.Area;
        if (!area.Plugged.TryGetValue(e.ChargerId, out var plugged) || plugged.RequestId != e.RequestId || !plugged.Drawing)
        {
            return;
        }

        // A plan since may have changed the car's power: full only if it really is by now.
        plugged = Bank(area, plugged);
        if (plugged.TakenKwh < plugged.NeedKwh - FullTolerance)
        {
            return;
        }

        var meter = plugged.MeterAtPlugIn + plugged.NeedKwh;
        var snapshot = area.Book.Chargers[e.ChargerId];
        area.Book.ChargerReported(snapshot with { Status = ChargerStatus.Finishing, PowerKw = 0, EnergyMeterKwh = Math.Round(meter, 3), ReportedAt = _now }, _now, _policies.Charging);
        area.Plugged[e.ChargerId] = plugged with { Drawing = false };
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

        var taken = Bank(area, plugged).TakenKwh;
        area.Plugged.Remove(turn.ChargerId);
        area.DeliveredKwh += taken;
        var snapshot = area.Book.Chargers[turn.ChargerId];
        var change = area.Book.ChargerReported(
            snapshot with { Status = ChargerStatus.Available, PowerKw = 0, EnergyMeterKwh = Math.Round(plugged.MeterAtPlugIn + taken, 3), ReportedAt = _now },
            _now,
            _policies.Charging);

        // The live area re-plans on an early finish only; the run also re-plans when a charger comes free while
        // cars wait, so a car a plan turned away (its turn did not fit beside those kept) does not wait for nothing.
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
            foreach (var plugged in area.Plugged.Values.ToList())
            {
                area.DeliveredKwh += Bank(area, plugged).TakenKwh;
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

        /// <summary>Energy drawn in each period (by its start), all cars together.</summary>
        public Dictionary<DateTimeOffset, double> PeriodKwh { get; } = [];

        /// <summary>The highest power drawn, as the average over a period of the energy drawn in it.</summary>
        public double PeakKw { get; private set; }

        /// <summary>Adds <paramref name="kwh"/> drawn from <paramref name="at"/> to the tally of its period.</summary>
        public void Tally(DateTimeOffset at, TimeSpan period, double kwh, double kw)
        {
            var start = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % period.Ticks), TimeSpan.Zero);
            var total = PeriodKwh[start] = PeriodKwh.GetValueOrDefault(start) + kwh;
            PeakKw = Math.Max(PeakKw, total / period.TotalHours);
        }

        public double RequestedKwh { get; set; }

        public double DeliveredKwh { get; set; }

        public int Requests { get; set; }

        public int Served { get; set; }

        public int Plans { get; set; }

        public int Moves { get; set; }
    }

    /// <summary>
    /// A car on a charger: what it needed at plug-in, and what it had taken by <see cref="Since"/> (its last banking;
    /// from then on it draws what the area's plan gives its turn).
    /// </summary>
    private sealed record Plugged(string RequestId, string ChargerId, DateTimeOffset Since, double TakenKwh, double NeedKwh, double MeterAtPlugIn)
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
