using System.Text.Json;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Layout;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Domain.Tests.CompoundFiles;

public class CompoundFileTests
{
    private static readonly JsonSerializerOptions Compare = new(JsonSerializerDefaults.Web);

    private static CompoundFile Small() => DemoCompoundGenerator.GenerateFile(DemoCompoundSize.Small);

    /// <summary>Writes the file as text and reads it back, so every test goes through the schema as an import does.</summary>
    private static IReadOnlyList<string> ProblemsOf(CompoundFile file, Func<string, string?>? siblings = null)
    {
        var read = CompoundFileReader.Read(CompoundFileReader.Write(file), siblings);
        var problems = read.Problems.ToList();
        if (read.File is not null)
        {
            problems.AddRange(CompoundFileRules.Validate(read.File));
        }

        return [.. problems.Select(p => p.ToString())];
    }

    [Theory]
    [InlineData(DemoCompoundSize.Small)]
    [InlineData(DemoCompoundSize.Chengshangcheng)]
    public void The_demo_compound_file_imports_to_the_same_layout(DemoCompoundSize size)
    {
        var layout = DemoCompoundGenerator.Generate(size);
        var text = CompoundFileReader.Write(DemoCompoundGenerator.GenerateFile(size));

        var read = CompoundFileReader.Read(text);
        Assert.Empty(read.Problems);
        Assert.Empty(CompoundFileRules.Validate(read.File!));
        var imported = CompoundFileMapping.ToLayout(read.File!);

        Assert.Equal(JsonSerializer.Serialize(layout, Compare), JsonSerializer.Serialize(imported, Compare));
    }

    [Fact]
    public void The_published_example_is_the_small_demo_and_is_valid()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "examples", "compound-small.json");
        var text = File.ReadAllText(path);
        var read = CompoundFileReader.Read(text);
        Assert.Empty(read.Problems);
        Assert.Empty(CompoundFileRules.Validate(read.File!));
        Assert.Equal(CompoundFileReader.Write(Small(), indented: true).ReplaceLineEndings(), text.ReplaceLineEndings().TrimEnd());
    }

    [Fact]
    public void The_embedded_schema_is_the_published_one()
    {
        var published = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "compound-file.schema.json"));
        Assert.Equal(published, CompoundFileReader.SchemaText);
    }

    [Fact]
    public void A_dangling_lot_names_the_space_and_the_lot()
    {
        var file = Small();
        file = file with { Spaces = [.. file.Spaces.Select((s, i) => i == 12 ? s with { LotId = "G9" } : s)] };
        Assert.Contains("spaces[12].lotId: no lot 'G9'", ProblemsOf(file));
    }

    [Fact]
    public void A_duplicate_space_id_names_both_places()
    {
        var file = Small();
        file = file with { Spaces = [.. file.Spaces.Select((s, i) => i == 5 ? s with { Id = file.Spaces[2].Id } : s)] };
        Assert.Contains($"spaces[5].id: duplicate id '{file.Spaces[2].Id}' (first at spaces[2].id)", ProblemsOf(file));
    }

    [Fact]
    public void A_duplicate_household_id_is_refused()
    {
        var file = Small();
        file = file with { Households = [.. file.Households, file.Households[0] with { Unit = "B01-999" }] };
        Assert.Contains($"households[60].id: duplicate id '{file.Households[0].Id}' (first at households[0].id)", ProblemsOf(file));
    }

    [Fact]
    public void A_household_in_a_missing_building_is_refused()
    {
        var file = Small();
        file = file with { Households = [.. file.Households.Select((h, i) => i == 7 ? h with { BuildingId = "B77" } : h)] };
        Assert.Contains("households[7].buildingId: no building 'B77'", ProblemsOf(file));
    }

    [Fact]
    public void A_private_space_owned_by_a_missing_household_is_refused()
    {
        var file = Small();
        var index = file.Spaces.ToList().FindIndex(s => s.Ownership == "private");
        file = file with { Spaces = [.. file.Spaces.Select((s, i) => i == index ? s with { OwnerHouseholdId = "H99999" } : s)] };
        Assert.Contains($"spaces[{index}].ownerHouseholdId: no household 'H99999'", ProblemsOf(file));
    }

    [Fact]
    public void A_private_space_without_an_owner_is_refused()
    {
        var file = Small();
        var index = file.Spaces.ToList().FindIndex(s => s.Ownership == "private");
        file = file with { Spaces = [.. file.Spaces.Select((s, i) => i == index ? s with { OwnerHouseholdId = null } : s)] };
        Assert.Contains($"spaces[{index}].ownerHouseholdId: a private space needs the household that owns it", ProblemsOf(file));
    }

    [Fact]
    public void A_space_outside_its_lot_is_refused()
    {
        var file = Small();
        file = file with { Spaces = [.. file.Spaces.Select((s, i) => i == 3 ? s with { Position = new Point(900, 900) } : s)] };
        Assert.Contains($"spaces[3].position: [900, 900] is outside the outline of lot '{file.Spaces[3].LotId}'", ProblemsOf(file));
    }

    [Fact]
    public void A_charger_on_a_space_that_is_not_ev_is_refused()
    {
        var file = Small();
        var standard = file.Spaces.First(s => s.Kind == "standard" && s.LotId == file.ChargingAreas[0].LotId);
        var area = file.ChargingAreas[0];
        area = area with { Chargers = [.. area.Chargers.Select((c, i) => i == 1 ? c with { SpaceIds = [standard.Id] } : c)] };
        file = file with { ChargingAreas = [area] };
        Assert.Contains($"chargingAreas[0].chargers[1].spaceIds[0]: space '{standard.Id}' is standard, not ev: a charger needs an EV space", ProblemsOf(file));
    }

    [Fact]
    public void A_feed_smaller_than_one_charger_is_refused()
    {
        var file = Small();
        file = file with { ChargingAreas = [file.ChargingAreas[0] with { FeedKw = 3.5 }] };
        Assert.Contains(
            $"chargingAreas[0].feedKw: the feed (3.5 kW) is smaller than one charger: '{file.ChargingAreas[0].Chargers[0].Id}' draws 7 kW",
            ProblemsOf(file));
    }

    [Fact]
    public void A_charger_on_a_missing_space_is_refused()
    {
        var file = Small();
        var area = file.ChargingAreas[0];
        file = file with { ChargingAreas = [area with { Chargers = [area.Chargers[0] with { SpaceIds = ["G1-999"] }] }] };
        Assert.Contains("chargingAreas[0].chargers[0].spaceIds[0]: no space 'G1-999'", ProblemsOf(file));
    }

    [Fact]
    public void A_resident_with_a_wrong_plate_is_refused()
    {
        var file = Small();
        var person = file.People.First(p => p.Role == "resident");
        var index = file.People.ToList().IndexOf(person);
        file = file with { People = [.. file.People.Select((p, i) => i == index ? p with { Vehicles = [new VehicleEntry("AB-123")] } : p)] };
        Assert.Contains($"people[{index}].vehicles[0].plate: 'AB-123' is not a Chinese number plate", ProblemsOf(file));
    }

    [Fact]
    public void A_shelter_near_a_missing_building_is_refused()
    {
        var file = Small();
        file = file with { Shelters = [file.Shelters[0] with { NearBuildingId = "B42" }] };
        Assert.Contains("shelters[0].nearBuildingId: no building 'B42'", ProblemsOf(file));
    }

    [Fact]
    public void A_wrong_kind_and_version_are_caught_by_the_schema_at_their_place()
    {
        var file = Small();
        file = file with { Version = 2, Spaces = [.. file.Spaces.Select((s, i) => i == 4 ? s with { Kind = "huge" } : s)] };
        var problems = ProblemsOf(file);
        Assert.Contains(problems, p => p.StartsWith("version: ", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("spaces[4].kind: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Broken_json_names_its_line()
    {
        var read = CompoundFileReader.Read("{\n \"version\": 1,\n \"compound\": {\n}}}");
        Assert.Null(read.File);
        Assert.StartsWith("line 4: not valid JSON", read.Problems.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var file = Small();
        file = file with
        {
            Spaces = [.. file.Spaces.Select((s, i) => i == 0 ? s with { LotId = "G9" } : i == 1 ? s with { Position = new Point(-500, 0) } : s)],
            ChargingAreas = [file.ChargingAreas[0] with { FeedKw = 1 }],
            Households = [.. file.Households.Select((h, i) => i == 0 ? h with { AreaM2 = 0 } : h)],
        };
        var problems = ProblemsOf(file);
        Assert.Contains("spaces[0].lotId: no lot 'G9'", problems);
        Assert.Contains(problems, p => p.StartsWith("spaces[1].position: ", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("chargingAreas[0].feedKw: ", StringComparison.Ordinal));
        Assert.Contains("households[0].areaM2: area must be positive", problems);
    }

    [Fact]
    public void Households_and_spaces_may_come_as_csv_and_a_bad_row_names_its_line()
    {
        var file = Small();
        var lines = CompoundFileReader.WriteHouseholdsCsv(file.Households).Split('\n');
        // line 3 of the CSV is the second household (line 1 is the header)
        var cells = lines[2].Split(',');
        cells[3] = "-12.5";
        lines[2] = string.Join(',', cells);
        var csvFile = file with { Households = [], HouseholdsCsv = "households.csv", Spaces = [], SpacesCsv = "spaces.csv" };
        var siblings = new Dictionary<string, string>
        {
            ["households.csv"] = string.Join('\n', lines),
            ["spaces.csv"] = CompoundFileReader.WriteSpacesCsv(file.Spaces),
        };

        var problems = ProblemsOf(csvFile, name => siblings.GetValueOrDefault(name));
        Assert.Equal(["households.csv line 3 (areaM2): area must be positive"], problems);
    }

    [Fact]
    public void Csv_rows_give_the_same_layout_as_the_json_arrays()
    {
        var file = Small();
        var siblings = new Dictionary<string, string>
        {
            ["h.csv"] = CompoundFileReader.WriteHouseholdsCsv(file.Households),
            ["s.csv"] = CompoundFileReader.WriteSpacesCsv(file.Spaces),
        };
        var text = CompoundFileReader.Write(file with { Households = [], HouseholdsCsv = "h.csv", Spaces = [], SpacesCsv = "s.csv" });

        var read = CompoundFileReader.Read(text, name => siblings.GetValueOrDefault(name));
        Assert.Empty(read.Problems);
        Assert.Empty(CompoundFileRules.Validate(read.File!));
        Assert.Equal(
            JsonSerializer.Serialize(CompoundFileMapping.ToLayout(file), Compare),
            JsonSerializer.Serialize(CompoundFileMapping.ToLayout(read.File!), Compare));
    }

    [Fact]
    public void A_missing_csv_file_is_a_problem_of_the_field_that_names_it()
    {
        var text = CompoundFileReader.Write(Small() with { SpacesCsv = "nowhere.csv" });
        var read = CompoundFileReader.Read(text, _ => null);
        Assert.Contains("spacesCsv: no file 'nowhere.csv' beside the compound file", read.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_wgs84_file_is_projected_to_metres_and_its_outline_checked()
    {
        // A lot about 100 m by 100 m in Shanghai, a space in it and one 1 km away.
        var lot = new LotEntry("S1", "Surface", "surface")
        {
            Outline = [new(121.4700, 31.2300), new(121.4711, 31.2300), new(121.4711, 31.2309), new(121.4700, 31.2309)],
            Entrances = [new(121.4700, 31.2300)],
        };
        var file = new CompoundFile
        {
            Compound = new CompoundEntry("geo", "Geo Gardens"),
            Frame = CoordinateFrames.Wgs84,
            Buildings = [new BuildingEntry("B1", "One") { Position = new(121.4705, 31.2312) }],
            Lots = [lot],
            Spaces =
            [
                new SpaceEntry("S1-1", "S1", "standard", "common") { Position = new(121.4705, 31.2305) },
                new SpaceEntry("S1-2", "S1", "standard", "common") { Position = new(121.4805, 31.2305) },
            ],
        };

        Assert.Equal(["spaces[1].position: [121.4805, 31.2305] is outside the outline of lot 'S1'"], ProblemsOf(file));

        var layout = CompoundFileMapping.ToLayout(file with { Spaces = [file.Spaces[0]] });
        var space = layout.Lots[0].Spaces[0];
        Assert.InRange(space.Position!.Value.X, 47, 48);   // 0.0005° of longitude at 31.23° N is 47.6 m
        Assert.InRange(space.Position.Value.Y, 55, 56);    // 0.0005° of latitude is 55.3 m
        Assert.Equal(103, space.WalkOffsetMeters);
        Assert.Equal(180, layout.Lots[0].WalkMetersTo("B1"));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Parking.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Parking.sln not found above the test's folder.");
    }
}
