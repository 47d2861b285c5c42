using Parking.Domain.CompoundFiles;
using Parking.Domain.Layout;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Domain.Tests.CompoundFiles;

/// <summary>A space's out-of-service state in the compound file: read, checked, exported and diffed.</summary>
public class SpaceServiceFileTests
{
    private static CompoundFile Small() => DemoCompoundGenerator.GenerateFile(DemoCompoundSize.Small);

    private static CompoundFile WithService(CompoundFile file, Dictionary<string, bool> service) =>
        file with { Spaces = [.. file.Spaces.Select(s => service.TryGetValue(s.Id, out var o) ? s with { OutOfService = o } : s)] };

    private static IReadOnlyList<string> ProblemsOf(string json, Func<string, string?>? siblings = null)
    {
        var read = CompoundFileReader.Read(json, siblings);
        var problems = read.Problems.ToList();
        if (read.File is not null)
        {
            problems.AddRange(CompoundFileRules.Validate(read.File));
        }

        return [.. problems.Select(p => p.ToString())];
    }

    [Fact]
    public void A_space_out_of_service_and_one_back_in_service_go_through_the_file_and_others_say_nothing()
    {
        var file = Small();
        var (blocked, reopened) = (file.Spaces[3].Id, file.Spaces[4].Id);
        var text = CompoundFileReader.Write(WithService(file, new Dictionary<string, bool> { [blocked] = true, [reopened] = false }));

        var read = CompoundFileReader.Read(text);
        Assert.True(read.IsSuccess, string.Join("; ", read.Problems));
        Assert.Empty(CompoundFileRules.Validate(read.File!));
        var layout = CompoundFileMapping.ToLayout(read.File!);

        Assert.Equal(new Dictionary<string, bool> { [blocked] = true, [reopened] = false }, layout.SpaceService);
        Assert.Equal(text, CompoundFileReader.Write(CompoundFileMapping.FromLayout(layout)));
        Assert.Equal(1, CountOf(text, "\"outOfService\":true"));
        Assert.Equal(1, CountOf(text, "\"outOfService\":false"));

        // A file that does not speak of service (as every file before this field) asks nothing of any space.
        Assert.Empty(CompoundFileMapping.ToLayout(Small()).SpaceService);
        Assert.DoesNotContain("outOfService", CompoundFileReader.Write(Small()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"yes\"")]
    [InlineData("1")]
    [InlineData("null")]
    public void A_service_that_is_not_true_or_false_is_refused_at_its_place_and_nothing_is_read(string value)
    {
        var file = Small();
        var text = CompoundFileReader.Write(file);
        var space = $"\"id\":\"{file.Spaces[7].Id}\",";
        Assert.Contains(space, text, StringComparison.Ordinal);
        var bad = text.Replace(space, space + $"\"outOfService\":{value},", StringComparison.Ordinal);

        var read = CompoundFileReader.Read(bad);

        Assert.Null(read.File);
        Assert.Contains(read.Problems, p => p.Place == "spaces[7].outOfService");
    }

    [Fact]
    public void Spaces_from_csv_may_carry_the_service_column_and_a_bad_value_names_its_line_and_column()
    {
        var file = Small();
        var (blocked, reopened) = (file.Spaces[0].Id, file.Spaces[1].Id);
        var csvFile = file with { Spaces = [], SpacesCsv = "spaces.csv" };
        var csv = CompoundFileReader.WriteSpacesCsv(WithService(file, new Dictionary<string, bool> { [blocked] = true, [reopened] = false }).Spaces);
        Assert.StartsWith(CompoundFileReader.SpacesCsvHeaderWithService + "\n", csv, StringComparison.Ordinal);

        var read = CompoundFileReader.Read(CompoundFileReader.Write(csvFile), name => name == "spaces.csv" ? csv : null);
        Assert.True(read.IsSuccess, string.Join("; ", read.Problems));
        Assert.Equal(new Dictionary<string, bool> { [blocked] = true, [reopened] = false }, CompoundFileMapping.ToLayout(read.File!).SpaceService);

        // The old header, without the column, still reads: every space as it is live.
        var plain = CompoundFileReader.WriteSpacesCsv(file.Spaces);
        Assert.StartsWith(CompoundFileReader.SpacesCsvHeader + "\n", plain, StringComparison.Ordinal);
        Assert.Empty(ProblemsOf(CompoundFileReader.Write(csvFile), name => name == "spaces.csv" ? plain : null));

        var lines = csv.Split('\n');
        lines[3] = lines[3][..lines[3].LastIndexOf(',')] + ",maybe";
        var problems = ProblemsOf(CompoundFileReader.Write(csvFile), name => name == "spaces.csv" ? string.Join('\n', lines) : null);
        Assert.Contains("spaces.csv line 4 (outOfService): 'maybe' is not true or false (leave it empty to keep the space as it is live)", problems);
    }

    [Fact]
    public void An_export_marks_the_spaces_out_of_service_now_and_not_what_the_last_file_said()
    {
        var layout = CompoundFileMapping.ToLayout(WithService(Small(), new Dictionary<string, bool> { ["G1-001"] = true, ["G1-002"] = false }));

        var file = CompoundExport.ToFile(layout, new Dictionary<string, double>(), [], ["G1-003", "T1-005", "nowhere"]);

        Assert.Equal(
            new[] { ("G1-003", true), ("T1-005", true) },
            file.Spaces.Where(s => s.OutOfService is not null).Select(s => (s.Id, s.OutOfService!.Value)));
        var back = CompoundFileMapping.ToLayout(CompoundFileReader.Read(CompoundFileReader.Write(file)).File!);
        Assert.Equal(new Dictionary<string, bool> { ["G1-003"] = true, ["T1-005"] = true }, back.SpaceService);
        Assert.DoesNotContain("outOfService", CompoundFileReader.Write(CompoundExport.ToFile(layout, new Dictionary<string, double>(), [])), StringComparison.Ordinal);
    }

    [Fact]
    public void A_reimport_takes_out_of_service_or_back_only_what_is_not_so_already()
    {
        var live = CompoundFileMapping.ToLayout(Small());
        var file = WithService(Small(), new Dictionary<string, bool> { ["G1-001"] = true, ["G1-002"] = true, ["G1-003"] = false, ["G1-004"] = false });
        var after = CompoundFileMapping.ToLayout(file);

        var diff = LayoutDiff.Between(live, after, new HashSet<string>(StringComparer.Ordinal) { "G1-002", "G1-003" });

        Assert.Equal(["G1-001"], diff.SpacesOutOfService.Select(s => s.SpaceId));
        Assert.Equal(["G1-003"], diff.SpacesBackInService.Select(s => s.SpaceId));
        Assert.False(diff.IsEmpty);
        Assert.Empty(diff.SpacesChanged);
        Assert.Empty(diff.SpacesRedrawn);

        // Exported as it is live and imported again: nothing to do.
        var same = CompoundFileMapping.ToLayout(WithService(Small(), new Dictionary<string, bool> { ["G1-001"] = true }));
        Assert.True(LayoutDiff.Between(live, same, new HashSet<string>(StringComparer.Ordinal) { "G1-001" }).IsEmpty);

        // A new compound: every space the file blocks goes out of service.
        Assert.Equal(["G1-001", "G1-002"], LayoutDiff.Between(null, after).SpacesOutOfService.Select(s => s.SpaceId));
    }

    [Fact]
    public void A_space_an_earlier_file_removed_comes_back_in_service_when_a_file_adds_it_again_unless_it_says_otherwise()
    {
        // The live layout without G1-005 (an earlier file removed it, which left the space blocked).
        var small = Small();
        var live = CompoundFileMapping.ToLayout(small with { Spaces = [.. small.Spaces.Where(s => s.Id != "G1-005")] });
        var blocked = new HashSet<string>(StringComparer.Ordinal) { "G1-005" };

        var diff = LayoutDiff.Between(live, CompoundFileMapping.ToLayout(small), blocked);

        Assert.Equal(["G1-005"], diff.SpacesAdded.Select(s => s.SpaceId));
        Assert.Equal(["G1-005"], diff.SpacesBackInService.Select(s => s.SpaceId));
        Assert.Empty(diff.SpacesOutOfService);

        // Added back with outOfService true: it stays blocked, so nothing changes its service.
        var stillBlocked = LayoutDiff.Between(live, CompoundFileMapping.ToLayout(WithService(small, new Dictionary<string, bool> { ["G1-005"] = true })), blocked);
        Assert.Empty(stillBlocked.SpacesBackInService);
        Assert.Empty(stillBlocked.SpacesOutOfService);

        // A space the live layout has and the file does not name keeps whatever state it has.
        var kept = LayoutDiff.Between(live, CompoundFileMapping.ToLayout(small), new HashSet<string>(StringComparer.Ordinal) { "G1-005", "G1-006" });
        Assert.DoesNotContain(kept.SpacesBackInService, s => s.SpaceId == "G1-006");
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
