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
/// What one part of the index (a bucket) found for a search: how many it holds that match, and the first of them in the
/// order staff read them, as many as the wanted page can need from any one part (see <see cref="ResidentQuery.Wanted"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ResidentPart([Id(0)] int Count, [Id(1)] IReadOnlyList<ResidentEntry> First);

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

    /// <summary>
    /// How many of the first matching residents any one part of the index must give for this page: every row up to the
    /// page's last may come from the same part. A page past <see cref="int.MaxValue"/> rows asks for all.
    /// </summary>
    public int Wanted => (int)Math.Min(int.MaxValue, (long)Page * PageSize);

    /// <summary>
    /// The order staff read residents in: by unit (the household where a unit is unknown), then name, then person id, so a
    /// resident keeps their place from one page to the next.
    /// </summary>
    public static IComparer<ResidentEntry> Order { get; } = Comparer<ResidentEntry>.Create(static (a, b) =>
    {
        var byUnit = string.CompareOrdinal(a.Unit ?? a.HouseholdId ?? "", b.Unit ?? b.HouseholdId ?? "");
        if (byUnit != 0)
        {
            return byUnit;
        }

        var byName = string.CompareOrdinal(a.DisplayName, b.DisplayName);
        return byName != 0 ? byName : string.CompareOrdinal(a.PersonId, b.PersonId);
    });

    /// <summary>
    /// What a search looks in: the name, household, unit and each plate, each <see cref="Searchable"/>, one per line. A
    /// search text never holds a line break (<see cref="Searchable"/> drops white space), so it is found in the key
    /// exactly when one of those fields holds it. A part of the index keeps each entry's key, so a search compares
    /// without writing a string per field.
    /// </summary>
    public static string SearchKey(ResidentEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return string.Join('\n', new[] { entry.DisplayName, entry.HouseholdId, entry.Unit }.Concat(entry.Plates).OfType<string>().Select(Searchable));
    }

    /// <summary>Whether a search text (already <see cref="Searchable"/>) finds the resident: by name, household, unit or any plate.</summary>
    public static bool Matches(string text, ResidentEntry entry) => Matches(text, SearchKey(entry));

    /// <summary>Whether a search text (already <see cref="Searchable"/>) finds the resident whose <see cref="SearchKey"/> this is; empty finds everyone.</summary>
    public static bool Matches(string text, string searchKey)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(searchKey);
        return text.Length == 0 || searchKey.Contains(text, StringComparison.Ordinal);
    }

    public bool Matches(ResidentEntry entry) => Matches(Text, entry);

    /// <summary>
    /// What a part of the index holding <paramref name="ordered"/> (in <see cref="Order"/>, each with its
    /// <see cref="SearchKey"/>) finds for a search text: how many match and the first <paramref name="wanted"/> of them.
    /// </summary>
    public static ResidentPart PartOf(string text, int wanted, IReadOnlyList<(ResidentEntry Entry, string Key)> ordered)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        return PartOf(text, wanted, [.. ordered.Select(o => o.Entry)], [.. ordered.Select(o => o.Key)]);
    }

    /// <summary>
    /// What a part of the index holding <paramref name="ordered"/> (in <see cref="Order"/>; <paramref name="keys"/> their
    /// <see cref="SearchKey"/>s, in the same order) finds for a search text: how many match and the first
    /// <paramref name="wanted"/> of them. When everyone is wanted and every entry is, the part's own array is given as it
    /// is, not copied: a deep page of everyone wants each part whole. The caller must never change the array afterwards.
    /// </summary>
    public static ResidentPart PartOf(string text, int wanted, ResidentEntry[] ordered, string[] keys)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(ordered);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Length != ordered.Length)
        {
            throw new ArgumentException("One search key per entry.", nameof(keys));
        }

        wanted = Math.Max(wanted, 0);
        if (text.Length == 0)
        {
            return new ResidentPart(ordered.Length, wanted >= ordered.Length ? ordered : ordered[..wanted]);
        }

        var first = new List<ResidentEntry>(Math.Min(wanted, ordered.Length));
        var count = 0;
        for (var i = 0; i < ordered.Length; i++)
        {
            if (Matches(text, keys[i]))
            {
                if (count < wanted)
                {
                    first.Add(ordered[i]);
                }

                count++;
            }
        }

        return new ResidentPart(count, first);
    }

    /// <summary>The wanted page of what was found (in any order), ordered as <see cref="Order"/> says. A page past the last is empty.</summary>
    public ResidentPage PageOf(IEnumerable<ResidentEntry> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        var ordered = found.Order(Order).ToList();
        return PageOf([new ResidentPart(ordered.Count, ordered)]);
    }

    /// <summary>
    /// The wanted page of what the parts of the index found, each part giving its count and its first
    /// <see cref="Wanted"/> matches in <see cref="Order"/>: the rows before the page are skipped without being walked
    /// (<see cref="RowsBefore"/>), then the parts are merged in that order for the page's rows only. A page past the last
    /// is empty and keeps the total.
    /// </summary>
    public ResidentPage PageOf(IReadOnlyList<ResidentPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var total = parts.Sum(p => p.Count);
        var skip = (long)(Page - 1) * PageSize;
        if (skip >= total)
        {
            return new ResidentPage(total, Page, PageSize, []);
        }

        var at = RowsBefore(parts, (int)skip);
        var heads = new PriorityQueue<(int Part, int At), ResidentEntry>(parts.Count, Order);
        for (var p = 0; p < parts.Count; p++)
        {
            if (at[p] < parts[p].First.Count)
            {
                heads.Enqueue((p, at[p]), parts[p].First[at[p]]);
            }
        }

        var items = new List<ResidentEntry>(Math.Min(PageSize, total - (int)skip));
        while (items.Count < PageSize && heads.TryDequeue(out var head, out var entry))
        {
            items.Add(entry);
            var next = parts[head.Part].First;
            if (head.At + 1 < next.Count)
            {
                heads.Enqueue((head.Part, head.At + 1), next[head.At + 1]);
            }
        }

        return new ResidentPage(total, Page, PageSize, items);
    }

    /// <summary>
    /// How many of each part's rows come before row <paramref name="skip"/> of all the parts merged in
    /// <see cref="Order"/> (the rows sum to <paramref name="skip"/>), found by counting rather than merging: each part's
    /// rows still undecided form a range; the middle row of the range a weighted median picks is counted against every
    /// range by binary search, and the rows on the side that the count settles leave their ranges, at least a quarter of
    /// those undecided each time. Some 15 rounds of 64 binary searches for Kangcheng's deepest page, where a merge walked
    /// 14,000 rows. Each part's rows must be in <see cref="Order"/> and hold at least its first <paramref name="skip"/>.
    /// </summary>
    public static int[] RowsBefore(IReadOnlyList<ResidentPart> parts, int skip)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var lo = new int[parts.Count];
        var hi = new int[parts.Count];
        for (var p = 0; p < parts.Count; p++)
        {
            hi[p] = Math.Min(parts[p].First.Count, skip);
        }

        // Rows before lo[p] are known to come before row `skip`, rows from hi[p] on are known not to; `need` more are to be found between.
        var need = skip;
        var middles = new List<(ResidentEntry Row, int Weight)>(parts.Count);
        var below = new int[parts.Count];
        var upTo = new int[parts.Count];
        while (need > 0)
        {
            middles.Clear();
            var open = 0L;
            for (var p = 0; p < parts.Count; p++)
            {
                if (lo[p] < hi[p])
                {
                    middles.Add((parts[p].First[lo[p] + ((hi[p] - lo[p]) / 2)], hi[p] - lo[p]));
                    open += hi[p] - lo[p];
                }
            }

            if (open <= need)
            {
                // Every undecided row comes before (open < need cannot happen when each part holds its first `skip` rows).
                return hi;
            }

            middles.Sort((a, b) => Order.Compare(a.Row, b.Row));
            var pivot = middles[^1].Row;
            var weight = 0L;
            foreach (var (row, w) in middles)
            {
                weight += w;
                if (2 * weight >= open)
                {
                    pivot = row;
                    break;
                }
            }

            long belowAll = 0, upToAll = 0;
            for (var p = 0; p < parts.Count; p++)
            {
                below[p] = CountBefore(parts[p].First, lo[p], hi[p], pivot, orEqual: false);
                upTo[p] = CountBefore(parts[p].First, lo[p] + below[p], hi[p], pivot, orEqual: true) + below[p];
                belowAll += below[p];
                upToAll += upTo[p];
            }

            if (upToAll <= need)
            {
                // The pivot and every row before it come before row `skip`.
                for (var p = 0; p < parts.Count; p++)
                {
                    lo[p] += upTo[p];
                }

                need -= (int)upToAll;
            }
            else if (belowAll >= need)
            {
                // More than `need` rows reach the pivot: it and every row after it do not come before row `skip`.
                for (var p = 0; p < parts.Count; p++)
                {
                    hi[p] = lo[p] + below[p];
                }
            }
            else
            {
                // Rows equal to the pivot in Order (two entries of one person, which an index never holds) straddle row
                // `skip`: the rows before the pivot come before, then as many of the equal rows as are still needed.
                for (var p = 0; p < parts.Count; p++)
                {
                    var taken = Math.Min(upTo[p] - below[p], need - (int)belowAll);
                    lo[p] += below[p] + taken;
                    belowAll += taken;
                }

                return lo;
            }
        }

        return lo;
    }

    /// <summary>How many rows of <paramref name="rows"/>[from..to) (in <see cref="Order"/>) come before <paramref name="pivot"/>, or are equal to it too.</summary>
    private static int CountBefore(IReadOnlyList<ResidentEntry> rows, int from, int to, ResidentEntry pivot, bool orEqual)
    {
        var start = from;
        while (from < to)
        {
            var middle = from + ((to - from) / 2);
            var order = Order.Compare(rows[middle], pivot);
            if (order < 0 || (orEqual && order == 0))
            {
                from = middle + 1;
            }
            else
            {
                to = middle;
            }
        }

        return from - start;
    }
}
