using Microsoft.Extensions.DependencyInjection;
using Orleans.Placement;
using Orleans.Hosting;
using Orleans.Runtime.Placement;

namespace Parking.Grains;

/// <summary>
/// Places every grain of one compound on the same silo, so that a booking (resident, space, household ledger, lot) and
/// a search's lot index run in one process instead of hopping between silos: with random placement on three silos,
/// about two of every three calls on the booking path left the silo. The silo is chosen by rendezvous hashing of the
/// compound id (the part of the grain key before the first slash, see <see cref="CompoundScopedKey"/>) over the silos
/// that can host the grain: every silo picks the same one from the same membership, and when a silo leaves only the
/// compounds it hosted move (each to the survivor that scores next), the others stay where they are. Whether a silo
/// places these grains by compound or leaves them to Orleans' random placement is its choice
/// (<see cref="CompoundPlacementRegistration.AddCompoundPlacement"/>; <c>Parking:Cluster:Placement</c>, by compound
/// by default): with few compounds per silo, whole compounds share the silos unevenly.
/// </summary>
[Serializable]
[GenerateSerializer]
[Immutable]
[SuppressReferenceTracking]
public sealed class CompoundPlacement : PlacementStrategy
{
    internal static readonly CompoundPlacement Instance = new();
}

/// <summary>A grain whose activations follow its compound (see <see cref="CompoundPlacement"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class CompoundPlacementAttribute : PlacementAttribute
{
    public CompoundPlacementAttribute()
        : base(CompoundPlacement.Instance)
    {
    }
}

/// <summary>Chooses the silo of a <see cref="CompoundPlacement"/> grain: the compound's highest-scoring compatible silo.</summary>
public sealed class CompoundPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Task.FromResult(Choose(CompoundOf(target.GrainIdentity), context.GetCompatibleSilos(target)));
    }

    /// <summary>The compound a grain belongs to: its key up to the first slash (a compound's own grain: the whole key).</summary>
    public static string CompoundOf(GrainId grain) => CompoundScopedKey.Parse(grain.Key.ToString() ?? string.Empty).CompoundId;

    /// <summary>The silo of <paramref name="compoundId"/> among <paramref name="silos"/> (rendezvous hashing; the same answer on every silo).</summary>
    public static SiloAddress Choose(string compoundId, IReadOnlyList<SiloAddress> silos)
    {
        ArgumentNullException.ThrowIfNull(silos);
        if (silos.Count == 0)
        {
            throw new OrleansException($"No silo can host a grain of compound '{compoundId}'.");
        }

        var best = silos[0];
        var bestName = best.ToParsableString();
        var bestScore = Score(compoundId, bestName);
        for (var i = 1; i < silos.Count; i++)
        {
            var name = silos[i].ToParsableString();
            var score = Score(compoundId, name);
            if (score > bestScore || (score == bestScore && string.CompareOrdinal(name, bestName) < 0))
            {
                best = silos[i];
                bestName = name;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>A hash of the pair that is the same in every process (not <see cref="string.GetHashCode()"/>, which is randomised).</summary>
    private static ulong Score(string compoundId, string silo)
    {
        // FNV-1a over both strings, then a final mix so that nearby inputs spread over the whole range.
        var hash = 14695981039346656037UL;
        foreach (var c in compoundId)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        hash = (hash ^ '|') * 1099511628211UL;
        foreach (var c in silo)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return hash;
    }
}

/// <summary>How a silo places <see cref="CompoundPlacement"/> grains; the product's silo and the test silos register it here alike.</summary>
public static class CompoundPlacementRegistration
{
    /// <summary>
    /// Places a compound's grains by compound (<see cref="CompoundPlacementDirector"/>) when <paramref name="byCompound"/>,
    /// else hands them to the director Orleans uses for <see cref="RandomPlacement"/>, so that the default is Orleans' own.
    /// </summary>
    public static ISiloBuilder AddCompoundPlacement(this ISiloBuilder silo, bool byCompound)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return byCompound
            ? silo.AddPlacementDirector<CompoundPlacement, CompoundPlacementDirector>()
            : silo.AddPlacementDirector<CompoundPlacement>(services => services.GetRequiredKeyedService<IPlacementDirector>(typeof(RandomPlacement)));
    }
}
