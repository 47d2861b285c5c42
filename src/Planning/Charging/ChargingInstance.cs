namespace Parking.Planning.Charging;

/// <summary>
/// A charging point and the most power it can deliver. <see cref="Phases"/> names the feed's phases it loads
/// ("A", "B", "C", "AB", "ABC"...), its power split evenly over them; null means all three, evenly.
/// </summary>
public sealed record ChargerSpec(string Id, double MaxKw, string? Phases = null)
{
    /// <summary>The share of the charger's power on each phase A, B, C (sums to one).</summary>
    public (double A, double B, double C) PhaseShares()
    {
        if (string.IsNullOrEmpty(Phases)) return (1 / 3.0, 1 / 3.0, 1 / 3.0);
        var upper = Phases.ToUpperInvariant();
        var count = upper.Distinct().Count();
        return (upper.Contains('A') ? 1.0 / count : 0, upper.Contains('B') ? 1.0 / count : 0, upper.Contains('C') ? 1.0 / count : 0);
    }

    /// <summary>The share of the charger's power on phase <paramref name="phase"/> (0 = A, 1 = B, 2 = C).</summary>
    public double PhaseShare(int phase)
    {
        var (a, b, c) = PhaseShares();
        return phase switch { 0 => a, 1 => b, _ => c };
    }
}

/// <summary>
/// A driver's need: present in periods <c>[ArrivalPeriod, DeparturePeriod)</c>, wanting <see cref="EnergyKwh"/>,
/// drawing at most <see cref="MaxKw"/>. <see cref="PluggedChargerId"/> is set when the car is already plugged into
/// that charger: it is then charged there and nowhere else. A car that plugs in or leaves between two period
/// boundaries (an imported trace) is present for only part of its first or last period: <see cref="ArrivesAfter"/>
/// is the share of its first period gone before it plugs in, <see cref="LeavesBefore"/> the share of its last
/// period left after it unplugs; in those periods it can take that much less energy.
/// </summary>
public sealed record ChargingRequest(
    string Id,
    int ArrivalPeriod,
    int DeparturePeriod,
    double EnergyKwh,
    double MaxKw,
    string? PluggedChargerId = null,
    double ArrivesAfter = 0,
    double LeavesBefore = 0)
{
    /// <summary>The share of period <paramref name="period"/> in which the car is present (0 outside its window).</summary>
    public double PresentShare(int period)
    {
        if (period < ArrivalPeriod || period >= DeparturePeriod) return 0;
        var share = 1.0;
        if (period == ArrivalPeriod) share -= ArrivesAfter;
        if (period == DeparturePeriod - 1) share -= LeavesBefore;
        return Math.Max(0, share);
    }
}

/// <summary>Periods <c>[Start, End)</c>; as quiet hours, no turn may start or end strictly inside them.</summary>
public sealed record PeriodRange(int Start, int End)
{
    /// <summary>True when a turn boundary at the start of period <paramref name="boundary"/> falls inside the quiet range.</summary>
    public bool ForbidsBoundary(int boundary) => boundary > Start && boundary < End;
}

/// <summary>A turn that has already started: re-planning keeps its charger, start and end as they are.</summary>
public sealed record FixedTurn(string RequestId, string ChargerId, int StartPeriod, int EndPeriod);

/// <summary>
/// One charging problem: <see cref="Periods"/> periods of <see cref="PeriodMinutes"/> minutes from <see cref="Start"/>,
/// chargers behind one feed of <see cref="SiteCapacityKw"/> (or <see cref="SiteCapacityKwByPeriod"/> when it varies),
/// the requests, optional time-of-use prices per period, a changeover gap between two cars on one charger, quiet
/// hours in which nobody moves a car, and turns already started that re-planning must keep.
/// </summary>
public sealed record ChargingInstance(
    DateTimeOffset Start,
    int PeriodMinutes,
    int Periods,
    IReadOnlyList<ChargerSpec> Chargers,
    double SiteCapacityKw,
    IReadOnlyList<ChargingRequest> Requests,
    IReadOnlyList<double>? SiteCapacityKwByPeriod = null,
    IReadOnlyList<double>? PricePerKwh = null,
    int ChangeoverPeriods = 0,
    IReadOnlyList<PeriodRange>? QuietPeriods = null,
    IReadOnlyList<FixedTurn>? FixedTurns = null,
    double? PhaseLimitKw = null,
    double? PhaseImbalanceKw = null)
{
    /// <summary>
    /// The most turns one request may be served in (in-turn charging): a car that waits while another holds its charger
    /// can come back for a second turn later in its stay, on any charger, with the changeover before and after each of
    /// its turns. 2 by default; 1 gives every request at most one turn. Turns still never start or end inside quiet hours
    /// (except at the car's own arrival and departure), so nobody moves a car at night.
    /// </summary>
    public int MaxTurnsPerRequest { get; init; } = 2;

    /// <summary>True when the feed has a per-phase limit or an imbalance limit that plans must respect.</summary>
    public bool HasPhaseLimits => PhaseLimitKw is not null || PhaseImbalanceKw is not null;

    public double PeriodHours => PeriodMinutes / 60.0;

    public double CapacityKw(int period) =>
        SiteCapacityKwByPeriod is { Count: > 0 } byPeriod ? byPeriod[Math.Min(period, byPeriod.Count - 1)] : SiteCapacityKw;

    public double Price(int period) =>
        PricePerKwh is { Count: > 0 } prices ? prices[Math.Min(period, prices.Count - 1)] : 0;

    public bool IsQuietBoundary(int boundary) => QuietPeriods?.Any(q => q.ForbidsBoundary(boundary)) == true;

    /// <summary>True when every car is plugged into its own charger (rate allocation, as at the Caltech network).</summary>
    public bool AllPlugged => Requests.All(r => r.PluggedChargerId is not null) && FixedTurns is not { Count: > 0 };

    public ChargerSpec? Charger(string? id) => id is null ? null : Chargers.FirstOrDefault(c => c.Id == id);

    /// <summary>
    /// The most a request can draw: its vehicle's limit and that of its charger (the plugged one, or the
    /// strongest of the site when it is not plugged yet).
    /// </summary>
    public double MaxPowerKw(ChargingRequest request)
    {
        var chargerKw = Charger(request.PluggedChargerId)?.MaxKw
            ?? (Chargers.Count > 0 ? Chargers.Max(c => c.MaxKw) : 0);
        return Math.Max(0, Math.Min(request.MaxKw, chargerKw));
    }

    /// <summary>
    /// The most a request can draw in period <paramref name="period"/> (average kW over the period) on the charger it
    /// is plugged into (or the strongest): <see cref="MaxPowerKw(ChargingRequest)"/>, or the site's capacity and its
    /// charger's phase limit when lower, times the share of the period it is present.
    /// </summary>
    public double PowerLimitKw(ChargingRequest request, int period)
    {
        ArgumentNullException.ThrowIfNull(request);
        var share = request.PresentShare(period);
        if (share <= 0) return 0;
        var kw = MaxPowerKw(request);
        if (share >= 1) return kw;
        // Present for part of the period only: no instant of it can draw more than the feed gives.
        kw = Math.Min(kw, CapacityKw(period));
        if (PhaseLimitKw is { } limit && Charger(request.PluggedChargerId) is { } charger)
            for (var p = 0; p < 3; p++)
                if (charger.PhaseShare(p) > 0) kw = Math.Min(kw, limit / charger.PhaseShare(p));
        return kw * share;
    }

    /// <summary>
    /// Problems that make the instance unusable, as (field, reason); empty when it is valid.
    /// </summary>
    public IReadOnlyList<(string Field, string Reason)> Validate()
    {
        var errors = new List<(string, string)>();
        if (PeriodMinutes <= 0) errors.Add(("periodMinutes", "must be positive"));
        if (Periods <= 0) errors.Add(("periods", "must be positive"));
        if (SiteCapacityKw < 0) errors.Add(("siteCapacityKw", "must not be negative"));
        if (ChangeoverPeriods < 0) errors.Add(("changeoverPeriods", "must not be negative"));
        if (MaxTurnsPerRequest < 1) errors.Add(("maxTurnsPerRequest", "must be at least 1"));
        if (Chargers.Count == 0) errors.Add(("chargers", "at least one charger is needed"));
        if (Chargers.Select(c => c.Id).Distinct().Count() != Chargers.Count) errors.Add(("chargers", "charger ids must be unique"));
        if (Requests.Select(r => r.Id).Distinct().Count() != Requests.Count) errors.Add(("requests", "request ids must be unique"));
        foreach (var c in Chargers.Where(c => c.MaxKw <= 0))
            errors.Add(("chargers", $"charger {c.Id}: maxKw must be positive"));
        foreach (var c in Chargers.Where(c => c.Phases is { } p && (p.Length == 0 || p.ToUpperInvariant().Any(ch => ch is not ('A' or 'B' or 'C')))))
            errors.Add(("chargers", $"charger {c.Id}: phases must be made of A, B and C"));
        if (PhaseLimitKw is < 0) errors.Add(("phaseLimitKw", "must not be negative"));
        if (PhaseImbalanceKw is < 0) errors.Add(("phaseImbalanceKw", "must not be negative"));
        foreach (var r in Requests)
        {
            if (r.ArrivalPeriod < 0 || r.DeparturePeriod > Periods || r.ArrivalPeriod >= r.DeparturePeriod)
                errors.Add(("requests", $"request {r.Id}: needs 0 <= arrivalPeriod < departurePeriod <= periods"));
            if (r.EnergyKwh < 0 || r.MaxKw < 0)
                errors.Add(("requests", $"request {r.Id}: energyKwh and maxKw must not be negative"));
            if (r.ArrivesAfter is < 0 or >= 1 || r.LeavesBefore is < 0 or >= 1
                || (r.DeparturePeriod == r.ArrivalPeriod + 1 && r.ArrivesAfter + r.LeavesBefore >= 1))
                errors.Add(("requests", $"request {r.Id}: arrivesAfter and leavesBefore must be in [0, 1) and leave part of the window"));
            if (r.PluggedChargerId is not null && Charger(r.PluggedChargerId) is null)
                errors.Add(("requests", $"request {r.Id}: unknown charger {r.PluggedChargerId}"));
        }
        foreach (var f in FixedTurns ?? [])
        {
            var request = Requests.FirstOrDefault(r => r.Id == f.RequestId);
            if (request is null || Charger(f.ChargerId) is null || f.StartPeriod >= f.EndPeriod
                || f.StartPeriod < request.ArrivalPeriod || f.EndPeriod > request.DeparturePeriod)
                errors.Add(("fixedTurns", $"turn of {f.RequestId}: needs a known request and charger and a turn inside its window"));
        }
        if (SiteCapacityKwByPeriod is { Count: > 0 } byPeriod && byPeriod.Count != Periods)
            errors.Add(("siteCapacityKwByPeriod", "needs one value per period"));
        if (PricePerKwh is { Count: > 0 } prices && prices.Count != Periods)
            errors.Add(("pricePerKwh", "needs one value per period"));
        return errors;
    }
}
