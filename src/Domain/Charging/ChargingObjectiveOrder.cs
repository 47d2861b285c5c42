namespace Parking.Domain.Charging;

/// <summary>
/// What an in-turn plan puts first when the feed cannot serve everyone: a charging area's staff pick one knowingly.
/// Each order ends with energy delivered (then cost); the plan's turns and power per period both follow it.
/// A charging area stores it by number: the numbers below do not change.
/// </summary>
public enum ChargingObjectiveOrder
{
    /// <summary>The least-served driver's share of their need first (everyone gets something), then energy.</summary>
    LeastShareFirst = 0,

    /// <summary>
    /// Every driver's minimum need first (the least share of min(need, the area's minimum kWh), such as tomorrow's
    /// commute), then as many drivers fully served as possible, then energy.
    /// </summary>
    MinimumNeedFirst = 1,

    /// <summary>As many drivers fully served as possible first (as first come, first served tends to do), then energy.</summary>
    FullyServedFirst = 2,
}

/// <summary>The orders' names on the wire (and in charging areas stored before the order was stored as the enum).</summary>
public static class ChargingObjectiveOrders
{
    /// <summary>The most a minimum need per driver may be (kWh).</summary>
    public const double MaxMinimumNeedKwh = 150;

    public static IReadOnlyList<string> Names { get; } = ["least-share-first", "minimum-need-first", "fully-served-first"];

    public static string Wire(this ChargingObjectiveOrder order) => order switch
    {
        ChargingObjectiveOrder.MinimumNeedFirst => "minimum-need-first",
        ChargingObjectiveOrder.FullyServedFirst => "fully-served-first",
        _ => "least-share-first",
    };

    public static bool TryParse(string? name, out ChargingObjectiveOrder order)
    {
        var index = name is null ? -1 : Names.ToList().IndexOf(name.Trim().ToLowerInvariant());
        order = index < 0 ? ChargingObjectiveOrder.LeastShareFirst : (ChargingObjectiveOrder)index;
        return index >= 0;
    }
}
