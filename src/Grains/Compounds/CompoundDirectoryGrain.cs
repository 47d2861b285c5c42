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

    /// <summary>
    /// Whether <paramref name="compoundId"/> is in the same sub-district as <paramref name="homeCompoundId"/>: a
    /// sub-district operator (whose membership is in the home compound) may act there. A compound always covers
    /// itself; a compound that names no sub-district covers only itself.
    /// </summary>
    [ReadOnly]
    Task<bool> SameSubDistrict(string homeCompoundId, string compoundId);

    /// <summary>The sub-district the compound belongs to, or null (unknown compound, or none named in its file).</summary>
    [ReadOnly]
    Task<string?> SubDistrictOf(string compoundId);
}

[GenerateSerializer]
public sealed class CompoundDirectoryState
{
    [Id(0)]
    internal Dictionary<string, CompoundSummary> _compounds = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, CompoundSummary> Compounds => _compounds;

    /// <summary>Registers the compound as it is now; returns false when it was registered exactly so already.</summary>
    public bool Register(CompoundSummary compound)
    {
        ArgumentNullException.ThrowIfNull(compound);
        if (_compounds.TryGetValue(compound.CompoundId, out var known) && known == compound)
        {
            return false;
        }

        _compounds[compound.CompoundId] = compound;
        return true;
    }
}

public sealed class CompoundDirectoryGrain(
    [PersistentState("compound-directory", GrainKeys.StorageName)] IPersistentState<CompoundDirectoryState> state) : Grain, ICompoundDirectoryGrain
{
    public async Task Register(CompoundSummary compound)
    {
        ArgumentNullException.ThrowIfNull(compound);
        if (state.State.Register(compound))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<bool> SameSubDistrict(string homeCompoundId, string compoundId) =>
        Task.FromResult(string.Equals(homeCompoundId, compoundId, StringComparison.Ordinal)
            || (SubDistrict(homeCompoundId) is { } home && string.Equals(home, SubDistrict(compoundId), StringComparison.Ordinal)));

    public Task<string?> SubDistrictOf(string compoundId) => Task.FromResult(SubDistrict(compoundId));

    private string? SubDistrict(string compoundId) =>
        state.State.Compounds.TryGetValue(compoundId, out var compound) ? compound.SubDistrictId : null;

    public Task<IReadOnlyList<CompoundSummary>> List() =>
        Task.FromResult<IReadOnlyList<CompoundSummary>>([.. state.State.Compounds.Values.OrderBy(c => c.CompoundId, StringComparer.Ordinal)]);
}
