using Parking.Domain.Layout;

namespace Parking.Domain.Compounds;

/// <summary>An apply that stored its layout (at <c>Version</c>) and has not finished: <c>Base</c> is the layout it replaced (null: a new compound).</summary>
[GenerateSerializer, Immutable]
public sealed record UnfinishedApply(CompoundLayout? Base, int Version)
{
    // Ids on body properties, as the grain's own record had them (ids on positional parameters store other bytes);
    // the setters are internal for the codecs generated in Parking.Grains.
    [Id(0)] public CompoundLayout? Base { get; internal set; } = Base;

    [Id(1)] public int Version { get; internal set; } = Version;
}

/// <summary>An apply under way: the layout it replaced (null for a new compound) and the one it stored, with its version.</summary>
[GenerateSerializer, Immutable]
public sealed record ApplyStart(CompoundLayout? Base, CompoundLayout Stored)
{
    [Id(0)] public CompoundLayout? Base { get; internal set; } = Base;

    [Id(1)] public CompoundLayout Stored { get; internal set; } = Stored;
}

/// <summary>
/// A compound's live layout and its one import slot, changing only through its methods: which import may start
/// (the layout still at the previewed version, no earlier apply left unfinished), which job holds the slot, and when
/// the slot is free again (given back, or its holder no longer running). The grain loads it, calls one of these,
/// stores it when it says it changed.
/// </summary>
[GenerateSerializer]
public sealed class CompoundState
{
    /// <summary>
    /// What a cancelled import of <paramref name="compoundId"/> tells: before its layout was stored nothing changed;
    /// after, the compound keeps the layout marked unfinished and takes no other import until it is finished
    /// (<see cref="BeginApply"/>'s <c>import-unfinished</c>).
    /// </summary>
    public static DomainError ImportCancelled(string compoundId, bool committed) => DomainError.Conflict(
        "import-cancelled",
        committed
            ? $"The import of '{compoundId}' was cancelled after its layout was stored: the compound keeps it marked unfinished and takes no other import until it is finished (POST /api/compounds/imports/finish?compound={compoundId})."
            : $"The import of '{compoundId}' was cancelled before its layout was stored: nothing was changed.");

    [Id(0)]
    public CompoundLayout? Layout { get; internal set; }

    /// <summary>Set while an import's layout is stored but not yet brought into every space, lot, device and member.</summary>
    [Id(1)]
    public UnfinishedApply? Unfinished { get; internal set; }

    /// <summary>The import job that holds the compound's one import slot (it may have ended without giving it back).</summary>
    [Id(2)]
    public string? ImportJob { get; internal set; }

    /// <summary>The live layout's version: 0 before any, then one more for each import and each staff edit.</summary>
    public int LayoutVersion => Layout?.LayoutVersion ?? 0;

    /// <summary>
    /// Takes <paramref name="layout"/> as compound <paramref name="compoundId"/>'s first layout (version at least 1);
    /// false when it already has one. A layout of another compound is a programming error.
    /// </summary>
    public bool Initialize(string compoundId, CompoundLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (Layout is not null)
        {
            return false;
        }

        if (layout.CompoundId != compoundId)
        {
            throw new ArgumentException($"Layout of '{layout.CompoundId}' given to compound '{compoundId}'.", nameof(layout));
        }

        Layout = layout with { LayoutVersion = Math.Max(1, layout.LayoutVersion) };
        return true;
    }

    /// <summary>
    /// Stores an imported layout as the next version if the live one is still at <paramref name="expectedVersion"/>
    /// and no apply is unfinished, and marks this apply unfinished; refuses with <c>compound-mismatch</c>,
    /// <c>layout-changed</c> or <c>import-unfinished</c> otherwise, changing nothing.
    /// </summary>
    public Outcome<ApplyStart> BeginApply(string compoundId, CompoundLayout layout, int expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.CompoundId != compoundId)
        {
            return DomainError.Invalid("compound.id", "compound-mismatch", $"The file is of compound '{layout.CompoundId}', not '{compoundId}'.");
        }

        var current = LayoutVersion;
        if (current != expectedVersion)
        {
            return DomainError.Conflict(
                "layout-changed",
                $"The layout of '{layout.CompoundId}' is at version {current}, not {expectedVersion}: it changed since the preview. Preview again and apply that.");
        }

        if (Unfinished is { } unfinished)
        {
            return DomainError.Conflict(
                "import-unfinished",
                $"An import of '{layout.CompoundId}' stored layout version {unfinished.Version} and has not finished (it is still running, or it was cancelled or failed): wait for it, or finish it (POST /api/compounds/imports/finish?compound={layout.CompoundId}), then import again.");
        }

        var before = Layout;
        var stored = layout with { LayoutVersion = current + 1 };
        Layout = stored;
        Unfinished = new UnfinishedApply(before, current + 1);
        return new ApplyStart(before, stored);
    }

    /// <summary>The stored layout and the one it replaced, to finish an apply that stopped; <c>import-finished</c> when none is unfinished.</summary>
    public Outcome<ApplyStart> ResumeApply(string compoundId) =>
        this is { Unfinished: { } unfinished, Layout: { } layout }
            ? new ApplyStart(unfinished.Base, layout)
            : DomainError.Conflict("import-finished", $"Compound '{compoundId}' has no unfinished import.");

    /// <summary>Clears the unfinished mark once every step of the apply has run; returns whether there was one.</summary>
    public bool FinishApply()
    {
        if (Unfinished is null)
        {
            return false;
        }

        Unfinished = null;
        return true;
    }

    /// <summary>
    /// The job other than <paramref name="jobId"/> that holds the slot, if any: its own record must say whether it
    /// still runs (<see cref="ClaimImport"/>'s <c>runningHolder</c>) before the slot can be given to
    /// <paramref name="jobId"/>.
    /// </summary>
    public string? HolderOtherThan(string jobId) => ImportJob is { } holder && holder != jobId ? holder : null;

    /// <summary>
    /// Gives the slot to <paramref name="jobId"/> unless <paramref name="runningHolder"/> (the holder other than it, as
    /// its record stands now; null when there is none or it no longer runs: it ended, or its host stopped reporting)
    /// still holds it: then refused with <c>import-running</c>, changing nothing. The value says whether the slot
    /// changed hands (a job that holds it already claims it again without a change).
    /// </summary>
    public Outcome<bool> ClaimImport(string compoundId, string jobId, RunningImport? runningHolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        if (runningHolder is { } running && running.JobId != jobId && running.JobId == ImportJob)
        {
            return DomainError.Conflict(
                "import-running",
                $"Import job '{running.JobId}' of '{compoundId}' is running (phase {running.Phase}): wait for it to end, or cancel it (POST /api/compounds/imports/{running.JobId}/cancel), then try again.");
        }

        if (ImportJob == jobId)
        {
            return false;
        }

        ImportJob = jobId;
        return true;
    }

    /// <summary>Gives the slot back if <paramref name="jobId"/> holds it; returns whether it did.</summary>
    public bool ReleaseImport(string jobId)
    {
        if (ImportJob != jobId)
        {
            return false;
        }

        ImportJob = null;
        return true;
    }

    /// <summary>A staff edit of one space: its lot's space is replaced and the layout's version moves on.</summary>
    public void UpdateSpace(string compoundId, SpaceDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (Layout is not { } layout)
        {
            throw new InvalidOperationException($"Compound '{compoundId}' has no layout.");
        }

        var lots = layout.Lots
            .Select(l => l.LotId != definition.LotId ? l : l with { Spaces = [.. l.Spaces.Select(s => s.SpaceId == definition.SpaceId ? definition : s)] })
            .ToArray();
        Layout = layout with { Lots = lots, LayoutVersion = layout.LayoutVersion + 1 };
    }
}

/// <summary>The job holding a compound's import slot, while its own record says it is running, and its phase.</summary>
public sealed record RunningImport(string JobId, string Phase);
