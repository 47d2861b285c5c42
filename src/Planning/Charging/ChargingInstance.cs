namespace Parking.Planning.Charging;

/// <summary>A charging point and the most power it can deliver.</summary>
public sealed record ChargerSpec(string Id, double MaxKw);

/// <summary>
/// A driver's need: present in periods <c>[ArrivalPeriod, DeparturePeriod)</c>, wanting <see cref="EnergyKwh"/>,
/// drawing at most <see cref="MaxKw"/>. <see cref="PluggedChargerId"/> is set when the car is already plugged into
/// that charger: it is then charged there and nowhere else.
/// </summary>
public sealed record ChargingRequest(
    string Id,
    int ArrivalPeriod,
    int DeparturePeriod,
    double EnergyKwh,
    double MaxKw,
    string? PluggedChargerId = null);

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
    IReadOnlyList<FixedTurn>? FixedTurns = null)
{
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
    /// Problems that make the instance unusable, as (field, reason); empty when it is valid.
    /// </summary>
    public IReadOnlyList<(string Field, string Reason)> Validate()
    {
        var errors = new List<(string, string)>();
        if (PeriodMinutes <= 0) errors.Add(("periodMinutes", "must be positive"));
        if (Periods <= 0) errors.Add(("periods", "must be positive"));
        if (SiteCapacityKw < 0) errors.Add(("siteCapacityKw", "must not be negative"));
        if (ChangeoverPeriods < 0) errors.Add(("changeoverPeriods", "must not be negative"));
        if (Chargers.Count == 0) errors.Add(("chargers", "at least one charger is needed"));
        if (Chargers.Select(c => c.Id).Distinct().Count() != Chargers.Count) errors.Add(("chargers", "charger ids must be unique"));
        if (Requests.Select(r => r.Id).Distinct().Count() != Requests.Count) errors.Add(("requests", "request ids must be unique"));
        foreach (var c in Chargers.Where(c => c.MaxKw <= 0))
            errors.Add(("chargers", $"charger {c.Id}: maxKw must be positive"));
        foreach (var r in Requests)
        {
            if (r.ArrivalPeriod < 0 || r.DeparturePeriod > Periods || r.ArrivalPeriod >= r.DeparturePeriod)
                errors.Add(("requests", $"request {r.Id}: needs 0 <= arrivalPeriod < departurePeriod <= periods"));
            if (r.EnergyKwh < 0 || r.MaxKw < 0)
                errors.Add(("requests", $"request {r.Id}: energyKwh and maxKw must not be negative"));
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
