using Parking.Domain.Layout;

namespace Parking.Domain.Membership;

/// <summary>
/// One resident of a compound as staff search for them: name, household, its unit and building, and the plates of their
/// cars. It carries everything a search row shows, so a search reads only the resident index.
/// </summary>
/// <remarks>
/// Moved from Parking.Grains: each [Id] is on an internal field behind a public init property, since its codec is
/// generated in Parking.Grains (ORLEANS0101) and the field keeps the stored bytes. <see cref="Unit"/> is new: an entry
/// stored by an earlier build reads with none, and the bucket that holds it fills it in once.
/// </remarks>
[GenerateSerializer, Immutable]
public sealed record ResidentEntry(string PersonId, string DisplayName, string? HouseholdId, string? BuildingId, IReadOnlyList<string> Plates, string? Unit = null)
{
    [Id(0)] internal string _personId = PersonId;

    public string PersonId { get => _personId; init => _personId = value; }

    [Id(1)] internal string _displayName = DisplayName;

    public string DisplayName { get => _displayName; init => _displayName = value; }

    [Id(2)] internal string? _householdId = HouseholdId;

    public string? HouseholdId { get => _householdId; init => _householdId = value; }

    [Id(3)] internal string? _buildingId = BuildingId;

    public string? BuildingId { get => _buildingId; init => _buildingId = value; }

    [Id(4)] internal IReadOnlyList<string> _plates = Plates;

    public IReadOnlyList<string> Plates { get => _plates; init => _plates = value; }

    [Id(5)] internal string? _unit = Unit;

    /// <summary>The household's unit as the layout names it (for example 12-0301); null when the household has none there.</summary>
    public string? Unit { get => _unit; init => _unit = value; }

    /// <summary>Whether the entry names a household whose unit it does not know yet (stored by an earlier build, or told without it).</summary>
    public bool LacksUnit => HouseholdId is not null && Unit is null;

    /// <summary>The person's entry in the compound from their record (without its unit, which the layout knows): none unless they are a resident there.</summary>
    public static ResidentEntry? Of(string personId, string compoundId, MemberRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Memberships.FirstOrDefault(m => m.CompoundId == compoundId) is { Role: UserRole.Resident } m
            ? new ResidentEntry(personId, m.DisplayName, m.HouseholdId, m.BuildingId,
                [.. record.Vehicles.Where(v => v.Plate is not null).Select(v => v.Plate!.Value.Value)])
            : null;
    }

    public bool Equals(ResidentEntry? other) =>
        other is not null && PersonId == other.PersonId && DisplayName == other.DisplayName && HouseholdId == other.HouseholdId
        && BuildingId == other.BuildingId && Unit == other.Unit && Plates.SequenceEqual(other.Plates);

    public override int GetHashCode() => HashCode.Combine(PersonId, DisplayName, HouseholdId, BuildingId, Unit, Plates.Count);
}

/// <summary>One page of residents a search found, in the order staff read them.</summary>
public sealed record ResidentPage(int Total, int Page, int PageSize, IReadOnlyList<ResidentEntry> Items);

/// <summary>
/// What staff search the residents for: part of a name, a household, a unit or a plate, and which page. Made only by
/// <see cref="Parse"/>, which refuses bad input naming the field; then it decides which residents match and how they
/// are ordered and paged.
/// </summary>
public sealed record ResidentQuery
{
    /// <summary>The longest search text taken: a name, a unit or a plate is far shorter.</summary>
    public const int MaxText = 40;

    public const int DefaultPageSize = 50;

    public const int MaxPageSize = 200;

    private ResidentQuery(string text, int page, int pageSize) => (Text, Page, PageSize) = (text, page, pageSize);

    /// <summary>The search text as <see cref="Searchable"/> writes it; empty finds everyone.</summary>
    public string Text { get; }

    /// <summary>The page wanted, from 1.</summary>
    public int Page { get; }

    public int PageSize { get; }

    /// <summary>Case, spaces and the dot or dash some write in a plate or unit (沪A·12345, 12-0301) do not matter to a search.</summary>
    public static string Searchable(string? text) =>
        string.Concat((text ?? "").Where(c => !char.IsWhiteSpace(c) && c is not ('·' or '.' or '-'))).ToUpperInvariant();

    /// <summary>The query a request asks for; a page before the first, a page size out of range or too long a text is refused naming its field.</summary>
    public static Outcome<ResidentQuery> Parse(string? q, int? page, int? pageSize)
    {
        if (page is < 1)
        {
            return DomainError.Invalid("page", "page-out-of-range", "page counts from 1.");
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            return DomainError.Invalid("pageSize", "page-size-out-of-range", $"pageSize must be between 1 and {MaxPageSize}.");
        }

        var text = Searchable(q);
        if (text.Length > MaxText)
        {
            return DomainError.Invalid("q", "query-too-long", $"Search for at most {MaxText} characters (part of a name, a unit or a plate).");
        }

        return new ResidentQuery(text, page ?? 1, pageSize ?? DefaultPageSize);
    }

    /// <summary>Whether a search text (already <see cref="Searchable"/>) finds the resident: by name, household, unit or any plate.</summary>
    public static bool Matches(string text, ResidentEntry entry)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(entry);
        return text.Length == 0
            || Contains(entry.DisplayName, text)
            || Contains(entry.HouseholdId, text)
            || Contains(entry.Unit, text)
            || entry.Plates.Any(p => Contains(p, text));
    }

    public bool Matches(ResidentEntry entry) => Matches(Text, entry);

    /// <summary>
    /// The wanted page of what was found, ordered by unit (the household where a unit is unknown), then name, then person
    /// id, so a resident keeps their place from one page to the next. A page past the last is empty.
    /// </summary>
    public ResidentPage PageOf(IEnumerable<ResidentEntry> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        var ordered = found
            .OrderBy(e => e.Unit ?? e.HouseholdId ?? "", StringComparer.Ordinal)
            .ThenBy(e => e.DisplayName, StringComparer.Ordinal)
            .ThenBy(e => e.PersonId, StringComparer.Ordinal)
            .ToList();
        var skip = (long)(Page - 1) * PageSize;
        IReadOnlyList<ResidentEntry> items = skip >= ordered.Count ? [] : [.. ordered.Skip((int)skip).Take(PageSize)];
        return new ResidentPage(ordered.Count, Page, PageSize, items);
    }

    private static bool Contains(string? field, string text) =>
        field is not null && Searchable(field).Contains(text, StringComparison.Ordinal);
}
