using Parking.Domain.Charging;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Membership;
using Parking.Grains.Membership;

namespace Parking.Grains.Compounds;

/// <summary>
/// Reads a live compound back out as a compound file (<see cref="CompoundExport"/>): the layout from the compound
/// grain, each charging area's feed from its grain (staff may have set it by hand), which spaces are out of service
/// from the lots' indexes, and the people from their own
/// member records. Who may belong: those the last file named, every resident in the compound's resident index (joined
/// by invite or request too) and every account on its roster (staff, committee, operators given a role since).
/// </summary>
public static class CompoundExporter
{
    /// <summary>How many member records are read at once.</summary>
    private const int Batch = 256;

    /// <summary>The compound as a file, or null when there is no such compound (no layout).</summary>
    public static async Task<CompoundFile?> Export(IGrainFactory grains, string compoundId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var layout = await grains.Compound(compoundId).GetLayout();
        if (layout is null)
        {
            return null;
        }

        var views = await Task.WhenAll(layout.ChargingAreas.Select(a => grains.ChargingArea(compoundId, a.AreaId).GetView()));
        var feeds = views.OfType<ChargingAreaView>()
            .ToDictionary(v => v.Definition.AreaId, v => v.SiteCapacityKw, StringComparer.Ordinal);

        var residents = ResidentIndex.Search(grains, compoundId, string.Empty);
        var roster = grains.CompoundRoster(compoundId).List();
        await Task.WhenAll(residents, roster);
        var candidates = layout.Users.Select(u => u.UserId)
            .Concat((await residents).Select(r => r.PersonId))
            .Concat((await roster).Select(r => r.PersonId))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var people = new List<(string, MemberRecord)>(candidates.Count);
        foreach (var batch in candidates.Chunk(Batch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var records = await Task.WhenAll(batch.Select(id => grains.Member(id).Get()));
            people.AddRange(batch.Zip(records));
        }

        // Blocks are each space's own state; its lot's index holds every space's as the space last reported it (a space
        // reports to its lot before a block returns), so one read per lot gives them all.
        var lots = await Task.WhenAll(layout.Lots.Select(l => grains.Lot(compoundId, l.LotId).GetOccupancy()));
        var outOfService = lots.SelectMany(l => l?.Spaces ?? []).Where(s => s.OutOfService).Select(s => s.Definition.SpaceId).ToList();

        return CompoundExport.ToFile(layout, feeds, people, outOfService);
    }
}
