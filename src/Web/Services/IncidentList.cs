namespace Parking.Web.Services;

/// <summary>
/// The staff's overstays: the registry's list as read, plus the pushes since (each overstay once, by its
/// reservation; a push also says which booking waits next on the space). Reading the registry again
/// replaces the list (cars that left are gone) but keeps what the pushes said about the next booking.
/// </summary>
public sealed class OverstayList
{
    private readonly Dictionary<string, OverstayDto> _byId = new(StringComparer.Ordinal);

    /// <summary>Newest end first: the car that overstays the least recently ended at the bottom.</summary>
    public IReadOnlyList<OverstayDto> Items => [.. _byId.Values.OrderByDescending(o => o.Overstay.End).ThenBy(o => o.Overstay.Id, StringComparer.Ordinal)];

    public void Load(IEnumerable<OverstayDto> registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var next = _byId.ToDictionary(p => p.Key, p => p.Value.Next, StringComparer.Ordinal);
        _byId.Clear();
        foreach (var overstay in registry)
        {
            _byId[overstay.Overstay.Id] = overstay.Next is null && next.GetValueOrDefault(overstay.Overstay.Id) is { } known
                ? overstay with { Next = known }
                : overstay;
        }
    }

    /// <summary>A pushed overstay; false when it was already listed with as much to say.</summary>
    public bool Add(OverstayDto overstay)
    {
        ArgumentNullException.ThrowIfNull(overstay);
        if (_byId.TryGetValue(overstay.Overstay.Id, out var known) && (known.Next is not null || overstay.Next is null))
        {
            return false;
        }

        _byId[overstay.Overstay.Id] = overstay;
        return true;
    }

    /// <summary>How long the car has stayed past its end, at <paramref name="now"/> (never negative).</summary>
    public static TimeSpan Over(OverstayDto overstay, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(overstay);
        var over = now - overstay.Overstay.End;
        return over > TimeSpan.Zero ? over : TimeSpan.Zero;
    }
}
