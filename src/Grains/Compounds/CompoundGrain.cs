using Orleans.Runtime;

namespace Parking.Grains.Compounds;

[GenerateSerializer]
public sealed class CompoundState
{
    [Id(0)]
    public CompoundLayout? Layout { get; set; }

    /// <summary>Set while an import's layout is stored but not yet brought into every space, lot, device and member.</summary>
    [Id(1)]
    public UnfinishedApply? Unfinished { get; set; }

    /// <summary>The import job that holds the compound's one import slot (see <see cref="ICompoundGrain.ClaimImport"/>).</summary>
    [Id(2)]
    public string? ImportJob { get; set; }
}

/// <summary>An apply that stored its layout (at <c>Version</c>) and has not finished: <c>Base</c> is the layout it replaced (null: a new compound).</summary>
[GenerateSerializer, Immutable]
public sealed record UnfinishedApply([property: Id(0)] CompoundLayout? Base, [property: Id(1)] int Version);

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
        if (state.State.Layout is not null)
        {
            return false;
        }

        if (layout.CompoundId != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"Layout of '{layout.CompoundId}' given to compound '{this.GetPrimaryKeyString()}'.", nameof(layout));
        }

        state.State.Layout = layout with { LayoutVersion = Math.Max(1, layout.LayoutVersion) };
        await state.WriteStateAsync();
        IndexUsers();
        await GrainFactory.HistoryRetention(layout.CompoundId).Arm();
        return true;
    }

    public async Task<Outcome<ApplyStart>> BeginApply(CompoundLayout layout, int expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.CompoundId != this.GetPrimaryKeyString())
        {
            return DomainError.Invalid("compound.id", "compound-mismatch", $"The file is of compound '{layout.CompoundId}', not '{this.GetPrimaryKeyString()}'.");
        }

        var current = state.State.Layout?.LayoutVersion ?? 0;
        if (current != expectedVersion)
        {
            return DomainError.Conflict(
                "layout-changed",
                $"The layout of '{layout.CompoundId}' is at version {current}, not {expectedVersion}: it changed since the preview. Preview again and apply that.");
        }

        if (state.State.Unfinished is { } unfinished)
        {
            return DomainError.Conflict(
                "import-unfinished",
                $"An import of '{layout.CompoundId}' stored layout version {unfinished.Version} and has not finished (it is still running, or it was cancelled or failed): wait for it, or finish it (POST /api/compounds/imports/finish?compound={layout.CompoundId}), then import again.");
        }

        var before = state.State.Layout;
        var stored = layout with { LayoutVersion = current + 1 };
        state.State.Layout = stored;
        state.State.Unfinished = new UnfinishedApply(before, current + 1);
        await state.WriteStateAsync();
        IndexUsers();
        await GrainFactory.HistoryRetention(layout.CompoundId).Arm();
        return new ApplyStart(before, stored);
    }

    public Task<Outcome<ApplyStart>> ResumeApply() =>
        Task.FromResult<Outcome<ApplyStart>>(state.State is { Unfinished: { } unfinished, Layout: { } layout }
            ? new ApplyStart(unfinished.Base, layout)
            : DomainError.Conflict("import-finished", $"Compound '{this.GetPrimaryKeyString()}' has no unfinished import."));

    public async Task FinishApply()
    {
        if (state.State.Unfinished is not null)
        {
            state.State.Unfinished = null;
            await state.WriteStateAsync();
        }
    }

    public async Task<DomainError?> ClaimImport(string jobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        if (state.State.ImportJob is { } holder && holder != jobId)
        {
            // The holder's record decides: a job that ended (or was abandoned by its host) no longer holds the slot.
            if (await GrainFactory.ImportJob(holder).Get() is { State: ImportJobState.Running } running)
            {
                return DomainError.Conflict(
                    "import-running",
                    $"Import job '{holder}' of '{this.GetPrimaryKeyString()}' is running (phase {running.Step.Phase}): wait for it to end, or cancel it (POST /api/compounds/imports/{holder}/cancel), then try again.");
            }
        }

        if (state.State.ImportJob != jobId)
        {
            state.State.ImportJob = jobId;
            await state.WriteStateAsync();
        }

        return null;
    }

    public async Task ReleaseImport(string jobId)
    {
        if (state.State.ImportJob == jobId)
        {
            state.State.ImportJob = null;
            await state.WriteStateAsync();
        }
    }

    public Task<string?> GetImportJob() => Task.FromResult(state.State.ImportJob);

    public Task<int?> GetUnfinishedVersion() => Task.FromResult(state.State.Unfinished?.Version);

    public Task<int> GetLayoutVersion() => Task.FromResult(state.State.Layout?.LayoutVersion ?? 0);

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
        if (state.State.Layout is not { } layout)
        {
            throw new InvalidOperationException($"Compound '{this.GetPrimaryKeyString()}' has no layout.");
        }

        var lots = layout.Lots
            .Select(l => l.LotId != definition.LotId ? l : l with { Spaces = [.. l.Spaces.Select(s => s.SpaceId == definition.SpaceId ? definition : s)] })
            .ToArray();
        state.State.Layout = layout with { Lots = lots, LayoutVersion = layout.LayoutVersion + 1 };
        await state.WriteStateAsync();
    }

    private IReadOnlyList<LotDefinition> Lots => state.State.Layout?.Lots ?? [];

    private void IndexUsers() =>
        _users = (state.State.Layout?.Users ?? []).ToDictionary(u => u.UserId, StringComparer.Ordinal);
}
