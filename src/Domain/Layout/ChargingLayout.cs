using System.Globalization;

namespace Parking.Domain.Layout;

/// <summary>Which phase of the three-phase feed a charger loads; three-phase chargers load all of them.</summary>
public enum ChargerPhase
{
    Three,
    L1,
    L2,
    L3,
}

/// <summary>A charging point bound to one EV space; <see cref="MaxKw"/> is the most it can deliver.</summary>
[GenerateSerializer, Immutable]
public sealed record ChargerDefinition(
    [Id(0)] string ChargerId,
    [Id(1)] string SpaceId,
    [Id(2)] double MaxKw)
{
    // Stored in an internal field: the codec is generated in Parking.Grains (InternalsVisibleTo), which
    // cannot reach the private backing field of an init-only property in another assembly.
    [Id(3)] internal ChargerPhase _phase;
    public ChargerPhase Phase { get => _phase; init => _phase = value; }

    /// <summary>Further EV spaces its cable reaches besides <see cref="SpaceId"/>.</summary>
    [Id(4)] internal IReadOnlyList<string> _alsoReachesSpaceIds = [];
    public IReadOnlyList<string> AlsoReachesSpaceIds { get => _alsoReachesSpaceIds; init => _alsoReachesSpaceIds = value; }

    /// <summary>Whether <paramref name="other"/> is the same charger, field by field.</summary>
    public bool SameAs(ChargerDefinition other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ChargerId == other.ChargerId && SpaceId == other.SpaceId && MaxKw.Equals(other.MaxKw) && Phase == other.Phase
            && AlsoReachesSpaceIds.SequenceEqual(other.AlsoReachesSpaceIds);
    }
}

/// <summary>
/// Chargers behind one feed: in-turn charging is planned per area, and the sum of their power must stay
/// within <see cref="SiteCapacityKw"/>, the area's share of the compound's transformer limit.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ChargingAreaDefinition(
    [Id(0)] string AreaId,
    [Id(1)] string Name,
    [Id(2)] string LotId,
    [Id(3)] double SiteCapacityKw,
    [Id(4)] IReadOnlyList<ChargerDefinition> Chargers)
{
    /// <summary>The feed's capacity for each hour of the local day (24 values) when it varies; null when flat.</summary>
    [Id(5)] internal IReadOnlyList<double>? _siteCapacityKwByHour;
    public IReadOnlyList<double>? SiteCapacityKwByHour { get => _siteCapacityKwByHour; init => _siteCapacityKwByHour = value; }

    /// <summary>
    /// The most one phase of the feed may carry (kW); null for a third of <see cref="SiteCapacityKw"/>, the share a
    /// balanced three-phase feed gives each phase. <see cref="ChargerLayoutRules.Phases"/> says what is valid.
    /// </summary>
    [Id(6)] internal double? _phaseLimitKw;
    public double? PhaseLimitKw { get => _phaseLimitKw; init => _phaseLimitKw = value; }

    /// <summary>The most one phase may carry above another at any instant (kW); null for no such limit.</summary>
    [Id(7)] internal double? _phaseImbalanceKw;
    public double? PhaseImbalanceKw { get => _phaseImbalanceKw; init => _phaseImbalanceKw = value; }

    /// <summary>What each phase may carry: <see cref="PhaseLimitKw"/>, or a third of <paramref name="siteCapacityKw"/>.</summary>
    public double PhaseCapacityKw(double siteCapacityKw) => PhaseLimitKw ?? siteCapacityKw / 3;

    /// <summary>Whether the feed (flat and by hour) is the same as <paramref name="other"/>'s.</summary>
    public bool SameFeedAs(ChargingAreaDefinition other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return SiteCapacityKw.Equals(other.SiteCapacityKw)
            && (SiteCapacityKwByHour ?? []).SequenceEqual(other.SiteCapacityKwByHour ?? [])
            && Nullable.Equals(PhaseLimitKw, other.PhaseLimitKw) && Nullable.Equals(PhaseImbalanceKw, other.PhaseImbalanceKw);
    }

    /// <summary>
    /// Whether <paramref name="other"/> defines the same area, field by field (a record's own equality compares its
    /// lists by reference, so two reads of one unchanged file would differ).
    /// </summary>
    public bool SameAs(ChargingAreaDefinition? other) =>
        other is not null
        && AreaId == other.AreaId && Name == other.Name && LotId == other.LotId && SameFeedAs(other)
        && Chargers.Count == other.Chargers.Count
        && Chargers.Zip(other.Chargers).All(pair => pair.First.SameAs(pair.Second));
}

/// <summary>An e-bike shelter: charging ports behind one power limit, with smoke and temperature alarms.</summary>
[GenerateSerializer, Immutable]
public sealed record ShelterDefinition(
    [Id(0)] string ShelterId,
    [Id(1)] string Name,
    [Id(2)] string NearBuildingId,
    [Id(3)] int Ports,
    [Id(4)] double PowerLimitKw,
    [Id(5)] IReadOnlyDictionary<string, int> WalkMetersToBuilding)
{
    /// <summary>Port ids are the shelter id and a two-digit number: <c>E01-P07</c>.</summary>
    public IEnumerable<string> PortIds =>
        Enumerable.Range(1, Ports).Select(p => string.Create(CultureInfo.InvariantCulture, $"{ShelterId}-P{p:00}"));

    public int WalkMetersTo(string? buildingId) =>
        buildingId is not null && WalkMetersToBuilding.TryGetValue(buildingId, out var meters) ? meters : 0;

    [Id(6)] internal Point? _position;

    public Point? Position { get => _position; init => _position = value; }
}
