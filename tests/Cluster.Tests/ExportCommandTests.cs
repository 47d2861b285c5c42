using System.Net;
using Parking.Cluster.Tests.Infrastructure;
using Parking.Contracts;
using Xunit;

namespace Parking.Cluster.Tests;

/// <summary>
/// <c>dotnet run --project src/Silo -- export COMPOUND FILE</c> against a running deployment on PostgreSQL: a second
/// process joins the cluster, writes the compound as the running silo has it (staff edits included), and stops.
/// </summary>
public class ExportCommandTests
{
    [Fact]
    public async Task The_export_command_joins_the_cluster_and_writes_the_compound_the_running_silo_answers()
    {
        await using var harness = await ClusterHarness.CreateAsync("export");
        var silo = (await harness.StartSilosAsync(1))[0];
        var staff = "staff01";
        await harness.Api.TokenAsync(silo.BaseAddress, staff);

        // Staff change the live compound first, so a file made from a fresh seed could not pass for the export.
        using (var put = await harness.Api.SendAsync(silo.BaseAddress, HttpMethod.Put, ParkingApi.CompoundPath("charging/areas/CA-G1/site-capacity"), staff, new SiteCapacityBody(33)))
        {
            Assert.True(put.IsSuccessStatusCode, $"{(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        }

        string live;
        using (var get = await harness.Api.SendAsync(silo.BaseAddress, HttpMethod.Get, ParkingApi.CompoundPath("file"), staff))
        {
            live = await get.Content.ReadAsStringAsync();
            Assert.True(get.StatusCode == HttpStatusCode.OK, $"{(int)get.StatusCode} {live}");
        }

        Assert.Contains("\"feedKw\": 33", live, StringComparison.Ordinal);

        var path = Path.Combine(harness.LogDirectory, ParkingApi.Compound + ".json");
        await using var export = SiloProcess.Start("export", harness.ConnectionString, harness.LogDirectory, "export", ParkingApi.Compound, path);
        var exitCode = await export.WaitForExitAsync(ClusterHarness.ReadyTimeout);

        Assert.True(exitCode == 0, $"the export exited with {(exitCode is null ? "nothing (still running)" : $"code {exitCode}")}\n{export.Tail()}");
        Assert.Contains($"Exported '{ParkingApi.Compound}' to {path}", export.Tail(), StringComparison.Ordinal);
        Assert.Equal(live, await File.ReadAllTextAsync(path));
    }
}
