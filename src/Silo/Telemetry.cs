using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Parking.Silo;

public static class Telemetry
{
    /// <summary>
    /// Metrics (Orleans' own meter, ASP.NET Core, the runtime) and traces through OpenTelemetry, exported over OTLP
    /// when OTEL_EXPORTER_OTLP_ENDPOINT is set. Without it neither is registered: nothing in the process reads them
    /// (health checks, tests and the benches do not), and a meter provider with no exporter only added a listener
    /// and a hosted service that turned no instrument on. `dotnet-counters` still sees the meters without it, since
    /// the runtime enables them only while it listens.
    /// </summary>
    public static WebApplicationBuilder AddParkingTelemetry(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter("Microsoft.Orleans")
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddOtlpExporter())
            .WithTracing(tracing => tracing
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter());

        return builder;
    }

    /// <summary>Says where the platform listens once the server is up (the default log line is easy to miss).</summary>
    public static WebApplication AnnounceAddresses(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var url in app.Urls)
            {
                Console.WriteLine($"Parking is listening on {url}  (OpenAPI: {url}/openapi/v1.json, health: {url}/health/ready)");
            }
        });
        return app;
    }
}
