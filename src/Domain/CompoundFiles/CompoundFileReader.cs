using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Json.Schema;

namespace Parking.Domain.CompoundFiles;

/// <summary>What reading a compound file gave: the file, or every problem found in its shape.</summary>
public sealed record CompoundFileReadResult(CompoundFile? File, IReadOnlyList<CompoundFileProblem> Problems)
{
    public bool IsSuccess => File is not null && Problems.Count == 0;
}

/// <summary>
/// Turns the text of a compound file (and of the CSV files it names) into a <see cref="CompoundFile"/>. The shape
/// is checked against the published JSON Schema first; business rules come after, in <see cref="CompoundFileRules"/>.
/// Pure: the caller reads the files and hands over their text.
/// </summary>
public static class CompoundFileReader
{
    public const string HouseholdsCsvHeader = "id,buildingId,unit,areaM2,owners";
    public const string SpacesCsvHeader = "id,lotId,label,kind,ownership,ownerHouseholdId,x,y,heading";

    /// <summary>The spaces' header with the optional service column (<c>true</c>, <c>false</c> or empty: as live).</summary>
    public const string SpacesCsvHeaderWithService = SpacesCsvHeader + ",outOfService";

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,

        // Files are read by people (names and plates in Chinese), never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private static readonly Lazy<JsonSchema> Schema = new(LoadSchema);

    /// <summary>The JSON Schema of version 1, as published in docs/compound-file.schema.json.</summary>
    public static string SchemaText { get; } = ReadSchemaText();

    /// <param name="json">The compound file's text.</param>
    /// <param name="readSibling">Gives the text of a file named in it (<c>householdsCsv</c>), or null when there is none.</param>
    public static CompoundFileReadResult Read(string json, Func<string, string?>? readSibling = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? (l + 1).ToString(CultureInfo.InvariantCulture) : "?";
            return new(null, [new CompoundFileProblem($"line {line}", "not valid JSON: " + FirstSentence(e.Message))]);
        }

        using (document)
        {
            var problems = SchemaProblems(document.RootElement);
            if (problems.Count > 0)
            {
                return new(null, problems);
            }

            var file = document.RootElement.Deserialize<CompoundFile>(JsonOptions)!;
            var csvProblems = new List<CompoundFileProblem>();
            if (file.HouseholdsCsv is { } householdsCsv)
            {
                var text = readSibling?.Invoke(householdsCsv);
                if (text is null)
                {
                    csvProblems.Add(new("householdsCsv", $"no file '{householdsCsv}' beside the compound file"));
                }
                else
                {
                    file = file with { Households = [.. file.Households, .. ReadHouseholdsCsv(householdsCsv, text, csvProblems)] };
                }
            }

            if (file.SpacesCsv is { } spacesCsv)
            {
                var text = readSibling?.Invoke(spacesCsv);
                if (text is null)
                {
                    csvProblems.Add(new("spacesCsv", $"no file '{spacesCsv}' beside the compound file"));
                }
                else
                {
                    file = file with { Spaces = [.. file.Spaces, .. ReadSpacesCsv(spacesCsv, text, csvProblems)] };
                }
            }

            return new(file, csvProblems);
        }
    }

    /// <summary>The canonical JSON text of a file, as the exporter and the demo generator write it.</summary>
    public static string Write(CompoundFile file, bool indented = false) =>
        JsonSerializer.Serialize(file, indented ? IndentedOptions : JsonOptions);

    private static readonly JsonSerializerOptions IndentedOptions = new(JsonOptions) { WriteIndented = true };

    /// <summary>Schema problems, each at its place in the file (<c>spaces[3].kind</c>).</summary>
    public static IReadOnlyList<CompoundFileProblem> SchemaProblems(JsonElement root)
    {
        // A flag evaluation stops at the first failure and collects nothing: most files are valid, and the
        // full list of places is worth its cost only for one that is not.
        if (Schema.Value.Evaluate(root, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid)
        {
            return [];
        }

        var results = Schema.Value.Evaluate(root, new EvaluationOptions { OutputFormat = OutputFormat.List });

        var problems = new List<CompoundFileProblem>();
        foreach (var detail in results.Details ?? [])
        {
            if (detail.Errors is not { Count: > 0 } errors)
            {
                continue;
            }

            var place = PlaceOf(detail.InstanceLocation.ToString());
            foreach (var (keyword, message) in errors)
            {
                // A branch that failed only because a nested one failed says nothing new.
                if (keyword is "$ref" or "allOf" or "items" or "properties" or "prefixItems")
                {
                    continue;
                }

                problems.Add(new CompoundFileProblem(place, message));
            }
        }

        return problems.Count > 0 ? problems.Distinct().ToList() : [new CompoundFileProblem("(file)", "does not match the compound file schema")];
    }

    /// <summary>Households from CSV: <c>id,buildingId,unit,areaM2,owners</c>, owners separated by ';'.</summary>
    public static IEnumerable<HouseholdEntry> ReadHouseholdsCsv(string name, string text, List<CompoundFileProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        foreach (var (line, cells) in CsvRows(name, text, [HouseholdsCsvHeader], problems))
        {
            var origin = $"{name} line {line}";
            if (cells.Count is < 4 or > 5)
            {
                problems.Add(new(origin, $"expected the columns {HouseholdsCsvHeader}, found {cells.Count}"));
                continue;
            }

            if (!decimal.TryParse(cells[3], NumberStyles.Number, CultureInfo.InvariantCulture, out var area))
            {
                problems.Add(new(origin, $"areaM2 '{cells[3]}' is not a number"));
                continue;
            }

            var owners = cells.Count > 4 && cells[4].Length > 0
                ? cells[4].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : null;
            yield return new HouseholdEntry(cells[0], cells[1], cells[2], area) { Owners = owners, Origin = origin };
        }
    }

    /// <summary>Spaces from CSV: <c>id,lotId,label,kind,ownership,ownerHouseholdId,x,y,heading</c>, and optionally <c>outOfService</c>.</summary>
    public static IEnumerable<SpaceEntry> ReadSpacesCsv(string name, string text, List<CompoundFileProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        foreach (var (line, cells) in CsvRows(name, text, [SpacesCsvHeader, SpacesCsvHeaderWithService], problems))
        {
            var origin = $"{name} line {line}";
            if (cells.Count is < 8 or > 10)
            {
                problems.Add(new(origin, $"expected the columns {SpacesCsvHeader} (and outOfService), found {cells.Count}"));
                continue;
            }

            if (!double.TryParse(cells[6], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                || !double.TryParse(cells[7], NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
            {
                problems.Add(new(origin, $"x and y must be numbers, found '{cells[6]}' and '{cells[7]}'"));
                continue;
            }

            double? heading = null;
            if (cells.Count > 8 && cells[8].Length > 0)
            {
                if (!double.TryParse(cells[8], NumberStyles.Float, CultureInfo.InvariantCulture, out var h))
                {
                    problems.Add(new(origin, $"heading '{cells[8]}' is not a number"));
                    continue;
                }

                heading = h;
            }

            bool? outOfService = null;
            if (cells.Count > 9 && cells[9].Length > 0)
            {
                if (!bool.TryParse(cells[9], out var blocked))
                {
                    problems.Add(new($"{origin} (outOfService)", $"'{cells[9]}' is not true or false (leave it empty to keep the space as it is live)"));
                    continue;
                }

                outOfService = blocked;
            }

            yield return new SpaceEntry(cells[0], cells[1], cells[3], cells[4])
            {
                Label = cells[2].Length > 0 ? cells[2] : null,
                OwnerHouseholdId = cells[5].Length > 0 ? cells[5] : null,
                Position = new Layout.Point(x, y),
                Heading = heading,
                OutOfService = outOfService,
                Origin = origin,
            };
        }
    }

    /// <summary>Households as CSV with its header, the form staff keep in spreadsheets.</summary>
    public static string WriteHouseholdsCsv(IEnumerable<HouseholdEntry> households)
    {
        ArgumentNullException.ThrowIfNull(households);
        var text = new StringBuilder(HouseholdsCsvHeader).Append('\n');
        foreach (var h in households)
        {
            text.Append(Cell(h.Id)).Append(',').Append(Cell(h.BuildingId)).Append(',').Append(Cell(h.Unit)).Append(',')
                .Append(h.AreaM2.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Cell(string.Join(';', h.Owners ?? []))).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Spaces as CSV with its header; the service column only when some space's service is given.</summary>
    public static string WriteSpacesCsv(IEnumerable<SpaceEntry> spaces)
    {
        ArgumentNullException.ThrowIfNull(spaces);
        var all = spaces.ToList();
        var service = all.Any(s => s.OutOfService is not null);
        var text = new StringBuilder(service ? SpacesCsvHeaderWithService : SpacesCsvHeader).Append('\n');
        foreach (var s in all)
        {
            text.Append(Cell(s.Id)).Append(',').Append(Cell(s.LotId)).Append(',').Append(Cell(s.Label ?? string.Empty)).Append(',')
                .Append(s.Kind).Append(',').Append(s.Ownership).Append(',').Append(Cell(s.OwnerHouseholdId ?? string.Empty)).Append(',')
                .Append(s.Position.X.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(s.Position.Y.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(s.Heading?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
            if (service)
            {
                text.Append(',').Append(s.OutOfService is { } blocked ? (blocked ? "true" : "false") : string.Empty);
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string Cell(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>Rows after the header with their 1-based line numbers; quoted cells may hold commas and doubled quotes.</summary>
    private static IEnumerable<(int Line, List<string> Cells)> CsvRows(string name, string text, string[] headers, List<CompoundFileProblem> problems)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var first = lines.Length > 0 ? lines[0].TrimStart('\uFEFF').Trim() : string.Empty;
        if (!headers.Any(h => string.Equals(first.Replace(" ", string.Empty, StringComparison.Ordinal), h, StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add(new($"{name} line 1", $"the header must be {string.Join(" or ", headers)}"));
            yield break;
        }

        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0)
            {
                continue;
            }

            var cells = SplitCsvLine(lines[i], out var ok);
            if (!ok)
            {
                problems.Add(new($"{name} line {i + 1}", "a quoted cell is not closed"));
                continue;
            }

            yield return (i + 1, cells);
        }
    }

    private static List<string> SplitCsvLine(string line, out bool ok)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString().Trim());
        ok = !quoted;
        return cells;
    }

    /// <summary>A JSON pointer (<c>/spaces/412/lotId</c>) as people write it (<c>spaces[412].lotId</c>).</summary>
    public static string PlaceOf(string jsonPointer)
    {
        if (string.IsNullOrEmpty(jsonPointer) || jsonPointer == "/" || jsonPointer == "#")
        {
            return "(file)";
        }

        var place = new StringBuilder();
        foreach (var raw in jsonPointer.TrimStart('#').TrimStart('/').Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                place.Append('[').Append(token).Append(']');
            }
            else
            {
                if (place.Length > 0)
                {
                    place.Append('.');
                }

                place.Append(token);
            }
        }

        return place.ToString();
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    private static string ReadSchemaText()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("compound-file.schema.json")
            ?? throw new InvalidOperationException("The compound file schema is not embedded in Parking.Domain.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static JsonSchema LoadSchema() => JsonSchema.FromText(SchemaText);
}
