using Parking.Api.Endpoints;
using Parking.Domain.Scenarios;
using Parking.Domain.Seeding;
using Parking.Planning.Simulation;
using Xunit;

namespace Parking.Api.Tests.Scenarios;

/// <summary>
/// The report download writes its CSV from the API's own result shape; the command line writes the same tables
/// from the simulator's result. Both must stay the same file, byte for byte.
/// </summary>
public sealed class SimulationReportCsvTests
{
    private static SimulationResult Run(int seed) => Simulator.Run(SimulationInput.For(
        DemoCompoundGenerator.Generate(DemoCompoundSize.Small),
        ScenarioPolicies.Defaults(),
        null,
        DemandModel.Synthetic(),
        new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(8)),
        1,
        seed).Value!);

    [Fact]
    public void The_report_is_the_file_the_command_line_writes_for_one_run_and_for_a_comparison()
    {
        var first = Run(5);
        var second = Run(6);

        Assert.Equal(
            SimulationCsv.Write([("Today v0 run-1", first)]),
            SimulationReportCsv.Write(first.CompoundId, [("Today v0 run-1", first.ToDto())]));
        Assert.Equal(
            SimulationCsv.Write([("a", first), ("b, \"quoted\"", second)]),
            SimulationReportCsv.Write(first.CompoundId, [("a", first.ToDto()), ("b, \"quoted\"", second.ToDto())]));
    }
}
