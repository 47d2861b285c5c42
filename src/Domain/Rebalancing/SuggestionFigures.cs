using Parking.Domain.Layout;

namespace Parking.Domain.Rebalancing;

/// <summary>What a car (or a visitor's car) needs from a space; the index matches <see cref="SpaceKind"/>.</summary>
public enum Need
{
    /// <summary>A standard space; served by standard spaces and by private spaces opened to the shared pool.</summary>
    Standard,

    /// <summary>Energy at a charger on an EV space, in kWh.</summary>
    Charging,

    /// <summary>An accessible space.</summary>
    Accessible,

    /// <summary>A visitor space.</summary>
    Visitor,
}

public static class Needs
{
    /// <summary>Reads the lower-case name (<c>standard</c>, <c>charging</c>, ...) that builds before the enum stored.</summary>
    public static Need ParseStored(string? stored) => stored is null ? Need.Standard : Enum.Parse<Need>(stored, ignoreCase: true);
}

/// <summary>Which algorithm made a suggestion, and how far it got.</summary>
public enum RebalancingSolveStatus
{
    /// <summary>The model proved its suggestion best for the model's objective.</summary>
    Optimal,

    /// <summary>The model's best suggestion within the time budget (at least as good as the greedy one).</summary>
    Feasible,

    /// <summary>The greedy suggestion: the model found nothing better in time, or was not run.</summary>
    Fallback,
}

// What the optimizer suggests to staff (not an owners' vote, which DESIGN.md calls a proposal). The records
// below are stored by the rebalancing grain as they are and mapped to Contracts by the API. Their stored
// layout is that of the grain-side copies earlier builds stored (RetypeRationale, SharingRationale,
// ModelFigures, NeedFigure, UnservedFigure), whose type names the storage serializer maps onto these
// (EarlierTypeNames): the same ids on properties declared in the body, not on the positional parameters
// (the serializer keeps parameters with ids in a layer of their own, so the bytes would differ). The
// setters are internal for the codecs generated in Parking.Grains; nothing else sets them.

/// <summary>One group of retyped spaces, and why: what it serves more, what it serves less, and the walk.</summary>
[GenerateSerializer, Immutable]
public sealed record SuggestedRetype(
    string LotId,
    SpaceKind From,
    SpaceKind To,
    IReadOnlyList<string> SpaceIds,
    double ServedGainPerWeek,
    string GainUnit,
    double ServedLossPerWeek,
    string LossUnit,
    double MeanWalkMeters,
    IReadOnlyList<string> Buildings)
{
    [Id(0)] public string LotId { get; internal set; } = LotId;

    [Id(1)] public SpaceKind From { get; internal set; } = From;

    [Id(2)] public SpaceKind To { get; internal set; } = To;

    [Id(3)] public IReadOnlyList<string> SpaceIds { get; internal set; } = SpaceIds;

    [Id(4)] public double ServedGainPerWeek { get; internal set; } = ServedGainPerWeek;

    [Id(5)] public string GainUnit { get; internal set; } = GainUnit;

    [Id(6)] public double ServedLossPerWeek { get; internal set; } = ServedLossPerWeek;

    [Id(7)] public string LossUnit { get; internal set; } = LossUnit;

    [Id(8)] public double MeanWalkMeters { get; internal set; } = MeanWalkMeters;

    [Id(9)] public IReadOnlyList<string> Buildings { get; internal set; } = Buildings;
}

/// <summary>A daily sharing window for private spaces, and what it serves.</summary>
[GenerateSerializer, Immutable]
public sealed record SuggestedSharing(TimeOnly From, TimeOnly Until, double OwnersShare, int PrivateSpaces, double ServedGainPerWeek)
{
    [Id(0)] public TimeOnly From { get; internal set; } = From;

    [Id(1)] public TimeOnly Until { get; internal set; } = Until;

    [Id(2)] public double OwnersShare { get; internal set; } = OwnersShare;

    [Id(3)] public int PrivateSpaces { get; internal set; } = PrivateSpaces;

    [Id(4)] public double ServedGainPerWeek { get; internal set; } = ServedGainPerWeek;
}

/// <summary>The model's figures for one need: demand, served, and the mean walk of what is served, per week.</summary>
[GenerateSerializer, Immutable]
public sealed record NeedFigures(Need Need, string Unit, double DemandPerWeek, double ServedPerWeek, double MeanWalkMeters)
{
    // Earlier builds stored the need as its lower-case name under Id(0); the enum is stored under Id(5).
    [Id(0)]
    internal string? _storedNeedName;

    [Id(5)]
    internal Need? _need = Need;

    public Need Need
    {
        get => _need ?? Needs.ParseStored(_storedNeedName);
        init
        {
            _need = value;
            _storedNeedName = null;
        }
    }

    [Id(1)] public string Unit { get; internal set; } = Unit;

    [Id(2)] public double DemandPerWeek { get; internal set; } = DemandPerWeek;

    [Id(3)] public double ServedPerWeek { get; internal set; } = ServedPerWeek;

    [Id(4)] public double MeanWalkMeters { get; internal set; } = MeanWalkMeters;

    public double ServedShare => DemandPerWeek > 0 ? ServedPerWeek / DemandPerWeek : 1;
}

/// <summary>A building's demand the layout leaves unserved, per week, by need.</summary>
[GenerateSerializer, Immutable]
public sealed record BuildingUnserved(string BuildingId, Need Need, double UnservedPerWeek)
{
    // Earlier builds stored the need as its lower-case name under Id(1); the enum is stored under Id(3).
    [Id(1)]
    internal string? _storedNeedName;

    [Id(3)]
    internal Need? _need = Need;

    [Id(0)] public string BuildingId { get; internal set; } = BuildingId;

    public Need Need
    {
        get => _need ?? Needs.ParseStored(_storedNeedName);
        init
        {
            _need = value;
            _storedNeedName = null;
        }
    }

    [Id(2)] public double UnservedPerWeek { get; internal set; } = UnservedPerWeek;
}

/// <summary>The model's evaluation of one layout against the demand.</summary>
[GenerateSerializer, Immutable]
public sealed record RebalancingFigures(IReadOnlyList<NeedFigures> Needs, IReadOnlyList<BuildingUnserved> Unserved, double Objective)
{
    [Id(0)] public IReadOnlyList<NeedFigures> Needs { get; internal set; } = Needs;

    [Id(1)] public IReadOnlyList<BuildingUnserved> Unserved { get; internal set; } = Unserved;

    [Id(2)] public double Objective { get; internal set; } = Objective;

    public NeedFigures For(Need need) => Needs.First(n => n.Need == need);
}
