using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Parking.Silo;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// OpenTelemetry is registered only when OTEL_EXPORTER_OTLP_ENDPOINT says where to send it: with no endpoint the
/// silo holds no meter or tracer provider and nothing turns Orleans' instruments on; with one, metrics and traces
/// are both collected.
/// </summary>
public class TelemetryTests
{
    [Fact]
    public void With_no_endpoint_nothing_listens_to_the_meters()
    {
        // Given on the command line, empty, so that an endpoint in the environment cannot change the case.
        var builder = SettingsHost.Builder("--OTEL_EXPORTER_OTLP_ENDPOINT=");
        builder.AddParkingTelemetry();
        using var services = builder.Services.BuildServiceProvider();

        Assert.Null(services.GetService<MeterProvider>());
        Assert.Null(services.GetService<TracerProvider>());
        Assert.False(OrleansCounterIsListenedTo());
    }

    [Fact]
    public void With_an_endpoint_metrics_and_traces_are_collected()
    {
        // Port 9 (discard) on loopback: nothing is exported within the test, and a failed export on disposal is harmless.
        var builder = SettingsHost.Builder("--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9");
        builder.AddParkingTelemetry();
        using var services = builder.Services.BuildServiceProvider();

        Assert.NotNull(services.GetService<MeterProvider>());
        Assert.NotNull(services.GetService<TracerProvider>());
        Assert.True(OrleansCounterIsListenedTo());
    }

    /// <summary>Whether a counter on Orleans' meter would record: true only while some listener has enabled it.</summary>
    private static bool OrleansCounterIsListenedTo()
    {
        using var meter = new Meter("Microsoft.Orleans");
        return meter.CreateCounter<long>("parking-telemetry-test").Enabled;
    }
}
