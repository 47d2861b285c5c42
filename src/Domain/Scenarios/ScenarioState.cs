namespace Parking.Domain.Scenarios;

/// <summary>
/// One saved version of a scenario: immutable once saved. It records the live layout it was checked against
/// (its fingerprint and space count) and whether it changes the use of common parts (a vote then needs
/// three quarters under Art. 278).
/// </summary>
// Stored as the grain-side record earlier builds stored (ids on its properties): the same ids on properties declared
// in the body, not on the positional parameters, whose layer the serializer writes apart. The setters are internal
// for the codecs generated in Parking.Grains; nothing else sets them.
[GenerateSerializer, Immutable]
public sealed record ScenarioVersion(
    int Number,
    ScenarioDefinition Definition,
    string Author,
    DateTimeOffset SavedAt,
    string LiveFingerprint,
    int LiveSpaceCount,
    int ScenarioSpaceCount,
    bool ChangesCommonParts)
{
    [Id(0)] public int Number { get; internal set; } = Number;

    [Id(1)] public ScenarioDefinition Definition { get; internal set; } = Definition;

    [Id(2)] public string Author { get; internal set; } = Author;

    [Id(3)] public DateTimeOffset SavedAt { get; internal set; } = SavedAt;

    [Id(4)] public string LiveFingerprint { get; internal set; } = LiveFingerprint;

    [Id(5)] public int LiveSpaceCount { get; internal set; } = LiveSpaceCount;

    [Id(6)] public int ScenarioSpaceCount { get; internal set; } = ScenarioSpaceCount;

    [Id(7)] public bool ChangesCommonParts { get; internal set; } = ChangesCommonParts;
}

/// <summary>
/// One scenario and its versions, changing only through its methods: created once, then a new version only on top
/// of the latest and only while it is not archived; archived once (archiving again changes nothing).
/// </summary>
[GenerateSerializer]
public sealed class ScenarioState
{
    [Id(0)]
    public ScenarioSummary? Summary { get; internal set; }

    [Id(1)]
    internal List<ScenarioVersion> _versions = [];

    /// <summary>The saved versions, oldest first.</summary>
    public IReadOnlyList<ScenarioVersion> Versions => _versions;

    /// <summary>Refused with <c>scenario-exists</c> when scenario <paramref name="scenarioId"/> was created before; null when it may be.</summary>
    public DomainError? CreateRefused(string scenarioId) =>
        Summary is null ? null : DomainError.Conflict("scenario-exists", $"Scenario {scenarioId} already exists.");

    /// <summary>
    /// Refused with <c>scenario-archived</c> for an archived scenario, or <c>scenario-version-stale</c> when the
    /// editor's <paramref name="basedOn"/> is not the latest version (someone saved in between); null when a new
    /// version may be saved. The scenario must exist.
    /// </summary>
    public DomainError? SaveRefused(int? basedOn)
    {
        var summary = Summary ?? throw new InvalidOperationException("The scenario does not exist.");
        if (summary.Archived)
        {
            return DomainError.Conflict("scenario-archived", $"Scenario {summary.ScenarioId} is archived and takes no new versions; fork a new one.");
        }

        if (basedOn is { } number && number != summary.LatestVersion)
        {
            return DomainError.Conflict("scenario-version-stale", $"Version {number} is not the latest ({summary.LatestVersion}): someone saved in between. Reload and save again.");
        }

        return null;
    }

    /// <summary>The number the next saved version gets (1 for a scenario not created yet).</summary>
    public int NextVersion => (Summary?.LatestVersion ?? 0) + 1;

    /// <summary>The scenario is created with <paramref name="version"/> as version 1; it must not exist yet.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(Summary))]
    public void Create(string compoundId, string scenarioId, string createdBy, string? origin, ScenarioVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (Summary is not null)
        {
            throw new InvalidOperationException($"Scenario {scenarioId} already exists.");
        }

        _versions = [version];
        Summary = new ScenarioSummary(
            compoundId, scenarioId, version.Definition.Name, version.Definition.Description, createdBy, version.SavedAt, origin,
            version.Number, version.SavedAt, Archived: false, version.ChangesCommonParts, version.Definition.Changes.Count);
    }

    /// <summary><paramref name="version"/> becomes the latest: the summary takes its name, description and flags.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(Summary))]
    public void Save(ScenarioVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var summary = Summary ?? throw new InvalidOperationException("The scenario does not exist.");
        _versions.Add(version);
        Summary = summary with
        {
            Name = version.Definition.Name,
            Description = version.Definition.Description,
            LatestVersion = version.Number,
            UpdatedAt = version.SavedAt,
            ChangesCommonParts = version.ChangesCommonParts,
            ChangeCount = version.Definition.Changes.Count,
        };
    }

    /// <summary>Archives the scenario at <paramref name="now"/>; returns whether it changed (an archived one stays as it was).</summary>
    public bool Archive(DateTimeOffset now)
    {
        var summary = Summary ?? throw new InvalidOperationException("The scenario does not exist.");
        if (summary.Archived)
        {
            return false;
        }

        Summary = summary with { Archived = true, UpdatedAt = now };
        return true;
    }
}
