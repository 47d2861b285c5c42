using System.CommandLine;
using System.Text.Json;
using Parking.Planning.Charging;
using Parking.Planning.Cli;
using Xunit;

namespace Parking.Planning.Tests.Charging;

public sealed class ChargingCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("plan-charging-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var root = new RootCommand { ChargingCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Solves_the_documented_example_and_writes_the_plan()
    {
        var example = Path.Combine(SharedData.RepositoryRoot(), "docs", "examples", "charging-instance.json");
        var planPath = Path.Combine(_folder.FullName, "plan.json");

        var (exit, output, _) = Run("charging", "--input", example, "--algorithm", "edf", "--output", planPath);

        Assert.Equal(0, exit);
        Assert.Contains("algorithm        edf", output, StringComparison.Ordinal);
        Assert.Contains("least share", output, StringComparison.Ordinal);
        using var plan = JsonDocument.Parse(File.ReadAllText(planPath));
        var sessions = plan.RootElement.GetProperty("sessions");
        Assert.Equal(InstanceFiles.ReadCharging(example).Requests.Count, sessions.GetArrayLength());
        Assert.Contains(sessions.EnumerateArray(), s => s.TryGetProperty("turn", out var turn) && turn.GetProperty("chargerId").GetString() is not null);
        Assert.All(sessions.EnumerateArray(), s => Assert.True(s.GetProperty("powerKw").GetArrayLength() > 0));
    }

    [Fact]
    public void Imports_an_acn_slice_then_plans_it()
    {
        var instancePath = Path.Combine(_folder.FullName, "acn.json");
        var import = Run("charging", "import-acn", "--input", SharedData.File("acn-caltech-2021-sessions.json"),
            "--from", "2021-06-01", "--days", "1", "--period", "15", "--site-kw", "20", "--output", instancePath);
        Assert.Equal(0, import.Exit);

        var (exit, output, _) = Run("charging", "--input", instancePath, "--algorithm", "online");

        Assert.Equal(0, exit);
        Assert.Contains("algorithm        online", output, StringComparison.Ordinal);
        var instance = InstanceFiles.ReadCharging(instancePath);
        Assert.Equal(96, instance.Periods);
        Assert.Equal(20, instance.SiteCapacityKw);
    }

    [Fact]
    public void Rejects_an_invalid_instance_with_the_field_and_reason()
    {
        var path = Path.Combine(_folder.FullName, "bad.json");
        InstanceFiles.WriteCharging(path, new ChargingInstance(Instances.Evening, 60, 4, [new ChargerSpec("C1", 7)], 7,
            [new ChargingRequest("a", 3, 2, 10, 7)]));

        var (exit, _, error) = Run("charging", "--input", path, "--algorithm", "fcfs");

        Assert.Equal(2, exit);
        Assert.Contains("requests: request a", error, StringComparison.Ordinal);
    }
}
