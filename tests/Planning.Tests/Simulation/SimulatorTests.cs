using System.Text.Json;
using Parking.Domain.Scenarios;
using Parking.Domain.Seeding;
using Parking.Planning.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace Parking.Planning.Tests.Simulation;

public sealed class SimulatorTests(ITestOutputHelper output)
{
    /// <summary>A Monday, local midnight in Shanghai.</summary>
    internal static readonly DateTimeOffset Monday = new(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(8));

    internal static SimulationInput SmallInput(int seed, int days = 3, ScenarioDefinition? scenario = null) =>
        SimulationInput.For(
            DemoCompoundGenerator.Generate(DemoCompoundSize.Small),
            ScenarioPolicies.Defaults(),
            scenario,
            DemandModel.Synthetic(),
            Monday,
            days,
            seed).Value!;

    [Fact]
    public void Same_seed_gives_an_identical_result_and_another_seed_a_different_one()
    {
        var first = JsonSerializer.Serialize(Simulator.Run(SmallInput(7)));
        var again = JsonSerializer.Serialize(Simulator.Run(SmallInput(7)));
        var other = JsonSerializer.Serialize(Simulator.Run(SmallInput(8)));
        output.WriteLine(first);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }
}
