using Parking.Domain.Membership;
using Xunit;

namespace Parking.Domain.Tests.Membership;

/// <summary>The residents search: what it refuses, whom it finds, in which order and which page.</summary>
public class ResidentQueryTests
{
    private static ResidentQuery Query(string? q = null, int? page = null, int? pageSize = null) =>
        ResidentQuery.Parse(q, page, pageSize).Value!;

    private static readonly ResidentEntry Wang = new("p-wang", "Wang Fang", "H-12-0301", "B12", ["沪A12345"], "12-0301");
    private static readonly ResidentEntry Li = new("p-li", "Li Lei", "H-03-0101", "B03", [], "3-0101");
    private static readonly ResidentEntry NoUnit = new("p-zhao", "Zhao Min", "H-99", null, ["沪AD12345"]);

    [Theory]
    [InlineData(null, 0, null, "page", "page-out-of-range")]
    [InlineData(null, -3, null, "page", "page-out-of-range")]
    [InlineData(null, null, 0, "pageSize", "page-size-out-of-range")]
    [InlineData(null, null, 201, "pageSize", "page-size-out-of-range")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijk", null, null, "q", "query-too-long")]
    public void Bad_input_is_refused_naming_its_field(string? q, int? page, int? pageSize, string field, string code)
    {
        var parsed = ResidentQuery.Parse(q, page, pageSize);

        Assert.Null(parsed.Value);
        Assert.Equal((field, code), (parsed.Error!.Field, parsed.Error.Code));
    }

    [Fact]
    public void Spaces_and_the_dots_in_a_plate_do_not_count_towards_the_length_and_defaults_fill_the_rest()
    {
        var query = Query("沪A·12345 " + new string(' ', 40));

        Assert.Equal(("沪A12345", 1, ResidentQuery.DefaultPageSize), (query.Text, query.Page, query.PageSize));
        Assert.Equal(40, Query(new string('x', 40)).Text.Length);
    }

    [Theory]
    [InlineData("wang fang", "p-wang")]
    [InlineData("12-03", "p-wang")]
    [InlineData("120301", "p-wang")]
    [InlineData("h-03", "p-li")]
    [InlineData("3-0101", "p-li")]
    [InlineData("沪a·123", "p-wang")]
    [InlineData("12345", "p-wang,p-zhao")]
    [InlineData("ad1", "p-zhao")]
    [InlineData("h-99", "p-zhao")]
    [InlineData("nobody", "")]
    public void A_resident_is_found_by_part_of_their_name_household_unit_or_plate(string q, string expected)
    {
        var query = Query(q);

        var found = new[] { Wang, Li, NoUnit }.Where(query.Matches).Select(e => e.PersonId).Order(StringComparer.Ordinal);

        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), found);
    }

    [Fact]
    public void An_empty_search_finds_everyone()
    {
        Assert.All(new[] { Wang, Li, NoUnit }, e => Assert.True(Query("  ").Matches(e)));
    }

    [Fact]
    public void Rows_are_ordered_by_unit_or_household_then_name_then_person_and_paged()
    {
        var sameUnit = Wang with { PersonId = "p-wang-2", DisplayName = "Chen Jie" };
        var twin = sameUnit with { PersonId = "p-wang-0" };
        var found = new[] { NoUnit, Wang, Li, sameUnit, twin };

        var all = Query(pageSize: 200).PageOf(found);
        Assert.Equal(["p-wang-0", "p-wang-2", "p-wang", "p-li", "p-zhao"], all.Items.Select(e => e.PersonId));

        var second = Query(page: 2, pageSize: 2).PageOf(found);
        Assert.Equal((5, 2, 2), (second.Total, second.Page, second.PageSize));
        Assert.Equal(["p-wang", "p-li"], second.Items.Select(e => e.PersonId));
        Assert.Equal(["p-zhao"], Query(page: 3, pageSize: 2).PageOf(found).Items.Select(e => e.PersonId));
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(int.MaxValue, 200)]
    [InlineData(int.MaxValue / 2, 3)]
    [InlineData(33_554_433, 128)] // (page - 1) x pageSize is exactly 2^32: in 32 bits the skip would wrap to 0 and show page 1
    public void A_page_past_the_last_is_empty_and_keeps_the_total(int page, int pageSize)
    {
        var past = Query(page: page, pageSize: pageSize).PageOf([Wang, Li, NoUnit]);

        Assert.Empty(past.Items);
        Assert.Equal((3, page), (past.Total, past.Page));
    }

    [Fact]
    public void A_search_text_is_not_found_across_two_fields()
    {
        Assert.True(Query("fang").Matches(Wang));
        Assert.True(Query("h12").Matches(Wang));
        Assert.False(Query("fangh12").Matches(Wang));
        Assert.False(Query("0301沪a").Matches(Wang));
    }

    [Fact]
    public void A_part_counts_every_match_and_gives_only_the_first_wanted_in_order()
    {
        var ordered = new[] { Wang, Li, NoUnit }.Select(e => (e, ResidentQuery.SearchKey(e))).ToList();

        var part = ResidentQuery.PartOf("", 2, ordered);
        Assert.Equal(3, part.Count);
        Assert.Equal(["p-wang", "p-li"], part.First.Select(e => e.PersonId));

        var plates = ResidentQuery.PartOf("12345", 1, ordered);
        Assert.Equal(2, plates.Count);
        Assert.Equal(["p-wang"], plates.First.Select(e => e.PersonId));
        Assert.Equal(0, ResidentQuery.PartOf("nobody", 5, ordered).Count);
    }

    /// <summary>
    /// What the buckets give, merged, is the page one sort of everyone found gives (the order written out here as the
    /// search had it before buckets gave parts): for every page of several sizes and several texts.
    /// </summary>
    [Theory]
    [InlineData("", 1)]
    [InlineData("", 7)]
    [InlineData("", 50)]
    [InlineData("1", 3)]
    [InlineData("WANG", 4)]
    [InlineData("沪A", 10)]
    public void Parts_merged_give_the_page_one_sort_of_everything_found_gives(string text, int pageSize)
    {
        var random = new Random(13);
        string[] names = ["Wang Fang", "Li Lei", "Zhao Min", "Chen Jie", "Wang Wei"];
        var everyone = Enumerable.Range(0, 120).Select(i => new ResidentEntry(
            $"p-{random.Next(1000):D3}-{i}",
            names[random.Next(names.Length)],
            $"H-{random.Next(30):D2}",
            null,
            random.Next(3) == 0 ? [] : [$"沪A{random.Next(100000):D5}"],
            random.Next(4) == 0 ? null : $"{random.Next(1, 9)}-0{random.Next(1, 4)}01")).ToList();
        var buckets = everyone.GroupBy(e => StableBuckets.Of(e.PersonId, 7))
            .Select(b => b.Order(ResidentQuery.Order).Select(e => (e, ResidentQuery.SearchKey(e))).ToList())
            .ToList();
        var expected = everyone.Where(e => ResidentQuery.Matches(text, e))
            .OrderBy(e => e.Unit ?? e.HouseholdId ?? "", StringComparer.Ordinal)
            .ThenBy(e => e.DisplayName, StringComparer.Ordinal)
            .ThenBy(e => e.PersonId, StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(expected);

        for (var page = 1; page <= (expected.Count / pageSize) + 2; page++)
        {
            var query = Query(text, page, pageSize);
            var merged = query.PageOf(buckets.Select(b => ResidentQuery.PartOf(query.Text, query.Wanted, b)).ToList());

            Assert.Equal(expected.Count, merged.Total);
            Assert.Equal(expected.Skip((page - 1) * pageSize).Take(pageSize).Select(e => e.PersonId), merged.Items.Select(e => e.PersonId));
        }
    }

    /// <summary>Entries in one sort of everything, as the search had it before buckets gave parts.</summary>
    private static List<ResidentEntry> SortedOnce(IEnumerable<ResidentEntry> entries) =>
        [.. entries.OrderBy(e => e.Unit ?? e.HouseholdId ?? "", StringComparer.Ordinal)
            .ThenBy(e => e.DisplayName, StringComparer.Ordinal)
            .ThenBy(e => e.PersonId, StringComparer.Ordinal)];

    /// <summary>Residents two to a household and 50 households to a building, whose units order them by building.</summary>
    private static List<ResidentEntry> Residents(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => new ResidentEntry(
            $"p-{i:D5}", $"Name {random.Next(500):D3}", $"H-{i / 2:D5}", null, [], $"{(i / 2) / 50 + 1}-{(i / 2) % 50:D4}"))];
    }

    /// <summary>Each group in order with its search keys, as a bucket keeps them.</summary>
    private static List<(ResidentEntry[] Rows, string[] Keys)> Buckets(IEnumerable<IGrouping<int, ResidentEntry>> groups) =>
        [.. groups.Select(g => g.Order(ResidentQuery.Order).ToArray()).Select(rows => (rows, Array.ConvertAll(rows, ResidentQuery.SearchKey)))];

    private static List<ResidentPart> PartsOf(List<(ResidentEntry[] Rows, string[] Keys)> buckets, ResidentQuery query) =>
        [.. buckets.Select(b => ResidentQuery.PartOf(query.Text, query.Wanted, b.Rows, b.Keys))];

    /// <summary>
    /// The rows skipped before a page are exactly the first rows of one sort of everything, for every skip: a count one
    /// row off in any part (or a part's rows taken from the wrong end) fails here, spread as the buckets spread people or
    /// skewed so that whole buildings (runs of hundreds of rows) come from one part.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_rows_before_a_page_are_the_first_rows_of_one_sort_for_every_skip(bool skewed)
    {
        var everyone = Residents(1_200, 7);
        var sorted = SortedOnce(everyone);
        var groups = skewed
            ? everyone.GroupBy(e => int.Parse(e.Unit![..e.Unit!.IndexOf('-', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture) % 9 == 0 ? 0 : StableBuckets.Of(e.PersonId, 5) + 1)
            : everyone.GroupBy(e => StableBuckets.Of(e.PersonId, 64));
        var parts = PartsOf(Buckets(groups), Query(page: 200, pageSize: 200));
        var rank = sorted.Select((e, i) => (e.PersonId, i)).ToDictionary(r => r.PersonId, r => r.i, StringComparer.Ordinal);

        for (var skip = 0; skip <= everyone.Count; skip++)
        {
            var before = ResidentQuery.RowsBefore(parts, skip);

            Assert.Equal(skip, before.Sum());
            for (var p = 0; p < parts.Count; p++)
            {
                var rows = parts[p].First;
                Assert.True(before[p] == 0 || rank[rows[before[p] - 1].PersonId] < skip, $"skip {skip}: part {p} skips a row after it");
                Assert.True(before[p] == rows.Count || rank[rows[before[p]].PersonId] >= skip, $"skip {skip}: part {p} keeps a row before it");
            }
        }
    }

    /// <summary>
    /// At Kangcheng's size (14,000 residents in 64 parts), every page of 50 of everyone and of a text found on many is the
    /// page one sort of everything gives, down to the last (partly filled) page and the empty one after it.
    /// </summary>
    [Theory]
    [InlineData("", 50)]
    [InlineData("", 200)]
    [InlineData("NAME1", 50)]
    [InlineData("NAME0", 13)]
    public void Every_page_at_Kangcheng_size_is_the_page_one_sort_gives(string text, int pageSize)
    {
        var everyone = Residents(14_000, 13);
        var expected = SortedOnce(everyone.Where(e => ResidentQuery.Matches(ResidentQuery.Searchable(text), e)));
        var buckets = Buckets(everyone.GroupBy(e => StableBuckets.Of(e.PersonId, 64)));
        Assert.True(expected.Count > 1_000);

        for (var page = 1; page <= (expected.Count / pageSize) + 2; page++)
        {
            var query = Query(text, page, pageSize);
            var merged = query.PageOf(PartsOf(buckets, query));

            Assert.Equal(expected.Count, merged.Total);
            Assert.Equal(expected.Skip((page - 1) * pageSize).Take(pageSize).Select(e => e.PersonId), merged.Items.Select(e => e.PersonId));
        }
    }

    /// <summary>A part asked for at least all its rows of everyone gives its own array (nothing copied); asked for fewer, only the first, in order.</summary>
    [Fact]
    public void A_part_of_everyone_wanted_whole_is_given_as_it_is_and_otherwise_only_its_first_rows()
    {
        var rows = new[] { Wang, Li, NoUnit }.Order(ResidentQuery.Order).ToArray();
        var keys = Array.ConvertAll(rows, ResidentQuery.SearchKey);

        Assert.Same(rows, ResidentQuery.PartOf("", 3, rows, keys).First);
        Assert.Same(rows, ResidentQuery.PartOf("", int.MaxValue, rows, keys).First);
        var two = ResidentQuery.PartOf("", 2, rows, keys);
        Assert.Equal(3, two.Count);
        Assert.Equal(rows.Take(2), two.First);
        Assert.Empty(ResidentQuery.PartOf("", 0, rows, keys).First);
        Assert.Equal(["p-wang", "p-zhao"], ResidentQuery.PartOf("12345", 5, rows, keys).First.Select(e => e.PersonId).Order(StringComparer.Ordinal));
    }
}
