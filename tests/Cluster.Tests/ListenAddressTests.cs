using System.Diagnostics;
using System.Globalization;
using System.Net;
using Parking.Cluster.Tests.Infrastructure;
using Parking.Testing;
using Xunit;

namespace Parking.Cluster.Tests;

/// <summary>
/// The ordinary ways of choosing where an ASP.NET Core app listens reach the real silo process: the
/// <c>ASPNETCORE_URLS</c> variable and the <c>--urls</c> argument (appsettings.json no longer overrides them).
/// The embedded default (no PostgreSQL) with the small demo compound, so each start takes seconds.
/// </summary>
public class ListenAddressTests
{
    [Fact]
    public async Task The_silo_listens_where_ASPNETCORE_URLS_says()
    {
        var address = LoopbackAddress();
        await AssertListensAsync(address, start => start.Environment["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/'));
    }

    [Fact]
    public async Task The_silo_listens_where_the_urls_argument_says()
    {
        var address = LoopbackAddress();
        await AssertListensAsync(address, start =>
        {
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        });
    }

    private static Uri LoopbackAddress() =>
        new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePorts.Next()}/"));

    private static async Task AssertListensAsync(Uri address, Action<ProcessStartInfo> choose)
    {
        await using var silo = EmbeddedSilo.Start(choose);
        var (process, output) = (silo.Process, silo.Output);
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(90);
        HttpStatusCode? status = null;
        while (DateTimeOffset.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/health/live", UriKind.Relative));
                status = response.StatusCode;
                break;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(250);
            }
        }

        Assert.True(status == HttpStatusCode.OK, $"no answer on {address}:\n{silo.Tail(40)}");
        Assert.Contains(output, line => line.Contains($"Parking is listening on {address.ToString().TrimEnd('/')}", StringComparison.Ordinal));
    }
}
