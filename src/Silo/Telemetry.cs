using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Parking.Silo;

public static class Telemetry
{
    /// <summary>
    /// Metrics (Orleans' own meter, ASP.NET Core, the runtime) and traces through OpenTelemetry. They are
    /// exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; without it metrics are still
    /// collected (for in-process readers) and traces are off.
    /// </summary>
    public static WebApplicationBuilder AddParkingTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddMeter("Microsoft.Orleans").AddAspNetCoreInstrumentation().AddRuntimeInstrumentation();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });

        // Traces cost an activity per request and per grain call: collect them only when they go somewhere.
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter());
        }

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
