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
    public void A_page_past_the_last_is_empty_and_keeps_the_total(int page, int pageSize)
    {
        var past = Query(page: page, pageSize: pageSize).PageOf([Wang, Li, NoUnit]);

        Assert.Empty(past.Items);
        Assert.Equal((3, page), (past.Total, past.Page));
    }
}
