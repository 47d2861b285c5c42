using Parking.Domain.Layout;

namespace Parking.Domain.Charging;

/// <summary>
/// One charger as its grain keeps it, changing only through its methods: where the layout puts it (its area), its
/// last accepted status, and the request whose car is on it as the area last said.
/// </summary>
[GenerateSerializer]
public sealed class ChargerState
{
    [Id(0)]
    public string? AreaId { get; internal set; }

    [Id(1)]
    public ChargerSnapshot? Charger { get; internal set; }

    [Id(2)]
    public string? SessionRequestId { get; internal set; }

    /// <summary>Whether the charger knows where it stands (a charger the layout does not have never does).</summary>
    public bool Configured => Charger is not null;

    /// <summary>On first use, the charger takes its place from the layout: <paramref name="definition"/> in area <paramref name="areaId"/>, available.</summary>
    public void Configure(string areaId, ChargerDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        AreaId = areaId;
        Charger = ChargerSnapshot.New(definition);
    }

    /// <summary>
    /// The layout changed: a configured charger follows its area, space and power (<paramref name="definition"/> in
    /// <paramref name="areaId"/>), or, dropped from the layout (null), is unknown from now on, as if never configured.
    /// Returns whether it was configured (and so changed).
    /// </summary>
    public bool Reload(string? areaId, ChargerDefinition? definition)
    {
        if (Charger is not { } live)
        {
            return false;
        }

        if (definition is not null)
        {
            AreaId = areaId;
            Charger = live with { SpaceId = definition.SpaceId, MaxKw = definition.MaxKw };
        }
        else
        {
            AreaId = null;
            Charger = null;
            SessionRequestId = null;
        }

        return true;
    }

    /// <summary>
    /// Takes a configured charger's report (refused as <see cref="ChargerRules.Validate"/> says, changing nothing). The
    /// value says whether the area must hear of it: not when only an idle charger's register moved (no car of a turn on
    /// it), which is most of a connected charger's periodic meter values.
    /// </summary>
    public Outcome<bool> Report(ChargerReport report, DateTimeOffset now)
    {
        var current = Charger ?? throw new InvalidOperationException("The charger is not configured.");
        if (ChargerRules.Validate(current, report) is { } invalid)
        {
            return invalid;
        }

        var updated = ChargerRules.Apply(current, report, now);
        Charger = updated;
        return SessionRequestId is not null || updated with { EnergyMeterKwh = current.EnergyMeterKwh, ReportedAt = current.ReportedAt } != current;
    }

    /// <summary>The area says whose car is on the charger (null: none); returns whether that changed.</summary>
    public bool SessionIs(string? requestId)
    {
        if (requestId == SessionRequestId)
        {
            return false;
        }

        SessionRequestId = requestId;
        return true;
    }
}
