using System.Globalization;
using Parking.Cluster.Tests.Infrastructure;
using Parking.Testing;
using Xunit;

namespace Parking.Cluster.Tests;

/// <summary>
/// The README's first command with a setting that is not valid: the silo process stops before anything starts, says
/// which key and why on its error output, and exits with code 2, as a command-line tool does. Before, the check's
/// exception escaped <c>Main</c>: "Unhandled exception", a stack trace and an abort (exit 134).
/// </summary>
public class SettingsRefusedTests
{
    [Theory]
    // Checked while the host is composed (the broker's port decides what is registered).
    [InlineData("--Parking:Mqtt:Port=70000", "Parking:Mqtt:Port")]
    [InlineData("--Parking:Cluster:GatewayPort=0", "Parking:Cluster:GatewayPort")]
    // Checked as the host starts (ValidateOnStart).
    [InlineData("--Parking:Limits:UserBurst=0", "Parking:Limits:UserBurst")]
    public async Task A_setting_that_is_not_valid_stops_the_silo_naming_the_key_with_exit_code_2(string setting, string key)
    {
        await using var silo = EmbeddedSilo.Start(start =>
        {
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePorts.Next()}"));
            start.ArgumentList.Add(setting);
        });

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await silo.Process.WaitForExitAsync(wait.Token);
        silo.Process.WaitForExit();

        Assert.True(silo.Process.ExitCode == 2, $"exit code {silo.Process.ExitCode}:\n{silo.Tail()}");
        Assert.Contains(silo.Output, l => l.Contains("Parking did not start: a setting is not valid", StringComparison.Ordinal));
        Assert.Contains(silo.Output, l => l.TrimStart().StartsWith(key, StringComparison.Ordinal));
        Assert.DoesNotContain(silo.Output, l => l.Contains("Unhandled exception", StringComparison.Ordinal));
        Assert.DoesNotContain(silo.Output, l => l.Contains("Parking is listening on", StringComparison.Ordinal));
    }
}
