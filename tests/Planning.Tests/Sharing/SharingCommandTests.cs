using System.CommandLine;
using System.Text.Json;
using Parking.Planning.Cli;
using Parking.Planning.Sharing;
using Xunit;

namespace Parking.Planning.Tests.Sharing;

public sealed class SharingCommandTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("plan-sharing-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var root = new RootCommand { SharingCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static string Example() =>
        Path.Combine(RepositoryRoot(), "docs", "examples", "sharing-instance.json");

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Parking.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Parking.sln not found above the test binaries.");
    }

    [Fact]
    public void Runs_the_committed_example_and_writes_a_round_no_worse_than_greedy()
    {
        var input = Path.Combine(_temp.FullName, "instance.json");
        File.Copy(Example(), input);
        var result = Path.Combine(_temp.FullName, "result.json");

        var (exit, output, error) = Run("sharing", "--input", input, "--time-limit", "2", "--output", result);

        Assert.True(exit == 0, error);
        Assert.Contains("hours served", output, StringComparison.Ordinal);
        Assert.Contains("greedy FCFS", output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(result));
        var root = json.RootElement;
        Assert.Equal("Round", root.GetProperty("algorithm").GetString());
        Assert.True(root.GetProperty("metrics").GetProperty("hoursServed").GetDouble()
            >= root.GetProperty("greedyBaseline").GetProperty("hoursServed").GetDouble());
        var served = root.GetProperty("assignments").GetArrayLength();
        var unserved = root.GetProperty("unservedRequestIds").GetArrayLength();
        Assert.Equal(9, served + unserved);

        // Three spaces are open every weekday night (a shared private one, a common one, a visitor one): each
        // of the three month-long night requests gets one of them, whole, and no two share one.
        var instance = SharingJson.ReadInstance(File.ReadAllText(input));
        var round = SharingAllocator.Optimize(instance, new SharingSolveOptions(TimeSpan.FromSeconds(2)));
        string?[] nights = [round.SpaceOf("q001"), round.SpaceOf("q003"), round.SpaceOf("q004")];
        Assert.All(nights, Assert.NotNull);
        Assert.Equal(3, nights.Distinct().Count());
        Assert.Empty(SharingChecks.Violations(instance, round));
    }

    [Fact]
    public void Greedy_algorithm_and_zero_budget_give_the_same_round()
    {
        var greedyFile = Path.Combine(_temp.FullName, "greedy.json");
        var zeroFile = Path.Combine(_temp.FullName, "zero.json");

        Assert.Equal(0, Run("sharing", "--input", Example(), "--algorithm", "greedy", "--output", greedyFile).Exit);
        Assert.Equal(0, Run("sharing", "--input", Example(), "--time-limit", "0", "--output", zeroFile).Exit);

        using var greedy = JsonDocument.Parse(File.ReadAllText(greedyFile));
        using var zero = JsonDocument.Parse(File.ReadAllText(zeroFile));
        Assert.Equal("Fallback", zero.RootElement.GetProperty("status").GetString());
        Assert.Equal(
            greedy.RootElement.GetProperty("assignments").GetRawText(),
            zero.RootElement.GetProperty("assignments").GetRawText());
    }

    [Fact]
    public void A_bad_instance_fails_with_the_field_that_is_wrong()
    {
        var input = Path.Combine(_temp.FullName, "bad.json");
        File.WriteAllText(input, """
            { "lots": {}, "supply": [], "requests": [
              { "id": "q1", "householdId": "H1", "weekly": [ { "from": "2026-12-01", "to": "2026-12-31", "days": ["Funday"], "start": "19:00", "end": "07:30" } ] } ] }
            """);

        var (exit, _, error) = Run("sharing", "--input", input);

        Assert.Equal(1, exit);
        Assert.Contains("requests[0].weekly[0].days", error, StringComparison.Ordinal);
    }
}
