using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Serialization;
using Parking.Domain.Scenarios;
using Parking.Grains.Scenarios;
using Xunit;

namespace Parking.Grains.Tests.Scenarios;

/// <summary>
/// Builds before the run status became an enum stored it as a lower-case name under Id(8). State written
/// then (in PostgreSQL, through the same serializer) must still load, with the status it had.
/// </summary>
public sealed class StoredRunStatusTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly).AddAssembly(typeof(EarlierRunSummary).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    [Theory]
    [InlineData("queued", SimulationRunStatus.Queued)]
    [InlineData("running", SimulationRunStatus.Running)]
    [InlineData("completed", SimulationRunStatus.Completed)]
    [InlineData("cancelled", SimulationRunStatus.Cancelled)]
    [InlineData("failed", SimulationRunStatus.Failed)]
    public void A_summary_stored_with_the_status_name_loads_with_that_status(string stored, SimulationRunStatus expected)
    {
        var old = new EarlierRunSummary(
            "c1", "run-1", "live", 0, "Today", 7, 42, new SimulationDemandSettings(SimulationDemandSettings.Synthetic),
            stored, "staff01", At, At.AddMinutes(3), 7, 1, "note");

        var read = Serializer.Deserialize<SimulationRunSummary>(Serializer.SerializeToArray(old))!;

        Assert.Equal(expected, read.Status);
        Assert.Equal(("c1", "run-1", "live", 7, 42, "staff01", 7, "note"), (read.CompoundId, read.RunId, read.ScenarioId, read.Days, read.Seed, read.StartedBy, read.DaysDone, read.Note));
        Assert.Equal(expected.IsFinal(), read.Status.IsFinal());
    }

    [Fact]
    public void A_loaded_summary_moves_on_and_stores_the_enum()
    {
        var old = new EarlierRunSummary(
            "c1", "run-2", "live", 0, "Today", 7, 42, new SimulationDemandSettings(SimulationDemandSettings.Synthetic),
            "running", "staff01", At, null, 3, 0.4, null);
        var loaded = Serializer.Deserialize<SimulationRunSummary>(Serializer.SerializeToArray(old))!;

        var finished = loaded with { Status = SimulationRunStatus.Completed };
        var again = Serializer.Deserialize<SimulationRunSummary>(Serializer.SerializeToArray(finished))!;

        Assert.Equal(SimulationRunStatus.Running, loaded.Status);
        Assert.Equal(SimulationRunStatus.Completed, again.Status);
    }
}

/// <summary>The summary's shape as earlier builds stored it: the status a string under Id(8).</summary>
[GenerateSerializer]
public sealed record EarlierRunSummary(
    [property: Id(0)] string CompoundId,
    [property: Id(1)] string RunId,
    [property: Id(2)] string ScenarioId,
    [property: Id(3)] int Version,
    [property: Id(4)] string ScenarioName,
    [property: Id(5)] int Days,
    [property: Id(6)] int Seed,
    [property: Id(7)] SimulationDemandSettings Demand,
    [property: Id(8)] string Status,
    [property: Id(9)] string StartedBy,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset? FinishedAt,
    [property: Id(12)] int DaysDone,
    [property: Id(13)] double Fraction,
    [property: Id(14)] string? Note);
