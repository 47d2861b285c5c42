using Orleans.Runtime;

namespace Parking.Grains.Compounds;

[CompoundPlacement]
public sealed class CompoundGrain(
    [PersistentState("compound", GrainKeys.StorageName)] IPersistentState<CompoundState> state) : Grain, ICompoundGrain
{
    private Dictionary<string, CompoundUser> _users = new(StringComparer.Ordinal);

    /// <summary>Household → unit of the layout's households list <see cref="_unitsOf"/> (rebuilt when the layout changes).</summary>
    private Dictionary<string, string> _units = new(StringComparer.Ordinal);
    private IReadOnlyList<Household>? _unitsOf;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        IndexUsers();
        return Task.CompletedTask;
    }

    public async Task<bool> InitializeLayout(CompoundLayout layout)
    {
        if (!state.State.Initialize(this.GetPrimaryKeyString(), layout))
        {
            return false;
        }

        await state.WriteStateAsync();
        IndexUsers();
        await GrainFactory.HistoryRetention(layout.CompoundId).Arm();
        return true;
    }

    public async Task<Outcome<ApplyStart>> BeginApply(CompoundLayout layout, int expectedVersion)
    {
        var begun = state.State.BeginApply(this.GetPrimaryKeyString(), layout, expectedVersion);
        if (begun.IsSuccess)
        {
            await state.WriteStateAsync();
            IndexUsers();
            await GrainFactory.HistoryRetention(layout.CompoundId).Arm();
        }

        return begun;
    }

    public Task<Outcome<ApplyStart>> ResumeApply() => Task.FromResult(state.State.ResumeApply(this.GetPrimaryKeyString()));

    public async Task FinishApply()
    {
        if (state.State.FinishApply())
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<DomainError?> ClaimImport(string jobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);

        // The holder's record says whether it still runs: a job that ended (or was abandoned by its host) no longer holds the slot.
        RunningImport? running = null;
        if (state.State.HolderOtherThan(jobId) is { } holder
            && await GrainFactory.ImportJob(holder).Get() is { State: ImportJobState.Running } job)
        {
            running = new RunningImport(holder, job.Step.Phase);
        }

        var claimed = state.State.ClaimImport(this.GetPrimaryKeyString(), jobId, running);
        if (claimed.Value)
        {
            await state.WriteStateAsync();
        }

        return claimed.Error;
    }

    public async Task ReleaseImport(string jobId)
    {
        if (state.State.ReleaseImport(jobId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<string?> GetImportJob() => Task.FromResult(state.State.ImportJob);

    public Task<int?> GetUnfinishedVersion() => Task.FromResult(state.State.Unfinished?.Version);

    public Task<int> GetLayoutVersion() => Task.FromResult(state.State.LayoutVersion);

    public Task<bool> IsInitialized() => Task.FromResult(state.State.Layout is not null);

    public Task<CompoundLayout?> GetLayout() => Task.FromResult(state.State.Layout);

    public Task<IReadOnlyList<LotSummary>> GetLots() =>
        Task.FromResult<IReadOnlyList<LotSummary>>(
            [.. Lots.Select(l => new LotSummary(l.LotId, l.Name, l.Kind, l.Spaces.Count, l.WalkMetersToBuilding)
            {
                SpacesByKind = l.Spaces.GroupBy(s => s.Kind).ToDictionary(g => g.Key, g => g.Count()),
            })]);

    public Task<LotDefinition?> GetLot(string lotId) =>
        Task.FromResult(Lots.FirstOrDefault(l => l.LotId == lotId));

    public Task<IReadOnlyList<Building>> GetBuildings() =>
        Task.FromResult(state.State.Layout?.Buildings ?? []);

    public Task<IReadOnlyList<ChargingAreaDefinition>> GetChargingAreas() =>
        Task.FromResult(state.State.Layout?.ChargingAreas ?? []);

    public Task<IReadOnlyList<ShelterDefinition>> GetShelters() =>
        Task.FromResult(state.State.Layout?.Shelters ?? []);

    public Task<CompoundUser?> GetUser(string userId) => Task.FromResult(_users.GetValueOrDefault(userId));

    public Task<IReadOnlyDictionary<string, string>> GetUnits(IReadOnlyList<string> householdIds)
    {
        ArgumentNullException.ThrowIfNull(householdIds);
        var households = state.State.Layout?.Households ?? [];
        if (!ReferenceEquals(_unitsOf, households))
        {
            (_unitsOf, _units) = (households, households.ToDictionary(h => h.Id, h => h.Unit, StringComparer.Ordinal));
        }

        return Task.FromResult<IReadOnlyDictionary<string, string>>(householdIds.Distinct(StringComparer.Ordinal)
            .Where(_units.ContainsKey).ToDictionary(h => h, h => _units[h], StringComparer.Ordinal));
    }

    public Task<IReadOnlyList<Household>> GetHouseholds() =>
        Task.FromResult(state.State.Layout?.Households ?? []);

    public Task<IReadOnlyList<CompoundUser>> GetUsers(UserRole? role, int limit) =>
        Task.FromResult<IReadOnlyList<CompoundUser>>(
            [.. (state.State.Layout?.Users ?? []).Where(u => role is null || u.Role == role).Take(limit)]);

    public Task<SpaceDefinition?> GetSpace(string spaceId) =>
        Task.FromResult(Lots.SelectMany(l => l.Spaces).FirstOrDefault(s => s.SpaceId == spaceId));

    public Task<bool> HasHousehold(string householdId) =>
        Task.FromResult((state.State.Layout?.Households ?? []).Any(h => h.Id == householdId));

    public async Task UpdateSpace(SpaceDefinition definition)
    {
        state.State.UpdateSpace(this.GetPrimaryKeyString(), definition);
        await state.WriteStateAsync();
    }

    private IReadOnlyList<LotDefinition> Lots => state.State.Layout?.Lots ?? [];

    private void IndexUsers() =>
        _users = (state.State.Layout?.Users ?? []).ToDictionary(u => u.UserId, StringComparer.Ordinal);
}
