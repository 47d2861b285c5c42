using Parking.Silo;
using Xunit;

namespace Parking.Api.Tests.Compounds;

/// <summary>The silo's <c>export</c> command: the file the API answers, written whole or not at all.</summary>
public sealed partial class CompoundImportApiTests
{
    [Fact]
    public async Task The_export_command_writes_the_file_the_API_answers_and_leaves_a_file_alone_when_it_cannot_export()
    {
        const string Compound = "export-command";
        await ImportOk(OwnPeople(Compound, "xc-"), dryRun: false, expectedVersion: 0);
        var folder = Directory.CreateTempSubdirectory("parking-export-");
        try
        {
            var path = Path.Combine(folder.FullName, "out.json");
            var (output, errors) = (new StringWriter(), new StringWriter());
            Assert.Equal(0, await ExportCommand.WriteAsync(_host.Factory.Services, Compound, path, output, errors));
            Assert.Equal("", errors.ToString());
            Assert.Contains($"Exported '{Compound}' to {path}", output.ToString(), StringComparison.Ordinal);
            var (text, _) = await ExportOk(Compound, "xc-staff01");
            Assert.Equal(text, await File.ReadAllTextAsync(path));

            // A compound with no layout: exit code 1 naming it, and the file already there stays as it was.
            (output, errors) = (new StringWriter(), new StringWriter());
            Assert.Equal(1, await ExportCommand.WriteAsync(_host.Factory.Services, "export-nowhere", path, output, errors));
            Assert.Contains("no compound 'export-nowhere'", errors.ToString(), StringComparison.Ordinal);
            Assert.Equal(text, await File.ReadAllTextAsync(path));

            // A place the file cannot be written: exit code 1 naming the path, nothing left behind.
            var unwritable = Path.Combine(folder.FullName, "no-such-folder", "out.json");
            (output, errors) = (new StringWriter(), new StringWriter());
            Assert.Equal(1, await ExportCommand.WriteAsync(_host.Factory.Services, Compound, unwritable, output, errors));
            Assert.Contains($"Not exported: {unwritable}", errors.ToString(), StringComparison.Ordinal);
            Assert.Equal(["out.json"], folder.GetFiles().Select(f => f.Name));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(new string[0], null, null, 0)]
    [InlineData(new[] { "c1" }, "c1", "c1.json", 0)]
    [InlineData(new[] { "c1", "out/c1.json", "--urls", "http://127.0.0.1:0" }, "c1", "out/c1.json", 2)]
    [InlineData(new[] { "c1", "a.json", "b.json" }, null, null, 0)]
    [InlineData(new[] { "--Parking:Seed:Enabled=false" }, null, null, 0)]
    public void The_export_command_line_names_the_compound_then_the_file_and_leaves_the_rest_to_the_silo(string[] args, string? compound, string? path, int hostArgs)
    {
        var parsed = ExportCommand.Parse(args);
        Assert.Equal(compound, parsed?.CompoundId);
        Assert.Equal(path, parsed?.Path);
        Assert.Equal(hostArgs, parsed?.HostArgs.Length ?? 0);
    }
}
