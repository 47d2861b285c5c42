namespace Parking.Grains;

/// <summary>Where a lot lies: enough for a search to pick the nearest lots first.</summary>
[GenerateSerializer, Immutable]
public sealed record LotSummary(
    [property: Id(0)] string LotId,
    [property: Id(1)] string Name,
    [property: Id(2)] LotKind Kind,
    [property: Id(3)] int Spaces,
    [property: Id(4)] IReadOnlyDictionary<string, int> WalkMetersToBuilding)
{
    /// <summary>How many of its spaces are of each kind, as the layout has them (a search for a kind skips lots with none).</summary>
    [Id(5)]
    public IReadOnlyDictionary<SpaceKind, int> SpacesByKind { get; init; } = new Dictionary<SpaceKind, int>();
}

/// <summary>A compound (key: compound id): its layout (buildings, lots, spaces) and its users.</summary>
public interface ICompoundGrain : IGrainWithStringKey
{
    /// <summary>Stores the layout if the compound has none yet; returns false when it already had one.</summary>
    Task<bool> InitializeLayout(CompoundLayout layout);

    [ReadOnly]
    Task<bool> IsInitialized();

    /// <summary>
    /// Stores an imported layout if the live one is still at <paramref name="expectedVersion"/> (0: none yet) and no
    /// other import is unfinished, and marks the apply unfinished until <see cref="FinishApply"/>; refuses with
    /// <c>layout-changed</c> or <c>import-unfinished</c> otherwise, so of two concurrent applies only the first wins.
    /// Spaces, lots, devices and members are then brought in line by the importer, outside this grain.
    /// </summary>
    Task<Outcome<ApplyStart>> BeginApply(CompoundLayout layout, int expectedVersion);

    /// <summary>The stored layout and the one it replaced, to finish an apply that stopped (cancelled or failed).</summary>
    Task<Outcome<ApplyStart>> ResumeApply();

    /// <summary>Clears the unfinished mark once every step of the apply has run.</summary>
    Task FinishApply();

    /// <summary>
    /// Takes the compound's one import slot for <paramref name="jobId"/> (stored, so it holds across hosts and
    /// restarts) and returns null; or refuses with <c>import-running</c> while another job that holds it is still
    /// running, so of two applies or finishes started at once the second is refused before it does anything. A job
    /// that ended, or whose host stopped reporting for the job's lease, no longer holds the slot.
    /// </summary>
    Task<DomainError?> ClaimImport(string jobId);

    /// <summary>Gives the slot back if <paramref name="jobId"/> holds it.</summary>
    Task ReleaseImport(string jobId);

    /// <summary>The job holding the import slot, if any (it may have ended without giving it back).</summary>
    [ReadOnly]
    Task<string?> GetImportJob();

    /// <summary>The layout version an unfinished import stored, or null when none is unfinished.</summary>
    [ReadOnly]
    Task<int?> GetUnfinishedVersion();

    /// <summary>The version of the live layout: 0 before any, then one more for each import and each staff edit.</summary>
    [ReadOnly]
    Task<int> GetLayoutVersion();

    /// <summary>The whole live layout (null before it is initialized): scenarios fork it and check their changes against it.</summary>
    [ReadOnly]
    Task<CompoundLayout?> GetLayout();

    [ReadOnly]
    Task<IReadOnlyList<LotSummary>> GetLots();

    [ReadOnly]
    Task<LotDefinition?> GetLot(string lotId);

    [ReadOnly]
    Task<IReadOnlyList<Building>> GetBuildings();

    /// <summary>The compound's charging areas and their chargers.</summary>
    [ReadOnly]
    Task<IReadOnlyList<ChargingAreaDefinition>> GetChargingAreas();

    [ReadOnly]
    Task<IReadOnlyList<ShelterDefinition>> GetShelters();

    [ReadOnly]
    Task<CompoundUser?> GetUser(string userId);

    /// <summary>The unit of each of these households the layout holds (a household it does not hold is left out).</summary>
    [ReadOnly]
    Task<IReadOnlyDictionary<string, string>> GetUnits(IReadOnlyList<string> householdIds);

    /// <summary>Every household with its exclusive area: the owners who vote on proposals.</summary>
    [ReadOnly]
    Task<IReadOnlyList<Household>> GetHouseholds();

    [ReadOnly]
    Task<IReadOnlyList<CompoundUser>> GetUsers(UserRole? role, int limit);

    /// <summary>A space of any lot of the compound; null when the compound has none by that id.</summary>
    [ReadOnly]
    Task<SpaceDefinition?> GetSpace(string spaceId);

    [ReadOnly]
    Task<bool> HasHousehold(string householdId);

    /// <summary>Stores a space's new definition (kind, owner) in the layout, so lots rebuilt later see it.</summary>
    Task UpdateSpace(SpaceDefinition definition);
}
