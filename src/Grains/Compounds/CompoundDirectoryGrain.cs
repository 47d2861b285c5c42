namespace Parking.Grains.Compounds;

/// <summary>One compound as the directory lists it.</summary>
[GenerateSerializer, Immutable]
public sealed record CompoundSummary(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string Name,
    [property: Id(2)] string? SubDistrictId,
    [property: Id(3)] int Buildings,
    [property: Id(4)] int Households,
    [property: Id(5)] int Spaces,
    [property: Id(6)] int LayoutVersion)
{
    public static CompoundSummary Of(CompoundLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return new(layout.CompoundId, layout.Name, layout.SubDistrictId, layout.Buildings.Count, layout.Households.Count, layout.SpaceCount, layout.LayoutVersion);
    }
}

/// <summary>Every compound of the deployment (one grain, key 0): written by the importer, read by <c>GET /api/compounds</c>.</summary>
public interface ICompoundDirectoryGrain : IGrainWithIntegerKey
{
    Task Register(CompoundSummary compound);

    [ReadOnly]
    Task<IReadOnlyList<CompoundSummary>> List();
}

[GenerateSerializer]
public sealed class CompoundDirectoryState
{
    [Id(0)]
    public Dictionary<string, CompoundSummary> Compounds { get; set; } = new(StringComparer.Ordinal);
}

public sealed class CompoundDirectoryGrain(
    [PersistentState("compound-directory", GrainKeys.StorageName)] IPersistentState<CompoundDirectoryState> state) : Grain, ICompoundDirectoryGrain
{
    public async Task Register(CompoundSummary compound)
    {
        ArgumentNullException.ThrowIfNull(compound);
        if (state.State.Compounds.TryGetValue(compound.CompoundId, out var known) && known == compound)
        {
            return;
        }

        state.State.Compounds[compound.CompoundId] = compound;
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<CompoundSummary>> List() =>
        Task.FromResult<IReadOnlyList<CompoundSummary>>([.. state.State.Compounds.Values.OrderBy(c => c.CompoundId, StringComparer.Ordinal)]);
}
