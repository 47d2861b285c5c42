using Microsoft.AspNetCore.Builder;
using Parking.Api;
using Parking.Silo;

namespace Parking.Api.Tests;

/// <summary>
/// Hosts composed from command-line arguments alone, as the silo's Program composes them, for the tests of the
/// settings each layer binds and checks (<see cref="ApiSettingsTests"/>, <see cref="SiloSettingsTests"/>,
/// <see cref="ClusterTimingSettingsTests"/>): one place for how a test host is made.
/// </summary>
internal static class SettingsHost
{
    /// <summary>A builder that reads <paramref name="args"/> (<c>--Section:Key=value</c>) over the usual configuration sources.</summary>
    public static WebApplicationBuilder Builder(params string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });

    /// <summary>The API's settings bound and checked (see <c>AddApiSettings</c>), listening on a free loopback port.</summary>
    public static WebApplication WithApiSettings(params string[] args)
    {
        var builder = Builder([.. args, "--urls=http://127.0.0.1:0"]);
        builder.AddApiSettings();
        return builder.Build();
    }

    /// <summary>The silo's settings bound and checked (see <c>AddSiloSettings</c>); a value refused as it is composed throws here.</summary>
    public static WebApplicationBuilder WithSiloSettings(params string[] args)
    {
        var builder = Builder(args);
        builder.AddSiloSettings();
        return builder;
    }
}
